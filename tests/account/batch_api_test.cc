// BatchCreateAccounts and BatchCreateContacts through the public API
// (AIP-233): all or nothing (one bad item refuses the batch, names its index
// and field, and nothing of the batch exists), idempotent per item by its
// request id (a re-sent batch creates nothing twice, a partly re-sent one
// only its new items, a single create and a batch item with the same id are
// the same create), the size limits, and contacts under several accounts.
// Who may call them: narrowing_test.cc.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/account/account_client.h"

namespace kam::testing {
namespace {

using common::testing::ByParent;

constexpr char kMissing[] = "accounts/9000000000000000007";

// --- helpers ----------------------------------------------------------------

// An account item labelled batch=`tag`, so a test counts its own accounts.
v1::CreateAccountRequest AccountItem(const std::string& tag, const std::string& display_name,
                                     const std::string& request_id = "") {
  v1::CreateAccountRequest item;
  item.mutable_account()->set_display_name(display_name);
  (*item.mutable_account()->mutable_labels())["batch"] = tag;
  item.set_request_id(request_id);
  return item;
}

// `count` items "<tag> 0", "<tag> 1", ... with request ids "<tag>-0", ...
std::vector<v1::CreateAccountRequest> AccountItems(const std::string& tag, int count) {
  std::vector<v1::CreateAccountRequest> items;
  for (int i = 0; i < count; ++i) {
    items.push_back(AccountItem(tag, absl::StrCat(tag, " ", i), absl::StrCat(tag, "-", i)));
  }
  return items;
}

Reply<v1::BatchCreateAccountsResponse> BatchCreate(
    const std::vector<v1::CreateAccountRequest>& items) {
  v1::BatchCreateAccountsRequest request;
  for (const v1::CreateAccountRequest& item : items) *request.add_requests() = item;
  return Call(&AccountApi::BatchCreateAccounts, request);
}

// The accounts labelled batch=`tag`.
size_t CountTagged(const std::string& tag) {
  return ListMatching<v1::Account>(Accounts(), &AccountApi::ListAccounts,
                                   absl::StrCat("labels.batch = \"", tag, "\""))
      .size();
}

v1::CreateContactRequest ContactItem(const std::string& parent, const std::string& display_name,
                                     const std::string& request_id = "") {
  v1::CreateContactRequest item;
  item.set_parent(parent);
  item.mutable_contact()->set_display_name(display_name);
  item.set_request_id(request_id);
  return item;
}

Reply<v1::BatchCreateContactsResponse> BatchCreateContacts(
    const std::string& parent, const std::vector<v1::CreateContactRequest>& items) {
  v1::BatchCreateContactsRequest request;
  request.set_parent(parent);
  for (const v1::CreateContactRequest& item : items) *request.add_requests() = item;
  return Call(&AccountApi::BatchCreateContacts, request);
}

std::vector<v1::Contact> ContactsOf(const std::string& account) {
  return AllPages<v1::Contact>(Accounts(), &AccountApi::ListContacts,
                               ByParent<v1::ListContactsRequest>(account));
}

int ContactCount(const std::string& account) {
  return OkValue(Call(&AccountApi::GetAccount, ByName<v1::GetAccountRequest>(account)))
      .contact_count();
}

// --- BatchCreateAccounts ------------------------------------------------------

TEST(BatchCreateAccounts, CreatesEveryItemAndAnswersInRequestOrder) {
  const std::string tag = Unique("order");
  const v1::Account parent = CreateAccount(Accounts(), Unique("Parent"));
  std::vector<v1::CreateAccountRequest> items = AccountItems(tag, 4);
  items[1].mutable_account()->set_parent_account(parent.name());
  items[2].mutable_account()->set_owner("u-batch");
  items[3].mutable_account()->set_external_id(Unique("EXT"));
  (*items[3].mutable_account()->mutable_labels())["segment"] = "steel";
  items.push_back(AccountItem(tag, "Without request id"));

  const v1::BatchCreateAccountsResponse created = OkValue(BatchCreate(items));
  ASSERT_EQ(created.accounts_size(), 5);
  for (int i = 0; i < 5; ++i) {
    const v1::Account& account = created.accounts(i);
    EXPECT_EQ(account.display_name(), items[i].account().display_name());
    EXPECT_TRUE(
        Same(OkValue(Call(&AccountApi::GetAccount, ByName<v1::GetAccountRequest>(account.name()))),
             account))
        << account.DebugString();
  }
  EXPECT_EQ(created.accounts(1).parent_account(), parent.name());
  EXPECT_EQ(created.accounts(2).owner(), "u-batch");
  EXPECT_EQ(created.accounts(3).external_id(), items[3].account().external_id());
  EXPECT_EQ(created.accounts(0).stage(), v1::RELATIONSHIP_STAGE_DEVELOPMENT);
  EXPECT_EQ(CountTagged(tag), 5u);
  EXPECT_EQ(ListMatching<v1::Account>(
                Accounts(), &AccountApi::ListAccounts,
                absl::StrCat("labels.batch = \"", tag, "\" AND labels.segment = steel"))
                .size(),
            1u);

  v1::ListTeamMembershipsRequest team =
      ByParent<v1::ListTeamMembershipsRequest>(created.accounts(2).name());
  const std::vector<v1::TeamMembership> members =
      AllPages<v1::TeamMembership>(Accounts(), &AccountApi::ListTeamMemberships, team);
  ASSERT_EQ(members.size(), 1u);
  EXPECT_EQ(members[0].user(), "u-batch");
}

// One bad item at index 3 refuses the whole batch: its status is the one the
// single create gives, naming the item, and no account of the batch exists.
TEST(BatchCreateAccounts, OneBadItemRefusesTheBatchNamingItsIndexAndField) {
  const v1::Account existing = [] {
    v1::CreateAccountRequest request;
    request.mutable_account()->set_display_name(Unique("Holder"));
    request.mutable_account()->set_external_id(Unique("TAKEN"));
    return OkValue(Call(&AccountApi::CreateAccount, request));
  }();
  struct Case {
    const char* name;
    void (*spoil)(std::vector<v1::CreateAccountRequest>& items, const v1::Account& existing);
    grpc::StatusCode code;
    const char* message_starts;
  };
  const std::vector<Case> cases = {
      {"empty display name",
       [](auto& items, const auto&) { items[3].mutable_account()->clear_display_name(); },
       grpc::StatusCode::INVALID_ARGUMENT, "requests[3].account.display_name "},
      {"bad category",
       [](auto& items, const auto&) {
         items[3].mutable_account()->set_category(static_cast<v1::AccountCategory>(77));
       },
       grpc::StatusCode::INVALID_ARGUMENT, "requests[3].account.category "},
      {"no account", [](auto& items, const auto&) { items[3].clear_account(); },
       grpc::StatusCode::INVALID_ARGUMENT, "requests[3].account "},
      {"bad request id", [](auto& items, const auto&) { items[3].set_request_id("no spaces"); },
       grpc::StatusCode::INVALID_ARGUMENT, "requests[3].request_id "},
      {"missing parent",
       [](auto& items, const auto&) { items[3].mutable_account()->set_parent_account(kMissing); },
       grpc::StatusCode::NOT_FOUND, "requests[3].account.parent_account "},
      {"external id of another account",
       [](auto& items, const auto& holder) {
         items[3].mutable_account()->set_external_id(holder.external_id());
       },
       grpc::StatusCode::ALREADY_EXISTS, "requests[3].account.external_id "},
      {"external id of an earlier item",
       [](auto& items, const auto&) {
         const std::string shared = Unique("TWICE");
         items[1].mutable_account()->set_external_id(shared);
         items[3].mutable_account()->set_external_id(shared);
       },
       grpc::StatusCode::ALREADY_EXISTS, "requests[3].account.external_id "},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string tag = Unique("spoilt");
    std::vector<v1::CreateAccountRequest> items = AccountItems(tag, 5);
    c.spoil(items, existing);
    const Reply<v1::BatchCreateAccountsResponse> refused = BatchCreate(items);
    EXPECT_TRUE(HasCodeMentioning(refused.status, c.code, c.message_starts));
    EXPECT_EQ(refused.status.error_message().rfind(c.message_starts, 0), 0u)
        << refused.status.error_message();
    EXPECT_EQ(CountTagged(tag), 0u);
    // Nothing of the refused batch holds a request id either: once mended,
    // the same batch creates every item.
    items = AccountItems(tag, 5);
    EXPECT_EQ(OkValue(BatchCreate(items)).accounts_size(), 5);
    EXPECT_EQ(CountTagged(tag), 5u);
  }
}

TEST(BatchCreateAccounts, AReSentBatchAnswersTheSameAccountsAndCreatesNothing) {
  const std::string tag = Unique("resent");
  const std::vector<v1::CreateAccountRequest> items = AccountItems(tag, 6);
  const v1::BatchCreateAccountsResponse first = OkValue(BatchCreate(items));
  const v1::BatchCreateAccountsResponse again = OkValue(BatchCreate(items));
  EXPECT_TRUE(Same(first, again)) << again.DebugString();
  EXPECT_EQ(CountTagged(tag), 6u);
}

TEST(BatchCreateAccounts, APartlyReSentBatchCreatesOnlyItsNewItems) {
  const std::string tag = Unique("partly");
  const std::vector<v1::CreateAccountRequest> items = AccountItems(tag, 5);
  const v1::BatchCreateAccountsResponse first = OkValue(BatchCreate({items[1], items[3]}));
  const v1::BatchCreateAccountsResponse all = OkValue(BatchCreate(items));
  ASSERT_EQ(all.accounts_size(), 5);
  EXPECT_TRUE(Same(all.accounts(1), first.accounts(0)));
  EXPECT_TRUE(Same(all.accounts(3), first.accounts(1)));
  EXPECT_EQ(CountTagged(tag), 5u);
}

TEST(BatchCreateAccounts, ARequestIdReusedWithOtherContentIsRefusedAsBySingleCreate) {
  const std::string tag = Unique("reused");
  std::vector<v1::CreateAccountRequest> items = AccountItems(tag, 3);
  ASSERT_OK(BatchCreate({items[1]}).status);
  items[1].mutable_account()->set_display_name("Something else");
  const Reply<v1::BatchCreateAccountsResponse> refused = BatchCreate(items);
  EXPECT_TRUE(HasCodeMentioning(refused.status, grpc::StatusCode::ALREADY_EXISTS,
                                "requests[1].request_id \""));
  const Reply<v1::Account> single = Call(&AccountApi::CreateAccount, items[1]);
  EXPECT_EQ(refused.status.error_message(),
            absl::StrCat("requests[1].", single.status.error_message()));
  EXPECT_EQ(CountTagged(tag), 1u);
}

// A single CreateAccount and a batch item with the same request id (and
// content) are the same create, whichever came first.
TEST(BatchCreateAccounts, ASingleCreateAndABatchItemWithTheSameRequestIdAreOneCreate) {
  const std::string tag = Unique("single");
  const std::vector<v1::CreateAccountRequest> items = AccountItems(tag, 3);
  const v1::Account single = OkValue(Call(&AccountApi::CreateAccount, items[0]));
  const v1::BatchCreateAccountsResponse batch = OkValue(BatchCreate(items));
  EXPECT_TRUE(Same(batch.accounts(0), single));
  EXPECT_TRUE(Same(OkValue(Call(&AccountApi::CreateAccount, items[2])), batch.accounts(2)));
  EXPECT_EQ(CountTagged(tag), 3u);
}

TEST(BatchCreateAccounts, TwoItemsWithOneRequestIdAreRefusedNamingBoth) {
  const std::string tag = Unique("twice");
  std::vector<v1::CreateAccountRequest> items = AccountItems(tag, 4);
  items[3].set_request_id(items[1].request_id());
  const Reply<v1::BatchCreateAccountsResponse> refused = BatchCreate(items);
  EXPECT_TRUE(IsInvalidField(refused.status, "requests[1].request_id and requests[3].request_id"));
  EXPECT_EQ(CountTagged(tag), 0u);
}

TEST(BatchCreateAccounts, TakesOneTo500Items) {
  EXPECT_TRUE(IsInvalidField(BatchCreate({}).status, "requests"));
  const std::string tag = Unique("limit");
  std::vector<v1::CreateAccountRequest> items = AccountItems(tag, 501);
  const Reply<v1::BatchCreateAccountsResponse> too_many = BatchCreate(items);
  EXPECT_TRUE(IsInvalidField(too_many.status, "requests"));
  EXPECT_TRUE(HasCodeMentioning(too_many.status, grpc::StatusCode::INVALID_ARGUMENT, "500"));
  EXPECT_EQ(CountTagged(tag), 0u);
  items.pop_back();
  const v1::BatchCreateAccountsResponse full = OkValue(BatchCreate(items));
  EXPECT_EQ(full.accounts_size(), 500);
  EXPECT_EQ(CountTagged(tag), 500u);
  EXPECT_EQ(full.accounts(499).display_name(), items[499].account().display_name());
}

// --- BatchCreateContacts ------------------------------------------------------

TEST(BatchCreateContacts, CreatesUnderSeveralAccountsWhenItemsNameTheirParents) {
  for (const std::string parent : {"", "accounts/-"}) {
    SCOPED_TRACE(parent);
    const v1::Account a = CreateAccount(Accounts(), Unique("A"));
    const v1::Account b = CreateAccount(Accounts(), Unique("B"));
    const std::vector<v1::CreateContactRequest> items = {
        ContactItem(a.name(), "Zhang Wei", Unique("c")), ContactItem(b.name(), "Li Na"),
        ContactItem(a.name(), "Wang Fang", Unique("c"))};
    const v1::BatchCreateContactsResponse created = OkValue(BatchCreateContacts(parent, items));
    ASSERT_EQ(created.contacts_size(), 3);
    EXPECT_EQ(created.contacts(0).display_name(), "Zhang Wei");
    EXPECT_EQ(created.contacts(1).name().rfind(b.name() + "/contacts/", 0), 0u);
    EXPECT_EQ(created.contacts(2).name().rfind(a.name() + "/contacts/", 0), 0u);
    ASSERT_EQ(ContactsOf(a.name()).size(), 2u);
    EXPECT_TRUE(Same(ContactsOf(a.name())[1], created.contacts(2)));
    EXPECT_EQ(ContactCount(a.name()), 2);
    EXPECT_EQ(ContactCount(b.name()), 1);
  }
}

TEST(BatchCreateContacts, ItemsTakeTheBatchParentAndMayRepeatIt) {
  const v1::Account a = CreateAccount(Accounts(), Unique("A"));
  const v1::BatchCreateContactsResponse created = OkValue(BatchCreateContacts(
      a.name(), {ContactItem("", "Zhang Wei"), ContactItem(a.name(), "Li Na")}));
  ASSERT_EQ(created.contacts_size(), 2);
  EXPECT_EQ(ContactsOf(a.name()).size(), 2u);
  EXPECT_EQ(ContactCount(a.name()), 2);
}

TEST(BatchCreateContacts, AnItemUnderAnotherParentThanTheBatchIsRefused) {
  const v1::Account a = CreateAccount(Accounts(), Unique("A"));
  const v1::Account b = CreateAccount(Accounts(), Unique("B"));
  const Reply<v1::BatchCreateContactsResponse> refused =
      BatchCreateContacts(a.name(), {ContactItem("", "Zhang Wei"), ContactItem(a.name(), "Li Na"),
                                     ContactItem(b.name(), "Wang Fang")});
  EXPECT_TRUE(IsInvalidField(refused.status, "requests[2].parent"));
  EXPECT_TRUE(ContactsOf(a.name()).empty());
  EXPECT_TRUE(ContactsOf(b.name()).empty());
}

// As for accounts: one bad item refuses the batch, named, and writes nothing.
TEST(BatchCreateContacts, OneBadItemRefusesTheBatchNamingItsIndex) {
  const v1::Account deleted = CreateAccount(Accounts(), Unique("Gone"));
  ASSERT_OK(Call(&AccountApi::DeleteAccount,
                 ByNameAndEtag<v1::DeleteAccountRequest>(deleted.name(), deleted.etag()))
                .status);
  struct Case {
    const char* name;
    std::string parent;  // of item 1
    std::string email;   // of item 1
    grpc::StatusCode code;
    std::string message_starts;
  };
  const std::vector<Case> cases = {
      {"missing account", kMissing, "", grpc::StatusCode::NOT_FOUND,
       absl::StrCat("requests[1]: account ", kMissing, " not found")},
      {"deleted account", deleted.name(), "", grpc::StatusCode::FAILED_PRECONDITION,
       absl::StrCat("requests[1]: account ", deleted.name(), " is deleted")},
      {"malformed parent", "accounts/x", "", grpc::StatusCode::INVALID_ARGUMENT,
       "requests[1].parent "},
      {"bad email", "", "not-an-address", grpc::StatusCode::INVALID_ARGUMENT,
       "requests[1].contact.email "},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const v1::Account a = CreateAccount(Accounts(), Unique("A"));
    v1::CreateContactRequest bad = ContactItem(c.parent.empty() ? a.name() : c.parent, "Li Na");
    bad.mutable_contact()->set_email(c.email);
    const Reply<v1::BatchCreateContactsResponse> refused = BatchCreateContacts(
        "", {ContactItem(a.name(), "Zhang Wei"), bad, ContactItem(a.name(), "Wang Fang")});
    EXPECT_TRUE(HasCodeMentioning(refused.status, c.code, c.message_starts));
    EXPECT_EQ(refused.status.error_message().rfind(c.message_starts, 0), 0u)
        << refused.status.error_message();
    EXPECT_TRUE(ContactsOf(a.name()).empty());
    EXPECT_EQ(ContactCount(a.name()), 0);
  }
}

TEST(BatchCreateContacts, AReSentBatchAnswersTheSameContactsAndCreatesNothing) {
  const v1::Account a = CreateAccount(Accounts(), Unique("A"));
  const v1::Account b = CreateAccount(Accounts(), Unique("B"));
  const std::vector<v1::CreateContactRequest> items = {ContactItem("", "Zhang Wei", Unique("c")),
                                                       ContactItem("", "Li Na", Unique("c"))};
  const v1::BatchCreateContactsResponse first = OkValue(BatchCreateContacts(a.name(), items));
  // The same items sent with their parent spelt out, and one more under b.
  std::vector<v1::CreateContactRequest> again = items;
  for (v1::CreateContactRequest& item : again) item.set_parent(a.name());
  again.push_back(ContactItem(b.name(), "Wang Fang", Unique("c")));
  const v1::BatchCreateContactsResponse second = OkValue(BatchCreateContacts("", again));
  ASSERT_EQ(second.contacts_size(), 3);
  EXPECT_TRUE(Same(second.contacts(0), first.contacts(0)));
  EXPECT_TRUE(Same(second.contacts(1), first.contacts(1)));
  EXPECT_EQ(ContactsOf(a.name()).size(), 2u);
  EXPECT_EQ(ContactCount(a.name()), 2);
  EXPECT_EQ(ContactCount(b.name()), 1);
  // A single CreateContact with an item's request id is that create.
  EXPECT_TRUE(Same(OkValue(Call(&AccountApi::CreateContact, again[2])), second.contacts(2)));
}

TEST(BatchCreateContacts, TakesOneTo500Items) {
  const v1::Account a = CreateAccount(Accounts(), Unique("A"));
  EXPECT_TRUE(IsInvalidField(BatchCreateContacts(a.name(), {}).status, "requests"));
  const std::vector<v1::CreateContactRequest> items(501, ContactItem("", "Zhang Wei"));
  EXPECT_TRUE(IsInvalidField(BatchCreateContacts(a.name(), items).status, "requests"));
  EXPECT_TRUE(ContactsOf(a.name()).empty());
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) { return kam::testing::RunTestsOnSuite(argc, argv); }
