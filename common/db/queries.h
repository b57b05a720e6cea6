// Reading rows on a connection of the pool, the way every store does it.
// The `read(rs)` functions are a store's row readers (common/db/row_reader.h
// has the column readers they use).
#pragma once

#include <cppconn/resultset.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/api/idempotency.h"
#include "common/api/list_request.h"
#include "common/base/status_macros.h"
#include "common/db/mysql_pool.h"
#include "common/db/row_reader.h"
#include "common/db/transaction.h"

namespace kam::common {

template <typename Read>
using RowOf = decltype(std::declval<Read&>()(std::declval<sql::ResultSet&>()));

// Runs `select` with `args` on a connection of `pool` and reads every row
// with `read(rs)`. `context` names the work for errors ("reading orders").
template <typename Read, typename... Args>
absl::StatusOr<std::vector<RowOf<Read>>> QueryRows(ConnectionPool& pool, absl::string_view context,
                                                   Read read, const std::string& select,
                                                   const Args&... args) {
  using Rows = std::vector<RowOf<Read>>;
  return ReadWithConnection<Rows>(pool, context, [&](SqlConnection& c) -> absl::StatusOr<Rows> {
    auto rs = c.Query(select, args...);
    Rows rows;
    while (rs->next()) rows.push_back(read(*rs));
    return rows;
  });
}

// As QueryRows, for a SELECT that reads `limit + 1` rows after a cursor: a
// page of at most `limit` of them, and whether more follow.
template <typename Read, typename... Args>
absl::StatusOr<Page<RowOf<Read>>> QueryPage(ConnectionPool& pool, absl::string_view context,
                                            int limit, Read read, const std::string& select,
                                            const Args&... args) {
  KAM_ASSIGN_OR_RETURN(std::vector<RowOf<Read>> rows,
                       QueryRows(pool, context, read, select, args...));
  return TrimPage(std::move(rows), limit);
}

// The one row `select` (binding `args`) finds, read with `read(rs)`;
// `not_found` when there is none (NOT_FOUND naming the resource).
template <typename Read, typename... Args>
absl::StatusOr<RowOf<Read>> QueryOne(ConnectionPool& pool, absl::string_view context,
                                     const absl::Status& not_found, Read read,
                                     const std::string& select, const Args&... args) {
  using Row = RowOf<Read>;
  return ReadWithConnection<Row>(pool, context, [&](SqlConnection& c) -> absl::StatusOr<Row> {
    auto rs = c.Query(select, args...);
    if (!rs->next()) return not_found;
    return read(*rs);
  });
}

// ReadCreatedByRequest on a connection of `pool`: the row a create with
// `request_id` made and that request's hash; nullopt when none did.
template <typename Read>
absl::StatusOr<std::optional<CreatedByRequest<RowOf<Read>>>> FindCreatedByRequest(
    ConnectionPool& pool, absl::string_view context, const std::string& select,
    const std::string& request_id, Read read) {
  using Found = std::optional<CreatedByRequest<RowOf<Read>>>;
  return ReadWithConnection<Found>(pool, context, [&](SqlConnection& c) -> absl::StatusOr<Found> {
    return ReadCreatedByRequest(c, select, request_id, read);
  });
}

// `ids` (not empty) padded to the next size in 1, 2, 4, ... by repeating the
// last id, and `*placeholders` set to "?,?,...": IN (...) lists of any
// length then share a few prepared statements per connection.
std::vector<SqlValue> PaddedIds(const std::vector<int64_t>& ids, std::string* placeholders);

}  // namespace kam::common
