#include "common/db/migrator.h"

#include <cppconn/exception.h>

#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/base/fingerprint.h"
#include "common/base/log.h"
#include "common/db/sql_error.h"

namespace kam::common {
namespace {

constexpr int kLockWaitSeconds = 120;

// A checksum recorded for this same migration before (see PreviousChecksums),
// or by the earlier migrator, which took the fingerprint of the whole text.
bool IsEarlierChecksum(const Migration& migration, const std::string& recorded) {
  if (recorded == FingerprintHex(Fingerprint64(migration.sql))) return true;
  const std::vector<std::string> previous = PreviousChecksums(migration.sql);
  return std::find(previous.begin(), previous.end(), recorded) != previous.end();
}

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
    const std::string checksum = MigrationChecksum(m->sql);
    if (auto it = applied.find(m->version); it != applied.end()) {
      if (it->second == checksum) continue;
      if (!IsEarlierChecksum(*m, it->second)) {
        return absl::FailedPreconditionError(
            absl::StrCat("migration ", m->version, "_", m->name,
                         " changed after it was applied; add a new migration instead"));
      }
      connection.Update("UPDATE kam_schema_migrations SET checksum = ? WHERE version = ?", checksum,
                        m->version);
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

std::string MigrationChecksum(absl::string_view sql) {
  // White space counts only where it separates two words ("NOT NULL"), and
  // quoted text is kept as it is.
  const auto is_word = [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
  };
  std::string folded;
  for (const std::string& statement : SplitSqlStatements(sql)) {
    bool space = false;
    for (size_t i = 0; i < statement.size(); ++i) {
      const char c = statement[i];
      if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
        space = true;
        continue;
      }
      if (space && !folded.empty() && is_word(folded.back()) && is_word(c)) folded.push_back(' ');
      space = false;
      folded.push_back(c);
      if (c == '\'' || c == '"' || c == '`') {
        for (++i; i < statement.size(); ++i) {
          folded.push_back(statement[i]);
          if (statement[i] == '\\' && c != '`' && i + 1 < statement.size()) {
            folded.push_back(statement[++i]);
          } else if (statement[i] == c) {
            break;  // a doubled quote reads as two quoted runs: the same text either way
          }
        }
      }
    }
    folded.push_back(';');
  }
  return FingerprintHex(Fingerprint64(folded));
}

std::vector<std::string> PreviousChecksums(absl::string_view sql) {
  constexpr absl::string_view kMarker = "-- previous checksum: ";
  std::vector<std::string> checksums;
  for (absl::string_view line : absl::StrSplit(sql, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (!absl::ConsumePrefix(&line, kMarker)) continue;
    if (line.size() == 16 && std::all_of(line.begin(), line.end(), [](char c) {
          return absl::ascii_isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f');
        })) {
      checksums.emplace_back(line);
    }
  }
  return checksums;
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
