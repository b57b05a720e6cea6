#include "common/base/time_range.h"

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "gtest/gtest.h"

namespace kam::common {
namespace {

// Midnight UTC at the start of a civil day (any year absl can hold).
absl::Time Day(int64_t year, int month, int day) {
  return absl::FromCivil(absl::CivilDay(year, month, day), absl::UTCTimeZone());
}

// The constants are the instants timestamp.proto names.
TEST(TimeRangeTest, EndsAreYearOneAndTheLastNanosecondOf9999) {
  EXPECT_EQ(MinTimestampTime(), Day(1, 1, 1));
  EXPECT_EQ(MaxTimestampTime(), Day(10000, 1, 1) - absl::Nanoseconds(1));
  EXPECT_EQ(absl::FromUnixSeconds(kMinTimestampSeconds), Day(1, 1, 1));
  EXPECT_EQ(absl::FromUnixSeconds(kMaxTimestampSeconds), Day(10000, 1, 1) - absl::Seconds(1));
}

TEST(TimeRangeTest, InRangeClampAndCheckAgree) {
  struct Case {
    absl::Time time;
    bool in_range;
    absl::Time clamped;
  };
  const absl::Time lo = MinTimestampTime();
  const absl::Time hi = MaxTimestampTime();
  const Case cases[] = {
      {absl::UnixEpoch(), true, absl::UnixEpoch()},
      {lo, true, lo},
      {hi, true, hi},
      {lo - absl::Nanoseconds(1), false, lo},
      {hi + absl::Nanoseconds(1), false, hi},
      {Day(10000, 1, 1), false, hi},
      {Day(0, 6, 1), false, lo},
      {Day(-300000, 1, 1), false, lo},
      {absl::InfiniteFuture(), false, hi},
      {absl::InfinitePast(), false, lo},
  };
  for (const Case& c : cases) {
    const std::string shown = absl::FormatTime(c.time);
    EXPECT_EQ(InTimestampRange(c.time), c.in_range) << shown;
    EXPECT_EQ(ClampToTimestampRange(c.time), c.clamped) << shown;
    const absl::Status status = CheckTime("filter value for create_time", c.time);
    EXPECT_EQ(status.ok(), c.in_range) << shown;
    if (c.in_range) continue;
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << shown;
    EXPECT_TRUE(absl::StartsWith(status.message(),
                                 "filter value for create_time must be a time from year 1 to 9999"))
        << status;
  }
}

// The message shows the offending time in UTC, as the caller can read it.
TEST(TimeRangeTest, CheckTimeShowsTheTime) {
  EXPECT_EQ(CheckTime("as_of", Day(10000, 1, 1)).message(),
            "as_of must be a time from year 1 to 9999 (got 10000-01-01T00:00:00Z)");
  EXPECT_EQ(CheckTime("t", Day(0, 12, 31) + absl::Hours(12)).message(),
            "t must be a time from year 1 to 9999 (got 0000-12-31T12:00:00Z)");
  EXPECT_EQ(CheckTime("t", absl::InfiniteFuture()).message(),
            "t must be a time from year 1 to 9999 (got infinite-future)");
}

// {seconds, nanos} of Timestamps in range and out of it.
TEST(CheckTimestampTest, TheRangeAndTheNanos) {
  struct Case {
    int64_t seconds;
    int32_t nanos;
    bool ok;
  };
  const Case cases[] = {
      {0, 0, true},
      {kMinTimestampSeconds, 0, true},
      {kMaxTimestampSeconds, 999999999, true},
      {-1, 0, true},
      {1709210096, 1, true},
      {kMinTimestampSeconds - 1, 0, false},
      {kMaxTimestampSeconds + 1, 0, false},
      {0, -1, false},
      {0, 1000000000, false},
      {INT64_MIN, 0, false},
      {INT64_MAX, 0, false},
  };
  for (const Case& c : cases) {
    google::protobuf::Timestamp ts;
    ts.set_seconds(c.seconds);
    ts.set_nanos(c.nanos);
    const absl::Status status = CheckTimestamp("event.occur_time", ts);
    EXPECT_EQ(status.ok(), c.ok) << ts.DebugString();
    if (c.ok) continue;
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(status.message(),
              "event.occur_time must be a time from year 1 to 9999 with nanos 0..999999999");
  }
}

}  // namespace
}  // namespace kam::common
