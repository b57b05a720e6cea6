// The team handlers against the in-memory database: idempotent additions
// (a member, and an account manager whose addition is a handover written
// with the account), ending the manager's membership, and a database that
// is down.
#include "services/account/team/team_service.h"

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

TEST_F(TeamServiceTest, DatabaseDownAnswersUnavailableAndWritesNothing) {
  testing::ExpectUnavailable(db_, add_, Add("t-6", "carol", v1::TEAM_ROLE_SALES));
}

}  // namespace
}  // namespace kam::account::team
