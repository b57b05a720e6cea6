// Rating a group customer as one (policy tiering.rank_unit GROUP,
// docs/domain.md §2) end to end: the runner reads the group hierarchy from
// the account export (a child may come before its parent), ranks the group
// on its summed value, gives every account of it the group's tier, and the
// reports count the group once; the same book under the default policy is
// rated per account.
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "tests/scoring/rating_test_helpers.h"
#include "tests/scoring/report_test_helpers.h"

namespace kam::testing {
namespace {

namespace av1 = ::kam::account::v1;

// The three-level scheme A 10% / B 30% / C 100% (every positive value is at
// least C, so only the top of the pyramid moves), valued by revenue; per
// account unless `unit` says otherwise.
sv1::ScoringPolicy ThreeLevels(sv1::RankUnit unit) {
  const sv1::TierRule rule = PyramidRule(1000, 3000, 10000);
  sv1::ScoringPolicy policy = RevenuePolicy(&rule);
  policy.mutable_tiering()->set_rank_unit(unit);
  return policy;
}

sv1::RatingRun MustSucceed(const sv1::ScoringPolicy& policy) {
  const sv1::RatingRun run = RunToEnd(MustCreatePolicy(policy).name());
  EXPECT_EQ(run.state(), sv1::RUN_STATE_SUCCEEDED) << run.ShortDebugString();
  return run;
}

// The book (revenue in EUR cents):
//   seven standalone accounts worth 8000, 7000, 6000, 5000, 4000, 2000, 1000;
//   a group: the root worth 3000, a branch under it worth 3000 and a city
//   branch under the branch worth 3000 (group value 9000), and a churned
//   branch under the root worth 100000, which counts for nothing.
// (ids: the standalone accounts, then city, root, branch, churned branch.)
// Per account, ten live accounts: A takes round(10 x 10%) = 1 (the 8000),
// A or B round(10 x 30%) = 3 (7000, 6000); the group's three 3000s are C.
// By group, eight groups (seven standalone, one group): A takes round(0.8)
// = 1, A or B round(2.4) = 2. The group's 9000 ranks first: A for its three
// live accounts; the 8000 drops to B.
TEST(GroupRating, AGroupOfSmallAccountsIsRatedAsOneCustomer) {
  const std::vector<std::string> standalone =
      CreateBook({8000, 7000, 6000, 5000, 4000, 2000, 1000});
  // The city branch is created first and moved under the branch later, so
  // the export reads it before its parent and the root.
  const std::string city = ValuedAccount(3000);
  const std::string root = ValuedAccount(3000);
  const std::string branch = ValuedAccount(3000, "", "", root);
  av1::UpdateAccountRequest move;
  move.mutable_account()->set_name(city);
  move.mutable_account()->set_parent_account(branch);
  move.mutable_update_mask()->add_paths("parent_account");
  ASSERT_OK(Call(Accounts(), &av1::AccountService::Stub::UpdateAccount, move).status);
  const std::string lost = ValuedAccount(100000, "", "", root);
  av1::MarkChurnedRequest churn;
  churn.set_name(lost);
  churn.set_kind(av1::CHURN_EVENT_KIND_CUSTOMER_CHURN);
  churn.set_reason(av1::CHURN_REASON_PRICE);
  ASSERT_OK(Call(Accounts(), &av1::AccountService::Stub::MarkChurned, churn).status);
  const std::vector<std::string> group = {city, root, branch};  // in account order

  // The default policy rates each account on its own: the group's accounts
  // are C, and nobody is rated as a group.
  const sv1::RatingRun alone = MustSucceed(ThreeLevels(sv1::RANK_UNIT_UNSPECIFIED));
  EXPECT_EQ(TierCountsText(alone.tier_counts()), "1/2/7/0");
  const std::map<std::string, sv1::AccountRating> apart = AllRatings(alone.name());
  for (const std::string& account : group) {
    EXPECT_EQ(apart.at(account).tier(), av1::TIER_C) << account;
    EXPECT_EQ(apart.at(account).rated_as_group(), "");
    EXPECT_FALSE(apart.at(account).key_account());
  }
  EXPECT_EQ(apart.at(standalone[0]).tier(), av1::TIER_A);
  EXPECT_EQ(ReportOf(&sv1::ReportService::Stub::GetPyramidReport, alone.name()).account_count(),
            10);

  // Rated as a group: every live account of it is A, rank 1, rated as the
  // root with the group's 9000; the churned branch has no tier.
  const sv1::RatingRun grouped = MustSucceed(ThreeLevels(sv1::RANK_UNIT_GROUP));
  EXPECT_EQ(grouped.accounts_total(), 11);
  // The run's tier counts count accounts (as published): the group's three
  // are A.
  EXPECT_EQ(TierCountsText(grouped.tier_counts()), "3/1/6/0");
  const std::map<std::string, sv1::AccountRating> together = AllRatings(grouped.name());
  for (const std::string& account : group) {
    const sv1::AccountRating& rating = together.at(account);
    EXPECT_EQ(rating.tier(), av1::TIER_A) << account;
    EXPECT_EQ(rating.rank(), 1);
    EXPECT_EQ(rating.rated_as_group(), root);
    EXPECT_EQ(rating.group_value_minor(), 9000);
    EXPECT_EQ(rating.value_minor(), 3000);  // its own value, still measured
    EXPECT_TRUE(rating.key_account());      // members of a key group are key accounts
    EXPECT_EQ(GetAccount(account).tier(), av1::TIER_A);
  }
  const sv1::AccountRating& churned = together.at(lost);
  EXPECT_EQ(churned.tier(), av1::TIER_UNSPECIFIED);
  EXPECT_EQ(churned.not_tiered_reason(), sv1::NOT_TIERED_REASON_CHURNED);
  EXPECT_EQ(churned.rated_as_group(), root);
  EXPECT_EQ(together.at(standalone[0]).tier(), av1::TIER_B);
  EXPECT_EQ(together.at(standalone[0]).rank(), 2);
  EXPECT_EQ(together.at(standalone[0]).rated_as_group(), standalone[0]);
  EXPECT_EQ(together.at(standalone[6]).rank(), 8);  // last of eight groups

  // The group's accounts came onto the key-account list with the group.
  sv1::ListKeyAccountChangesRequest changes;
  changes.set_run(grouped.name());
  Reply<sv1::ListKeyAccountChangesResponse> changed =
      Call(Ratings(), &RatingStub::ListKeyAccountChanges, changes);
  ASSERT_OK(changed.status);
  std::vector<std::string> came_on;
  for (const sv1::KeyAccountChange& c : changed.value.came_on()) {
    came_on.push_back(c.account());
    if (c.account() == branch) {
      EXPECT_TRUE(absl::StrContains(c.reason(), absl::StrCat("as group ", root))) << c.reason();
    }
  }
  EXPECT_EQ(came_on, group);

  // The reports count groups: A is one group worth 9000, B the 8000, C the
  // six others (7000 + 6000 + 5000 + 4000 + 2000 + 1000 = 25000); n is 8,
  // the total 42000 (the churned 100000 left out).
  const sv1::PyramidReport pyramid =
      ReportOf(&sv1::ReportService::Stub::GetPyramidReport, grouped.name());
  EXPECT_EQ(pyramid.account_count(), 8);
  EXPECT_EQ(pyramid.total_value_minor(), 42000);
  ASSERT_EQ(pyramid.tiers_size(), 4);
  EXPECT_EQ(pyramid.tiers(0).account_count(), 1);
  EXPECT_EQ(pyramid.tiers(0).total_value_minor(), 9000);
  EXPECT_EQ(pyramid.tiers(1).account_count(), 1);
  EXPECT_EQ(pyramid.tiers(1).total_value_minor(), 8000);
  EXPECT_EQ(pyramid.tiers(2).account_count(), 6);
  EXPECT_EQ(pyramid.tiers(2).total_value_minor(), 25000);
  EXPECT_EQ(pyramid.tiers(0).account_share_bp(), 1250);  // 1 of 8
  EXPECT_EQ(ReportOf(&sv1::ReportService::Stub::GetCustomerEquity, grouped.name()).account_count(),
            8);
  // Pareto ranks groups too: the best 1 of 8 (12.5%) is the group's 9000
  // of 42000.
  sv1::GetParetoReportRequest top;
  top.add_top_shares_bp(1250);
  top.add_top_shares_bp(10000);
  const sv1::ParetoReport curve =
      ReportOf(&sv1::ReportService::Stub::GetParetoReport, grouped.name(), top);
  ASSERT_EQ(curve.points_size(), 2);
  EXPECT_EQ(curve.points(0).account_count(), 1);
  EXPECT_EQ(curve.points(0).value_share_bp(), 2143);  // 9000 / 42000 = 21.43%
  EXPECT_EQ(curve.points(1).account_count(), 8);
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  return kam::testing::RunTestsOnSuite(argc, argv, kam::testing::ScoringSuiteOptions());
}
