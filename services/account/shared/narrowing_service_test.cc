// Narrowing and masking (shared/narrowing.h) through every area's handlers
// over the in-memory database: an account manager reads, lists and writes
// only the accounts whose current team they are on, and any other account
// answers exactly as one that does not exist, with nothing written; admin
// and callers without a grant (tokens off) see everything; an analyst reads
// contacts with phone and e-mail masked.
#include <functional>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "common/testing/requests.h"
#include "gtest/gtest.h"
#include "services/account/accounts/account_service.h"
#include "services/account/contacts/contact_service.h"
#include "services/account/fake_account_database.h"
#include "services/account/handler_test_checks.h"
#include "services/account/lifecycle/lifecycle_service.h"
#include "services/account/shared/narrowing.h"
#include "services/account/team/team_service.h"
#include "services/account/tiers/tier_service.h"

namespace kam::account {
namespace {

using common::testing::ByName;
using common::testing::ByNameAndEtag;
using common::testing::ByParent;

using accounts::AccountService;
using common::CallContext;
using contacts::ContactService;
using lifecycle::LifecycleService;
using team::TeamService;
using testing::Granted;
using tiers::TierService;

constexpr char kAlice[] = "alice";

const CallContext kAdmin = Granted(auth::kAdmin);
const CallContext kManager = Granted(auth::kAccountManager, kAlice);
const CallContext kAnalyst = Granted(auth::kAnalyst);
const CallContext kTokensOff = common::testing::Caller();

// `handler` of `object` called by `caller`: the status only.
template <typename Object, typename Request, typename Response>
absl::Status Run(Object& object,
                 absl::Status (Object::*handler)(const CallContext&, const Request&, Response*),
                 const CallContext& caller, const Request& request) {
  Response response;
  return (object.*handler)(caller, request, &response);
}


// What a case calls a method on: an account, one of its contacts and one of
// its team memberships.
struct Target {
  int64_t id = 0;
  v1::Account account;
  v1::Contact contact;
  std::string membership;
};

template <typename Row>
void EraseUnder(std::map<int64_t, Row>& table, int64_t account_id) {
  for (auto it = table.begin(); it != table.end();) {
    it = it->second.account_id == account_id ? table.erase(it) : std::next(it);
  }
}

// Every area's handlers over one fake holding "mine" (alice is its account
// manager) and "theirs" (bob is), each with a contact.
struct World {
  World() {
    mine = Prepare(db.PutAccount("Mine"), kAlice);
    theirs = Prepare(db.PutAccount("Theirs"), "bob");
  }

  // Makes `user` the account manager of `row` and gives it a contact.
  Target Prepare(const accounts::StoredAccount& row, const std::string& user) {
    Target target;
    target.id = row.id;
    v1::AddTeamMemberRequest add = ByParent<v1::AddTeamMemberRequest>(row.account.name());
    add.mutable_membership()->set_user(user);
    add.mutable_membership()->set_role(v1::TEAM_ROLE_ACCOUNT_MANAGER);
    v1::TeamMembership membership;
    EXPECT_TRUE(team.AddTeamMember(kAdmin, add, &membership).ok());
    target.membership = membership.name();
    v1::CreateContactRequest contact = ByParent<v1::CreateContactRequest>(row.account.name());
    contact.mutable_contact()->set_display_name("Zhang Wei");
    contact.mutable_contact()->set_phone("+8613800138000");
    contact.mutable_contact()->set_email("zhang.wei@example.com");
    EXPECT_TRUE(contacts.CreateContact(kAdmin, contact, &target.contact).ok());
    target.account = db.rows().accounts.at(row.id).account;  // as the writes left it
    return target;
  }

  // Removes `id` and what belongs to it: the account no longer exists.
  void Forget(int64_t id) {
    FakeRows& rows = db.rows();
    rows.accounts.erase(id);
    EraseUnder(rows.contacts, id);
    EraseUnder(rows.memberships, id);
  }

  // A new account, in the team of `user` unless empty.
  std::string AddAccount(const std::string& user) {
    const accounts::StoredAccount row = db.PutAccount("Another");
    if (!user.empty()) Prepare(row, user);
    return row.account.name();
  }

  FakeAccountDatabase db;
  AccountService accounts{&db.accounts(), &db};
  ContactService contacts{&db.contacts(), &db};
  TeamService team{&db.team(), &db};
  LifecycleService lifecycle{&db.lifecycle(), &db};
  TierService tiers{&db.tiers(), &db};
  Target mine;
  Target theirs;
};

// One account-scoped method of kam.account.v1.AccountService called on a
// target, with a request that is valid for any live account.
struct Case {
  const char* method;
  std::function<absl::Status(World&, const CallContext&, const Target&)> call;
};

std::vector<Case> AccountScopedMethods() {
  return {
      {"GetAccount",
       [](World& w, const CallContext& c, const Target& t) {
         return Run(w.accounts, &AccountService::GetAccount, c,
                    ByName<v1::GetAccountRequest>(t.account.name()));
       }},
      {"BatchGetAccounts",
       [](World& w, const CallContext& c, const Target& t) {
         v1::BatchGetAccountsRequest request;
         request.add_names(t.account.name());
         return Run(w.accounts, &AccountService::BatchGetAccounts, c, request);
       }},
      {"UpdateAccount",
       [](World& w, const CallContext& c, const Target& t) {
         return Run(w.accounts, &AccountService::UpdateAccount, c,
                    testing::UpdateOf<v1::UpdateAccountRequest>(t.account, "display_name", "X"));
       }},
      {"DeleteAccount",
       [](World& w, const CallContext& c, const Target& t) {
         return Run(w.accounts, &AccountService::DeleteAccount, c,
                    ByNameAndEtag<v1::DeleteAccountRequest>(t.account.name(), t.account.etag()));
       }},
      {"UndeleteAccount",
       [](World& w, const CallContext& c, const Target& t) {
         return Run(w.accounts, &AccountService::UndeleteAccount, c,
                    ByNameAndEtag<v1::UndeleteAccountRequest>(t.account.name(), t.account.etag()));
       }},
      {"ListAccountAncestors",
       [](World& w, const CallContext& c, const Target& t) {
         return Run(w.accounts, &AccountService::ListAccountAncestors, c,
                    ByName<v1::ListAccountAncestorsRequest>(t.account.name()));
       }},
      {"ListAccountDescendants",
       [](World& w, const CallContext& c, const Target& t) {
         return Run(w.accounts, &AccountService::ListAccountDescendants, c,
                    ByName<v1::ListAccountDescendantsRequest>(t.account.name()));
       }},
      {"GetGroupSummary",
       [](World& w, const CallContext& c, const Target& t) {
         return Run(w.accounts, &AccountService::GetGroupSummary, c,
                    ByName<v1::GetGroupSummaryRequest>(t.account.name()));
       }},
      {"CreateContact",
       [](World& w, const CallContext& c, const Target& t) {
         v1::CreateContactRequest request = ByParent<v1::CreateContactRequest>(t.account.name());
         request.mutable_contact()->set_display_name("Li Na");
         return Run(w.contacts, &ContactService::CreateContact, c, request);
       }},
      {"BatchCreateContacts",
       [](World& w, const CallContext& c, const Target& t) {
         v1::BatchCreateContactsRequest request;
         request.set_parent(t.account.name());
         request.add_requests()->mutable_contact()->set_display_name("Li Na");
         return Run(w.contacts, &ContactService::BatchCreateContacts, c, request);
       }},
      {"GetContact",
       [](World& w, const CallContext& c, const Target& t) {
         return Run(w.contacts, &ContactService::GetContact, c,
                    ByName<v1::GetContactRequest>(t.contact.name()));
       }},
      {"ListContacts",
       [](World& w, const CallContext& c, const Target& t) {
         return Run(w.contacts, &ContactService::ListContacts, c,
                    ByParent<v1::ListContactsRequest>(t.account.name()));
       }},
      {"UpdateContact",
       [](World& w, const CallContext& c, const Target& t) {
         return Run(w.contacts, &ContactService::UpdateContact, c,
                    testing::UpdateOf<v1::UpdateContactRequest>(t.contact, "title", "CEO"));
       }},
      {"DeleteContact",
       [](World& w, const CallContext& c, const Target& t) {
         return Run(w.contacts, &ContactService::DeleteContact, c,
                    ByNameAndEtag<v1::DeleteContactRequest>(t.contact.name(), t.contact.etag()));
       }},
      {"UndeleteContact",
       [](World& w, const CallContext& c, const Target& t) {
         return Run(w.contacts, &ContactService::UndeleteContact, c,
                    ByNameAndEtag<v1::UndeleteContactRequest>(t.contact.name(), t.contact.etag()));
       }},
      {"AddTeamMember",
       [](World& w, const CallContext& c, const Target& t) {
         v1::AddTeamMemberRequest request = ByParent<v1::AddTeamMemberRequest>(t.account.name());
         request.mutable_membership()->set_user("carol");
         request.mutable_membership()->set_role(v1::TEAM_ROLE_SALES);
         return Run(w.team, &TeamService::AddTeamMember, c, request);
       }},
      {"EndTeamMembership",
       [](World& w, const CallContext& c, const Target& t) {
         v1::EndTeamMembershipRequest request;
         request.set_name(t.membership);
         return Run(w.team, &TeamService::EndTeamMembership, c, request);
       }},
      {"ListTeamMemberships",
       [](World& w, const CallContext& c, const Target& t) {
         return Run(w.team, &TeamService::ListTeamMemberships, c,
                    ByParent<v1::ListTeamMembershipsRequest>(t.account.name()));
       }},
      {"TransitionStage",
       [](World& w, const CallContext& c, const Target& t) {
         v1::TransitionStageRequest request =
             ByNameAndEtag<v1::TransitionStageRequest>(t.account.name(), t.account.etag());
         request.set_to_stage(v1::RELATIONSHIP_STAGE_STRATEGIC);
         return Run(w.lifecycle, &LifecycleService::TransitionStage, c, request);
       }},
      {"MarkChurned",
       [](World& w, const CallContext& c, const Target& t) {
         v1::MarkChurnedRequest request =
             ByNameAndEtag<v1::MarkChurnedRequest>(t.account.name(), t.account.etag());
         request.set_kind(v1::CHURN_EVENT_KIND_CUSTOMER_CHURN);
         request.set_reason(v1::CHURN_REASON_CUSTOMER_SERVICE);
         return Run(w.lifecycle, &LifecycleService::MarkChurned, c, request);
       }},
      {"RecordWinBack",
       [](World& w, const CallContext& c, const Target& t) {
         return Run(w.lifecycle, &LifecycleService::RecordWinBack, c,
                    ByNameAndEtag<v1::RecordWinBackRequest>(t.account.name(), t.account.etag()));
       }},
      {"ListStageHistory",
       [](World& w, const CallContext& c, const Target& t) {
         return Run(w.lifecycle, &LifecycleService::ListStageHistory, c,
                    ByParent<v1::ListStageHistoryRequest>(t.account.name()));
       }},
      {"ListChurnHistory",
       [](World& w, const CallContext& c, const Target& t) {
         return Run(w.lifecycle, &LifecycleService::ListChurnHistory, c,
                    ByParent<v1::ListChurnHistoryRequest>(t.account.name()));
       }},
      {"ListTierHistory",
       [](World& w, const CallContext& c, const Target& t) {
         return Run(w.tiers, &TierService::ListTierHistory, c,
                    ByParent<v1::ListTierHistoryRequest>(t.account.name()));
       }},
  };
}

// On an account not theirs, a manager gets what anybody gets for an account
// that does not exist (code and message), and nothing is written; on their
// own account, the call goes through (it may fail for its own reasons).
TEST(NarrowingTest, AManagerSeesOthersAccountsAsMissingOnesInEveryMethod) {
  for (const Case& c : AccountScopedMethods()) {
    SCOPED_TRACE(c.method);
    World world;
    const std::string before = world.db.Dump();
    const absl::Status refused = c.call(world, kManager, world.theirs);
    EXPECT_EQ(refused.code(), absl::StatusCode::kNotFound) << refused;
    EXPECT_EQ(world.db.Dump(), before) << "something was written";
    EXPECT_NE(c.call(world, kManager, world.mine).code(), absl::StatusCode::kNotFound);

    World missing;  // the same accounts, but "theirs" does not exist
    missing.Forget(missing.theirs.id);
    EXPECT_EQ(c.call(missing, kAdmin, world.theirs), refused);
  }
}

// Admin and a caller without a grant (tokens off) call every method on an
// account nobody narrows them from.
TEST(NarrowingTest, AdminAndTokensOffAreNotNarrowed) {
  for (const Case& c : AccountScopedMethods()) {
    SCOPED_TRACE(c.method);
    for (const CallContext& caller : {kAdmin, kTokensOff}) {
      World world;
      EXPECT_NE(c.call(world, caller, world.theirs).code(), absl::StatusCode::kNotFound);
    }
  }
}

// Listing with one account per page: every page holds one of alice's
// accounts, in id order, and the last one ends the listing.
TEST(NarrowingTest, AManagerListsOnlyTheirAccountsPageByPage) {
  World world;
  std::vector<std::string> alices = {world.mine.account.name()};
  for (int i = 0; i < 3; ++i) {
    world.AddAccount("bob");
    alices.push_back(world.AddAccount(kAlice));
    world.AddAccount("");
  }
  std::vector<std::string> listed;
  v1::ListAccountsRequest request;
  request.set_page_size(1);
  do {
    v1::ListAccountsResponse page;
    ASSERT_TRUE(world.accounts.ListAccounts(kManager, request, &page).ok());
    ASSERT_EQ(page.accounts_size(), 1);
    listed.push_back(page.accounts(0).name());
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  EXPECT_EQ(listed, alices);

  for (const CallContext& caller : {kAdmin, kTokensOff}) {
    v1::ListAccountsResponse all;
    ASSERT_TRUE(world.accounts.ListAccounts(caller, v1::ListAccountsRequest(), &all).ok());
    EXPECT_EQ(all.accounts_size(), static_cast<int>(world.db.rows().accounts.size()));
  }
}

// A narrowed listing's page token is not valid in an unnarrowed one.
TEST(NarrowingTest, ANarrowedPageTokenIsRefusedInAnotherCallersListing) {
  World world;
  world.AddAccount(kAlice);
  v1::ListAccountsRequest request;
  request.set_page_size(1);
  v1::ListAccountsResponse page;
  ASSERT_TRUE(world.accounts.ListAccounts(kManager, request, &page).ok());
  ASSERT_FALSE(page.next_page_token().empty());
  request.set_page_token(page.next_page_token());
  EXPECT_EQ(world.accounts.ListAccounts(kAdmin, request, &page).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(NarrowingTest, AnEndedMembershipNoLongerCounts) {
  World world;
  v1::EndTeamMembershipRequest end;
  end.set_name(world.mine.membership);
  v1::TeamMembership ended;
  ASSERT_TRUE(world.team.EndTeamMembership(kAdmin, end, &ended).ok());
  v1::Account account;
  EXPECT_EQ(
      world.accounts
          .GetAccount(kManager, ByName<v1::GetAccountRequest>(world.mine.account.name()), &account)
          .code(),
      absl::StatusCode::kNotFound);
}

// A batch with one account not theirs is refused whole, naming it.
TEST(NarrowingTest, ABatchWithAnotherAccountIsRefusedNamingIt) {
  World world;
  v1::BatchGetAccountsRequest request;
  request.add_names(world.mine.account.name());
  request.add_names(world.theirs.account.name());
  v1::BatchGetAccountsResponse response;
  const absl::Status status = world.accounts.BatchGetAccounts(kManager, request, &response);
  EXPECT_EQ(status, AccountNotFound(world.theirs.id));
}

// The group reads hold only the manager's accounts: mine > bob's > alice's.
TEST(NarrowingTest, GroupReadsHoldOnlyTheManagersAccounts) {
  World world;
  auto add_child = [&](const std::string& parent, const std::string& user) {
    accounts::StoredAccount row = world.db.PutAccount("Child");
    row.parent_id = std::stoll(parent.substr(parent.find('/') + 1));
    row.account.set_parent_account(parent);
    world.db.rows().accounts[row.id] = row;
    world.Prepare(row, user);
    return row.account.name();
  };
  const std::string bobs = add_child(world.mine.account.name(), "bob");
  const std::string alices = add_child(bobs, kAlice);

  v1::ListAccountDescendantsRequest below;
  below.set_name(world.mine.account.name());
  v1::ListAccountDescendantsResponse descendants;
  ASSERT_TRUE(world.accounts.ListAccountDescendants(kManager, below, &descendants).ok());
  ASSERT_EQ(descendants.nodes_size(), 1);
  EXPECT_EQ(descendants.nodes(0).account().name(), alices);
  EXPECT_EQ(descendants.nodes(0).depth(), 2);
  v1::ListAccountDescendantsResponse all;
  ASSERT_TRUE(world.accounts.ListAccountDescendants(kAdmin, below, &all).ok());
  EXPECT_EQ(all.nodes_size(), 2);

  v1::ListAccountAncestorsRequest above;
  above.set_name(alices);
  v1::ListAccountAncestorsResponse ancestors;
  ASSERT_TRUE(world.accounts.ListAccountAncestors(kManager, above, &ancestors).ok());
  ASSERT_EQ(ancestors.ancestors_size(), 1);
  EXPECT_EQ(ancestors.ancestors(0).name(), world.mine.account.name());
}

// Phone and e-mail are masked for analysts, in reads and lists; an empty
// one stays empty; other callers read them as stored.
TEST(NarrowingTest, AnalystsReadContactsWithDetailsMasked) {
  World world;
  v1::Contact quiet = world.mine.contact;
  v1::CreateContactRequest create = ByParent<v1::CreateContactRequest>(world.mine.account.name());
  create.mutable_contact()->set_display_name("Li Na");
  ASSERT_TRUE(world.contacts.CreateContact(kAdmin, create, &quiet).ok());

  for (const CallContext& caller : {kAnalyst, kAdmin, kTokensOff, kManager}) {
    const bool masked = caller.grant.has_value() && caller.grant->role == auth::kAnalyst;
    v1::GetContactRequest get;
    get.set_name(world.mine.contact.name());
    v1::Contact contact;
    ASSERT_TRUE(world.contacts.GetContact(caller, get, &contact).ok());
    EXPECT_EQ(contact.phone(), masked ? kMaskedDetail : "+8613800138000");
    EXPECT_EQ(contact.email(), masked ? kMaskedDetail : "zhang.wei@example.com");
    EXPECT_EQ(contact.display_name(), "Zhang Wei");

    v1::ListContactsResponse list;
    ASSERT_TRUE(
        world.contacts
            .ListContacts(caller, ByParent<v1::ListContactsRequest>(world.mine.account.name()), &list)
            .ok());
    ASSERT_EQ(list.contacts_size(), 2);
    EXPECT_EQ(list.contacts(0).phone(), contact.phone());
    EXPECT_EQ(list.contacts(0).email(), contact.email());
    EXPECT_EQ(list.contacts(1).phone(), "");
    EXPECT_EQ(list.contacts(1).email(), "");
  }
}

}  // namespace
}  // namespace kam::account
