// A bounded, thread-safe cache of verified tokens, so a caller that sends the
// same token on every call pays for one signature check, not one per call.
//
// Keys are SHA-256 digests of the whole token (the token itself, a bearer
// secret, is not kept). An entry answers only until its `valid_until` (the
// token's expiry plus the leeway) and only for the key generation it was
// verified under, so a token whose key was removed by a reload is verified
// again (and refused). When full, expired entries are dropped first and then
// arbitrary ones: the cache is a speed-up, never the only record.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/auth/principal.h"
#include "common/base/sharded_map.h"

namespace kam::auth {

class TokenCache {
 public:
  // Holds at most `capacity` tokens (0 turns caching off).
  explicit TokenCache(size_t capacity);

  // The principal cached for `token_digest` (see Sha256) when it was verified
  // under `generation` and `now` is before its valid_until. An entry found
  // stale is dropped.
  std::optional<Principal> Find(absl::string_view token_digest, uint64_t generation,
                                absl::Time now);

  // Caches `principal` for `token_digest` until `valid_until`; `now` decides
  // which entries are expired when room must be made.
  void Insert(absl::string_view token_digest, uint64_t generation, absl::Time now,
              absl::Time valid_until, const Principal& principal);

  size_t size() const;

 private:
  struct Entry {
    uint64_t generation;
    absl::Time valid_until;
    Principal principal;
  };
  // Sharded by digest so concurrent calls rarely wait on one another.
  using Entries = common::ShardedMap<Entry>;
  using Shard = Entries::Shard;

  Shard& ShardOf(absl::string_view digest);

  size_t shard_capacity_;
  Entries entries_;
};

}  // namespace kam::auth
