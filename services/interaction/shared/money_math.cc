#include "services/interaction/shared/money_math.h"

#include <limits>

#include "absl/numeric/int128.h"

namespace kam::interaction {
namespace {

int64_t Clamp(absl::int128 value) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  if (value > kMax) return kMax;
  if (value < kMin) return kMin;
  return static_cast<int64_t>(value);
}

}  // namespace

bool CheckedAdd(int64_t a, int64_t b, int64_t* out) {
  const absl::int128 sum = absl::int128(a) + b;
  if (sum > std::numeric_limits<int64_t>::max() || sum < std::numeric_limits<int64_t>::min()) {
    return false;
  }
  *out = static_cast<int64_t>(sum);
  return true;
}

int64_t SaturatingAdd(int64_t a, int64_t b) { return Clamp(absl::int128(a) + b); }

int64_t SaturatingSub(int64_t a, int64_t b) { return Clamp(absl::int128(a) - b); }

int64_t SaturatingParse(absl::string_view text) {
  // DECIMAL text: optional sign, digits, maybe ".000" (SUM of integers has
  // no fraction, but a scale may be printed).
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
    negative = text[i] == '-';
    ++i;
  }
  absl::int128 value = 0;
  constexpr absl::int128 kLimit = absl::int128(std::numeric_limits<int64_t>::max()) + 1;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    value = value * 10 + (text[i] - '0');
    if (value > kLimit) value = kLimit;  // saturated; keep reading digits
  }
  return Clamp(negative ? -value : value);
}

}  // namespace kam::interaction
