// ReportService against the fake stores: reports only over runs that have
// SUCCEEDED, the pyramid and customer equity from the tier totals, a
// database that is down, group roll-ups and account trends.
#include "services/scoring/reports/report_service.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/testing/fake_team_accounts.h"
#include "common/testing/handler_checks.h"
#include "gtest/gtest.h"
#include "services/scoring/rating/fake_rating_store.h"
#include "services/scoring/reports/fake_report_store.h"

namespace kam::scoring::reports {
namespace {

class ReportServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    PutRun(1, v1::RUN_STATE_SUCCEEDED);
    PutRun(2, v1::RUN_STATE_PUBLISHING);
    RunTierTotals totals;
    totals.value[0] = {1, 6000};  // A
    totals.value[1] = {3, 3000};  // B
    totals.value[3] = {6, 1000};  // D
    totals.clv = {50000, 20000, 0, 4000};
    totals.currency = "EUR";
    reports_.PutTotals(1, totals);
  }

  void PutRun(int64_t id, v1::RunState state, int64_t policy = 1) {
    rating::StoredRun run;
    run.id = id;
    run.policy_id = policy;
    run.run.set_name(absl::StrCat("ratingRuns/", id));
    run.run.set_state(state);
    runs_.PutRun(run);
  }

  absl::StatusOr<v1::PyramidReport> Pyramid(const std::string& run) {
    v1::GetPyramidReportRequest request;
    request.set_run(run);
    return common::testing::Answer(service_, &ReportService::GetPyramidReport, request);
  }

  rating::FakeRatingStore runs_;
  FakeReportStore reports_;
  common::testing::FakeTeamAccounts teams_;
  ReportService service_{&runs_, &reports_, &teams_};
};

TEST_F(ReportServiceTest, ThePyramidOfASucceededRun) {
  absl::StatusOr<v1::PyramidReport> report = Pyramid("ratingRuns/1");
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->account_count(), 10);
  EXPECT_EQ(report->total_value_minor(), 10000);
  EXPECT_EQ(report->currency_code(), "EUR");
  ASSERT_EQ(report->tiers_size(), 4);
  EXPECT_EQ(report->tiers(0).tier(), account::v1::TIER_A);
  EXPECT_EQ(report->tiers(0).account_share_bp(), 1000);
  EXPECT_EQ(report->tiers(0).value_share_bp(), 6000);

  v1::GetCustomerEquityRequest request;
  request.set_run("ratingRuns/1");
  absl::StatusOr<v1::CustomerEquity> equity =
      common::testing::Answer(service_, &ReportService::GetCustomerEquity, request);
  ASSERT_TRUE(equity.ok()) << equity.status();
  EXPECT_EQ(equity->equity_minor(), 74000);
  EXPECT_EQ(equity->account_count(), 10);
}

TEST_F(ReportServiceTest, OnlyASucceededRunHasReports) {
  absl::StatusOr<v1::PyramidReport> publishing = Pyramid("ratingRuns/2");
  EXPECT_EQ(publishing.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(publishing.status().message(),
            "run: ratingRuns/2 is RUN_STATE_PUBLISHING; reports need a run that has SUCCEEDED");
  EXPECT_EQ(Pyramid("ratingRuns/3").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Pyramid("runs/1").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ReportServiceTest, ADatabaseThatIsDownIsUnavailable) {
  reports_.SetDown(true);
  EXPECT_EQ(Pyramid("ratingRuns/1").status().code(), absl::StatusCode::kUnavailable);
  reports_.SetDown(false);
  runs_.SetDown(true);
  EXPECT_EQ(Pyramid("ratingRuns/1").status().code(), absl::StatusCode::kUnavailable);
}

absl::StatusOr<v1::GroupRollup> Rollup(ReportService& service, const std::string& name) {
  v1::GetGroupRollupRequest request;
  request.set_name(name);
  return common::testing::Answer(service, &ReportService::GetGroupRollup, request);
}

GroupRollupSums SomeGroup() {
  GroupRollupSums sums;
  sums.member_count = 3;
  sums.currencies = {"EUR"};
  sums.gross_profit = 9000;
  sums.cost_to_serve = 1500;
  sums.receivables = 5000;
  sums.overdue = 1200;
  sums.overdue_buckets = {700, 0, 300, 200};
  sums.credit_exposure = 6000;
  sums.csat_count = 3;
  sums.csat_sum = 11;
  // Health 80 on value 3000, 50 on 1000, 10 on a loss: 72.5 -> 73.
  sums.health = {absl::int128(80) * 3000 + 50 * 1000, 4000, 140, 3};
  sums.tier_counts = {1, 1, 0, 0};
  sums.not_tiered = 1;
  sums.group_credit_limit = 10000;
  sums.group_credit_currency = "EUR";
  return sums;
}

TEST_F(ReportServiceTest, AGroupRollupFromTheStoresSums) {
  reports_.PutRollup(1, 7, SomeGroup());
  absl::StatusOr<v1::GroupRollup> r = Rollup(service_, "ratingRuns/1/groupRollups/7");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->name(), "ratingRuns/1/groupRollups/7");
  EXPECT_EQ(r->rating_run(), "ratingRuns/1");
  EXPECT_EQ(r->account(), "accounts/7");
  EXPECT_EQ(r->member_count(), 3);
  EXPECT_EQ(r->currency_code(), "EUR");
  EXPECT_EQ(r->profit_minor(), 7500);
  EXPECT_EQ(r->receivables().current_minor(), 3800);
  EXPECT_EQ(r->receivables().days_1_30_minor(), 700);
  EXPECT_EQ(r->receivables().days_over_90_minor(), 200);
  EXPECT_TRUE(r->credit().has_limit());
  EXPECT_TRUE(r->credit().headroom_defined());
  EXPECT_EQ(r->credit().headroom_minor(), 4000);
  EXPECT_EQ(r->csat_average_hundredths(), 367);
  EXPECT_EQ(r->health(), 73);
  EXPECT_EQ(r->churn_risk(), 0);
  EXPECT_EQ(r->tier_counts().a(), 1);
  EXPECT_EQ(r->tier_counts().b(), 1);
  EXPECT_EQ(r->tier_counts().c(), 0);
  EXPECT_EQ(r->not_tiered_count(), 1);
}

TEST_F(ReportServiceTest, AGroupRollupRefusesMixedCurrenciesAndHugeGroups) {
  GroupRollupSums mixed = SomeGroup();
  mixed.currencies = {"EUR", "USD"};
  reports_.PutRollup(1, 7, mixed);
  absl::StatusOr<v1::GroupRollup> r = Rollup(service_, "ratingRuns/1/groupRollups/7");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("amounts in EUR, USD"), std::string::npos) << r.status();
  GroupRollupSums huge = SomeGroup();
  huge.member_count = kMaxRollupMembers + 1;
  reports_.PutRollup(1, 7, huge);
  r = Rollup(service_, "ratingRuns/1/groupRollups/7");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("at most 100000"), std::string::npos) << r.status();
}

TEST_F(ReportServiceTest, AGroupRollupNeedsASucceededRunThatRatedTheAccount) {
  reports_.PutRollup(1, 7, SomeGroup());
  EXPECT_EQ(Rollup(service_, "ratingRuns/1/groupRollups/8").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Rollup(service_, "ratingRuns/3/groupRollups/7").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Rollup(service_, "ratingRuns/2/groupRollups/7").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Rollup(service_, "ratingRuns/1/ratings/7").status().code(),
            absl::StatusCode::kInvalidArgument);
}

// GetAccountTrend: the points oldest first with their trends, the newest
// runs of a policy or the runs named, every bad input named, and an account
// manager narrowed to their accounts.
using absl::StatusCode;

class AccountTrendTest : public ReportServiceTest {
 protected:
  void SetUp() override {
    ReportServiceTest::SetUp();
    // Account 7 under policy 1 over runs 11..14 (as_of in run order but for
    // run 14, which is dated first): health 80, 76, 70, 65 in time order.
    PutRun(11, v1::RUN_STATE_SUCCEEDED, 1);
    PutRun(12, v1::RUN_STATE_SUCCEEDED, 1);
    PutRun(13, v1::RUN_STATE_SUCCEEDED, 1);
    PutRun(14, v1::RUN_STATE_SUCCEEDED, 1);
    PutRun(15, v1::RUN_STATE_SUCCEEDED, 2);
    PutRun(16, v1::RUN_STATE_FAILED, 1);
    Rate(14, 100, 100000, 20, 80);
    Rate(11, 200, 100000, 24, 76);
    Rate(12, 300, 90000, 30, 70);
    Rate(13, 400, 80000, 35, 65);
  }

  void Rate(int64_t run, int64_t seconds, int64_t value, int risk, int health) {
    TrendRow row;
    row.run_id = run;
    row.as_of.set_seconds(seconds);
    row.value = value;
    row.currency = "EUR";
    row.churn_risk = risk;
    row.health = health;
    row.tier = 2;
    reports_.PutRating(1, 7, row);
  }

  absl::StatusOr<v1::AccountTrend> Trend(const std::string& name, int run_count = 0,
                                         std::vector<std::string> runs = {},
                                         common::CallContext ctx = common::testing::Caller()) {
    v1::GetAccountTrendRequest request;
    request.set_name(name);
    request.set_run_count(run_count);
    for (const std::string& run : runs) request.add_runs(run);
    v1::AccountTrend response;
    absl::Status status = service_.GetAccountTrend(ctx, request, &response);
    if (!status.ok()) return status;
    return response;
  }

};

TEST_F(AccountTrendTest, TheNewestRunsOfAPolicyOldestFirstWithTheirTrends) {
  absl::StatusOr<v1::AccountTrend> t = Trend("policies/1/accountTrends/7");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->name(), "policies/1/accountTrends/7");
  EXPECT_EQ(t->points(0).value().currency_code(), "EUR");
  ASSERT_EQ(t->points_size(), 4);
  EXPECT_EQ(t->points(0).rating_run(), "ratingRuns/14");
  EXPECT_EQ(t->points(3).rating_run(), "ratingRuns/13");
  EXPECT_EQ(t->points(0).as_of().seconds(), 100);
  EXPECT_EQ(t->points(0).tier(), account::v1::TIER_B);
  // 80, 76, 70, 65: -5.1 points per run.
  EXPECT_EQ(t->health().slope_hundredths(), -510);
  EXPECT_EQ(t->health().direction(), v1::TREND_DIRECTION_DECLINING);
  // 20, 24, 30, 35: c = -3, -1, 1, 3: 2 * 51 / 20 = +5.1.
  EXPECT_EQ(t->churn_risk().slope_hundredths(), 510);
  EXPECT_EQ(t->churn_risk().direction(), v1::TREND_DIRECTION_RISING);
  // 100000, 100000, 90000, 80000: 2 * -70000 / 20 = -7000 minor units per
  // run, beyond 1% of the mean 92500.
  EXPECT_EQ(t->value().slope_hundredths(), -700000);
  EXPECT_EQ(t->value().tolerance_hundredths(), 92500);
  EXPECT_EQ(t->value().direction(), v1::TREND_DIRECTION_DECLINING);
  EXPECT_NE(t->health().svg().find("<title>Health of accounts/7 over 4 runs</title>"),
            std::string::npos);
  // The newest two only.
  t = Trend("policies/1/accountTrends/7", 2);
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->points_size(), 2);
  EXPECT_EQ(t->points(0).rating_run(), "ratingRuns/12");
  EXPECT_EQ(t->health().slope_hundredths(), -500);
}

TEST_F(AccountTrendTest, TheRunsNamedInRunOrder) {
  absl::StatusOr<v1::AccountTrend> t =
      Trend("policies/-/accountTrends/7", 0, {"ratingRuns/13", "ratingRuns/14"});
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->name(), "policies/-/accountTrends/7");
  ASSERT_EQ(t->points_size(), 2);
  EXPECT_EQ(t->points(0).rating_run(), "ratingRuns/14");
  EXPECT_EQ(t->health().slope_hundredths(), -1500);
  t = Trend("policies/1/accountTrends/7", 0, {"ratingRuns/11"});
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->health().direction(), v1::TREND_DIRECTION_UNDETERMINED);
}

TEST_F(AccountTrendTest, EveryBadInputIsNamed) {
  const auto expect = [](const absl::StatusOr<v1::AccountTrend>& t, StatusCode code,
                         const std::string& message) {
    EXPECT_EQ(t.status().code(), code) << t.status();
    EXPECT_EQ(std::string(t.status().message()), message);
  };
  expect(Trend("accounts/7"), StatusCode::kInvalidArgument,
         "name must look like policies/{policy}/accountTrends/{accountTrend} (got \"accounts/7\")");
  expect(Trend("policies/1/accountTrends/7", 101), StatusCode::kInvalidArgument,
         "run_count must be between 0 and 100 (got 101)");
  expect(Trend("policies/1/accountTrends/7", -1), StatusCode::kInvalidArgument,
         "run_count must be between 0 and 100 (got -1)");
  expect(Trend("policies/-/accountTrends/7"), StatusCode::kInvalidArgument,
         "name may say policies/- only when runs are named");
  expect(Trend("policies/1/accountTrends/7", 3, {"ratingRuns/11"}), StatusCode::kInvalidArgument,
         "run_count must be 0 when runs are named");
  expect(Trend("policies/1/accountTrends/7", 0, {"ratingRuns/11", "ratingRuns/x"}),
         StatusCode::kInvalidArgument,
         "runs[1] must look like ratingRuns/{ratingRun} (got \"ratingRuns/x\")");
  expect(Trend("policies/1/accountTrends/7", 0, {"ratingRuns/11", "ratingRuns/11"}),
         StatusCode::kInvalidArgument, "runs[1] must not repeat runs[0] (ratingRuns/11)");
  expect(Trend("policies/1/accountTrends/7", 0, {"ratingRuns/15"}), StatusCode::kInvalidArgument,
         "runs[0] must be a run of policies/1 (ratingRuns/15 is a run of policies/2)");
  expect(Trend("policies/1/accountTrends/7", 0, std::vector<std::string>(101, "ratingRuns/11")),
         StatusCode::kInvalidArgument, "runs must name at most 100 runs (got 101)");
}

TEST_F(AccountTrendTest, UnknownPoliciesRunsAndAccountsAreNotFound) {
  EXPECT_EQ(Trend("policies/9/accountTrends/7").status().message(), "policies/9 not found");
  absl::StatusOr<v1::AccountTrend> t = Trend("policies/1/accountTrends/8");
  EXPECT_EQ(t.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(t.status().message(),
            "accounts/8 was not rated by any run of policies/1 that has SUCCEEDED");
  t = Trend("policies/-/accountTrends/7", 0, {"ratingRuns/15"});
  EXPECT_EQ(t.status().message(), "runs[0]: accounts/7 was not rated by ratingRuns/15");
  EXPECT_EQ(Trend("policies/-/accountTrends/7", 0, {"ratingRuns/99"}).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(Trend("policies/-/accountTrends/7", 0, {"ratingRuns/16"}).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(AccountTrendTest, AnAccountManagerSeesOnlyTheirAccounts) {
  teams_.Put("m1", {7});
  teams_.Put("m2", {8});
  const auto as = [](const std::string& manager) {
    return common::testing::GrantedCaller(auth::kAccountManager, manager);
  };
  EXPECT_TRUE(Trend("policies/1/accountTrends/7", 0, {}, as("m1")).ok());
  absl::StatusOr<v1::AccountTrend> t = Trend("policies/1/accountTrends/7", 0, {}, as("m2"));
  EXPECT_EQ(t.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(t.status().message(),
            "accounts/7 was not rated by any run of policies/1 that has SUCCEEDED");
}

TEST_F(AccountTrendTest, ADatabaseThatIsDownIsUnavailable) {
  reports_.SetDown(true);
  EXPECT_EQ(Trend("policies/1/accountTrends/7").status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace kam::scoring::reports
