// ReportService.GetAccountTrend against the fake stores: the points oldest
// first with their trends, the newest runs of a policy or the runs named,
// every bad input named, and an account manager narrowed to their accounts.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/testing/fake_team_accounts.h"
#include "common/testing/handler_checks.h"
#include "gtest/gtest.h"
#include "services/scoring/rating/fake_rating_store.h"
#include "services/scoring/reports/fake_report_store.h"
#include "services/scoring/reports/report_service.h"

namespace kam::scoring::reports {
namespace {

using absl::StatusCode;

class AccountTrendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Account 7 under policy 1 over runs 1..4 (as_of in run order but for
    // run 4, which is dated first): health 80, 76, 70, 65 in time order.
    PutRun(1, 1, v1::RUN_STATE_SUCCEEDED);
    PutRun(2, 1, v1::RUN_STATE_SUCCEEDED);
    PutRun(3, 1, v1::RUN_STATE_SUCCEEDED);
    PutRun(4, 1, v1::RUN_STATE_SUCCEEDED);
    PutRun(5, 2, v1::RUN_STATE_SUCCEEDED);
    PutRun(6, 1, v1::RUN_STATE_FAILED);
    Rate(4, 100, 100000, 20, 80);
    Rate(1, 200, 100000, 24, 76);
    Rate(2, 300, 90000, 30, 70);
    Rate(3, 400, 80000, 35, 65);
  }

  void PutRun(int64_t id, int64_t policy, v1::RunState state) {
    rating::StoredRun run;
    run.id = id;
    run.policy_id = policy;
    run.run.set_name(absl::StrCat("ratingRuns/", id));
    run.run.set_state(state);
    runs_.PutRun(run);
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

  rating::FakeRatingStore runs_;
  FakeReportStore reports_;
  common::testing::FakeTeamAccounts teams_;
  ReportService service_{&runs_, &reports_, &teams_};
};

TEST_F(AccountTrendTest, TheNewestRunsOfAPolicyOldestFirstWithTheirTrends) {
  absl::StatusOr<v1::AccountTrend> t = Trend("policies/1/accountTrends/7");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->name(), "policies/1/accountTrends/7");
  EXPECT_EQ(t->account(), "accounts/7");
  EXPECT_EQ(t->currency_code(), "EUR");
  ASSERT_EQ(t->points_size(), 4);
  EXPECT_EQ(t->points(0).rating_run(), "ratingRuns/4");
  EXPECT_EQ(t->points(3).rating_run(), "ratingRuns/3");
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
  EXPECT_EQ(t->points(0).rating_run(), "ratingRuns/2");
  EXPECT_EQ(t->health().slope_hundredths(), -500);
}

TEST_F(AccountTrendTest, TheRunsNamedInRunOrder) {
  absl::StatusOr<v1::AccountTrend> t =
      Trend("policies/-/accountTrends/7", 0, {"ratingRuns/3", "ratingRuns/4"});
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->name(), "policies/-/accountTrends/7");
  ASSERT_EQ(t->points_size(), 2);
  EXPECT_EQ(t->points(0).rating_run(), "ratingRuns/4");
  EXPECT_EQ(t->health().slope_hundredths(), -1500);
  t = Trend("policies/1/accountTrends/7", 0, {"ratingRuns/1"});
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
  expect(Trend("policies/1/accountTrends/7", 3, {"ratingRuns/1"}), StatusCode::kInvalidArgument,
         "run_count must be 0 when runs are named");
  expect(Trend("policies/1/accountTrends/7", 0, {"ratingRuns/1", "ratingRuns/x"}),
         StatusCode::kInvalidArgument,
         "runs[1] must look like ratingRuns/{ratingRun} (got \"ratingRuns/x\")");
  expect(Trend("policies/1/accountTrends/7", 0, {"ratingRuns/1", "ratingRuns/1"}),
         StatusCode::kInvalidArgument, "runs[1] must not repeat runs[0] (ratingRuns/1)");
  expect(Trend("policies/1/accountTrends/7", 0, {"ratingRuns/5"}), StatusCode::kInvalidArgument,
         "runs[0] must be a run of policies/1 (ratingRuns/5 is a run of policies/2)");
  expect(Trend("policies/1/accountTrends/7", 0, std::vector<std::string>(101, "ratingRuns/1")),
         StatusCode::kInvalidArgument, "runs must name at most 100 runs (got 101)");
}

TEST_F(AccountTrendTest, UnknownPoliciesRunsAndAccountsAreNotFound) {
  EXPECT_EQ(Trend("policies/9/accountTrends/7").status().message(), "policies/9 not found");
  absl::StatusOr<v1::AccountTrend> t = Trend("policies/1/accountTrends/8");
  EXPECT_EQ(t.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(t.status().message(),
            "accounts/8 was not rated by any run of policies/1 that has SUCCEEDED");
  t = Trend("policies/-/accountTrends/7", 0, {"ratingRuns/5"});
  EXPECT_EQ(t.status().message(), "runs[0]: accounts/7 was not rated by ratingRuns/5");
  EXPECT_EQ(Trend("policies/-/accountTrends/7", 0, {"ratingRuns/99"}).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(Trend("policies/-/accountTrends/7", 0, {"ratingRuns/6"}).status().code(),
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
