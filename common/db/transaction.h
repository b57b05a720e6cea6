// Running store code against the pool. Connector/C++ reports failures by
// throwing sql::SQLException; CatchSqlErrors is the one place where such an
// exception becomes an absl::Status, so every store method and every step of
// a store transaction returns absl::Status or absl::StatusOr and nothing
// throws past a store. Transactions either commit whole or leave nothing
// behind.
#pragma once

#include <cppconn/exception.h>

#include <string>
#include <type_traits>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/db/mysql_pool.h"

namespace kam::common {

namespace internal {
// Logs the server's message for operators (not for a duplicate key, which
// callers expect), notes the error on the connection and returns the
// caller-facing status (SqlErrorToStatus).
absl::Status SqlFailure(SqlConnection& connection, const sql::SQLException& e,
                        absl::string_view context);
}  // namespace internal

// Runs `fn()`, which returns absl::Status or absl::StatusOr<T>; an
// sql::SQLException escaping it becomes SqlErrorToStatus(code, context).
// `context` says what was being done ("reading order").
template <typename Fn>
auto CatchSqlErrors(SqlConnection& connection, absl::string_view context, Fn&& fn)
    -> decltype(fn()) {
  try {
    return std::forward<Fn>(fn)();
  } catch (const sql::SQLException& e) {
    return internal::SqlFailure(connection, e, context);
  }
}

// Base of a store's transaction class (AccountTx, BillingTx, ...): each of
// its steps runs its statements through Step(), so it returns a status like
// every other store method.
class StoreTx {
 public:
  StoreTx(SqlConnection& connection, absl::string_view context)
      : connection_(connection), context_(context) {}

 protected:
  template <typename Fn>
  auto Step(Fn&& fn) -> decltype(fn()) {
    return CatchSqlErrors(connection_, context_, std::forward<Fn>(fn));
  }

  // One INSERT, UPDATE or DELETE as a step.
  template <typename... Args>
  absl::Status Exec(const std::string& sql, const Args&... args) {
    return Step([&] {
      connection_.Update(sql, args...);
      return absl::OkStatus();
    });
  }

  SqlConnection& connection_;
  const absl::string_view context_;  // the transaction's, e.g. "creating order"
};

// Leases a connection and runs `fn` on it in autocommit mode. Database
// errors become statuses (CatchSqlErrors); after a connection error the
// connection is closed, not reused. DEADLINE_EXCEEDED without running `fn`
// when the caller's deadline has passed (base/call_scope.h).
absl::Status WithConnection(ConnectionPool& pool, absl::string_view context,
                            absl::FunctionRef<absl::Status(SqlConnection&)> fn);

// As WithConnection, for a function that returns a value.
template <typename T>
absl::StatusOr<T> ReadWithConnection(ConnectionPool& pool, absl::string_view context,
                                     absl::FunctionRef<absl::StatusOr<T>(SqlConnection&)> fn) {
  absl::StatusOr<T> result = absl::UnknownError("not run");
  absl::Status status = WithConnection(pool, context, [&](SqlConnection& connection) {
    result = fn(connection);
    return result.status();
  });
  if (!status.ok()) return status;
  return result;
}

// Runs `fn` between START TRANSACTION and COMMIT. When `fn` returns an error
// (or throws), the transaction is rolled back and the error returned. On a
// deadlock or lock-wait timeout (thrown, or noted on the connection by a
// step that caught it) the whole of `fn` runs again (at most 4 attempts,
// with jittered backoff), so `fn` must not keep state between attempts
// other than what it recomputes. If the connection is lost, the server
// rolls the transaction back: nothing is half written. When the caller's
// deadline passes (base/call_scope.h) before COMMIT, the transaction is
// rolled back and DEADLINE_EXCEEDED returned: nothing is written for a
// caller that has gone.
absl::Status RunInTransaction(ConnectionPool& pool, absl::string_view context,
                              absl::FunctionRef<absl::Status(SqlConnection&)> fn);

}  // namespace kam::common
