// Time in the API is google.protobuf.Timestamp; in the database it is
// DATETIME(6) holding UTC (every connection sets time_zone = '+00:00').
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/base/time_range.h"  // CheckTimestamp, the range every conversion keeps to
#include "google/protobuf/timestamp.pb.h"

namespace kam::common {

google::protobuf::Timestamp ToProtoTimestamp(absl::Time time);
absl::Time FromProtoTimestamp(const google::protobuf::Timestamp& timestamp);

// "YYYY-MM-DD HH:MM:SS.ffffff" in UTC, microsecond precision (truncated).
// A time outside the Timestamp range (time_range.h) is written as the
// nearest end of it: as a bound of a query that selects the same rows, and
// no time outside it can be stored (handlers refuse such times first).
std::string ToSqlDateTime(absl::Time time);

// Parses what MariaDB returns for a DATETIME(n) column: "YYYY-MM-DD
// HH:MM:SS" with an optional fraction of up to 6 digits. Fast: no locale, no
// time zone database. A stored time before year 1 (year 0, which DATETIME
// takes and older versions wrote for a period starting before year 1) reads
// as 0001-01-01T00:00:00Z, so that such a row cannot break a List answer.
absl::StatusOr<absl::Time> FromSqlDateTime(absl::string_view text);

// FromSqlDateTime straight into a Timestamp; false if `text` is malformed.
bool SqlDateTimeToProto(absl::string_view text, google::protobuf::Timestamp* out);

// The current time truncated to microseconds, the precision the database
// keeps, so a value returned to a caller equals the value read back later.
absl::Time NowMicros();

}  // namespace kam::common
