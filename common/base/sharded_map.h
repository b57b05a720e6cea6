// A string-keyed map split into shards, each under its own mutex, so that
// concurrent callers rarely wait on one another (the token cache and the
// rate limiter of common/auth). The owner picks a key's shard and locks it
// for what it does there.
#pragma once

#include <array>
#include <cstddef>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace kam::common {

template <typename Value, size_t kCount = 16>
struct ShardedMap {
  struct Shard {
    mutable absl::Mutex mu;
    absl::flat_hash_map<std::string, Value> entries ABSL_GUARDED_BY(mu);
  };
  static constexpr size_t kShards = kCount;

  // The entries of all shards, each shard counted under its lock.
  size_t size() const {
    size_t total = 0;
    for (const Shard& shard : shards) {
      absl::MutexLock lock(&shard.mu);
      total += shard.entries.size();
    }
    return total;
  }

  std::array<Shard, kShards> shards;
};

}  // namespace kam::common
