// ReportService against the fake stores: reports only over runs that have
// SUCCEEDED, the pyramid and customer equity from the tier totals, and a
// database that is down.
#include "services/scoring/reports/report_service.h"

#include <string>

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

  void PutRun(int64_t id, v1::RunState state) {
    rating::StoredRun run;
    run.id = id;
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

}  // namespace
}  // namespace kam::scoring::reports
