// The accounts area on MySQL (mysql_account_database.h), the store's part:
// account reads, the coalesced GetAccount and CreateAccount, and
// ListAccounts. Group reads are in mysql_hierarchy.cc.
#include <cppconn/exception.h>

#include <algorithm>
#include <iterator>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "common/db/filter_sql.h"
#include "common/db/row_reader.h"
#include "common/db/sql_error.h"
#include "services/account/accounts/mysql_account_sql.h"
#include "services/account/mysql_account_database.h"
#include "services/account/shared/account_names.h"
#include "services/account/shared/mysql_rows.h"

namespace kam::account {
namespace {

using accounts::AccountOrder;
using accounts::StoredAccount;

using common::InsertOutcome;
using common::SqlConnection;
using common::SqlValue;

// accounts::InsertAccountSql with `rows` rows of values.
std::string MultiRowInsertSql(size_t rows) {
  static constexpr char kRow[] =
      ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  std::string sql = accounts::InsertAccountSql();
  for (size_t i = 1; i < rows; ++i) sql.append(kRow);
  return sql;
}

const char* OrderColumn(AccountOrder::Key key) {
  switch (key) {
    case AccountOrder::Key::kDisplayName: return "a.display_name";
    case AccountOrder::Key::kCreateTime: return "a.create_time";
    case AccountOrder::Key::kUpdateTime: return "a.update_time";
    case AccountOrder::Key::kTier: return "a.tier";
    case AccountOrder::Key::kId: return nullptr;
  }
  return nullptr;
}

}  // namespace

// --- CreateAccount -------------------------------------------------------

absl::StatusOr<InsertOutcome> MySqlAccountDatabase::InsertAccount(const StoredAccount& row,
                                                                  const common::RequestKey& key) {
  return account_inserts_.Call(PendingInsert{&row, &key});
}

std::vector<absl::StatusOr<InsertOutcome>> MySqlAccountDatabase::InsertBatch(
    const std::vector<const PendingInsert*>& inserts) {
  std::vector<absl::StatusOr<InsertOutcome>> outcomes(inserts.size(), InsertOutcome::kInserted);
  // Each row on its own (autocommit), so each gets its own outcome.
  auto one_by_one = [&](SqlConnection& connection) {
    for (size_t i = 0; i < inserts.size(); ++i) {
      outcomes[i] = accounts::InsertAccountRow(connection, *inserts[i]->row, *inserts[i]->key);
    }
    return absl::OkStatus();
  };
  absl::Status status =
      common::WithConnection(*pool_, "creating accounts", [&](SqlConnection& connection) {
        if (inserts.size() == 1) return one_by_one(connection);
        // One statement, so one commit, for the whole batch; it inserts all
        // rows or none. A duplicate key anywhere (a retried request, a taken
        // external id) sends the batch row by row to find whose it is.
        std::vector<SqlValue> values;
        for (const PendingInsert* insert : inserts) {
          std::vector<SqlValue> row = accounts::InsertValues(*insert->row, *insert->key);
          values.insert(values.end(), std::make_move_iterator(row.begin()),
                        std::make_move_iterator(row.end()));
        }
        try {
          connection.Update(MultiRowInsertSql(inserts.size()), values);
          return absl::OkStatus();
        } catch (const sql::SQLException& e) {
          if (e.getErrorCode() != common::kErDupEntry) throw;
        }
        return one_by_one(connection);
      });
  if (!status.ok()) outcomes.assign(inserts.size(), status);
  return outcomes;
}

// --- GetAccount ----------------------------------------------------------

absl::StatusOr<StoredAccount> MySqlAccountDatabase::GetAccount(int64_t id) {
  ReadResult row = account_reads_.Call(id);
  if (!row.ok()) return row.status();
  if (!row->has_value()) return AccountNotFound(id);
  return **std::move(row);
}

std::vector<MySqlAccountDatabase::ReadResult> MySqlAccountDatabase::ReadBatch(
    const std::vector<const int64_t*>& ids) {
  std::vector<int64_t> distinct;
  for (const int64_t* id : ids) {
    if (std::find(distinct.begin(), distinct.end(), *id) == distinct.end()) distinct.push_back(*id);
  }
  std::map<int64_t, StoredAccount> rows;
  const absl::Status status = FetchAccounts(distinct, &rows);
  std::vector<ReadResult> results;
  results.reserve(ids.size());
  for (const int64_t* id : ids) {
    if (!status.ok()) {
      results.push_back(status);
    } else if (auto it = rows.find(*id); it != rows.end()) {
      results.push_back(std::optional<StoredAccount>(it->second));
    } else {
      results.push_back(std::optional<StoredAccount>());
    }
  }
  return results;
}

absl::Status MySqlAccountDatabase::FetchAccounts(const std::vector<int64_t>& ids,
                                                 std::map<int64_t, StoredAccount>* rows) {
  return common::WithConnection(*pool_, "reading accounts", [&](SqlConnection& connection) {
    std::unique_ptr<sql::ResultSet> rs;
    if (ids.size() == 1) {
      rs = connection.Query(accounts::GetAccountSql(), ids[0]);
    } else {
      std::string placeholders;
      std::vector<SqlValue> values = PaddedIds(ids, &placeholders);
      rs = connection.Query(absl::StrCat("SELECT ", accounts::kAccountColumns,
                                         " FROM accounts a WHERE a.id IN (", placeholders, ")"),
                            values);
    }
    while (rs->next()) {
      StoredAccount row = accounts::ReadAccount(*rs);
      const int64_t id = row.id;
      rows->emplace(id, std::move(row));
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<StoredAccount>> MySqlAccountDatabase::GetAccounts(
    const std::vector<int64_t>& ids) {
  std::vector<StoredAccount> ordered;
  if (ids.empty()) return ordered;
  std::map<int64_t, StoredAccount> found;
  KAM_RETURN_IF_ERROR(FetchAccounts(ids, &found));
  ordered.reserve(ids.size());
  for (int64_t id : ids) {
    auto it = found.find(id);
    if (it == found.end()) return AccountNotFound(id);
    ordered.push_back(it->second);
  }
  return ordered;
}

absl::StatusOr<std::optional<common::CreatedByRequest<StoredAccount>>>
MySqlAccountDatabase::FindAccountByRequest(const std::string& request_id) {
  using Found = std::optional<common::CreatedByRequest<StoredAccount>>;
  return common::ReadWithConnection<Found>(
      *pool_, "reading account", [&](SqlConnection& connection) -> absl::StatusOr<Found> {
        return common::ReadCreatedByRequest(
            connection,
            absl::StrCat("SELECT ", accounts::kAccountColumns,
                         ", a.create_request_hash FROM accounts a WHERE a.create_request_id = ?"),
            request_id, accounts::ReadAccount);
      });
}

absl::StatusOr<accounts::AccountsByRequest> MySqlAccountDatabase::FindAccountsByRequest(
    const std::vector<std::string>& request_ids) {
  return FindCreatedByRequests(*pool_, "reading accounts",
                               absl::StrCat("SELECT ", accounts::kAccountColumns,
                                            ", a.create_request_id, a.create_request_hash "
                                            "FROM accounts a WHERE a.create_request_id IN ("),
                               request_ids, accounts::ReadAccount);
}

// --- ListAccounts --------------------------------------------------------

absl::StatusOr<common::Page<StoredAccount>> MySqlAccountDatabase::ListAccounts(
    const common::FilterNode& filter, const AccountOrder& order, bool show_deleted,
    const std::string& team_of, const std::optional<common::PageCursor>& cursor, int limit) {
  KAM_ASSIGN_OR_RETURN(common::SqlFragment where,
                       common::FilterSql(filter, accounts::AccountComparisonToSql));
  std::string sql =
      absl::StrCat("SELECT ", accounts::kAccountColumns, " FROM accounts a WHERE ", where.sql);
  if (!show_deleted) sql.append(" AND a.delete_time IS NULL");
  std::vector<SqlValue> params = std::move(where.params);
  if (!team_of.empty()) {
    sql.append(accounts::kOnTeamOf);
    params.emplace_back(team_of);
  }
  const char* column = OrderColumn(order.key);
  const char* after = order.descending ? " < " : " > ";
  const char* direction = order.descending ? " DESC" : "";
  if (cursor.has_value()) {
    if (column == nullptr) {
      absl::StrAppend(&sql, " AND a.id", after, "?");
    } else {
      if (cursor->key_values.size() != 1) {
        return absl::InvalidArgumentError("page_token is not valid for this order_by");
      }
      absl::StrAppend(&sql, " AND (", column, after, "? OR (", column, " = ? AND a.id", after,
                      "?))");
      params.emplace_back(cursor->key_values[0]);
      params.emplace_back(cursor->key_values[0]);
    }
    params.emplace_back(cursor->last_id);
  }
  if (column != nullptr) {
    absl::StrAppend(&sql, " ORDER BY ", column, direction, ", a.id", direction);
  } else {
    absl::StrAppend(&sql, " ORDER BY a.id", direction);
  }
  absl::StrAppend(&sql, " LIMIT ?");
  params.emplace_back(int64_t{limit} + 1);

  std::vector<StoredAccount> rows;
  absl::Status status =
      common::WithConnection(*pool_, "listing accounts", [&](SqlConnection& connection) {
        auto rs = connection.Query(sql, params);
        while (rs->next()) rows.push_back(accounts::ReadAccount(*rs));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return common::TrimPage(std::move(rows), limit);
}

}  // namespace kam::account
