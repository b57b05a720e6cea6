// Contacts' organisational levels and reporting lines through the public API
// (docs/domain.md §4: relationships at several levels): a three-level org
// chart, the refusals of reports_to (another account, malformed, missing,
// deleted, itself, a cycle), what deleting a manager does, and the coverage
// per level the export carries to scoring, kept through every contact write.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/account/account_client.h"

namespace kam::testing {
namespace {

const StandardMethods kContacts(Accounts, &AccountApi::GetContact, &AccountApi::UpdateContact,
                                &AccountApi::DeleteContact, &AccountApi::UndeleteContact);

Reply<v1::Contact> NewContact(const std::string& account, const std::string& display_name,
                              v1::ContactLevel level, const std::string& reports_to = "") {
  v1::CreateContactRequest request;
  request.set_parent(account);
  request.set_request_id(Unique("org"));
  request.mutable_contact()->set_display_name(display_name);
  request.mutable_contact()->set_org_level(level);
  request.mutable_contact()->set_reports_to(reports_to);
  return Call(&AccountApi::CreateContact, request);
}

v1::Contact Contact(const std::string& account, const std::string& display_name,
                    v1::ContactLevel level, const std::string& reports_to = "") {
  return OkValue(NewContact(account, display_name, level, reports_to));
}

Reply<v1::Contact> ReportTo(const v1::Contact& contact, const std::string& manager) {
  v1::Contact patch = Patch<v1::Contact>(contact.name());
  patch.set_reports_to(manager);
  return kContacts.Update(patch, {"reports_to"});
}

// The account's live contacts per level as the export carries them:
// "executive/management/front line of all".
std::string Coverage(const std::string& account) {
  v1::ExportAccountsRequest request;
  const int64_t id = std::stoll(account.substr(9));
  if (id > 1) request.set_start_after(absl::StrCat("accounts/", id - 1));
  request.set_page_size(1);
  auto stub = v1::AccountExportService::NewStub(
      grpc::CreateChannel(Suite().account_address(), grpc::InsecureChannelCredentials()));
  auto context = Context();
  auto reader = stub->ExportAccounts(context.get(), request);
  v1::ExportAccountsResponse page;
  std::string coverage = "missing";
  if (reader->Read(&page) && page.accounts_size() == 1 && page.accounts(0).name() == account) {
    const v1::AccountSnapshot& a = page.accounts(0);
    coverage = absl::StrCat(a.executive_contact_count(), "/", a.management_contact_count(), "/",
                            a.front_line_contact_count(), " of ", a.contact_count());
  }
  while (reader->Read(&page)) {
  }
  EXPECT_OK(reader->Finish());
  return coverage;
}

TEST(ContactLevels, ThreeLevelsReportingUpAndCoveredInTheExport) {
  const v1::Account account = CreateAccount(Accounts(), Unique("Org"));
  EXPECT_EQ(Coverage(account.name()), "0/0/0 of 0");
  const v1::Contact ceo = Contact(account.name(), "Chen Jie", v1::CONTACT_LEVEL_EXECUTIVE);
  const v1::Contact cio =
      Contact(account.name(), "Li Wei", v1::CONTACT_LEVEL_MANAGEMENT, ceo.name());
  const v1::Contact engineer =
      Contact(account.name(), "Wang Fang", v1::CONTACT_LEVEL_FRONT_LINE, cio.name());
  EXPECT_EQ(ceo.reports_to(), "");
  EXPECT_EQ(cio.reports_to(), ceo.name());
  const v1::Contact read = OkValue(kContacts.Get(engineer.name()));
  EXPECT_EQ(read.org_level(), v1::CONTACT_LEVEL_FRONT_LINE);
  EXPECT_EQ(read.reports_to(), cio.name());
  EXPECT_TRUE(Same(read, engineer));
  EXPECT_EQ(Coverage(account.name()), "1/1/1 of 3");

  // A second front-line contact adds a head, not a level.
  Contact(account.name(), "Zhao Lei", v1::CONTACT_LEVEL_FRONT_LINE, cio.name());
  // A contact without a level counts as a head and covers no level.
  Contact(account.name(), "Sun Li", v1::CONTACT_LEVEL_UNSPECIFIED);
  EXPECT_EQ(Coverage(account.name()), "1/1/2 of 5");
}

TEST(ContactLevels, ReportsToIsRefusedUnlessALiveContactOfTheSameAccountWithoutACycle) {
  const v1::Account account = CreateAccount(Accounts(), Unique("Org"));
  const v1::Account other = CreateAccount(Accounts(), Unique("Other"));
  const v1::Contact stranger = Contact(other.name(), "Zhou Min", v1::CONTACT_LEVEL_EXECUTIVE);
  const v1::Contact ceo = Contact(account.name(), "Chen Jie", v1::CONTACT_LEVEL_EXECUTIVE);
  const v1::Contact cio =
      Contact(account.name(), "Li Wei", v1::CONTACT_LEVEL_MANAGEMENT, ceo.name());
  const v1::Contact engineer =
      Contact(account.name(), "Wang Fang", v1::CONTACT_LEVEL_FRONT_LINE, cio.name());
  const std::string missing = absl::StrCat(account.name(), "/contacts/999999999");

  // On create.
  const grpc::Status across =
      NewContact(account.name(), "Xu Jun", v1::CONTACT_LEVEL_MANAGEMENT, stranger.name()).status;
  EXPECT_TRUE(IsInvalidField(across, "contact.reports_to"));
  EXPECT_EQ(across.error_message(),
            absl::StrCat("contact.reports_to must name a contact of the same account ",
                         account.name(), " (got ", stranger.name(), ")"));
  EXPECT_TRUE(IsInvalidField(
      NewContact(account.name(), "Xu Jun", v1::CONTACT_LEVEL_MANAGEMENT, "Chen Jie").status,
      "contact.reports_to"));
  EXPECT_TRUE(HasCodeMentioning(
      NewContact(account.name(), "Xu Jun", v1::CONTACT_LEVEL_MANAGEMENT, missing).status,
      grpc::StatusCode::NOT_FOUND, absl::StrCat("contact.reports_to ", missing, " not found")));
  EXPECT_TRUE(
      IsInvalidField(NewContact(account.name(), "Xu Jun", static_cast<v1::ContactLevel>(7)).status,
                     "contact.org_level"));

  // On update: itself, and a cycle (the CEO under the engineer who reports
  // to the CIO who reports to the CEO).
  EXPECT_TRUE(HasCodeMentioning(ReportTo(ceo, ceo.name()).status,
                                grpc::StatusCode::FAILED_PRECONDITION, "cannot report to itself"));
  const grpc::Status cycle = ReportTo(ceo, engineer.name()).status;
  EXPECT_TRUE(
      HasCodeMentioning(cycle, grpc::StatusCode::FAILED_PRECONDITION, "would make a cycle"));
  EXPECT_EQ(cycle.error_message(),
            absl::StrCat("contact.reports_to: ", ceo.name(), " reporting to ", engineer.name(),
                         " would make a cycle: ", engineer.name(), " already reports to ",
                         ceo.name(), ", directly or through others"));
  EXPECT_TRUE(IsInvalidField(ReportTo(cio, stranger.name()).status, "contact.reports_to"));
  EXPECT_TRUE(Same(OkValue(kContacts.Get(ceo.name())), ceo));  // nothing changed

  // Moving the engineer up to report to the CEO directly is fine; clearing
  // the line too.
  EXPECT_EQ(OkValue(ReportTo(engineer, ceo.name())).reports_to(), ceo.name());
  EXPECT_EQ(OkValue(ReportTo(engineer, "")).reports_to(), "");

  // In a batch, the bad item is named and nothing is written.
  v1::BatchCreateContactsRequest batch;
  batch.set_parent(account.name());
  for (const std::string& manager : {ceo.name(), stranger.name()}) {
    v1::CreateContactRequest* item = batch.add_requests();
    item->set_request_id(Unique("org-batch"));
    item->mutable_contact()->set_display_name("Batch");
    item->mutable_contact()->set_org_level(v1::CONTACT_LEVEL_FRONT_LINE);
    item->mutable_contact()->set_reports_to(manager);
  }
  EXPECT_TRUE(IsInvalidField(Call(&AccountApi::BatchCreateContacts, batch).status,
                             "requests[1].contact.reports_to"));
  batch.mutable_requests(1)->mutable_contact()->set_reports_to(missing);
  EXPECT_TRUE(HasCodeMentioning(Call(&AccountApi::BatchCreateContacts, batch).status,
                                grpc::StatusCode::NOT_FOUND,
                                absl::StrCat("requests[1].contact.reports_to ", missing)));
  EXPECT_EQ(Coverage(account.name()), "1/1/1 of 3");
  batch.mutable_requests(1)->mutable_contact()->set_reports_to(cio.name());
  const v1::BatchCreateContactsResponse created =
      OkValue(Call(&AccountApi::BatchCreateContacts, batch));
  ASSERT_EQ(created.contacts_size(), 2);
  EXPECT_EQ(created.contacts(1).reports_to(), cio.name());
  EXPECT_EQ(Coverage(account.name()), "1/1/3 of 5");
}

// Deleting a manager leaves the lines to it as they were (they name a
// deleted contact) and takes its level off the coverage; no new line may
// start at a deleted contact; undeleting restores both.
TEST(ContactLevels, DeletingAManagerKeepsTheLinesToItAndLowersCoverage) {
  const v1::Account account = CreateAccount(Accounts(), Unique("Org"));
  const v1::Contact ceo = Contact(account.name(), "Chen Jie", v1::CONTACT_LEVEL_EXECUTIVE);
  const v1::Contact cio =
      Contact(account.name(), "Li Wei", v1::CONTACT_LEVEL_MANAGEMENT, ceo.name());
  const v1::Contact engineer = Contact(account.name(), "Wang Fang", v1::CONTACT_LEVEL_FRONT_LINE);

  ASSERT_OK(kContacts.Delete(ceo.name()).status);
  EXPECT_EQ(OkValue(kContacts.Get(cio.name())).reports_to(), ceo.name());
  EXPECT_EQ(Coverage(account.name()), "0/1/1 of 2");
  EXPECT_TRUE(HasCodeMentioning(ReportTo(engineer, ceo.name()).status,
                                grpc::StatusCode::FAILED_PRECONDITION,
                                absl::StrCat("contact.reports_to ", ceo.name(), " is deleted")));
  // The CIO's other fields still update; the line to the deleted CEO stays.
  v1::Contact title = Patch<v1::Contact>(cio.name());
  title.set_title("CIO");
  EXPECT_EQ(OkValue(kContacts.Update(title, {"title"})).reports_to(), ceo.name());

  ASSERT_OK(kContacts.Undelete(ceo.name()).status);
  EXPECT_EQ(Coverage(account.name()), "1/1/1 of 3");
  EXPECT_EQ(OkValue(ReportTo(engineer, ceo.name())).reports_to(), ceo.name());

  // Moving a contact to another level moves the coverage with it.
  v1::Contact promote = Patch<v1::Contact>(engineer.name());
  promote.set_org_level(v1::CONTACT_LEVEL_MANAGEMENT);
  EXPECT_EQ(OkValue(kContacts.Update(promote, {"org_level"})).org_level(),
            v1::CONTACT_LEVEL_MANAGEMENT);
  EXPECT_EQ(Coverage(account.name()), "1/2/0 of 3");
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) { return kam::testing::RunTestsOnSuite(argc, argv); }
