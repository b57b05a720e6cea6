// The trend of a series across rating runs: the least-squares slope per run
// with known numbers, the direction against its tolerance, and the
// sparkline to the byte.
#include "services/scoring/rules/trend/series_trend.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "services/scoring/rules/charts/svg.h"

namespace kam::scoring::rules {
namespace {

TEST(SlopeTest, LeastSquaresPerRunInHundredths) {
  // Four runs: c = -3, -1, 1, 3, sum(c^2) = 20, sum(c*y) = -240 - 76 + 70 +
  // 195 = -51; slope = 2 * -51 / 20 = -5.1 points per run.
  EXPECT_EQ(SlopeHundredths({80, 76, 70, 65}), -510);
  // A straight line has its own step as slope; a flat one has none.
  EXPECT_EQ(SlopeHundredths({10, 20, 30}), 1000);
  EXPECT_EQ(SlopeHundredths({42, 42, 42, 42, 42}), 0);
  // Two points: the difference.
  EXPECT_EQ(SlopeHundredths({50, 47}), -300);
  // Six runs, c = -5 .. 5 in steps of 2, sum(c^2) = 70: a 1 at c = 3 gives
  // 200 * 3 / 70 = 8.57 -> 9, and -1 gives -9 (half away from zero).
  EXPECT_EQ(SlopeHundredths({0, 0, 0, 0, 1, 0}), 9);
  EXPECT_EQ(SlopeHundredths({0, 0, 0, 0, -1, 0}), -9);
  EXPECT_EQ(SlopeHundredths({0, 0, 0, 0, 0, 1}), 14);  // 1000 / 70 = 14.29
  // Fewer than two points have no slope.
  EXPECT_EQ(SlopeHundredths({}), 0);
  EXPECT_EQ(SlopeHundredths({70}), 0);
}

TEST(SlopeTest, ExtremeValuesClampInsteadOfWrapping) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(SlopeHundredths({kMin, kMax}), kMax);
  EXPECT_EQ(SlopeHundredths({kMax, kMin}), kMin);
}

TEST(ScoreTrendTest, OnePointPerRunEitherWayIsStable) {
  const SeriesTrend declining = ScoreTrend({80, 76, 70, 65});
  EXPECT_EQ(declining.slope_hundredths, -510);
  EXPECT_EQ(declining.tolerance_hundredths, 100);
  EXPECT_EQ(declining.direction, TrendDirection::kDeclining);
  EXPECT_EQ(ScoreTrend({50, 51}).direction, TrendDirection::kStable);  // exactly 1.00
  EXPECT_EQ(ScoreTrend({51, 50}).direction, TrendDirection::kStable);
  EXPECT_EQ(ScoreTrend({50, 52}).direction, TrendDirection::kRising);
  EXPECT_EQ(ScoreTrend({60, 60, 60}).direction, TrendDirection::kStable);
  const SeriesTrend single = ScoreTrend({60});
  EXPECT_EQ(single.direction, TrendDirection::kUndetermined);
  EXPECT_EQ(single.slope_hundredths, 0);
}

TEST(ValueTrendTest, ToleranceIsOnePercentOfTheMeanAbsoluteValue) {
  // Mean |value| 2000 minor units: 1% is 20 minor units, 2000 hundredths.
  EXPECT_EQ(ValueTrend({1000, -3000, 2000}).tolerance_hundredths, 2000);
  EXPECT_EQ(ValueTrend({1, 2}).tolerance_hundredths, 2);  // 1.5 rounds up
  // 100000 -> 100900: 900 minor units per run, under 1% of 100450.
  const SeriesTrend small = ValueTrend({100000, 100900});
  EXPECT_EQ(small.slope_hundredths, 90000);
  EXPECT_EQ(small.tolerance_hundredths, 100450);
  EXPECT_EQ(small.direction, TrendDirection::kStable);
  const SeriesTrend falling = ValueTrend({100000, 90000, 80000});
  EXPECT_EQ(falling.slope_hundredths, -1000000);
  EXPECT_EQ(falling.direction, TrendDirection::kDeclining);
  EXPECT_EQ(ValueTrend({0, 0}).direction, TrendDirection::kStable);
}

TEST(SparklineTest, PointsEvenlySpacedOnTheScoreScaleWithTheLastMarked) {
  // 4 px margins: x from 4 to 156, y from 36 (0) up to 4 (100).
  const std::string svg = SparklineSvg({0, 100}, SparklineScale::kScore, "Health <a>");
  EXPECT_EQ(svg, svg::Open(160, 40, "Health <a>") +
                     "<line x1=\"4\" y1=\"36\" x2=\"156\" y2=\"4\" stroke=\"#1f77b4\" "
                     "stroke-width=\"1.5\"/>\n"
                     "<rect x=\"154.5\" y=\"2.5\" width=\"3\" height=\"3\" fill=\"#1f77b4\"/>\n"
                     "</svg>\n");
  EXPECT_NE(svg.find("<title>Health &lt;a&gt;</title>"), std::string::npos);
  EXPECT_EQ(svg, SparklineSvg({0, 100}, SparklineScale::kScore, "Health <a>"));
}

TEST(SparklineTest, RangeScaleSpansLowestToHighestAndAFlatLineSitsInTheMiddle) {
  const std::string range = SparklineSvg({-500, 1500, 500}, SparklineScale::kRange, "v");
  EXPECT_NE(range.find("<line x1=\"4\" y1=\"36\" x2=\"80\" y2=\"4\""), std::string::npos);
  EXPECT_NE(range.find("<line x1=\"80\" y1=\"4\" x2=\"156\" y2=\"20\""), std::string::npos);
  const std::string flat = SparklineSvg({7, 7}, SparklineScale::kRange, "v");
  EXPECT_NE(flat.find("<line x1=\"4\" y1=\"20\" x2=\"156\" y2=\"20\""), std::string::npos);
  // One point: in the middle, marked, no line.
  const std::string one = SparklineSvg({70}, SparklineScale::kScore, "v");
  EXPECT_EQ(one.find("<line"), std::string::npos);
  EXPECT_NE(one.find("<rect x=\"78.5\" y=\"18.5\""), std::string::npos);
}

TEST(SparklineTest, ScoresSpanTheirOwnWindowAtLeastTenPointsTall) {
  // Health 35, 35, 32, 28, 25: the window is 25-35, so the fall spans the
  // whole height (y 4 to 36), not a quarter of it as on a 0-100 axis.
  const std::string falling = SparklineSvg({35, 35, 32, 28, 25}, SparklineScale::kScore, "v");
  EXPECT_NE(falling.find("<line x1=\"4\" y1=\"4\" x2=\"42\" y2=\"4\""), std::string::npos)
      << falling;
  EXPECT_NE(falling.find("<line x1=\"118\" y1=\"26.4\" x2=\"156\" y2=\"36\""),
            std::string::npos)
      << falling;
  // 70 and 71: the window is widened to 65-75 (centred), so the wobble is
  // a tenth of the height; at the top of the scale it stays within 90-100.
  const std::string wobble = SparklineSvg({70, 71}, SparklineScale::kScore, "v");
  EXPECT_NE(wobble.find("<line x1=\"4\" y1=\"20\" x2=\"156\" y2=\"16.8\""),
            std::string::npos)
      << wobble;
  const std::string top = SparklineSvg({99, 100}, SparklineScale::kScore, "v");
  EXPECT_NE(top.find("<line x1=\"4\" y1=\"7.2\" x2=\"156\" y2=\"4\""), std::string::npos)
      << top;
}

}  // namespace
}  // namespace kam::scoring::rules
