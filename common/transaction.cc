#include "common/transaction.h"

#include <cppconn/exception.h>

#include <random>

#include "absl/time/clock.h"
#include "common/log.h"
#include "common/sql_error.h"

namespace kam::common {
namespace {

constexpr int kMaxAttempts = 4;

// Logs the server's message for operators and returns the caller's status.
absl::Status Fail(PooledConnection& connection, const sql::SQLException& e,
                  absl::string_view context) {
  const int code = e.getErrorCode();
  if (IsConnectionError(code)) connection.MarkBroken();
  const absl::Status status = SqlErrorToStatus(code, context);
  if (status.code() != absl::StatusCode::kAlreadyExists) {
    Log(LogLevel::kWarning, "database error",
        {{"context", context}, {"error_code", code}, {"sql_state", e.getSQLState()},
         {"error", e.what()}});
  }
  return status;
}

void Backoff(int attempt) {
  thread_local std::minstd_rand random(std::random_device{}());
  const int64_t base_ms = int64_t{5} << attempt;  // 10, 20, 40 ms
  std::uniform_int_distribution<int64_t> jitter(0, base_ms);
  absl::SleepFor(absl::Milliseconds(base_ms + jitter(random)));
}

void RollbackQuietly(PooledConnection& connection) {
  try {
    connection->Execute("ROLLBACK");
  } catch (const sql::SQLException& e) {
    // The connection is unusable; the server rolls back when it closes.
    connection.MarkBroken();
  }
}

}  // namespace

absl::Status WithConnection(ConnectionPool& pool, absl::string_view context,
                            absl::FunctionRef<absl::Status(SqlConnection&)> fn) {
  absl::StatusOr<PooledConnection> connection = pool.Acquire();
  if (!connection.ok()) return connection.status();
  try {
    return fn(**connection);
  } catch (const sql::SQLException& e) {
    return Fail(*connection, e, context);
  }
}

absl::Status RunInTransaction(ConnectionPool& pool, absl::string_view context,
                              absl::FunctionRef<absl::Status(SqlConnection&)> fn) {
  for (int attempt = 1;; ++attempt) {
    absl::StatusOr<PooledConnection> connection = pool.Acquire();
    if (!connection.ok()) return connection.status();
    try {
      (*connection)->Execute("START TRANSACTION");
      absl::Status status = fn(**connection);
      if (!status.ok()) {
        RollbackQuietly(*connection);
        return status;
      }
      (*connection)->Execute("COMMIT");
      return absl::OkStatus();
    } catch (const sql::SQLException& e) {
      const int code = e.getErrorCode();
      if (!IsConnectionError(code)) RollbackQuietly(*connection);
      if (IsRetryableTransactionError(code) && attempt < kMaxAttempts) {
        Backoff(attempt);
        continue;
      }
      return Fail(*connection, e, context);
    }
  }
}

}  // namespace kam::common
