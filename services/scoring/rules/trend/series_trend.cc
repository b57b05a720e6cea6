#include "services/scoring/rules/trend/series_trend.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/numeric/int128.h"
#include "absl/strings/str_cat.h"
#include "services/scoring/rules/arithmetic.h"
#include "services/scoring/rules/charts/svg.h"

namespace kam::scoring::rules {
namespace {

SeriesTrend Judge(absl::Span<const int64_t> ys, int64_t tolerance_hundredths) {
  SeriesTrend trend;
  trend.tolerance_hundredths = tolerance_hundredths;
  if (ys.size() < 2) return trend;
  trend.slope_hundredths = SlopeHundredths(ys);
  if (trend.slope_hundredths < -tolerance_hundredths) {
    trend.direction = TrendDirection::kDeclining;
  } else if (trend.slope_hundredths > tolerance_hundredths) {
    trend.direction = TrendDirection::kRising;
  } else {
    trend.direction = TrendDirection::kStable;
  }
  return trend;
}

// Where each point falls between the bottom (0) and the top (10000) of the
// sparkline, in basis points of its height.
std::vector<int64_t> HeightsBp(absl::Span<const int64_t> ys, SparklineScale scale) {
  std::vector<int64_t> heights;
  heights.reserve(ys.size());
  if (ys.empty()) return heights;
  const auto [lowest_at, highest_at] = std::minmax_element(ys.begin(), ys.end());
  int64_t lowest = *lowest_at;
  int64_t highest = *highest_at;
  if (scale == SparklineScale::kScore) {
    lowest = std::clamp<int64_t>(lowest, 0, 100);
    highest = std::clamp<int64_t>(highest, 0, 100);
    if (highest - lowest < kMinScoreSpan) {
      lowest = std::clamp<int64_t>((lowest + highest - kMinScoreSpan) / 2, 0, 100 - kMinScoreSpan);
      highest = lowest + kMinScoreSpan;
    }
  }
  const absl::int128 range = absl::int128(highest) - lowest;
  for (int64_t y : ys) {
    if (scale == SparklineScale::kScore) y = std::clamp<int64_t>(y, 0, 100);
    heights.push_back(range == 0 ? 5000
                                 : ClampToInt64(DivideRoundHalfAway(
                                       (absl::int128(y) - lowest) * 10000, range)));
  }
  return heights;
}

}  // namespace

int64_t SlopeHundredths(absl::Span<const int64_t> ys) {
  const int64_t n = static_cast<int64_t>(ys.size());
  if (n < 2) return 0;
  absl::int128 moment = 0;  // sum(c_i * y_i)
  for (int64_t i = 0; i < n; ++i) moment += absl::int128(2 * i - (n - 1)) * ys[i];
  const absl::int128 spread = absl::int128(n - 1) * n * (n + 1) / 3;  // sum(c_i^2)
  return ClampToInt64(DivideRoundHalfAway(moment * 200, spread));
}

SeriesTrend ScoreTrend(absl::Span<const int64_t> scores) {
  return Judge(scores, kScoreTrendToleranceHundredths);
}

SeriesTrend ValueTrend(absl::Span<const int64_t> values) {
  absl::int128 magnitude = 0;
  for (int64_t v : values) magnitude += v < 0 ? -absl::int128(v) : absl::int128(v);
  const int64_t tolerance =
      values.empty() ? 0
                     : ClampToInt64(DivideRoundHalfAway(
                           magnitude, static_cast<int64_t>(values.size())));
  return Judge(values, tolerance);
}

std::string SparklineSvg(absl::Span<const int64_t> ys, SparklineScale scale,
                         absl::string_view title) {
  constexpr int64_t kBottom = kSparklineHeight - kSparklineMargin;
  constexpr int64_t kPlotHeight = kSparklineHeight - 2 * kSparklineMargin;
  constexpr int64_t kPlotWidthTenths = (kSparklineWidth - 2 * kSparklineMargin) * 10;
  constexpr absl::string_view kColour = "#1f77b4";
  const std::vector<int64_t> heights = HeightsBp(ys, scale);
  const int64_t n = static_cast<int64_t>(heights.size());
  const auto x = [&](int64_t i) -> int64_t {
    if (n == 1) return kSparklineWidth * 5;
    return kSparklineMargin * 10 + ClampToInt64(DivideRoundHalfAway(i * kPlotWidthTenths, n - 1));
  };
  const auto y = [&](int64_t i) {
    return svg::ShareYTenths(heights[i], svg::ShareAxis{}, kBottom, kPlotHeight);
  };
  std::string out = svg::Open(kSparklineWidth, kSparklineHeight, title);
  const std::string stroke = absl::StrCat(" stroke=\"", kColour, "\" stroke-width=\"1.5\"");
  for (int64_t i = 1; i < n; ++i) out += svg::Line(x(i - 1), y(i - 1), x(i), y(i), stroke);
  if (n > 0) {
    out += svg::Rect(x(n - 1) - 15, y(n - 1) - 15, 30, 30, absl::StrCat(" fill=\"", kColour, "\""));
  }
  out += "</svg>\n";
  return out;
}

}  // namespace kam::scoring::rules
