// Health over time (docs/domain.md, "Health over time"): the trend of one
// account's series across rating runs (value, churn risk or health, oldest
// point first), as a least-squares slope per run, a direction judged against
// a tolerance, and an SVG sparkline. Integers throughout, so the same points
// give the same answer to the byte on every platform. Pure: no I/O.
#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace kam::scoring::rules {

// Which way a series moves.
enum class TrendDirection {
  kUndetermined,  // fewer than two points (or, for value, several currencies)
  kDeclining,     // slope < -tolerance
  kStable,        // -tolerance <= slope <= tolerance
  kRising,        // slope > tolerance
};

struct SeriesTrend {
  // Hundredths of the series' unit per run (points, or minor units).
  int64_t slope_hundredths = 0;
  int64_t tolerance_hundredths = 0;
  TrendDirection direction = TrendDirection::kUndetermined;
};

// The least-squares slope through (i, ys[i]), i = 0 .. n-1, in hundredths
// per step: with c_i = 2i - (n - 1) (the distance from the middle, doubled,
// so every term is an integer), slope = 2 * sum(c_i * y_i) / sum(c_i^2),
// where sum(c_i^2) = (n - 1) n (n + 1) / 3. Computed exactly in 128 bits for
// up to a million points, rounded half away from zero, clamped to the int64
// range. 0 for fewer than two points. 80, 76, 70, 65 -> -510.
int64_t SlopeHundredths(absl::Span<const int64_t> ys);

// The tolerance of a score series (churn risk, health: 0-100): one point per
// run.
inline constexpr int64_t kScoreTrendToleranceHundredths = 100;

// A score series' trend, judged with kScoreTrendToleranceHundredths.
SeriesTrend ScoreTrend(absl::Span<const int64_t> scores);

// A value series' trend (minor units of one currency), judged with 1% of the
// mean absolute value per run: sum(|v|) / n hundredths, rounded half up.
SeriesTrend ValueTrend(absl::Span<const int64_t> values);

// How a sparkline places its points vertically.
enum class SparklineScale {
  kScore,  // a window of the 0-100 scale from the lowest point to the
           // highest, at least kMinScoreSpan points tall (centred on the
           // points, kept inside 0-100): a fall of a few points shows, a
           // one-point wobble does not look like a cliff
  kRange,  // from the lowest point (bottom) to the highest (top); a flat
           // series is drawn across the middle
};

inline constexpr int64_t kMinScoreSpan = 10;

// The sparkline's size in pixels and the margin its line keeps from the
// edges.
inline constexpr int64_t kSparklineWidth = 160;
inline constexpr int64_t kSparklineHeight = 40;
inline constexpr int64_t kSparklineMargin = 4;

// A self-contained SVG 1.1 document (kSparklineWidth x kSparklineHeight):
// the points left to right, evenly spaced (a single point in the middle),
// joined by straight lines, the last one marked with a small square;
// `title` is its <title>. Byte-for-byte the same for the same input.
std::string SparklineSvg(absl::Span<const int64_t> ys, SparklineScale scale,
                         absl::string_view title);

}  // namespace kam::scoring::rules
