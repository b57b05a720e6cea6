// The tiers area on MySQL (mysql_account_database.h): the tier columns of
// accounts, and table tier_changes.
#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "common/db/row_reader.h"
#include "services/account/mysql_account_database.h"
#include "services/account/shared/account_names.h"
#include "services/account/shared/mysql_rows.h"

namespace kam::account {
namespace {

using tiers::TierChangeRow;
using tiers::TierState;
using tiers::TierUpdate;

using common::ReadText;
using common::SqlValue;

TierChangeRow ReadTierChange(sql::ResultSet& rs) {
  TierChangeRow row = ReadRecordKey<v1::TierChange>(rs, "tierChanges");
  v1::TierChange& c = row.resource;
  c.set_from_tier(static_cast<v1::Tier>(rs.getInt(3)));
  c.set_to_tier(static_cast<v1::Tier>(rs.getInt(4)));
  c.set_rating_run(ReadText(rs, 5));
  c.set_policy_version(ReadText(rs, 6));
  c.set_reason(ReadText(rs, 7));
  if (auto t = common::ReadTimestamp(rs, 8)) *c.mutable_change_time() = *t;
  return row;
}

}  // namespace

absl::StatusOr<std::map<int64_t, TierState>> MySqlTransaction::LockTierStates(
    const std::vector<int64_t>& ids) {
  return Step([&]() -> absl::StatusOr<std::map<int64_t, TierState>> {
    std::string placeholders;
    std::vector<SqlValue> values = PaddedIds(ids, &placeholders);
    auto rs = connection_.Query(absl::StrCat("SELECT id, tier, tier_rating_run FROM accounts "
                                             "WHERE id IN (",
                                             placeholders, ") FOR UPDATE"),
                                values);
    std::map<int64_t, TierState> states;
    while (rs->next()) {
      TierState& state = states[rs->getInt64(1)];
      state.tier = static_cast<v1::Tier>(rs->getInt(2));
      state.rating_run = ReadText(*rs, 3);
    }
    for (int64_t id : ids) {
      if (states.count(id) == 0) return AccountNotFound(id);
    }
    return states;
  });
}

absl::Status MySqlTransaction::SetTiers(const std::vector<TierUpdate>& updates,
                                        const std::string& rating_run,
                                        const std::string& policy_version, absl::Time now) {
  if (updates.empty()) return absl::OkStatus();
  const std::string time = common::SqlTime(now);
  // One UPDATE for the whole batch: tier = CASE id WHEN ... END. The lists
  // are padded to the next power of two (repeating the last pair, which
  // changes nothing) so batches of any size share a few prepared statements.
  size_t size = 1;
  while (size < updates.size()) size *= 2;
  std::string cases;
  std::string ids;
  std::vector<SqlValue> case_values;
  std::vector<SqlValue> id_values;
  for (size_t i = 0; i < size; ++i) {
    const TierUpdate& u = updates[std::min(i, updates.size() - 1)];
    cases.append(" WHEN ? THEN ?");
    ids.append(i == 0 ? "?" : ",?");
    case_values.emplace_back(u.account_id);
    case_values.emplace_back(int64_t{u.to});
    id_values.emplace_back(u.account_id);
  }
  // The tier history: one row per change, inserted 100 (then 10, then 1)
  // rows per statement, again so that few statement shapes exist.
  std::vector<const TierUpdate*> changes;
  for (const TierUpdate& u : updates) {
    if (u.from != u.to) changes.push_back(&u);
  }
  return Step([&]() -> absl::Status {
    connection_.Update(absl::StrCat("UPDATE accounts SET tier = CASE id", cases,
                                    " END, tier_rating_run = ?, tier_policy_version = ?, "
                                    "tier_update_time = ?, version = version + 1, "
                                    "update_time = ? WHERE id IN (",
                                    ids, ")"),
                       case_values, rating_run, policy_version, time, time, id_values);
    size_t done = 0;
    for (size_t chunk : {100, 10, 1}) {
      while (changes.size() - done >= chunk) {
        std::string sql =
            "INSERT INTO tier_changes (id, account_id, from_tier, to_tier, rating_run, "
            "policy_version, reason, change_time) VALUES ";
        std::vector<SqlValue> values;
        for (size_t i = 0; i < chunk; ++i) {
          const TierUpdate& u = *changes[done + i];
          KAM_ASSIGN_OR_RETURN(int64_t id, ids_->tier_changes.Next());
          sql.append(i == 0 ? "(?, ?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?, ?)");
          for (SqlValue v : {SqlValue(id), SqlValue(u.account_id), SqlValue(int64_t{u.from}),
                             SqlValue(int64_t{u.to}), SqlValue(rating_run),
                             SqlValue(policy_version), SqlValue(*u.reason), SqlValue(time)}) {
            values.push_back(std::move(v));
          }
        }
        connection_.Update(sql, values);
        done += chunk;
      }
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<common::Page<TierChangeRow>> MySqlAccountDatabase::ListTierChanges(
    int64_t account_id, const std::optional<common::PageCursor>& cursor, int limit) {
  return SelectPageUnderAccount(
      *pool_, "listing tier history",
      "SELECT id, account_id, from_tier, to_tier, rating_run, policy_version, reason, "
      "change_time FROM tier_changes WHERE account_id = ? AND id > ? ORDER BY id LIMIT ?",
      account_id, cursor, limit, ReadTierChange);
}

}  // namespace kam::account
