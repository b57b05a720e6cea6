// The group hierarchy over accounts.parent_id on MySQL
// (mysql_account_database.h): the hierarchy steps of a transaction and the
// group reads.
// Recursive queries stop at twice the depth limit, so a (corrupt) cycle
// cannot make them run for ever.
#include <algorithm>
#include <memory>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "services/account/accounts/hierarchy.h"
#include "services/account/accounts/mysql_account_sql.h"
#include "services/account/mysql_account_database.h"
#include "services/account/shared/mysql_rows.h"

namespace kam::account {
namespace {

using accounts::DescendantRow;
using accounts::GroupCounts;
using accounts::kAccountColumnCount;
using accounts::kAccountColumns;
using accounts::kMaxHierarchyDepth;
using accounts::kOnTeamOf;
using accounts::ReadAccount;
using accounts::StoredAccount;

using common::SqlConnection;
using common::SqlValue;

constexpr int kRecursionLimit = kMaxHierarchyDepth * 2;

// "WITH RECURSIVE up (id, parent_id, lvl)": `?` and its ancestors, lvl 0
// for itself.
constexpr char kAncestorsCte[] =
    "WITH RECURSIVE up (id, parent_id, lvl) AS ("
    " SELECT id, parent_id, 0 FROM accounts WHERE id = ?"
    " UNION ALL"
    " SELECT a.id, a.parent_id, up.lvl + 1 FROM accounts a JOIN up ON a.id = up.parent_id"
    " WHERE up.lvl < ?) ";

// "WITH RECURSIVE sub (id, depth)": the live accounts below ? down to ?
// levels.
constexpr char kDescendantsCte[] =
    "WITH RECURSIVE sub (id, depth) AS ("
    " SELECT id, 1 FROM accounts WHERE parent_id = ? AND delete_time IS NULL"
    " UNION ALL"
    " SELECT a.id, sub.depth + 1 FROM accounts a JOIN sub ON a.parent_id = sub.id"
    " WHERE a.delete_time IS NULL AND sub.depth < ?) ";

// The first column of a one-row count query (0 without a row).
int CountOf(std::unique_ptr<sql::ResultSet> rs) { return rs->next() ? rs->getInt(1) : 0; }

}  // namespace

// --- transaction steps ---------------------------------------------------

absl::Status MySqlTransaction::LockHierarchy() {
  return Step([&] {
    connection_.Query("SELECT name FROM kam_locks WHERE name = 'hierarchy' FOR UPDATE");
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<int64_t>> MySqlTransaction::AncestorChain(int64_t id) {
  return Step([&]() -> absl::StatusOr<std::vector<int64_t>> {
    auto rs = connection_.Query(absl::StrCat(kAncestorsCte, "SELECT id FROM up ORDER BY lvl"), id,
                                kRecursionLimit);
    std::vector<int64_t> chain;
    while (rs->next()) chain.push_back(rs->getInt64(1));
    return chain;
  });
}

absl::StatusOr<int> MySqlTransaction::SubtreeHeight(int64_t id) {
  return Step([&]() -> absl::StatusOr<int> {
    return CountOf(
        connection_.Query(absl::StrCat(kDescendantsCte, "SELECT COALESCE(MAX(depth), 0) FROM sub"),
                          id, kRecursionLimit));
  });
}

absl::StatusOr<int> MySqlTransaction::CountLiveChildren(int64_t id) {
  return Step([&]() -> absl::StatusOr<int> {
    return CountOf(connection_.Query(
        "SELECT COUNT(*) FROM accounts WHERE parent_id = ? AND delete_time IS NULL", id));
  });
}

// --- group reads ---------------------------------------------------------

absl::StatusOr<std::vector<StoredAccount>> MySqlAccountDatabase::ListAncestors(int64_t id) {
  return common::ReadWithConnection<std::vector<StoredAccount>>(
      *pool_, "reading ancestors",
      [&](SqlConnection& connection) -> absl::StatusOr<std::vector<StoredAccount>> {
        KAM_RETURN_IF_ERROR(RequireAccount(connection, id));
        auto rs = connection.Query(
            absl::StrCat(kAncestorsCte, "SELECT ", kAccountColumns,
                         " FROM up JOIN accounts a ON a.id = up.id WHERE up.lvl > 0 "
                         "ORDER BY up.lvl"),
            id, kRecursionLimit);
        std::vector<StoredAccount> rows;
        while (rs->next()) rows.push_back(ReadAccount(*rs));
        return rows;
      });
}

absl::StatusOr<common::Page<DescendantRow>> MySqlAccountDatabase::ListDescendants(
    int64_t id, int max_depth, const std::string& team_of,
    const std::optional<common::PageCursor>& cursor, int limit) {
  return common::ReadWithConnection<common::Page<DescendantRow>>(
      *pool_, "reading descendants",
      [&](SqlConnection& connection) -> absl::StatusOr<common::Page<DescendantRow>> {
        KAM_RETURN_IF_ERROR(RequireAccount(connection, id));
        int64_t after_depth = 0;
        if (cursor.has_value() && (cursor->key_values.size() != 1 ||
                                   !absl::SimpleAtoi(cursor->key_values[0], &after_depth))) {
          return absl::InvalidArgumentError("page_token is not valid");
        }
        std::vector<SqlValue> params = {id, int64_t{max_depth}, after_depth, after_depth,
                                        common::CursorId(cursor)};
        if (!team_of.empty()) params.emplace_back(team_of);
        params.emplace_back(int64_t{limit} + 1);
        auto rs = connection.Query(
            absl::StrCat(kDescendantsCte, "SELECT ", kAccountColumns,
                         ", sub.depth FROM sub JOIN accounts a ON a.id = sub.id "
                         "WHERE (sub.depth > ? OR (sub.depth = ? AND a.id > ?))",
                         team_of.empty() ? "" : kOnTeamOf, " ORDER BY sub.depth, a.id LIMIT ?"),
            params);
        std::vector<DescendantRow> rows;
        while (rs->next()) {
          DescendantRow& row = rows.emplace_back();
          row.account = ReadAccount(*rs);
          row.depth = rs->getInt(kAccountColumnCount + 1);
        }
        return common::TrimPage(std::move(rows), limit);
      });
}

absl::StatusOr<GroupCounts> MySqlAccountDatabase::CountGroup(int64_t root_id,
                                                             const std::string& team_of) {
  return common::ReadWithConnection<GroupCounts>(
      *pool_, "summarising group", [&](SqlConnection& connection) -> absl::StatusOr<GroupCounts> {
        // The root is depth 0; the CTE adds its live descendants. A deleted
        // root heads no group: every count is 0.
        std::vector<SqlValue> params = {root_id, int64_t{kRecursionLimit}};
        if (!team_of.empty()) params.emplace_back(team_of);
        auto rs = connection.Query(
            absl::StrCat("WITH RECURSIVE sub (id, depth) AS ("
                         " SELECT id, 0 FROM accounts WHERE id = ? AND delete_time IS NULL"
                         " UNION ALL"
                         " SELECT a.id, sub.depth + 1 FROM accounts a JOIN sub ON a.parent_id = "
                         "sub.id WHERE a.delete_time IS NULL AND sub.depth < ?) "
                         "SELECT a.tier, a.stage, a.state, COUNT(*), MAX(sub.depth) "
                         "FROM sub JOIN accounts a ON a.id = sub.id WHERE TRUE",
                         team_of.empty() ? "" : kOnTeamOf, " GROUP BY a.tier, a.stage, a.state"),
            params);
        GroupCounts counts;
        while (rs->next()) {
          const int n = rs->getInt(4);
          counts.accounts += n;
          counts.by_tier[rs->getInt(1)] += n;
          counts.by_stage[rs->getInt(2)] += n;
          counts.by_state[rs->getInt(3)] += n;
          counts.depth = std::max(counts.depth, rs->getInt(5));
        }
        return counts;
      });
}

}  // namespace kam::account
