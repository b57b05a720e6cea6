#include "common/db/mysql_pool.h"

#include <cppconn/exception.h>
#include <mysql_connection.h>
#include <mysql_driver.h>

#include "absl/strings/str_cat.h"
#include "common/base/log.h"
#include "common/db/sql_error.h"

namespace kam::common {
namespace {

sql::mysql::MySQL_Driver* Driver() {
  static sql::mysql::MySQL_Driver* driver = sql::mysql::get_mysql_driver_instance();
  return driver;
}

constexpr size_t kMaxCachedStatements = 200;

int Seconds(absl::Duration d) {
  return static_cast<int>(std::max<int64_t>(1, absl::ToInt64Seconds(d)));
}

// CR_SSL_CONNECTION_ERROR: libmariadb's code for every TLS failure while
// connecting (no TLS on the server with the host check on, an untrusted or
// misnamed certificate, a file it cannot use).
constexpr int kCrSslConnectionError = 2026;

// The cipher of the connection's TLS session; "" when it runs in plaintext.
std::string SessionCipher(sql::Connection& connection) {
  std::unique_ptr<sql::Statement> statement(connection.createStatement());
  std::unique_ptr<sql::ResultSet> rows(
      statement->executeQuery("SHOW SESSION STATUS LIKE 'Ssl_cipher'"));
  return rows->next() ? std::string(rows->getString(2)) : "";
}

}  // namespace

void InitMySqlDriver() { Driver(); }
void MySqlThreadInit() { Driver()->threadInit(); }
void MySqlThreadEnd() { Driver()->threadEnd(); }

SqlConnection::SqlConnection(std::unique_ptr<sql::Connection> connection)
    : connection_(std::move(connection)), plain_(connection_->createStatement()) {}

SqlConnection::~SqlConnection() {
  // Statements before the connection that owns them.
  statements_.clear();
  plain_.reset();
  try {
    connection_.reset();
  } catch (const sql::SQLException&) {
    // Closing a connection to a server that is gone can throw; nothing to do.
  }
}

sql::PreparedStatement& SqlConnection::Prepare(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    // Filters make statement texts vary; a bound keeps the server's prepared
    // statements (max_prepared_stmt_count) and our memory in check. The hot
    // statements are prepared again on their next use.
    if (statements_.size() >= kMaxCachedStatements) statements_.clear();
    it = statements_
             .emplace(sql,
                      std::unique_ptr<sql::PreparedStatement>(connection_->prepareStatement(sql)))
             .first;
  }
  return *it->second;
}

bool SqlConnection::Ping() {
  try {
    Query("SELECT 1");
    return true;
  } catch (const sql::SQLException&) {
    return false;
  }
}

void SqlConnection::Execute(const std::string& sql) { plain_->execute(sql); }

void SqlConnection::Bind(sql::PreparedStatement& s, int& i, const std::string& v) {
  s.setString(i++, sql::SQLString(v));
}

void SqlConnection::Bind(sql::PreparedStatement& s, int& i, absl::string_view v) {
  s.setString(i++, sql::SQLString(v.data(), v.size()));
}

void SqlConnection::Bind(sql::PreparedStatement& s, int& i, std::nullptr_t) {
  s.setNull(i++, sql::DataType::VARCHAR);
}

void SqlConnection::Bind(sql::PreparedStatement& s, int& i, const SqlValue& v) {
  if (const auto* n = std::get_if<int64_t>(&v)) {
    Bind(s, i, *n);
  } else if (const auto* str = std::get_if<std::string>(&v)) {
    Bind(s, i, *str);
  } else {
    Bind(s, i, nullptr);
  }
}

PooledConnection::~PooledConnection() {
  if (connection_ != nullptr) pool_->Release(std::move(connection_), broken_);
}

ConnectionPool::ConnectionPool(DbOptions options) : options_(std::move(options)) {}

ConnectionPool::~ConnectionPool() {
  absl::MutexLock lock(&mu_);
  idle_.clear();
}

absl::StatusOr<std::unique_ptr<SqlConnection>> ConnectionPool::OpenDedicated() {
  return OpenDedicated(options_.io_timeout);
}

absl::StatusOr<std::unique_ptr<SqlConnection>> ConnectionPool::OpenDedicated(
    absl::Duration io_timeout) {
  absl::StatusOr<std::unique_ptr<SqlConnection>> connection = Connect(io_timeout);
  if (connection.status().code() == absl::StatusCode::kFailedPrecondition) {
    Log(LogLevel::kWarning, "database TLS connection failed",
        {{"error", connection.status().message()}});
    // Callers get what any failed connect gives them; the log says why.
    return SqlErrorToStatus(kCrSslConnectionError, "connecting to the database");
  }
  return connection;
}

absl::StatusOr<std::unique_ptr<SqlConnection>> ConnectionPool::Connect(absl::Duration io_timeout) {
  sql::ConnectOptionsMap properties;
  if (!options_.socket.empty()) {
    properties["hostName"] = sql::SQLString(absl::StrCat("unix://", options_.socket));
  } else {
    properties["hostName"] =
        sql::SQLString(absl::StrCat("tcp://", options_.host, ":", options_.port));
  }
  properties["userName"] = sql::SQLString(options_.user);
  properties["password"] = sql::SQLString(options_.password);
  properties["schema"] = sql::SQLString(options_.schema);
  properties["OPT_CONNECT_TIMEOUT"] = Seconds(options_.connect_timeout);
  properties["OPT_READ_TIMEOUT"] = Seconds(io_timeout);
  properties["OPT_WRITE_TIMEOUT"] = Seconds(io_timeout);
  properties["OPT_RECONNECT"] = false;  // a silent reconnect would lose session state
  properties["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
  const DbTlsOptions& tls = options_.tls;
  if (tls.enabled()) {
    // Connector/C++ 1.1 over libmariadb 3.3: with a CA the chain is always
    // checked; sslVerify adds the host name and refuses a server without
    // TLS. "sslEnforce" and "OPT_SSL_MODE" do nothing there (tried), so
    // without the host check a server without TLS would be talked to in
    // plaintext: the cipher check below refuses that in every mode.
    properties["sslCA"] = sql::SQLString(tls.ca_file);
    if (!tls.cert_file.empty()) {
      properties["sslCert"] = sql::SQLString(tls.cert_file);
      properties["sslKey"] = sql::SQLString(tls.key_file);
    }
    properties["sslVerify"] = tls.verify_host;
  }
  try {
    std::unique_ptr<sql::Connection> raw(Driver()->connect(properties));
    auto connection = std::make_unique<SqlConnection>(std::move(raw));
    if (tls.enabled() && SessionCipher(connection->raw()).empty()) {
      return absl::FailedPreconditionError(TlsFailure("the server does not offer TLS"));
    }
    // UTC for every DATETIME; READ COMMITTED takes no gap locks, so
    // concurrent inserts do not deadlock on index ranges.
    connection->Execute("SET time_zone = '+00:00'");
    connection->Execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
    return connection;
  } catch (const sql::SQLException& e) {
    if (tls.enabled() && e.getErrorCode() == kCrSslConnectionError) {
      return absl::FailedPreconditionError(TlsFailure(e.what()));
    }
    Log(LogLevel::kWarning, "database connect failed",
        {{"error_code", e.getErrorCode()}, {"error", e.what()}});
    absl::Status status = SqlErrorToStatus(e.getErrorCode(), "connecting to the database");
    if (status.code() == absl::StatusCode::kInternal) {
      return absl::UnavailableError("database unavailable while connecting");
    }
    return status;
  }
}

std::string ConnectionPool::TlsFailure(absl::string_view reason) const {
  const DbTlsOptions& tls = options_.tls;
  const bool socket = !options_.socket.empty();
  std::string flags = absl::StrCat("--db_tls_ca_file=", tls.ca_file);
  if (!tls.cert_file.empty()) {
    absl::StrAppend(&flags, " --db_tls_cert_file=", tls.cert_file,
                    " --db_tls_key_file=", tls.key_file);
  }
  std::string expected = "the server must offer TLS with a certificate signed by that CA";
  if (tls.verify_host) {
    absl::StrAppend(&expected, " and naming ", socket ? "localhost" : options_.host,
                    " (--db_tls_verify_host=false accepts any name)");
  }
  return absl::StrCat("no TLS connection to the database at ",
                      socket ? options_.socket : absl::StrCat(options_.host, ":", options_.port),
                      " with ", flags, ": ", reason, "; ", expected);
}

absl::Status ConnectionPool::CheckTls() {
  if (!options_.tls.enabled()) return absl::OkStatus();
  ScopedMySqlThread mysql_thread;  // outlives the connection below
  absl::StatusOr<std::unique_ptr<SqlConnection>> connection = Connect(options_.io_timeout);
  if (connection.status().code() == absl::StatusCode::kFailedPrecondition) {
    return connection.status();
  }
  if (connection.ok()) {
    std::string cipher;
    try {
      cipher = SessionCipher((*connection)->raw());
    } catch (const sql::SQLException&) {
      // Connected over TLS a moment ago; the cipher only decorates the log.
    }
    Log(LogLevel::kInfo, "database connections use TLS",
        {{"cipher", cipher}, {"verify_host", options_.tls.verify_host}});
  }
  return absl::OkStatus();
}

absl::StatusOr<PooledConnection> ConnectionPool::Acquire() {
  std::unique_ptr<SqlConnection> connection;
  uint64_t epoch = 0;
  {
    absl::MutexLock lock(&mu_);
    auto available = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !idle_.empty() || open_ < options_.pool_size;
    };
    // Only a lease that must wait reads the clock (the pool's metrics).
    const absl::Time waiting_since = available() ? absl::InfiniteFuture() : absl::Now();
    const bool got = mu_.AwaitWithTimeout(absl::Condition(&available), options_.acquire_timeout);
    if (waiting_since != absl::InfiniteFuture()) {
      ++waits_.waits;
      waits_.waited += absl::Now() - waiting_since;
      if (!got) ++waits_.timeouts;
    }
    if (!got) {
      return absl::ResourceExhaustedError("all database connections stayed busy; retry later");
    }
    if (!idle_.empty()) {
      connection = std::move(idle_.back());  // most recently used: warmest
      idle_.pop_back();
    } else {
      ++open_;  // reserve a slot; the connection is opened outside the lock
    }
    epoch = epoch_;
  }
  if (connection != nullptr && connection->checked_epoch != epoch) {
    // The database failed since this connection was last used: ping it.
    bool valid = false;
    try {
      valid = connection->raw().isValid();
    } catch (const sql::SQLException&) {
    }
    if (!valid) connection.reset();
  }
  if (connection == nullptr) {
    absl::StatusOr<std::unique_ptr<SqlConnection>> opened = OpenDedicated();
    if (!opened.ok()) {
      absl::MutexLock lock(&mu_);
      --open_;
      return opened.status();
    }
    connection = *std::move(opened);
  }
  connection->checked_epoch = epoch;
  return PooledConnection(this, std::move(connection));
}

void ConnectionPool::MarkSuspect() {
  absl::MutexLock lock(&mu_);
  ++epoch_;
}

void ConnectionPool::Release(std::unique_ptr<SqlConnection> connection, bool broken) {
  if (broken) {
    connection.reset();  // close outside the lock: it may wait on the network
    absl::MutexLock lock(&mu_);
    --open_;
    ++epoch_;
    return;
  }
  absl::MutexLock lock(&mu_);
  idle_.push_back(std::move(connection));
}

}  // namespace kam::common
