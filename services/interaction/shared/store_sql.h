// SQL helpers the interaction areas' MySQL stores share (and only they: this
// header pulls in Connector/C++); what every service's stores share is in
// common/db (row_reader.h, queries.h, filter_sql.h).
#pragma once

#include <cppconn/exception.h>
#include <cppconn/resultset.h>

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/api/filter.h"
#include "common/api/idempotency.h"
#include "common/db/filter_sql.h"
#include "common/db/mysql_pool.h"
#include "common/db/queries.h"
#include "common/db/row_reader.h"
#include "common/db/sql_error.h"

namespace kam::interaction {

// What every MySQL store of the interaction areas holds: the pool its
// statements run on, which outlives it.
class MySqlStoreBase {
 protected:
  explicit MySqlStoreBase(common::ConnectionPool* pool) : pool_(pool) {}

  common::ConnectionPool* const pool_;
};

// A SUM(...) of BIGINT minor units: DECIMAL text, possibly beyond int64,
// clamped to int64 (shared/money_math.h: SaturatingParse); NULL is 0.
int64_t ReadSum(sql::ResultSet& rs, int column);

// A reference column's value: NULL for 0 (no such reference).
inline std::optional<int64_t> IdOrNull(int64_t id) {
  if (id == 0) return std::nullopt;
  return id;
}

// INTERNAL "the stored <what> cannot be read", after logging `why` for
// operators: the answer for a policy row (one row, seeded by the migration)
// that is missing or holds what the rules cannot read, which only a hand
// edit can cause.
absl::Status UnreadablePolicy(absl::string_view what, const absl::Status& why);

// The row of a policy (`select`: "... WHERE id = 1"), read by `read`;
// UnreadablePolicy(`what`) when it is missing. Errors name the work
// "reading the <what>".
template <typename Row, typename Read>
absl::StatusOr<Row> ReadPolicyRow(common::ConnectionPool& pool, absl::string_view what,
                                  const std::string& select, Read read) {
  return common::ReadWithConnection<Row>(
      pool, absl::StrCat("reading the ", what),
      [&](common::SqlConnection& connection) -> absl::StatusOr<Row> {
        auto rs = connection.Query(select);
        if (!rs->next()) return UnreadablePolicy(what, absl::NotFoundError("no row"));
        return read(*rs);
      });
}

// Writes the row of a policy by `update` ("... WHERE id = 1 AND version =
// ?") binding `args`: false when no row matched (its version moved since it
// was read). Errors name the work "updating the <what>".
template <typename... Args>
absl::StatusOr<bool> WritePolicyRow(common::ConnectionPool& pool, absl::string_view what,
                                    const std::string& update, const Args&... args) {
  return common::ReadWithConnection<bool>(
      pool, absl::StrCat("updating the ", what),
      [&](common::SqlConnection& connection) -> absl::StatusOr<bool> {
        return connection.Update(update, args...) == 1;
      });
}

// Runs `insert`, an INSERT of a new row whose last two columns are the
// create request id and its hash (both NULL when key.id is empty), binding
// `values` and then those two. kDuplicateRequest, and nothing written, when
// a unique key refuses it: the key named `request_key`, or any when
// `request_key` is empty (a table whose only unique key besides its id,
// which is allocated, is the request id). Any other error is thrown, for
// the caller's Step or ReadWithConnection to turn into a status.
template <typename... Args>
common::InsertOutcome InsertWithRequestId(common::SqlConnection& connection,
                                          absl::string_view request_key, const std::string& insert,
                                          const common::RequestKey& key, const Args&... values) {
  try {
    connection.Update(insert, values..., common::TextOrNull(key.id),
                      key.id.empty() ? std::nullopt : std::optional<std::string>(key.hash));
  } catch (const sql::SQLException& e) {
    if (e.getErrorCode() != common::kErDupEntry ||
        (!request_key.empty() && common::DuplicateKeyName(e.what()) != request_key)) {
      throw;
    }
    return common::InsertOutcome::kDuplicateRequest;
  }
  return common::InsertOutcome::kInserted;
}

// --- a resource's rows --------------------------------------------------------

// A resource's table as its store reads it: `columns` of `alias` (what `read`
// reads, by position) FROM `table` `alias`, with an `id` column and the
// create_request_id and create_request_hash of the create that made a row.
template <typename Row>
struct ResourceRows {
  absl::string_view columns;
  absl::string_view table;
  absl::string_view alias;
  Row (*read)(sql::ResultSet& rs);
};

// The row with `id`; `not_found` when there is none. `context` names the
// work for errors ("reading activity").
template <typename Row>
absl::StatusOr<Row> QueryById(common::ConnectionPool& pool, absl::string_view context,
                              const ResourceRows<Row>& rows, const absl::Status& not_found,
                              int64_t id) {
  return common::QueryOne(pool, context, not_found, rows.read,
                          absl::StrCat("SELECT ", rows.columns, " FROM ", rows.table, " ",
                                       rows.alias, " WHERE ", rows.alias, ".id = ?"),
                          id);
}

// The row the create with `request_id` made and that request's hash; nullopt
// when none did (common::FindCreatedByRequest).
template <typename Row>
absl::StatusOr<std::optional<common::CreatedByRequest<Row>>> QueryByCreateRequest(
    common::ConnectionPool& pool, absl::string_view context, const ResourceRows<Row>& rows,
    const std::string& request_id) {
  return common::FindCreatedByRequest(
      pool, context,
      absl::StrCat("SELECT ", rows.columns, ", ", rows.alias, ".create_request_hash FROM ",
                   rows.table, " ", rows.alias, " WHERE ", rows.alias, ".create_request_id = ?"),
      request_id, rows.read);
}

// --- filters ----------------------------------------------------------------

// INVALID_ARGUMENT `filter field "<field>" is not supported; use <fields>`.
absl::Status UnsupportedFilterField(const common::FilterComparison& c, absl::string_view fields);

// `<column> = ?` or `<column> <> ?` for an account ("accounts/{account}",
// parsed as "filter value for account").
absl::Status AccountTerm(const common::FilterComparison& c, absl::string_view column,
                         common::SqlFragment* out);

// `<column> = ?` or `<column> <> ?` for an enum field, given short or in
// full (common::FilterEnum: its values and errors, UNSPECIFIED only when
// `accept_unspecified`, then it matches no row).
template <typename Enum>
absl::Status EnumTerm(const common::FilterComparison& c, absl::string_view column,
                      absl::string_view prefix, bool (*parse)(const std::string&, Enum*),
                      bool accept_unspecified, common::SqlFragment* out) {
  absl::StatusOr<int64_t> value = common::FilterEnum(c, prefix, parse, accept_unspecified);
  if (!value.ok()) return common::EqualityTerm(c, column, value.status(), out);
  return common::EqualityTerm(c, column, common::SqlValue(*value), out);
}

// A nullable reference column (`column` holds the id of
// "<collection>/{id}"), = or != only: an empty value matches no reference
// (IS NULL); a name is parsed as "filter value for <field>".
absl::Status ReferenceTerm(const common::FilterComparison& c, absl::string_view column,
                           absl::string_view collection, common::SqlFragment* out);

// A contact ("accounts/{account}/contacts/{contact}") in `contact_column`
// of a row of the account in `account_column`, = or != only: an empty value
// matches no contact (IS NULL).
absl::Status ContactTerm(const common::FilterComparison& c, absl::string_view contact_column,
                         absl::string_view account_column, common::SqlFragment* out);

}  // namespace kam::interaction
