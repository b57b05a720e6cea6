// Ids for new rows, handed out from blocks reserved in the kam_sequences
// table (the "hi/lo" scheme).
//
// Why not AUTO_INCREMENT: Connector/C++ 1.1 has no way to return the id of an
// insert without a second round trip (SELECT LAST_INSERT_ID()), and a create
// is mostly round trips. With a reserved block, an insert knows its id before
// it runs; one round trip per `block_size` creates reserves the next block.
// Replicas reserve disjoint blocks, so ids never collide; ids of a block
// unused when a process stops are skipped, never reused.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/db/mysql_pool.h"

namespace kam::common {

class IdAllocator {
 public:
  // `sequence` names the row in kam_sequences (one per table).
  IdAllocator(ConnectionPool* pool, std::string sequence, int64_t block_size = 1000);

  // The next id (> 0). Reserving a block uses the allocator's own connection,
  // committed on its own, so a caller's transaction that rolls back can never
  // hand out a block twice. UNAVAILABLE when the database is down.
  absl::StatusOr<int64_t> Next();

 private:
  absl::Status ReserveBlock() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status TryReserveBlock() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  ConnectionPool* const pool_;
  const std::string sequence_;
  const int64_t block_size_;
  absl::Mutex mu_;
  int64_t next_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t end_ ABSL_GUARDED_BY(mu_) = 0;  // one past the last id of the block
  std::unique_ptr<SqlConnection> connection_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kam::common
