// AccountExportService.ExportAccounts: the stream the scoring service reads
// every account through (with each account's parent in the group hierarchy).
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/base/proto_time.h"
#include "tests/account/account_client.h"

namespace kam::testing {
namespace {

std::unique_ptr<v1::AccountExportService::Stub> ExportStub() {
  return v1::AccountExportService::NewStub(
      grpc::CreateChannel(Suite().account_address(), grpc::InsecureChannelCredentials()));
}

struct Export {
  grpc::Status status;
  std::vector<v1::AccountSnapshot> accounts;
  int messages = 0;
};

Export RunExport(const v1::ExportAccountsRequest& request) {
  Export out;
  auto stub = ExportStub();
  auto context = Context();
  auto reader = stub->ExportAccounts(context.get(), request);
  v1::ExportAccountsResponse page;
  while (reader->Read(&page)) {
    ++out.messages;
    for (const v1::AccountSnapshot& a : page.accounts()) out.accounts.push_back(a);
  }
  out.status = reader->Finish();
  return out;
}

const v1::AccountSnapshot* Find(const Export& e, const std::string& name) {
  for (const v1::AccountSnapshot& a : e.accounts) {
    if (a.name() == name) return &a;
  }
  return nullptr;
}

void AddManager(v1::AccountService::Stub& stub, const std::string& account, const std::string& user,
                absl::Time start) {
  v1::AddTeamMemberRequest request;
  request.set_parent(account);
  request.mutable_membership()->set_user(user);
  request.mutable_membership()->set_role(v1::TEAM_ROLE_ACCOUNT_MANAGER);
  *request.mutable_membership()->mutable_start_time() = common::ToProtoTimestamp(start);
  v1::TeamMembership membership;
  grpc::Status status = stub.AddTeamMember(Context().get(), request, &membership);
  ASSERT_TRUE(status.ok()) << status.error_message();
}

TEST(Export, StreamsEveryLiveAccountInOrderInPagesAndResumes) {
  auto stub = AccountStub();
  std::vector<std::string> names;
  for (int i = 0; i < 7; ++i) names.push_back(CreateAccount(*stub, Unique("Export")).name());
  v1::ExportAccountsRequest request;
  request.set_page_size(2);
  const Export all = RunExport(request);
  ASSERT_TRUE(all.status.ok()) << all.status.error_message();
  std::set<std::string> seen;
  int64_t previous = 0;
  for (const v1::AccountSnapshot& a : all.accounts) {
    const int64_t id = std::stoll(a.name().substr(9));
    EXPECT_GT(id, previous) << "not in id order";
    previous = id;
    EXPECT_TRUE(seen.insert(a.name()).second) << "twice: " << a.name();
  }
  for (const std::string& name : names) EXPECT_TRUE(seen.count(name)) << name;
  EXPECT_EQ(all.messages, (static_cast<int>(all.accounts.size()) + 1) / 2);

  // Resuming after the third account gives exactly the rest.
  request.set_start_after(all.accounts[2].name());
  const Export rest = RunExport(request);
  ASSERT_TRUE(rest.status.ok());
  ASSERT_EQ(rest.accounts.size(), all.accounts.size() - 3);
  EXPECT_EQ(rest.accounts[0].name(), all.accounts[3].name());
}

TEST(Export, DeletedAccountsOnlyOnRequest) {
  auto stub = AccountStub();
  const v1::Account account = CreateAccount(*stub, Unique("Export deleted"));
  v1::DeleteAccountRequest remove = ByName<v1::DeleteAccountRequest>(account.name());
  v1::Account deleted;
  ASSERT_TRUE(stub->DeleteAccount(Context().get(), remove, &deleted).ok());
  v1::ExportAccountsRequest request;
  EXPECT_EQ(Find(RunExport(request), account.name()), nullptr);
  request.set_include_deleted(true);
  const Export with_deleted = RunExport(request);
  const v1::AccountSnapshot* found = Find(with_deleted, account.name());
  ASSERT_NE(found, nullptr);
  EXPECT_TRUE(found->has_delete_time());
}

TEST(Export, NamesEachAccountsDirectParent) {
  auto stub = AccountStub();
  const v1::Account root = CreateAccount(*stub, Unique("Export group"));
  const v1::Account child = CreateAccount(*stub, Unique("Export member"), root.name());
  const v1::Account grandchild = CreateAccount(*stub, Unique("Export sub-member"), child.name());
  const Export e = RunExport(v1::ExportAccountsRequest());
  ASSERT_TRUE(e.status.ok()) << e.status.error_message();
  const v1::AccountSnapshot* r = Find(e, root.name());
  const v1::AccountSnapshot* c = Find(e, child.name());
  const v1::AccountSnapshot* g = Find(e, grandchild.name());
  ASSERT_TRUE(r != nullptr && c != nullptr && g != nullptr);
  EXPECT_EQ(r->parent(), "");
  EXPECT_EQ(c->parent(), root.name());
  // The direct parent, not the group root.
  EXPECT_EQ(g->parent(), child.name());
}

TEST(Export, CountsHandoversAndBusinessChurnInsideTheWindowOnly) {
  auto stub = AccountStub();
  v1::CreateAccountRequest create;
  create.mutable_account()->set_display_name(Unique("Export signals"));
  create.mutable_account()->set_industry("steel");
  (*create.mutable_account()->mutable_labels())["influence"] = "high";
  create.mutable_account()->mutable_credit()->set_risk_level(v1::CREDIT_RISK_LEVEL_LOW);
  create.mutable_account()->mutable_credit()->mutable_credit_limit()->set_currency_code("CNY");
  create.mutable_account()->mutable_credit()->mutable_credit_limit()->set_minor_units(100);
  v1::Account account;
  ASSERT_TRUE(stub->CreateAccount(Context().get(), create, &account).ok());
  const absl::Time now = absl::Now();
  // Managers from 400 days ago: the handover 300 days ago is outside a
  // 100-day window, those 50 and 10 days ago are inside.
  AddManager(*stub, account.name(), "am-1", now - absl::Hours(24 * 400));
  AddManager(*stub, account.name(), "am-2", now - absl::Hours(24 * 300));
  AddManager(*stub, account.name(), "am-3", now - absl::Hours(24 * 50));
  AddManager(*stub, account.name(), "am-4", now - absl::Hours(24 * 10));
  v1::MarkChurnedRequest churn = ByName<v1::MarkChurnedRequest>(account.name());
  churn.set_kind(v1::CHURN_EVENT_KIND_BUSINESS_CHURN);
  churn.set_reason(v1::CHURN_REASON_PRICE);
  churn.add_lost_product_lines("cables");
  ASSERT_TRUE(Call(*stub, &AccountApi::MarkChurned, churn).status.ok());
  for (int i = 0; i < 2; ++i) {
    v1::CreateContactRequest contact;
    contact.set_parent(account.name());
    contact.mutable_contact()->set_display_name(absl::StrCat("Contact ", i));
    v1::Contact created;
    ASSERT_TRUE(stub->CreateContact(Context().get(), contact, &created).ok());
  }

  v1::ExportAccountsRequest request;
  request.set_window_days(100);
  const Export e = RunExport(request);
  ASSERT_TRUE(e.status.ok()) << e.status.error_message();
  const v1::AccountSnapshot* a = Find(e, account.name());
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->handovers_in_window(), 2);
  EXPECT_EQ(a->business_churn_events_in_window(), 1);
  EXPECT_EQ(a->owner(), "am-4");
  EXPECT_EQ(a->industry(), "steel");
  EXPECT_EQ(a->currency_code(), "CNY");
  EXPECT_EQ(a->contact_count(), 2);
  EXPECT_EQ(a->labels().at("influence"), "high");
  EXPECT_EQ(a->credit_risk_level(), v1::CREDIT_RISK_LEVEL_LOW);
  EXPECT_EQ(a->state(), v1::LIFECYCLE_STATE_ACTIVE);

  // A window ending 250 days ago (so from 350 days ago) sees only the
  // handover 300 days ago.
  *request.mutable_as_of() = common::ToProtoTimestamp(now - absl::Hours(24 * 250));
  const v1::AccountSnapshot* earlier = Find(RunExport(request), account.name());
  ASSERT_NE(earlier, nullptr);
  EXPECT_EQ(earlier->handovers_in_window(), 1);
  EXPECT_EQ(earlier->business_churn_events_in_window(), 0);
}

TEST(Export, BadRequestsAreInvalidArgument) {
  for (auto set : std::vector<std::function<void(v1::ExportAccountsRequest*)>>{
           [](v1::ExportAccountsRequest* r) { r->set_window_days(-1); },
           [](v1::ExportAccountsRequest* r) { r->set_window_days(3651); },
           [](v1::ExportAccountsRequest* r) { r->set_page_size(5001); },
           [](v1::ExportAccountsRequest* r) { r->set_start_after("accounts/x"); }}) {
    v1::ExportAccountsRequest request;
    set(&request);
    EXPECT_EQ(RunExport(request).status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  }
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) { return kam::testing::RunTestsOnSuite(argc, argv); }
