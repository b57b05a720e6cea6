// Schema migrations: numbered .sql files per service
// (services/<name>/migrations/0001_init.sql, ...), compiled into the binary
// (cmake/EmbedMigrations.cmake) so a container needs no files beside it.
//
// Each migration is applied once, in version order, and recorded with a
// checksum in kam_schema_migrations (MigrationChecksum: comments and layout
// do not count, so they may be edited; a statement may not). A named lock (GET_LOCK) serialises
// replicas that start together: the second waits, then finds nothing to do.
// DDL commits implicitly in MySQL, so a migration is not atomic: write each
// statement so it can run again (IF NOT EXISTS), and a failed migration is
// retried from its first statement on the next start.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/db/mysql_pool.h"

namespace kam::common {

struct Migration {
  int version;            // from the file name: 0001_init.sql -> 1
  const char* name;       // "init"
  absl::string_view sql;  // the file's text: statements separated by ';'
};

// Applies the migrations not yet recorded. FAILED_PRECONDITION when a
// recorded migration's text has changed since it was applied (edit a new
// file instead), UNAVAILABLE when the database cannot be reached.
// `cancelled`, when given, is polled while waiting for another replica's
// lock (up to two minutes): CANCELLED as soon as it returns true.
absl::Status ApplyMigrations(ConnectionPool& pool, const std::vector<Migration>& migrations,
                             const std::function<bool()>& cancelled = nullptr);

// Splits SQL text into statements at ';' outside quotes and comments.
// Statements that are empty after trimming are dropped.
std::vector<std::string> SplitSqlStatements(absl::string_view text);

// The checksum a migration is recorded with: 16 hex digits over its
// statements (SplitSqlStatements) with every run of white space folded to one
// space. Editing a comment or re-wrapping a statement keeps it; changing a
// statement does not.
std::string MigrationChecksum(absl::string_view sql);

// Checksums a database may hold for this migration besides
// MigrationChecksum(sql), from an earlier text of the same file, each given on
// a line of its own as
//   -- previous checksum: 0123456789abcdef
// (before comments and layout stopped counting, a migration was recorded with
// the fingerprint of its whole text). Such a row is re-recorded with
// MigrationChecksum.
std::vector<std::string> PreviousChecksums(absl::string_view sql);

}  // namespace kam::common
