// Integer arithmetic on minor units that cannot overflow: money is int64
// minor units everywhere (never floats), and a sum that does not fit must
// fail or saturate, never wrap.
#pragma once

#include <cstdint>

#include "absl/strings/string_view.h"

namespace kam::interaction {

// a + b, or false (and *out untouched) when it does not fit in int64.
bool CheckedAdd(int64_t a, int64_t b, int64_t* out);

// a + b, clamped to [INT64_MIN, INT64_MAX].
int64_t SaturatingAdd(int64_t a, int64_t b);

// a - b, clamped to [INT64_MIN, INT64_MAX].
int64_t SaturatingSub(int64_t a, int64_t b);

// A decimal integer as the database returns a SUM of BIGINT (DECIMAL
// text, possibly beyond int64): its value clamped to int64; 0 for NULL or
// empty text.
int64_t SaturatingParse(absl::string_view text);

}  // namespace kam::interaction
