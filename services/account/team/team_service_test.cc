// The team handlers against the in-memory database: idempotent additions
// (a member, and an account manager whose addition is a handover written
// with the account), ending the manager's membership, and a database that
// is down.
#include "services/account/team/team_service.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "services/account/fake_account_database.h"
#include "services/account/handler_test_checks.h"

namespace kam::account::team {
namespace {

using testing::Bind;

class TeamServiceTest : public ::testing::Test {
 protected:
  v1::AddTeamMemberRequest Add(const std::string& request_id, const std::string& user,
                               v1::TeamRole role) {
    v1::AddTeamMemberRequest request;
    request.set_parent(account_.account.name());
    request.set_request_id(request_id);
    request.mutable_membership()->set_user(user);
    request.mutable_membership()->set_role(role);
    return request;
  }

  const v1::Account& Account() { return db_.rows().accounts.at(account_.id).account; }

  FakeAccountDatabase db_;
  const accounts::StoredAccount account_ = db_.PutAccount("Acme");
  TeamService service_{&db_.team(), &db_};
  testing::Call<v1::AddTeamMemberRequest, v1::TeamMembership> add_ =
      Bind(&service_, &TeamService::AddTeamMember);
  std::function<size_t()> memberships_ = [this] { return db_.rows().memberships.size(); };
};

TEST_F(TeamServiceTest, AddingAMemberIsIdempotent) {
  const v1::TeamMembership first =
      testing::ExpectIdempotentCreate(add_, Add("t-1", "carol", v1::TEAM_ROLE_SALES),
                                      Add("t-1", "carol", v1::TEAM_ROLE_SERVICE), memberships_);
  EXPECT_EQ(first.user(), "carol");
  EXPECT_EQ(first.actor(), "tester");
  testing::ExpectRefused(db_, add_, Add("t-2", "carol", v1::TEAM_ROLE_SALES),
                         absl::StatusCode::kAlreadyExists);
}

// The second account manager takes over: one handover, counted on the
// account, and a retry hands over nothing more.
TEST_F(TeamServiceTest, AddingAnAccountManagerIsAnIdempotentHandover) {
  testing::Answer(add_, Add("t-3", "alice", v1::TEAM_ROLE_ACCOUNT_MANAGER));
  testing::ExpectIdempotentCreate(add_, Add("t-4", "bob", v1::TEAM_ROLE_ACCOUNT_MANAGER),
                                  Add("t-4", "dave", v1::TEAM_ROLE_ACCOUNT_MANAGER), memberships_);
  EXPECT_EQ(Account().owner(), "bob");
  EXPECT_EQ(Account().account_manager_handover_count(), 1);
}

TEST_F(TeamServiceTest, EndingTheManagersMembershipClearsTheOwner) {
  const v1::TeamMembership manager =
      testing::Answer(add_, Add("t-5", "alice", v1::TEAM_ROLE_ACCOUNT_MANAGER));
  v1::EndTeamMembershipRequest end;
  end.set_name(manager.name());
  end.set_reason("moved to another region");
  const v1::TeamMembership ended =
      testing::Answer(Bind(&service_, &TeamService::EndTeamMembership), end);
  EXPECT_TRUE(ended.has_end_time());
  EXPECT_EQ(Account().owner(), "");
}

// A user's accounts with a current membership (any role, each once), in id
// order and paged; an ended membership does not count.
TEST_F(TeamServiceTest, ListTeamAccountsPagesTheUsersCurrentAccounts) {
  const accounts::StoredAccount second = db_.PutAccount("Beta");
  const accounts::StoredAccount third = db_.PutAccount("Gamma");
  testing::Answer(add_, Add("t-7", "carol", v1::TEAM_ROLE_SALES));
  v1::AddTeamMemberRequest twice = Add("t-8", "carol", v1::TEAM_ROLE_SERVICE);
  testing::Answer(add_, twice);
  twice.set_parent(third.account.name());
  twice.set_request_id("t-9");
  testing::Answer(add_, twice);
  twice.set_parent(second.account.name());
  twice.set_request_id("t-10");
  const v1::TeamMembership ended = testing::Answer(add_, twice);
  v1::EndTeamMembershipRequest end;
  end.set_name(ended.name());
  testing::Answer(Bind(&service_, &TeamService::EndTeamMembership), end);

  auto list = Bind(&service_, &TeamService::ListTeamAccounts);
  v1::ListTeamAccountsRequest request;
  request.set_user("carol");
  request.set_page_size(1);
  const v1::ListTeamAccountsResponse first = testing::Answer(list, request);
  ASSERT_EQ(first.accounts_size(), 1);
  EXPECT_EQ(first.accounts(0), account_.account.name());
  request.set_page_token(first.next_page_token());
  const v1::ListTeamAccountsResponse last = testing::Answer(list, request);
  ASSERT_EQ(last.accounts_size(), 1);
  EXPECT_EQ(last.accounts(0), third.account.name());
  EXPECT_EQ(last.next_page_token(), "");

  request.set_user("dave");  // the token was carol's
  EXPECT_TRUE(absl::StartsWith(common::testing::Answer(list, request).status().message(),
                               "page_token was issued for a different query"));
  request.clear_page_token();
  EXPECT_EQ(testing::Answer(list, request).accounts_size(), 0);
}

TEST_F(TeamServiceTest, ListTeamAccountsNamesTheBadField) {
  auto list = Bind(&service_, &TeamService::ListTeamAccounts);
  struct Case {
    std::string user;
    int32_t page_size;
    std::string page_token;
    std::string field;
  };
  for (const Case& c : std::vector<Case>{{"", 0, "", "user"},
                                         {"two words", 0, "", "user"},
                                         {"carol", -1, "", "page_size"},
                                         {"carol", 0, "garbage", "page_token"}}) {
    v1::ListTeamAccountsRequest request;
    request.set_user(c.user);
    request.set_page_size(c.page_size);
    request.set_page_token(c.page_token);
    const absl::Status status = common::testing::Answer(list, request).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_TRUE(absl::StartsWith(status.message(), c.field)) << status.message();
  }
}

TEST_F(TeamServiceTest, DatabaseDownAnswersUnavailableAndWritesNothing) {
  testing::ExpectUnavailable(db_, add_, Add("t-6", "carol", v1::TEAM_ROLE_SALES));
}

}  // namespace
}  // namespace kam::account::team
