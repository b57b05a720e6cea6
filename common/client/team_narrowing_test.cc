#include "common/client/team_narrowing.h"

#include <string>

#include "absl/status/status.h"
#include "common/testing/fake_team_accounts.h"
#include "gtest/gtest.h"

namespace kam::common {
namespace {

using testing::FakeTeamAccounts;
using testing::GrantedCaller;

absl::Status Missing() { return absl::NotFoundError("order orders/5 not found"); }

TEST(TeamNarrowingTest, OnlyAManagersCallAsksForAccounts) {
  FakeTeamAccounts teams;
  teams.SetDown(true);  // no call made: no error either
  for (const CallContext& ctx :
       {CallContext{}, GrantedCaller(auth::kAdmin), GrantedCaller(auth::kAnalyst)}) {
    EXPECT_EQ(NarrowedUser(ctx), "");
    EXPECT_TRUE(CheckOwnAccount(teams, ctx, 7, Missing).ok());
    ListRequest list;
    absl::StatusOr<bool> any = NarrowList(teams, ctx, &list);
    ASSERT_TRUE(any.ok());
    EXPECT_TRUE(*any);
    EXPECT_TRUE(list.filter.children.empty()) << "the filter is left as it was";
  }
  EXPECT_EQ(teams.calls(), 0);
}

TEST(TeamNarrowingTest, AManagerSeesTheirAccountsAndAnswersMissingForOthers) {
  FakeTeamAccounts teams;
  teams.Put("am.liu", {3, 7});
  const CallContext liu = GrantedCaller(auth::kAccountManager, "am.liu");
  EXPECT_EQ(NarrowedUser(liu), "am.liu");
  EXPECT_TRUE(CheckOwnAccount(teams, liu, 7, Missing).ok());
  const absl::Status other = CheckOwnAccount(teams, liu, 8, Missing);
  EXPECT_EQ(other, Missing()) << "the missing resource's own answer";

  ListRequest list;
  absl::StatusOr<bool> any = NarrowList(teams, liu, &list);
  ASSERT_TRUE(any.ok());
  EXPECT_TRUE(*any);
  ASSERT_EQ(list.filter.children.size(), 2u);
  EXPECT_EQ(list.filter.children[1].children.size(), 2u) << "account = 3 OR account = 7";

  teams.SetDown(true);
  EXPECT_EQ(CheckOwnAccount(teams, liu, 7, Missing).code(), absl::StatusCode::kUnavailable);
}

TEST(TeamNarrowingTest, AManagerWithNoAccountGetsAnEmptyList) {
  FakeTeamAccounts teams;
  ListRequest list;
  absl::StatusOr<bool> any =
      NarrowList(teams, GrantedCaller(auth::kAccountManager, "am.new"), &list);
  ASSERT_TRUE(any.ok());
  EXPECT_FALSE(*any);
}

}  // namespace
}  // namespace kam::common
