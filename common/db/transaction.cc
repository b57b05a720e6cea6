#include "common/db/transaction.h"

#include <random>

#include "absl/time/clock.h"
#include "common/base/call_scope.h"
#include "common/base/log.h"
#include "common/base/status_macros.h"
#include "common/db/sql_error.h"

namespace kam::common {
namespace {

constexpr int kMaxAttempts = 4;

void Backoff(int attempt) {
  thread_local std::minstd_rand random(std::random_device{}());
  const int64_t base_ms = int64_t{5} << attempt;  // 10, 20, 40 ms
  std::uniform_int_distribution<int64_t> jitter(0, base_ms);
  absl::SleepFor(absl::Milliseconds(base_ms + jitter(random)));
}

// Whether the connection may be used again after ROLLBACK.
bool RollbackQuietly(PooledConnection& connection) {
  SqlConnection& c = *connection;
  const absl::Status rolled_back = CatchSqlErrors(c, "rolling back", [&] {
    c.Execute("ROLLBACK");
    return absl::OkStatus();
  });
  if (rolled_back.ok()) return true;
  connection.MarkBroken();  // the server rolls back as it closes the connection
  return false;
}

}  // namespace

namespace internal {

absl::Status SqlFailure(SqlConnection& connection, const sql::SQLException& e,
                        absl::string_view context) {
  const int code = e.getErrorCode();
  connection.NoteFailure(code);
  const absl::Status status = SqlErrorToStatus(code, context);
  if (status.code() != absl::StatusCode::kAlreadyExists) {
    Log(LogLevel::kWarning, "database error",
        {{"context", context},
         {"error_code", code},
         {"sql_state", e.getSQLState()},
         {"error", e.what()}});
  }
  return status;
}

}  // namespace internal

absl::Status WithConnection(ConnectionPool& pool, absl::string_view context,
                            absl::FunctionRef<absl::Status(SqlConnection&)> fn) {
  KAM_RETURN_IF_ERROR(CallScope::CallerWaiting(context));
  KAM_ASSIGN_OR_RETURN(PooledConnection connection, pool.Acquire());
  SqlConnection& c = *connection;
  c.TakeFailure();
  absl::Status status = CatchSqlErrors(c, context, [&] { return fn(c); });
  if (IsConnectionError(c.TakeFailure())) connection.MarkBroken();
  return status;
}

absl::Status RunInTransaction(ConnectionPool& pool, absl::string_view context,
                              absl::FunctionRef<absl::Status(SqlConnection&)> fn) {
  for (int attempt = 1;; ++attempt) {
    KAM_RETURN_IF_ERROR(CallScope::CallerWaiting(context));
    KAM_ASSIGN_OR_RETURN(PooledConnection connection, pool.Acquire());
    SqlConnection& c = *connection;
    c.TakeFailure();
    absl::Status status = CatchSqlErrors(c, context, [&] {
      c.Execute("START TRANSACTION");
      absl::Status result = fn(c);
      // Nothing is written for a caller that has stopped waiting.
      if (result.ok()) result = CallScope::CallerWaiting(context);
      if (result.ok()) c.Execute("COMMIT");
      return result;
    });
    if (status.ok()) return status;
    const int failure = c.TakeFailure();
    if (IsConnectionError(failure)) {
      connection.MarkBroken();  // the server rolls back as it closes
      return status;
    }
    if (!RollbackQuietly(connection)) return status;
    if (IsRetryableTransactionError(failure) && attempt < kMaxAttempts) {
      Backoff(attempt);
      continue;
    }
    return status;
  }
}

}  // namespace kam::common
