#include "common/base/time_range.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"

namespace kam::common {
namespace {

// "10000-01-01T00:00:00Z", "0000-12-31T12:00:00Z": to the second, the year in
// at least four digits (absl's %Y drops the leading zeros).
std::string ShowUtc(absl::Time time) {
  if (time == absl::InfiniteFuture()) return "infinite-future";
  if (time == absl::InfinitePast()) return "infinite-past";
  const absl::CivilSecond t = absl::ToCivilSecond(time, absl::UTCTimeZone());
  return absl::StrFormat("%04d-%02d-%02dT%02d:%02d:%02dZ", t.year(), t.month(), t.day(), t.hour(),
                         t.minute(), t.second());
}

}  // namespace

absl::Time MinTimestampTime() { return absl::FromUnixSeconds(kMinTimestampSeconds); }

absl::Time MaxTimestampTime() {
  return absl::FromUnixSeconds(kMaxTimestampSeconds) + absl::Nanoseconds(999999999);
}

bool InTimestampRange(absl::Time time) {
  return time >= MinTimestampTime() && time <= MaxTimestampTime();
}

absl::Time ClampToTimestampRange(absl::Time time) {
  if (time < MinTimestampTime()) return MinTimestampTime();
  if (time > MaxTimestampTime()) return MaxTimestampTime();
  return time;
}

absl::Status CheckTimestamp(absl::string_view field, const google::protobuf::Timestamp& timestamp) {
  if (timestamp.seconds() < kMinTimestampSeconds || timestamp.seconds() > kMaxTimestampSeconds ||
      timestamp.nanos() < 0 || timestamp.nanos() > 999999999) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " must be a time from year 1 to 9999 with nanos 0..999999999"));
  }
  return absl::OkStatus();
}

absl::Status CheckTime(absl::string_view field, absl::Time time) {
  if (InTimestampRange(time)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(field, " must be a time from year 1 to 9999 (got ", ShowUtc(time), ")"));
}

}  // namespace kam::common
