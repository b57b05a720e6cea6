// ReportService against the fake stores: reports only over runs that have
// SUCCEEDED, the pyramid and customer equity from the tier totals, and a
// database that is down.
#include "services/scoring/reports/report_service.h"

#include <string>

#include "absl/strings/str_cat.h"
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
  ReportService service_{&runs_, &reports_};
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

}  // namespace
}  // namespace kam::scoring::reports
