#include "services/scoring/rules/programme/effort_report.h"

#include <array>
#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace kam::scoring::rules {
namespace {

// The source's case (docs/domain.md §2): C-class customers bring 10% of the
// value and take 60% of the sales force's time. Run totals of 1,000
// accounts in the 10/40/150/800 pyramid.
std::array<TierEffortTotals, kTierCount> SalesForceCase() {
  return {{
      {10, 4000, 5, 500},     // A: 40% of value, 5% of activities, 5% of cost
      {40, 3000, 15, 1500},   // B: 30%, 15%, 15%
      {150, 1000, 60, 5000},  // C: 10%, 60%, 50%
      {800, 2000, 20, 3000},  // D: 20%, 20%, 30%
  }};
}

TEST(EffortReportTest, ComparesEachTiersEffortWithItsValue) {
  const absl::StatusOr<EffortReport> report = ComputeEffortReport(SalesForceCase());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->value_shares_defined);
  EXPECT_EQ(report->totals.accounts, 1000);
  EXPECT_EQ(report->totals.value, 10000);
  EXPECT_EQ(report->totals.activities, 100);
  EXPECT_EQ(report->totals.cost_to_serve, 10000);

  const TierEffort& a = report->tiers[0];
  EXPECT_EQ(a.account_share_bp, 100);
  EXPECT_EQ(a.value_share_bp, 4000);
  EXPECT_EQ(a.activity_share_bp, 500);
  EXPECT_EQ(a.cost_share_bp, 500);
  EXPECT_EQ(a.balance, EffortBalance::kUnderServed);

  const TierEffort& c = report->tiers[2];
  EXPECT_EQ(c.value_share_bp, 1000);
  EXPECT_EQ(c.activity_share_bp, 6000);
  EXPECT_EQ(c.cost_share_bp, 5000);
  EXPECT_EQ(c.balance, EffortBalance::kOverServed);
  EXPECT_EQ(c.sentence,
            "C holds 10% of the value and takes 60% of the activities and 50% of the cost to "
            "serve: over-served");
  EXPECT_FALSE(report->effort_follows_value);
}

TEST(EffortReportTest, AGapOfExactlyTheToleranceIsBalanced) {
  const absl::StatusOr<EffortReport> report = ComputeEffortReport(SalesForceCase());
  ASSERT_TRUE(report.ok());
  // D: 20% of value, 30% of cost: ten points is within the default tolerance.
  EXPECT_EQ(report->tiers[3].cost_share_bp - report->tiers[3].value_share_bp, 1000);
  EXPECT_EQ(report->tiers[3].balance, EffortBalance::kBalanced);
  // A point tighter, it is over-served.
  const absl::StatusOr<EffortReport> strict = ComputeEffortReport(SalesForceCase(), 999);
  ASSERT_TRUE(strict.ok());
  EXPECT_EQ(strict->tiers[3].balance, EffortBalance::kOverServed);
}

TEST(EffortReportTest, EffortInProportionToValueFollowsIt) {
  const std::array<TierEffortTotals, kTierCount> totals = {
      {{1, 500, 50, 5000}, {4, 300, 30, 3000}, {15, 150, 15, 1500}, {80, 50, 5, 500}}};
  const absl::StatusOr<EffortReport> report = ComputeEffortReport(totals);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->effort_follows_value);
  for (const TierEffort& tier : report->tiers) {
    EXPECT_EQ(tier.balance, EffortBalance::kBalanced) << tier.sentence;
    EXPECT_EQ(tier.activity_share_bp, tier.value_share_bp);
  }
}

TEST(EffortReportTest, AKindWithNothingRecordedHasNoSharesAndJudgesNothing) {
  std::array<TierEffortTotals, kTierCount> totals = SalesForceCase();
  for (TierEffortTotals& t : totals) t.activities = 0;
  const absl::StatusOr<EffortReport> report = ComputeEffortReport(totals);
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->activity_shares_defined);
  EXPECT_TRUE(report->cost_shares_defined);
  // C is still over-served on cost (50% against 10%); A under-served on it.
  EXPECT_EQ(report->tiers[2].balance, EffortBalance::kOverServed);
  EXPECT_EQ(report->tiers[0].balance, EffortBalance::kUnderServed);
  EXPECT_NE(report->tiers[0].sentence.find("no share (none recorded) of the activities"),
            std::string::npos)
      << report->tiers[0].sentence;

  // With no positive value there is nothing to weigh effort against.
  for (TierEffortTotals& t : totals) t.value = 0;
  const absl::StatusOr<EffortReport> valueless = ComputeEffortReport(totals);
  ASSERT_TRUE(valueless.ok());
  EXPECT_FALSE(valueless->value_shares_defined);
  EXPECT_TRUE(valueless->effort_follows_value);
}

TEST(EffortReportTest, BadInputNamesTheField) {
  std::array<TierEffortTotals, kTierCount> totals = SalesForceCase();
  totals[2].activities = -1;
  absl::StatusOr<EffortReport> report = ComputeEffortReport(totals);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(report.status().message().find("totals[2].activities"), std::string::npos);

  report = ComputeEffortReport(SalesForceCase(), 10001);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(report.status().message().find("tolerance_bp"), std::string::npos);
}

TEST(EffortReportTest, ChartDrawsABarPerDefinedShareAndNamesTheOverServed) {
  const absl::StatusOr<EffortReport> report = ComputeEffortReport(SalesForceCase());
  ASSERT_TRUE(report.ok());
  const std::string svg = EffortChartSvg(*report);
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_NE(svg.find(">over-served</text>"), std::string::npos);
  EXPECT_NE(svg.find(">under-served</text>"), std::string::npos);
  EXPECT_NE(svg.find(">60%</text>"), std::string::npos);
  // 12 bars and 3 legend swatches (the background is a <rect width=...>).
  size_t rects = 0;
  for (size_t at = svg.find("<rect x="); at != std::string::npos;
       at = svg.find("<rect x=", at + 1)) {
    ++rects;
  }
  EXPECT_EQ(rects, 15u);
  EXPECT_EQ(svg, EffortChartSvg(*report));  // deterministic
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
}

}  // namespace
}  // namespace kam::scoring::rules
