#include "common/db/id_allocator.h"

#include <cppconn/exception.h>

#include "common/base/log.h"
#include "common/base/status_macros.h"
#include "common/db/sql_error.h"

namespace kam::common {

IdAllocator::IdAllocator(ConnectionPool* pool, std::string sequence, int64_t block_size)
    : pool_(pool), sequence_(std::move(sequence)), block_size_(block_size) {}

absl::StatusOr<int64_t> IdAllocator::Next() {
  absl::MutexLock lock(&mu_);
  if (next_ >= end_) {
    KAM_RETURN_IF_ERROR(ReserveBlock());
  }
  return next_++;
}

absl::Status IdAllocator::ReserveBlock() {
  // A connection kept between reservations can go stale (a database restart,
  // wait_timeout); one fresh attempt tells that apart from a real outage.
  absl::Status status = TryReserveBlock();
  if (status.code() == absl::StatusCode::kUnavailable) status = TryReserveBlock();
  return status;
}

absl::Status IdAllocator::TryReserveBlock() {
  if (connection_ == nullptr) {
    absl::StatusOr<std::unique_ptr<SqlConnection>> opened = pool_->OpenDedicated();
    if (!opened.ok()) return opened.status();
    connection_ = *std::move(opened);
  }
  try {
    // The row exists after the first reservation; INSERT IGNORE makes the
    // first one work without a migration per sequence.
    connection_->Update("INSERT IGNORE INTO kam_sequences (name, next_id) VALUES (?, 1)",
                        sequence_);
    // LAST_INSERT_ID(expr) returns the updated value on this connection
    // only, so concurrent reservers each see their own block. If the
    // connection dies after the UPDATE, that block is skipped, never reused.
    connection_->Update(
        "UPDATE kam_sequences SET next_id = LAST_INSERT_ID(next_id + ?) WHERE name = ?",
        block_size_, sequence_);
    std::unique_ptr<sql::ResultSet> rows = connection_->Query("SELECT LAST_INSERT_ID()");
    if (!rows->next()) return absl::InternalError("reserving ids returned no row");
    end_ = rows->getInt64(1);
    next_ = end_ - block_size_;
    return absl::OkStatus();
  } catch (const sql::SQLException& e) {
    connection_.reset();
    Log(LogLevel::kWarning, "reserving ids failed",
        {{"sequence", sequence_}, {"error_code", e.getErrorCode()}, {"error", e.what()}});
    if (IsConnectionError(e.getErrorCode())) pool_->MarkSuspect();
    return SqlErrorToStatus(e.getErrorCode(), "reserving ids");
  }
}

}  // namespace kam::common
