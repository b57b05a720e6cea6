#include "common/auth/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "absl/hash/hash.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace kam::auth {

absl::StatusOr<RateLimit> ParseRateLimit(absl::string_view text) {
  const size_t slash = text.find('/');
  RateLimit limit;
  const bool rate_ok = absl::SimpleAtod(text.substr(0, slash), &limit.per_second);
  bool burst_ok = true;
  if (slash == absl::string_view::npos) {
    limit.burst = limit.per_second;
  } else {
    burst_ok = absl::SimpleAtod(text.substr(slash + 1), &limit.burst);
  }
  if (!rate_ok || !burst_ok || !std::isfinite(limit.per_second) || !std::isfinite(limit.burst) ||
      limit.per_second < 0 || (limit.per_second > 0 && limit.burst < 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" is not calls per second with an optional burst of at least 1",
                     " (\"200/400\", \"200\", or \"0\" for no limit)"));
  }
  return limit;
}

RateLimiter::RateLimiter(Options options)
    : per_shard_(std::max<size_t>(1, options.max_subjects / Buckets::kShards)),
      clock_(std::move(options.clock)) {}

absl::Duration RateLimiter::TryAcquire(absl::string_view subject, const RateLimit& limit) {
  if (limit.unlimited()) return absl::ZeroDuration();
  const int64_t now_ns = absl::ToUnixNanos(clock_());
  Shard& shard = buckets_.shards[absl::Hash<absl::string_view>{}(subject) % Buckets::kShards];
  absl::MutexLock lock(&shard.mu);
  auto it = shard.entries.find(subject);
  if (it == shard.entries.end()) {
    if (shard.entries.size() >= per_shard_) Evict(shard, now_ns);
    it = shard.entries.emplace(std::string(subject), Bucket{limit.burst, now_ns, limit}).first;
  }
  Bucket& bucket = it->second;
  const double elapsed = static_cast<double>(std::max<int64_t>(0, now_ns - bucket.last_ns)) * 1e-9;
  bucket.tokens = std::min(bucket.limit.burst, bucket.tokens + elapsed * bucket.limit.per_second);
  bucket.last_ns = now_ns;
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return absl::ZeroDuration();
  }
  // Rounded up to a whole millisecond, so a caller that waits that long is
  // let through.
  const double wait_ms = std::ceil((1 - bucket.tokens) / bucket.limit.per_second * 1000);
  return absl::Milliseconds(std::max(1.0, wait_ms));
}

void RateLimiter::Evict(Shard& shard, int64_t now_ns) {
  std::vector<std::string> full;
  auto oldest = shard.entries.end();
  for (auto it = shard.entries.begin(); it != shard.entries.end(); ++it) {
    const Bucket& bucket = it->second;
    const double elapsed = static_cast<double>(now_ns - bucket.last_ns) * 1e-9;
    if (bucket.tokens + elapsed * bucket.limit.per_second >= bucket.limit.burst) {
      full.push_back(it->first);
    } else if (oldest == shard.entries.end() || bucket.last_ns < oldest->second.last_ns) {
      oldest = it;
    }
  }
  if (full.empty()) {
    shard.entries.erase(oldest);
    return;
  }
  for (const std::string& subject : full) shard.entries.erase(subject);
}

size_t RateLimiter::size() const { return buckets_.size(); }

bool StreamLimiter::TryOpen(absl::string_view subject) {
  absl::MutexLock lock(&mu_);
  int& open = open_[subject];
  if (open >= limit_) return false;
  ++open;
  return true;
}

void StreamLimiter::Close(absl::string_view subject) {
  absl::MutexLock lock(&mu_);
  auto it = open_.find(subject);
  if (it == open_.end()) return;
  // No entry for a subject with no stream: the map holds only open streams.
  if (--it->second <= 0) open_.erase(it);
}

}  // namespace kam::auth
