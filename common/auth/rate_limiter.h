// Per-caller limits: a token bucket per subject for calls, and a count of the
// server streams each subject holds open.
//
// Why per subject (the verified token's `sub`) and not per connection or
// address: one caller may spread over many connections and many callers may
// share a proxy's address; the subject is the one thing a caller cannot
// change without another signed token. A service that relays calls for people
// is one subject; its own callers are limited where they enter the suite.
//
// Memory is bounded: at most `max_subjects` buckets are kept. A bucket that
// has filled up again is the same as no bucket, so those are dropped first;
// only when every kept bucket is still refilling is the longest idle one
// dropped (which lets that subject start again with a full bucket).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/base/sharded_map.h"

namespace kam::auth {

// A sustained rate and the burst allowed above it. A rate of 0 means no
// limit.
struct RateLimit {
  double per_second = 0;
  double burst = 0;

  bool unlimited() const { return per_second <= 0; }
};

// "200/400" (200 calls per second, bursts of 400), "200" (burst = rate) or
// "0" (no limit). INVALID_ARGUMENT otherwise.
absl::StatusOr<RateLimit> ParseRateLimit(absl::string_view text);

class RateLimiter {
 public:
  struct Options {
    size_t max_subjects = 100000;
    std::function<absl::Time()> clock = [] { return absl::Now(); };
  };

  RateLimiter() : RateLimiter(Options()) {}
  explicit RateLimiter(Options options);

  // Takes one call from `subject`'s bucket. Zero when the call may go ahead;
  // otherwise how long until it would (the caller's retry hint), and nothing
  // is taken. A bucket starts full; its limit is the one given when it was
  // made (a subject's role does not change between its calls).
  absl::Duration TryAcquire(absl::string_view subject, const RateLimit& limit);

  size_t size() const;

 private:
  struct Bucket {
    double tokens = 0;
    int64_t last_ns = 0;  // when `tokens` was last brought up to date
    RateLimit limit;
  };
  using Buckets = common::ShardedMap<Bucket>;
  using Shard = Buckets::Shard;

  // Makes room for one more bucket in `shard`.
  void Evict(Shard& shard, int64_t now_ns) ABSL_EXCLUSIVE_LOCKS_REQUIRED(shard.mu);

  const size_t per_shard_;
  const std::function<absl::Time()> clock_;
  Buckets buckets_;
};

// Open server streams per subject, at most `limit` each.
class StreamLimiter {
 public:
  explicit StreamLimiter(int limit) : limit_(limit) {}

  // True (and counted) when `subject` holds fewer than the limit.
  bool TryOpen(absl::string_view subject);
  void Close(absl::string_view subject);
  int limit() const { return limit_; }

 private:
  const int limit_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, int> open_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kam::auth
