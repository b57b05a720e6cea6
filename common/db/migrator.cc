#include "common/db/migrator.h"

#include <cppconn/exception.h>

#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/base/fingerprint.h"
#include "common/base/log.h"
#include "common/db/sql_error.h"

namespace kam::common {
namespace {

constexpr int kLockWaitSeconds = 120;

absl::Status Apply(SqlConnection& connection, const std::vector<Migration>& migrations) {
  connection.Execute(
      "CREATE TABLE IF NOT EXISTS kam_schema_migrations ("
      " version INT NOT NULL PRIMARY KEY,"
      " name VARCHAR(200) NOT NULL,"
      " checksum CHAR(16) NOT NULL,"
      " applied_at DATETIME(6) NOT NULL"
      ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
  connection.Execute(
      "CREATE TABLE IF NOT EXISTS kam_sequences ("
      " name VARCHAR(64) NOT NULL PRIMARY KEY,"
      " next_id BIGINT NOT NULL"
      ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");

  std::map<int, std::string> applied;
  {
    std::unique_ptr<sql::ResultSet> rows =
        connection.Query("SELECT version, checksum FROM kam_schema_migrations");
    while (rows->next()) applied[rows->getInt(1)] = rows->getString(2);
  }

  std::vector<const Migration*> ordered;
  for (const Migration& m : migrations) ordered.push_back(&m);
  std::sort(ordered.begin(), ordered.end(),
            [](const Migration* a, const Migration* b) { return a->version < b->version; });

  for (const Migration* m : ordered) {
    const std::string checksum = FingerprintHex(Fingerprint64(m->sql));
    if (auto it = applied.find(m->version); it != applied.end()) {
      if (it->second != checksum) {
        return absl::FailedPreconditionError(
            absl::StrCat("migration ", m->version, "_", m->name,
                         " changed after it was applied; add a new migration instead"));
      }
      continue;
    }
    for (const std::string& statement : SplitSqlStatements(m->sql)) {
      connection.Execute(statement);
    }
    connection.Update(
        "INSERT INTO kam_schema_migrations (version, name, checksum, applied_at) "
        "VALUES (?, ?, ?, UTC_TIMESTAMP(6))",
        m->version, m->name, checksum);
    Log(LogLevel::kInfo, "migration applied", {{"version", m->version}, {"name", m->name}});
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ApplyMigrations(ConnectionPool& pool, const std::vector<Migration>& migrations,
                             const std::function<bool()>& cancelled) {
  absl::StatusOr<std::unique_ptr<SqlConnection>> opened = pool.OpenDedicated();
  if (!opened.ok()) return opened.status();
  SqlConnection& connection = **opened;
  const std::string lock_name = absl::StrCat("kam_migrate.", pool.options().schema);
  try {
    // Wait for the lock in one-second slices so a shutdown need not wait
    // for another replica's migrations.
    bool locked = false;
    for (int waited = 0; !locked && waited < kLockWaitSeconds; ++waited) {
      if (cancelled && cancelled()) return absl::CancelledError("migrations cancelled");
      std::unique_ptr<sql::ResultSet> lock = connection.Query("SELECT GET_LOCK(?, 1)", lock_name);
      locked = lock->next() && lock->getInt(1) == 1;
    }
    if (!locked) return absl::UnavailableError("another replica is still applying migrations");
    if (cancelled && cancelled()) {
      connection.Query("SELECT RELEASE_LOCK(?)", lock_name);
      return absl::CancelledError("migrations cancelled");
    }
    absl::Status status = Apply(connection, migrations);
    connection.Query("SELECT RELEASE_LOCK(?)", lock_name);
    return status;
  } catch (const sql::SQLException& e) {
    Log(LogLevel::kError, "migration failed",
        {{"error_code", e.getErrorCode()}, {"error", e.what()}});
    return SqlErrorToStatus(e.getErrorCode(), "applying migrations");
  }
}

std::vector<std::string> SplitSqlStatements(absl::string_view text) {
  std::vector<std::string> statements;
  std::string current;
  auto flush = [&] {
    std::string trimmed(absl::StripAsciiWhitespace(current));
    if (!trimmed.empty()) statements.push_back(std::move(trimmed));
    current.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\'' || c == '"' || c == '`') {
      // Quoted: copy through the closing quote (doubled quotes and
      // backslash escapes stay inside).
      current.push_back(c);
      for (++i; i < text.size(); ++i) {
        current.push_back(text[i]);
        if (text[i] == '\\' && c != '`' && i + 1 < text.size()) {
          current.push_back(text[++i]);
        } else if (text[i] == c) {
          if (i + 1 < text.size() && text[i + 1] == c) {
            current.push_back(text[++i]);
          } else {
            break;
          }
        }
      }
    } else if (c == '-' && i + 1 < text.size() && text[i + 1] == '-' &&
               (i + 2 == text.size() || absl::ascii_isspace(text[i + 2]) ||
                absl::ascii_iscntrl(text[i + 2]))) {
      // "-- " starts a comment; "--1" is two minus signs (MySQL's rule).
      while (i < text.size() && text[i] != '\n') ++i;
      current.push_back('\n');
    } else if (c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
      current.push_back('\n');
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
      const size_t end = text.find("*/", i + 2);
      const size_t stop = end == absl::string_view::npos ? text.size() : end + 2;
      const absl::string_view comment = text.substr(i, stop - i);
      if (absl::StartsWith(comment, "/*!") || absl::StartsWith(comment, "/*M!")) {
        current.append(comment.data(), comment.size());  // executable: the server runs it
      } else {
        current.push_back(' ');
      }
      i = stop - 1;
    } else if (c == ';') {
      flush();
    } else {
      current.push_back(c);
    }
  }
  flush();
  return statements;
}

}  // namespace kam::common
