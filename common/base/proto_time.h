// Time in the API is google.protobuf.Timestamp; in the database it is
// DATETIME(6) holding UTC (every connection sets time_zone = '+00:00').
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace kam::common {

google::protobuf::Timestamp ToProtoTimestamp(absl::Time time);
absl::Time FromProtoTimestamp(const google::protobuf::Timestamp& timestamp);

// OK when `timestamp` lies in 0001-01-01 .. 9999-12-31 (what DATETIME holds)
// with nanos in 0..999999999; otherwise INVALID_ARGUMENT naming `field`.
absl::Status CheckTimestamp(absl::string_view field, const google::protobuf::Timestamp& timestamp);

// "YYYY-MM-DD HH:MM:SS.ffffff" in UTC, microsecond precision (truncated).
std::string ToSqlDateTime(absl::Time time);

// Parses what MariaDB returns for a DATETIME(n) column: "YYYY-MM-DD
// HH:MM:SS" with an optional fraction of up to 6 digits. Fast: no locale, no
// time zone database.
absl::StatusOr<absl::Time> FromSqlDateTime(absl::string_view text);

// FromSqlDateTime straight into a Timestamp; false if `text` is malformed.
bool SqlDateTimeToProto(absl::string_view text, google::protobuf::Timestamp* out);

// The current time truncated to microseconds, the precision the database
// keeps, so a value returned to a caller equals the value read back later.
absl::Time NowMicros();

}  // namespace kam::common
