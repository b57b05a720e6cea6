// MySQL connections for a service: a fixed-size pool, each connection with
// its own cache of prepared statements.
//
// Why a pool and not a connection per thread: gRPC threads come and go, and a
// thread-local connection reconnects whenever they do (4x slower in a trial,
// see docs/decisions.md). A call leases one connection for its whole length.
//
// Connector/C++ 1.1 needs InitMySqlDriver() once before any thread starts,
// and MySqlThreadInit()/MySqlThreadEnd() around the life of every thread that
// touches a connection (ScopedMySqlThread does both).
#pragma once

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace sql {
class Connection;
}  // namespace sql

namespace kam::common {

// TLS of the database connections (--db_tls_* in common/server/config.h;
// docs/security.md, "Database connections"). Off when `ca_file` is empty.
struct DbTlsOptions {
  // PEM CA bundle the server's certificate must chain to. Set: every
  // connection is TLS, and a server that does not offer TLS is refused.
  std::string ca_file;
  // The client's own certificate and key, for a user created REQUIRE X509
  // (or REQUIRE SUBJECT/ISSUER); both or neither.
  std::string cert_file;
  std::string key_file;
  // Whether the certificate must also name the host dialled (`host`, or
  // "localhost" over a socket). Off: any certificate the CA signed.
  bool verify_host = true;

  bool enabled() const { return !ca_file.empty(); }
};

struct DbOptions {
  std::string host = "127.0.0.1";
  int port = 33061;
  std::string socket;  // when set, used instead of host:port
  std::string user;
  std::string password;
  std::string schema;
  int pool_size = 8;
  absl::Duration connect_timeout = absl::Seconds(2);
  // A statement that takes longer fails the call rather than hang it.
  absl::Duration io_timeout = absl::Seconds(30);
  // How long a call waits for a free connection before RESOURCE_EXHAUSTED.
  absl::Duration acquire_timeout = absl::Seconds(10);
  DbTlsOptions tls;
};

void InitMySqlDriver();
void MySqlThreadInit();
void MySqlThreadEnd();

class ScopedMySqlThread {
 public:
  ScopedMySqlThread() { MySqlThreadInit(); }
  ~ScopedMySqlThread() { MySqlThreadEnd(); }
};

// A value bound to a `?` of a dynamically built statement (filters).
using SqlValue = std::variant<std::nullptr_t, int64_t, std::string>;

// One open connection. Not thread-safe: one call uses it at a time.
class SqlConnection {
 public:
  explicit SqlConnection(std::unique_ptr<sql::Connection> connection);
  ~SqlConnection();

  // The prepared statement for `sql`, prepared on first use and cached for
  // the life of the connection (one round trip saved on every later call).
  // Statements must not be executed again while a result set of the previous
  // execution is still alive.
  sql::PreparedStatement& Prepare(const std::string& sql);

  // Prepares `sql`, binds `args` to its placeholders in order and runs it.
  // Accepted argument types: integers, bool, std::string, absl::string_view,
  // const char*, std::nullptr_t (NULL), std::optional<T> of those, SqlValue,
  // and std::vector<SqlValue> (spliced in place).
  template <typename... Args>
  std::unique_ptr<sql::ResultSet> Query(const std::string& sql, const Args&... args) {
    sql::PreparedStatement& statement = Prepare(sql);
    [[maybe_unused]] int index = 1;
    (Bind(statement, index, args), ...);
    return std::unique_ptr<sql::ResultSet>(statement.executeQuery());
  }

  // As Query, for INSERT/UPDATE/DELETE; returns the number of rows changed.
  template <typename... Args>
  int Update(const std::string& sql, const Args&... args) {
    sql::PreparedStatement& statement = Prepare(sql);
    [[maybe_unused]] int index = 1;
    (Bind(statement, index, args), ...);
    return statement.executeUpdate();
  }

  // Runs a statement with no parameters through the text protocol
  // (transaction control, DDL in migrations).
  void Execute(const std::string& sql);

  // One round trip ("SELECT 1"): whether the database answered. Never throws
  // (a health check asks this every half second; a failure is expected then,
  // not an error to log).
  bool Ping();

  sql::Connection& raw() { return *connection_; }

  // Pool bookkeeping: the pool's health epoch when this connection was last
  // known good.
  uint64_t checked_epoch = 0;

  // The error number of the last statement that failed on this connection
  // since the last TakeFailure() (0: none), recorded by CatchSqlErrors
  // (common/db/transaction.h) so the transaction runner can tell a deadlock
  // (run it again) or a lost connection (do not reuse it) from a status.
  void NoteFailure(int error_code) { failure_ = error_code; }
  int TakeFailure() { return std::exchange(failure_, 0); }

 private:
  static void Bind(sql::PreparedStatement& s, int& i, int64_t v) { s.setInt64(i++, v); }
  static void Bind(sql::PreparedStatement& s, int& i, uint64_t v) { s.setUInt64(i++, v); }
  static void Bind(sql::PreparedStatement& s, int& i, int v) { s.setInt(i++, v); }
  static void Bind(sql::PreparedStatement& s, int& i, unsigned v) { s.setUInt(i++, v); }
  static void Bind(sql::PreparedStatement& s, int& i, bool v) { s.setInt(i++, v ? 1 : 0); }
  static void Bind(sql::PreparedStatement& s, int& i, const std::string& v);
  static void Bind(sql::PreparedStatement& s, int& i, absl::string_view v);
  static void Bind(sql::PreparedStatement& s, int& i, const char* v) {
    Bind(s, i, absl::string_view(v));
  }
  static void Bind(sql::PreparedStatement& s, int& i, std::nullptr_t);
  static void Bind(sql::PreparedStatement& s, int& i, const SqlValue& v);
  static void Bind(sql::PreparedStatement& s, int& i, const std::vector<SqlValue>& v) {
    for (const SqlValue& value : v) Bind(s, i, value);
  }
  template <typename T>
  static void Bind(sql::PreparedStatement& s, int& i, const std::optional<T>& v) {
    if (v.has_value()) {
      Bind(s, i, *v);
    } else {
      Bind(s, i, nullptr);
    }
  }

  std::unique_ptr<sql::Connection> connection_;
  int failure_ = 0;
  std::unique_ptr<sql::Statement> plain_;
  absl::flat_hash_map<std::string, std::unique_ptr<sql::PreparedStatement>> statements_;
};

class ConnectionPool;

// A leased connection; goes back to the pool when destroyed unless it was
// marked broken.
class PooledConnection {
 public:
  PooledConnection(ConnectionPool* pool, std::unique_ptr<SqlConnection> connection)
      : pool_(pool), connection_(std::move(connection)) {}
  PooledConnection(PooledConnection&&) = default;
  PooledConnection& operator=(PooledConnection&&) = default;
  ~PooledConnection();

  SqlConnection& operator*() { return *connection_; }
  SqlConnection* operator->() { return connection_.get(); }

  // The connection failed in a way that makes it unusable: close it instead
  // of returning it, and have the pool re-check the others.
  void MarkBroken() { broken_ = true; }

 private:
  ConnectionPool* pool_;
  std::unique_ptr<SqlConnection> connection_;
  bool broken_ = false;
};

class ConnectionPool {
 public:
  explicit ConnectionPool(DbOptions options);
  ~ConnectionPool();

  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Leases a connection, opening one when none is idle and the pool is not
  // full. UNAVAILABLE when the database cannot be reached; RESOURCE_EXHAUSTED
  // when every connection stays busy for `acquire_timeout`.
  absl::StatusOr<PooledConnection> Acquire();

  // A connection outside the pool, for long-lived single users (migrations,
  // the id allocator, the health checker); `io_timeout` overrides the pool's.
  absl::StatusOr<std::unique_ptr<SqlConnection>> OpenDedicated();
  absl::StatusOr<std::unique_ptr<SqlConnection>> OpenDedicated(absl::Duration io_timeout);

  // At start-up, with TLS on: opens one connection to find out whether TLS
  // works. FAILED_PRECONDITION naming the --db_tls_* flags when the server
  // does not offer TLS or the handshake fails (an untrusted certificate, a
  // name it does not carry, a client key the server rejects): the service
  // cannot work until someone fixes the configuration, so it should not
  // start. OK when TLS is off or works (logged with the cipher), and also
  // when the database cannot be reached at all: readiness then waits for it
  // as it does without TLS.
  absl::Status CheckTls();

  // After a connection error: every idle connection is pinged before its
  // next use, so calls after the database comes back do not fail on stale
  // connections.
  void MarkSuspect();

  const DbOptions& options() const { return options_; }

  // What the metrics report (common/metrics/pool_metrics.h).
  struct Stats {
    int size = 0;           // options().pool_size
    int open = 0;           // leased + idle (and being opened)
    int in_use = 0;         // leased
    int64_t waits = 0;      // leases that found no connection free
    absl::Duration waited;  // the time they waited, in all
    int64_t timeouts = 0;   // of those, the ones that gave up (RESOURCE_EXHAUSTED)
  };
  Stats stats() {
    absl::MutexLock lock(&mu_);
    Stats stats = waits_;
    stats.size = options_.pool_size;
    stats.open = open_;
    stats.in_use = open_ - static_cast<int>(idle_.size());
    return stats;
  }

 private:
  friend class PooledConnection;
  void Release(std::unique_ptr<SqlConnection> connection, bool broken);
  // OpenDedicated with the reason a TLS connection failed kept:
  // FAILED_PRECONDITION (TlsFailure) for TLS, else as OpenDedicated.
  absl::StatusOr<std::unique_ptr<SqlConnection>> Connect(absl::Duration io_timeout);
  std::string TlsFailure(absl::string_view reason) const;

  const DbOptions options_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<SqlConnection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;  // idle + leased
  uint64_t epoch_ ABSL_GUARDED_BY(mu_) = 1;
  Stats waits_ ABSL_GUARDED_BY(mu_);  // only waits, waited and timeouts are kept here
};

}  // namespace kam::common
