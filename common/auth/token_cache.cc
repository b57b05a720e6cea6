#include "common/auth/token_cache.h"

namespace kam::auth {

TokenCache::TokenCache(size_t capacity)
    : shard_capacity_(capacity == 0 ? 0 : (capacity + Entries::kShards - 1) / Entries::kShards) {}

TokenCache::Shard& TokenCache::ShardOf(absl::string_view digest) {
  // The digest is a cryptographic hash: its first byte is already uniform.
  const size_t index =
      digest.empty() ? 0 : static_cast<unsigned char>(digest[0]) % Entries::kShards;
  return entries_.shards[index];
}

std::optional<Principal> TokenCache::Find(absl::string_view token_digest, uint64_t generation,
                                          absl::Time now) {
  if (shard_capacity_ == 0) return std::nullopt;
  Shard& shard = ShardOf(token_digest);
  absl::MutexLock lock(&shard.mu);
  auto it = shard.entries.find(token_digest);
  if (it == shard.entries.end()) return std::nullopt;
  if (it->second.generation != generation || now >= it->second.valid_until) {
    shard.entries.erase(it);
    return std::nullopt;
  }
  return it->second.principal;
}

void TokenCache::Insert(absl::string_view token_digest, uint64_t generation, absl::Time now,
                        absl::Time valid_until, const Principal& principal) {
  if (shard_capacity_ == 0) return;
  Shard& shard = ShardOf(token_digest);
  absl::MutexLock lock(&shard.mu);
  if (shard.entries.size() >= shard_capacity_) {
    // Make room: expired entries first; then, if still full, a tenth of the
    // shard, so the sweep is paid once per many inserts.
    for (auto it = shard.entries.begin(); it != shard.entries.end();) {
      const Entry& entry = it->second;
      if (entry.valid_until <= now || entry.generation != generation) {
        shard.entries.erase(it++);
      } else {
        ++it;
      }
    }
    size_t excess = shard.entries.size() + 1 > shard_capacity_
                        ? shard.entries.size() + 1 - shard_capacity_ + shard_capacity_ / 10
                        : 0;
    for (auto it = shard.entries.begin(); excess > 0 && it != shard.entries.end(); --excess) {
      shard.entries.erase(it++);
    }
  }
  shard.entries.insert_or_assign(std::string(token_digest),
                                 Entry{generation, valid_until, principal});
}

size_t TokenCache::size() const { return entries_.size(); }

}  // namespace kam::auth
