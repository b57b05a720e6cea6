// The range of time the suite accepts, computes and stores: what a
// google.protobuf.Timestamp may hold, 0001-01-01T00:00:00Z to
// 9999-12-31T23:59:59.999999999Z with nanos 0..999999999 (timestamp.proto),
// which is also what a DATETIME column holds. A time outside it cannot be
// converted to JSON by any client library (every JSON-converting client then
// fails on the whole answer) and would be written to the database as
// garbage, so it is refused where a caller sends it and kept out of what the
// service computes (docs/architecture.md, "Times").
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace kam::common {

inline constexpr int64_t kMinTimestampSeconds = -62135596800;  // 0001-01-01T00:00:00Z
inline constexpr int64_t kMaxTimestampSeconds = 253402300799;  // 9999-12-31T23:59:59Z

// 0001-01-01T00:00:00Z, the first time in range.
absl::Time MinTimestampTime();
// 9999-12-31T23:59:59.999999999Z, the last time in range.
absl::Time MaxTimestampTime();

// MinTimestampTime() <= time <= MaxTimestampTime() (false for the infinite
// times too).
bool InTimestampRange(absl::Time time);

// `time` moved into the range: for bounds of a query, where a bound before
// year 1 selects exactly what year 1 selects, never for a time shown to a
// caller as if it had been computed.
absl::Time ClampToTimestampRange(absl::Time time);

// OK when `timestamp` is in the range with nanos in 0..999999999; otherwise
// INVALID_ARGUMENT "<field> must be a time from year 1 to 9999 with nanos
// 0..999999999".
absl::Status CheckTimestamp(absl::string_view field, const google::protobuf::Timestamp& timestamp);

// OK when `time` (parsed from a caller's text, or computed from a caller's
// input) is in the range; otherwise INVALID_ARGUMENT "<field> must be a time
// from year 1 to 9999 (got 10000-01-01T00:00:00Z)".
absl::Status CheckTime(absl::string_view field, absl::Time time);

}  // namespace kam::common
