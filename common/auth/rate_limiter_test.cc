#include "common/auth/rate_limiter.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace kam::auth {
namespace {

class RateLimiterTest : public ::testing::Test {
 protected:
  RateLimiter::Options Options(size_t max_subjects = 1000) {
    RateLimiter::Options options;
    options.max_subjects = max_subjects;
    options.clock = [this] { return now_; };
    return options;
  }

  absl::Time now_ = absl::FromUnixSeconds(1796601600);
};

TEST_F(RateLimiterTest, ABucketStartsFullRefillsAtItsRateAndSaysHowLongToWait) {
  RateLimiter limiter(Options());
  const RateLimit limit{10, 3};  // 10 calls/s, bursts of 3
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.TryAcquire("a", limit), absl::ZeroDuration());
  EXPECT_EQ(limiter.TryAcquire("a", limit), absl::Milliseconds(100));
  now_ += absl::Milliseconds(40);
  EXPECT_EQ(limiter.TryAcquire("a", limit), absl::Milliseconds(60));  // refused calls take nothing
  now_ += absl::Milliseconds(60);
  EXPECT_EQ(limiter.TryAcquire("a", limit), absl::ZeroDuration());
  now_ += absl::Hours(1);  // never more than the burst
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.TryAcquire("a", limit), absl::ZeroDuration());
  EXPECT_GT(limiter.TryAcquire("a", limit), absl::ZeroDuration());
  EXPECT_EQ(limiter.TryAcquire("b", limit), absl::ZeroDuration());  // a bucket per subject
}

TEST_F(RateLimiterTest, NoLimitKeepsNoBucket) {
  RateLimiter limiter(Options());
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(limiter.TryAcquire("svc", {0, 0}), absl::ZeroDuration());
  EXPECT_EQ(limiter.size(), 0u);
}

TEST_F(RateLimiterTest, MemoryStaysBoundedAndRefilledBucketsGoFirst) {
  RateLimiter limiter(Options(/*max_subjects=*/160));  // 10 per shard
  const RateLimit limit{1, 1};
  for (int i = 0; i < 5000; ++i) {
    EXPECT_EQ(limiter.TryAcquire(absl::StrCat("user-", i), limit), absl::ZeroDuration());
    now_ += absl::Milliseconds(1);
  }
  EXPECT_LE(limiter.size(), 160u);
  // A subject that just spent its burst is still limited: the buckets that
  // made room were the idle ones.
  EXPECT_GT(limiter.TryAcquire("user-4999", limit), absl::ZeroDuration());
}

TEST(StreamLimiterTest, CountsOpenStreamsPerSubject) {
  StreamLimiter streams(2);
  EXPECT_TRUE(streams.TryOpen("a"));
  EXPECT_TRUE(streams.TryOpen("a"));
  EXPECT_FALSE(streams.TryOpen("a"));
  EXPECT_TRUE(streams.TryOpen("b"));
  streams.Close("a");
  EXPECT_TRUE(streams.TryOpen("a"));
}

TEST(ParseRateLimitTest, ReadsRateAndBurst) {
  EXPECT_EQ(ParseRateLimit("200/400")->per_second, 200);
  EXPECT_EQ(ParseRateLimit("200/400")->burst, 400);
  EXPECT_EQ(ParseRateLimit("0.5/2")->per_second, 0.5);
  EXPECT_EQ(ParseRateLimit("50")->burst, 50);
  EXPECT_TRUE(ParseRateLimit("0")->unlimited());
  for (const char* bad : {"", "x", "-1/2", "10/0", "10/x", "nan", "10/"}) {
    EXPECT_EQ(ParseRateLimit(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace kam::auth
