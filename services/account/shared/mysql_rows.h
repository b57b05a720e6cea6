// What the areas' MySQL stores share about the kam_account schema: id lists
// for IN (...), the labels_text column, and the existence check and keyset
// page of the records below one account. Statements run inside the
// caller's common::WithConnection or Step.
#pragma once

#include <cppconn/resultset.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/api/etag.h"
#include "common/api/idempotency.h"
#include "common/api/list_request.h"
#include "common/base/status_macros.h"
#include "common/db/mysql_pool.h"
#include "common/db/row_reader.h"
#include "common/db/transaction.h"
#include "google/protobuf/map.h"
#include "services/account/shared/account_names.h"
#include "services/account/shared/record.h"

namespace kam::account {

// Bound values for `ids` (1 to 1024 of them), padded to the next size in 1,
// 2, 4, ..., 1024 by repeating the last id, so IN (...) lists of any length
// share at most 11 prepared statements; `*placeholders` gets "?,?,...".
std::vector<common::SqlValue> PaddedIds(const std::vector<int64_t>& ids, std::string* placeholders);
// PaddedIds of any values (1 to 1024 of them).
std::vector<common::SqlValue> PaddedValues(std::vector<common::SqlValue> values,
                                           std::string* placeholders);

// Inserts `rows` (each the values of one `row_placeholders`, "(?, ?, ?)")
// with `insert` ("INSERT INTO t (...) VALUES "), in order, in multi-row
// statements of 256, 128, ..., 1 rows (so a table has at most nine of them
// prepared, whatever the batch sizes). Returns the index of the first row
// of the first statement that failed on a duplicate key (none of that
// statement's rows is inserted, all before it are), or rows.size(). Inside
// the caller's Step: other errors throw.
size_t InsertRowsUntilDuplicate(common::SqlConnection& connection, absl::string_view insert,
                                absl::string_view row_placeholders,
                                const std::vector<std::vector<common::SqlValue>>& rows);

// The rows that creates with `request_ids` (at most 1024) made, by request
// id: `select` ("SELECT <columns>, x.create_request_id, x.create_request_hash
// FROM t x WHERE x.create_request_id IN (") completed with the ids, each row
// read by `read(rs)`. Ids no create used are not in the map.
template <typename Read>
auto ReadCreatedByRequests(common::SqlConnection& connection, absl::string_view select,
                           const std::vector<std::string>& request_ids, Read read)
    -> std::map<std::string,
                common::CreatedByRequest<decltype(read(std::declval<sql::ResultSet&>()))>> {
  using Row = decltype(read(std::declval<sql::ResultSet&>()));
  std::map<std::string, common::CreatedByRequest<Row>> found;
  if (request_ids.empty()) return found;
  std::string in;
  std::vector<common::SqlValue> values =
      PaddedValues(std::vector<common::SqlValue>(request_ids.begin(), request_ids.end()), &in);
  auto rs = connection.Query(absl::StrCat(select, in, ")"), values);
  while (rs->next()) {
    const int columns = static_cast<int>(rs->getMetaData()->getColumnCount());
    std::string request_id = common::ReadText(*rs, columns - 1);
    found.emplace(std::move(request_id),
                  common::CreatedByRequest<Row>{read(*rs), common::ReadText(*rs, columns)});
  }
  return found;
}

// Labels are stored as sorted "key=value" lines (keys and values are
// limited to [a-z0-9_-], so neither '=' nor a newline can occur in them);
// NULL when there are none.
std::optional<std::string> EncodeLabels(
    const google::protobuf::Map<std::string, std::string>& labels);
// Reads such a column (NULL: no labels) into `labels`.
void ReadLabels(sql::ResultSet& rs, int column,
                google::protobuf::Map<std::string, std::string>* labels);

// The first columns of a record below an account, id and account_id, as a
// record with its name.
template <typename Resource>
Record<Resource> ReadRecordKey(sql::ResultSet& rs, absl::string_view collection) {
  Record<Resource> row;
  row.account_id = rs.getInt64(2);
  SetRecordId(row, rs.getInt64(1), collection);
  return row;
}

// The four columns a resource with an etag ends with, from `column` on:
// version, create_time, update_time, delete_time. Sets the times and the
// etag (the name must be set) and returns the version.
template <typename Resource>
int64_t ReadVersionAndTimes(sql::ResultSet& rs, int column, Resource& resource) {
  const int64_t version = rs.getInt64(column);
  if (auto t = common::ReadTimestamp(rs, column + 1)) *resource.mutable_create_time() = *t;
  if (auto t = common::ReadTimestamp(rs, column + 2)) *resource.mutable_update_time() = *t;
  if (auto t = common::ReadTimestamp(rs, column + 3)) *resource.mutable_delete_time() = *t;
  resource.set_etag(common::MakeEtag(resource.name(), version));
  return version;
}

// Record `id` of account `account_id`, found by `select` (which binds the
// record's id, then the account's) and read by `read(rs)`; NOT_FOUND
// (NotFoundUnder(what, account_id, collection, id)) when there is none.
template <typename Read>
auto SelectRecord(common::SqlConnection& connection, const std::string& select,
                  int64_t account_id, int64_t id, absl::string_view what,
                  absl::string_view collection, Read read)
    -> absl::StatusOr<decltype(read(std::declval<sql::ResultSet&>()))> {
  auto rs = connection.Query(select, id, account_id);
  if (!rs->next()) return NotFoundUnder(what, account_id, collection, id);
  return read(*rs);
}

// OK when account `id` exists (deleted or not); NOT_FOUND otherwise. Its
// database errors say "reading account".
absl::Status RequireAccount(common::SqlConnection& connection, int64_t id);

// One page of the records of account `account_id` in id order:
// RequireAccount, then `select` with its three `?`s bound to the account
// id, the cursor's id and limit + 1, each row read by `read(rs)`.
template <typename Read>
auto SelectPageUnderAccount(common::ConnectionPool& pool, absl::string_view context,
                            const std::string& select, int64_t account_id,
                            const std::optional<common::PageCursor>& cursor, int limit, Read read)
    -> absl::StatusOr<common::Page<decltype(read(std::declval<sql::ResultSet&>()))>> {
  std::vector<decltype(read(std::declval<sql::ResultSet&>()))> rows;
  absl::Status status = common::WithConnection(pool, context, [&](common::SqlConnection& c) {
    KAM_RETURN_IF_ERROR(RequireAccount(c, account_id));
    auto rs = c.Query(select, account_id, common::CursorId(cursor), int64_t{limit} + 1);
    while (rs->next()) rows.push_back(read(*rs));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return common::TrimPage(std::move(rows), limit);
}

}  // namespace kam::account
