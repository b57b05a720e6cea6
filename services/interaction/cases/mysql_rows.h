// Reads on a connection of the pool that the case and satisfaction stores
// share (candidates for common/db/row_reader.h).
#ifndef KAM_SERVICES_INTERACTION_CASES_MYSQL_ROWS_H_
#define KAM_SERVICES_INTERACTION_CASES_MYSQL_ROWS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/api/list_request.h"
#include "common/db/mysql_pool.h"
#include "common/db/row_reader.h"
#include "common/db/transaction.h"

namespace kam::interaction::cases {

// Runs `select` with `args` on a connection of `pool` and reads each row
// with `read(rs)`; `context` names the work for errors.
template <typename Read, typename... Args>
auto QueryRows(common::ConnectionPool& pool, absl::string_view context, Read read,
               const std::string& select, const Args&... args)
    -> absl::StatusOr<std::vector<decltype(read(std::declval<sql::ResultSet&>()))>> {
  using Rows = std::vector<decltype(read(std::declval<sql::ResultSet&>()))>;
  return common::ReadWithConnection<Rows>(pool, context,
                                          [&](common::SqlConnection& c) -> absl::StatusOr<Rows> {
                                            auto rs = c.Query(select, args...);
                                            Rows rows;
                                            while (rs->next()) rows.push_back(read(*rs));
                                            return rows;
                                          });
}

// As QueryRows, for a SELECT that reads `limit + 1` rows: the first page of
// at most `limit` of them, and whether more follow.
template <typename Read, typename... Args>
auto QueryPage(common::ConnectionPool& pool, absl::string_view context, int limit, Read read,
               const std::string& select, const Args&... args)
    -> absl::StatusOr<common::Page<decltype(read(std::declval<sql::ResultSet&>()))>> {
  auto rows = QueryRows(pool, context, read, select, args...);
  if (!rows.ok()) return rows.status();
  return common::TrimPage(*std::move(rows), limit);
}

// The row created with `request_id` and that request's hash (common::
// ReadCreatedByRequest on a connection of `pool`); nullopt when none.
template <typename Read>
auto FindCreatedByRequest(common::ConnectionPool& pool, absl::string_view context,
                          const std::string& select, const std::string& request_id, Read read)
    -> absl::StatusOr<decltype(common::ReadCreatedByRequest(std::declval<common::SqlConnection&>(),
                                                            select, request_id, read))> {
  using Found = decltype(common::ReadCreatedByRequest(std::declval<common::SqlConnection&>(),
                                                      select, request_id, read));
  return common::ReadWithConnection<Found>(
      pool, context, [&](common::SqlConnection& c) -> absl::StatusOr<Found> {
        return common::ReadCreatedByRequest(c, select, request_id, read);
      });
}

}  // namespace kam::interaction::cases

#endif  // KAM_SERVICES_INTERACTION_CASES_MYSQL_ROWS_H_
