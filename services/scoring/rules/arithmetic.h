// Integer arithmetic the rules share: figures are computed exactly in 128
// bits, then rounded and brought back to int64 in one visible step.
#pragma once

#include <cstdint>
#include <limits>

#include "absl/numeric/int128.h"

namespace kam::scoring::rules {

// numerator / denominator (denominator > 0) rounded half away from zero.
inline absl::int128 DivideRoundHalfAway(absl::int128 numerator, absl::int128 denominator) {
  absl::int128 quotient = numerator / denominator;   // truncates toward zero
  absl::int128 remainder = numerator % denominator;  // same sign as numerator
  if (remainder < 0) remainder = -remainder;
  if (2 * remainder >= denominator) quotient += numerator < 0 ? -1 : 1;
  return quotient;
}

// `value`, or the nearer int64 limit when it lies beyond one.
inline int64_t ClampToInt64(absl::int128 value) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  return value < kMin ? kMin : value > kMax ? kMax : static_cast<int64_t>(value);
}

}  // namespace kam::scoring::rules
