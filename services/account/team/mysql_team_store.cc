// The team area on MySQL (mysql_account_database.h): table team_memberships.
#include <cppconn/exception.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "common/db/queries.h"
#include "common/db/row_reader.h"
#include "common/db/sql_error.h"
#include "services/account/mysql_account_database.h"
#include "services/account/shared/account_names.h"
#include "services/account/shared/mysql_rows.h"

namespace kam::account {
namespace {

using team::StoredMembership;

using common::ReadText;
using common::ReadTimestamp;
using common::SqlConnection;

constexpr char kMembershipColumns[] =
    "m.id, m.account_id, m.user_id, m.role, m.start_time, m.end_time, m.end_reason, m.actor";

StoredMembership ReadMembership(sql::ResultSet& rs) {
  StoredMembership row = ReadRecordKey<v1::TeamMembership>(rs, "teamMemberships");
  v1::TeamMembership& m = row.resource;
  m.set_user(ReadText(rs, 3));
  m.set_role(static_cast<v1::TeamRole>(rs.getInt(4)));
  if (auto t = ReadTimestamp(rs, 5)) *m.mutable_start_time() = *t;
  if (auto t = ReadTimestamp(rs, 6)) *m.mutable_end_time() = *t;
  m.set_end_reason(ReadText(rs, 7));
  m.set_actor(ReadText(rs, 8));
  return row;
}

}  // namespace

// --- transaction steps ---------------------------------------------------

absl::StatusOr<std::optional<common::CreatedByRequest<StoredMembership>>>
MySqlTransaction::FindMembershipByRequest(const std::string& request_id) {
  return Step([&]() -> absl::StatusOr<std::optional<common::CreatedByRequest<StoredMembership>>> {
    return common::ReadCreatedByRequest(
        connection_,
        absl::StrCat("SELECT ", kMembershipColumns,
                     ", m.create_request_hash FROM team_memberships m "
                     "WHERE m.create_request_id = ?"),
        request_id, ReadMembership);
  });
}

absl::StatusOr<std::optional<StoredMembership>> MySqlTransaction::LockActiveAccountManager(
    int64_t account_id) {
  return Step([&]() -> absl::StatusOr<std::optional<StoredMembership>> {
    auto rs = connection_.Query(
        absl::StrCat("SELECT ", kMembershipColumns,
                     " FROM team_memberships m WHERE m.account_id = ? AND m.role = ? "
                     "AND m.end_time IS NULL ORDER BY m.id DESC LIMIT 1 FOR UPDATE"),
        account_id, static_cast<int>(v1::TEAM_ROLE_ACCOUNT_MANAGER));
    if (!rs->next()) return std::optional<StoredMembership>();
    return ReadMembership(*rs);
  });
}

absl::StatusOr<StoredMembership> MySqlTransaction::LockMembership(int64_t account_id,
                                                                  int64_t membership_id) {
  return Step([&] {
    return SelectRecord(connection_,
                        absl::StrCat("SELECT ", kMembershipColumns,
                                     " FROM team_memberships m WHERE m.id = ? AND m.account_id = ? "
                                     "FOR UPDATE"),
                        account_id, membership_id, "team membership", "teamMemberships",
                        ReadMembership);
  });
}

absl::StatusOr<bool> MySqlTransaction::HasActiveMembership(int64_t account_id,
                                                           const std::string& user,
                                                           v1::TeamRole role) {
  return Step([&]() -> absl::StatusOr<bool> {
    return connection_
        .Query(
            "SELECT 1 FROM team_memberships WHERE account_id = ? AND user_id = ? AND role = ? "
            "AND end_time IS NULL LIMIT 1",
            account_id, user, static_cast<int>(role))
        ->next();
  });
}

absl::StatusOr<common::InsertOutcome> MySqlTransaction::InsertMembership(
    StoredMembership* row, const common::RequestKey& key) {
  KAM_ASSIGN_OR_RETURN(int64_t id, ids_->memberships.Next());
  SetRecordId(*row, id, "teamMemberships");
  const v1::TeamMembership& m = row->resource;
  return Step([&]() -> absl::StatusOr<common::InsertOutcome> {
    try {
      connection_.Update(
          "INSERT INTO team_memberships (id, account_id, user_id, role, start_time, actor, "
          "create_request_id, create_request_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          row->id, row->account_id, m.user(), static_cast<int>(m.role()),
          common::SqlTime(m.start_time()), m.actor(), common::TextOrNull(key.id),
          key.id.empty() ? std::nullopt : std::optional<std::string>(key.hash));
    } catch (const sql::SQLException& e) {
      if (e.getErrorCode() != common::kErDupEntry) throw;
      return common::InsertOutcome::kDuplicateRequest;
    }
    return common::InsertOutcome::kInserted;
  });
}

absl::Status MySqlTransaction::EndMembership(int64_t membership_id, absl::Time end_time,
                                             const std::string& reason, bool handover) {
  return Step([&] {
    connection_.Update(
        "UPDATE team_memberships SET end_time = ?, end_reason = ?, ended_by_handover = ? "
        "WHERE id = ?",
        common::SqlTime(end_time), reason, handover, membership_id);
    return absl::OkStatus();
  });
}

// --- reads ---------------------------------------------------------------

absl::StatusOr<absl::flat_hash_set<int64_t>> MySqlAccountDatabase::AccountsOnTeam(
    const std::string& user, const std::vector<int64_t>& ids) {
  return common::ReadWithConnection<absl::flat_hash_set<int64_t>>(
      *pool_, "reading team", [&](SqlConnection& connection) {
        // Padded to a power of two (PaddedIds), so batches of any size share
        // a few prepared statements; GetAccount's check is the one-id text.
        std::string in;
        std::vector<common::SqlValue> params = {user};
        std::vector<common::SqlValue> padded =
            PaddedIds(ids.empty() ? std::vector<int64_t>{0} : ids, &in);
        params.insert(params.end(), padded.begin(), padded.end());
        auto rs = connection.Query(
            absl::StrCat("SELECT DISTINCT account_id FROM team_memberships WHERE user_id = ? "
                         "AND end_time IS NULL AND account_id IN (",
                         in, ")"),
            params);
        absl::flat_hash_set<int64_t> theirs;
        while (rs->next()) theirs.insert(rs->getInt64(1));
        return absl::StatusOr<absl::flat_hash_set<int64_t>>(std::move(theirs));
      });
}

absl::StatusOr<common::Page<int64_t>> MySqlAccountDatabase::ListTeamAccounts(
    const std::string& user, const std::optional<common::PageCursor>& cursor, int limit) {
  // ix_team_user_accounts (migration 0003) answers this from the index alone.
  return common::QueryPage(
      *pool_, "listing team accounts", limit, [](sql::ResultSet& rs) { return rs.getInt64(1); },
      "SELECT DISTINCT account_id FROM team_memberships WHERE user_id = ? AND end_time IS NULL "
      "AND account_id > ? ORDER BY account_id LIMIT ?",
      user, common::CursorId(cursor), limit + 1);
}

absl::StatusOr<common::Page<StoredMembership>> MySqlAccountDatabase::ListMemberships(
    int64_t account_id, v1::TeamRole role, bool include_ended,
    const std::optional<common::PageCursor>& cursor, int limit) {
  return common::ReadWithConnection<common::Page<StoredMembership>>(
      *pool_, "listing team",
      [&](SqlConnection& connection) -> absl::StatusOr<common::Page<StoredMembership>> {
        KAM_RETURN_IF_ERROR(RequireAccount(connection, account_id));
        std::string after_start = "0001-01-01 00:00:00";
        if (cursor.has_value()) {
          if (cursor->key_values.size() != 1) {
            return absl::InvalidArgumentError("page_token is not valid");
          }
          after_start = cursor->key_values[0];
        }
        auto rs = connection.Query(
            absl::StrCat("SELECT ", kMembershipColumns,
                         " FROM team_memberships m WHERE m.account_id = ?"
                         " AND (? = 0 OR m.role = ?)",
                         include_ended ? "" : " AND m.end_time IS NULL",
                         " AND (m.start_time > ? OR (m.start_time = ? AND m.id > ?))"
                         " ORDER BY m.start_time, m.id LIMIT ?"),
            account_id, static_cast<int>(role), static_cast<int>(role), after_start, after_start,
            common::CursorId(cursor), int64_t{limit} + 1);
        std::vector<StoredMembership> rows;
        while (rs->next()) rows.push_back(ReadMembership(*rs));
        return common::TrimPage(std::move(rows), limit);
      });
}

}  // namespace kam::account
