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

absl::Time Utc(int64_t y, int m, int d, int hh = 0, int mm = 0, int ss = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss), absl::UTCTimeZone());
}

google::protobuf::Timestamp Ts(int64_t seconds, int32_t nanos) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(seconds);
  ts.set_nanos(nanos);
  return ts;
}

// The constants are the instants timestamp.proto names.
TEST(TimeRangeTest, EndsAreYearOneAndTheLastNanosecondOf9999) {
  EXPECT_EQ(MinTimestampTime(), Utc(1, 1, 1));
  EXPECT_EQ(MaxTimestampTime(), Utc(10000, 1, 1) - absl::Nanoseconds(1));
  EXPECT_EQ(absl::FromUnixSeconds(kMinTimestampSeconds), Utc(1, 1, 1));
  EXPECT_EQ(absl::FromUnixSeconds(kMaxTimestampSeconds), Utc(9999, 12, 31, 23, 59, 59));
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
      {Utc(10000, 1, 1), false, hi},
      {Utc(0, 6, 1), false, lo},
      {Utc(-300000, 1, 1), false, lo},
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
  EXPECT_EQ(CheckTime("as_of", Utc(10000, 1, 1)).message(),
            "as_of must be a time from year 1 to 9999 (got 10000-01-01T00:00:00Z)");
  EXPECT_EQ(CheckTime("t", Utc(0, 12, 31, 12)).message(),
            "t must be a time from year 1 to 9999 (got 0000-12-31T12:00:00Z)");
  EXPECT_EQ(CheckTime("t", absl::InfiniteFuture()).message(),
            "t must be a time from year 1 to 9999 (got infinite-future)");
}

TEST(CheckTimestampTest, AcceptsTheRange) {
  for (const google::protobuf::Timestamp& ts :
       {Ts(0, 0), Ts(kMinTimestampSeconds, 0), Ts(kMaxTimestampSeconds, 999999999), Ts(-1, 0),
        Ts(1709210096, 1)}) {
    EXPECT_TRUE(CheckTimestamp("t", ts).ok()) << ts.DebugString();
  }
}

TEST(CheckTimestampTest, RefusesOutsideTheRangeAndBadNanos) {
  for (const google::protobuf::Timestamp& ts :
       {Ts(kMinTimestampSeconds - 1, 0), Ts(kMaxTimestampSeconds + 1, 0), Ts(0, -1),
        Ts(0, 1000000000), Ts(INT64_MIN, 0), Ts(INT64_MAX, 0)}) {
    const absl::Status status = CheckTimestamp("event.occur_time", ts);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << ts.DebugString();
    EXPECT_EQ(status.message(),
              "event.occur_time must be a time from year 1 to 9999 with nanos 0..999999999");
  }
}

}  // namespace
}  // namespace kam::common
