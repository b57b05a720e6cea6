// Running store code against the pool: exceptions from Connector/C++ become
// statuses at this one boundary, and transactions either commit whole or
// leave nothing behind.
#ifndef KAM_COMMON_TRANSACTION_H_
#define KAM_COMMON_TRANSACTION_H_

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/mysql_pool.h"

namespace kam::common {

// Leases a connection and runs `fn` on it in autocommit mode. An
// sql::SQLException escaping `fn` becomes SqlErrorToStatus(code, context);
// after a connection error the connection is closed, not reused.
absl::Status WithConnection(ConnectionPool& pool, absl::string_view context,
                            absl::FunctionRef<absl::Status(SqlConnection&)> fn);

// Runs `fn` between START TRANSACTION and COMMIT. When `fn` returns an error
// or throws, the transaction is rolled back and the error returned. On a
// deadlock or lock-wait timeout the whole of `fn` runs again (at most 4
// attempts, with jittered backoff), so `fn` must not keep state between
// attempts other than what it recomputes. If the connection is lost, the
// server rolls the transaction back: nothing is half written.
absl::Status RunInTransaction(ConnectionPool& pool, absl::string_view context,
                              absl::FunctionRef<absl::Status(SqlConnection&)> fn);

}  // namespace kam::common

#endif  // KAM_COMMON_TRANSACTION_H_
