// VisitCadenceStore on MariaDB (NewMySqlVisitCadenceStore): the
// visit_cadence_policy row and grouped reads of the activities table
// (migrations/0001_activities.sql). Prepared statements only.
#include "absl/strings/str_cat.h"
#include "common/db/mysql_pool.h"
#include "common/db/queries.h"
#include "common/db/row_reader.h"
#include "common/db/transaction.h"
#include "kam/interaction/v1/activity.pb.h"
#include "services/interaction/shared/store_sql.h"
#include "services/interaction/visit_cadence/visit_cadence_store.h"

namespace kam::interaction::visit_cadence {
namespace {

using common::ReadOptionalTime;
using common::SqlConnection;
using common::SqlValue;

constexpr char kVisitCadence[] = "visit cadence";

// The columns of GetVisitCadence's SELECT: two per tier, A to D, then the
// version and its stamp.
StoredVisitCadence ReadCadence(sql::ResultSet& rs) {
  StoredVisitCadence stored;
  for (int tier = kFirstTier; tier <= kLastTier; ++tier) {
    const int column = 1 + (tier - kFirstTier) * 2;
    stored.cadence.by_tier[tier] = {rs.getInt(column), rs.getInt(column + 1)};
  }
  stored.version = rs.getInt64(9);
  stored.update_time = common::ReadTime(rs, 10);
  stored.updated_by = common::ReadText(rs, 11);
  return stored;
}

class MySqlVisitCadenceStore final : public VisitCadenceStore, private MySqlStoreBase {
 public:
  explicit MySqlVisitCadenceStore(common::ConnectionPool* pool) : MySqlStoreBase(pool) {}

  absl::StatusOr<StoredVisitCadence> GetVisitCadence() override {
    return ReadPolicyRow<StoredVisitCadence>(
        *pool_, kVisitCadence,
        "SELECT tier_a_visit_days, tier_a_executive_days, tier_b_visit_days, "
        "tier_b_executive_days, tier_c_visit_days, tier_c_executive_days, "
        "tier_d_visit_days, tier_d_executive_days, version, update_time, updated_by "
        "FROM visit_cadence_policy WHERE id = 1",
        ReadCadence);
  }

  absl::StatusOr<bool> WriteVisitCadenceIfVersion(const VisitCadence& cadence,
                                                  int64_t expected_version, absl::Time now,
                                                  const std::string& actor) override {
    const auto& t = cadence.by_tier;
    return WritePolicyRow(*pool_, kVisitCadence,
                          "UPDATE visit_cadence_policy SET tier_a_visit_days = ?, "
                          "tier_a_executive_days = ?, tier_b_visit_days = ?, "
                          "tier_b_executive_days = ?, tier_c_visit_days = ?, "
                          "tier_c_executive_days = ?, tier_d_visit_days = ?, "
                          "tier_d_executive_days = ?, version = ?, update_time = ?, updated_by = ? "
                          "WHERE id = 1 AND version = ?",
                          t[1].visit_interval_days, t[1].executive_visit_interval_days,
                          t[2].visit_interval_days, t[2].executive_visit_interval_days,
                          t[3].visit_interval_days, t[3].executive_visit_interval_days,
                          t[4].visit_interval_days, t[4].executive_visit_interval_days,
                          expected_version + 1, common::SqlTime(now), actor, expected_version);
  }

  // Two statements for the whole list (one grouped), whatever its length.
  absl::StatusOr<std::map<int64_t, OverdueFacts>> LoadOverdueFacts(
      const std::vector<int64_t>& account_ids, absl::Time as_of) override {
    using Facts = std::map<int64_t, OverdueFacts>;
    if (account_ids.empty()) return Facts();
    std::string in;
    const std::vector<SqlValue> ids = common::PaddedIds(account_ids, &in);
    const std::string as_of_text = common::SqlTime(as_of);
    const int64_t done = v1::ACTIVITY_STATUS_DONE;
    const int64_t planned = v1::ACTIVITY_STATUS_PLANNED;
    return common::ReadWithConnection<Facts>(
        *pool_, "reading overdue facts", [&](SqlConnection& connection) -> absl::StatusOr<Facts> {
          Facts facts;
          // The latest DONE times per account, in one grouped query.
          auto latest = connection.Query(
              absl::StrCat("SELECT account_id, MAX(CASE WHEN kind = ? THEN actual_time END), "
                           "MAX(CASE WHEN level = ? THEN actual_time END), MAX(actual_time) "
                           "FROM activities WHERE account_id IN (",
                           in,
                           ") AND status = ? AND delete_time IS NULL AND actual_time <= ? "
                           "GROUP BY account_id"),
              int64_t{v1::ACTIVITY_KIND_VISIT}, int64_t{v1::ACTIVITY_LEVEL_EXECUTIVE}, ids, done,
              as_of_text);
          while (latest->next()) {
            OverdueFacts& f = facts[latest->getInt64(1)];
            f.last_visit = ReadOptionalTime(*latest, 2);
            f.last_executive = ReadOptionalTime(*latest, 3);
            f.last_done = ReadOptionalTime(*latest, 4);
          }
          latest.reset();
          // Follow-ups that have come, asked for by an activity after which no
          // DONE activity took place (FindOverdue applies the same rule; this
          // keeps old, answered follow-ups out of the result).
          auto due = connection.Query(
              absl::StrCat(
                  "SELECT a.id, a.account_id, a.status, a.planned_time, a.actual_time, "
                  "a.next_follow_up_time FROM activities a WHERE a.account_id IN (",
                  in,
                  ") AND a.delete_time IS NULL AND a.status IN (?, ?) "
                  "AND a.next_follow_up_time < ? AND (a.status = ? OR a.actual_time <= ?) "
                  "AND NOT EXISTS (SELECT 1 FROM activities b WHERE b.account_id = a.account_id "
                  "AND b.status = ? AND b.delete_time IS NULL AND b.actual_time <= ? "
                  "AND b.actual_time > IF(a.status = ?, a.actual_time, a.planned_time)) "
                  "ORDER BY a.account_id, a.next_follow_up_time, a.id"),
              ids, planned, done, as_of_text, planned, as_of_text, done, as_of_text, done);
          while (due->next()) {
            const bool is_done = due->getInt64(3) == done;
            std::optional<absl::Time> when = ReadOptionalTime(*due, is_done ? 5 : 4);
            std::optional<absl::Time> follow_up = ReadOptionalTime(*due, 6);
            if (!when.has_value() || !follow_up.has_value()) continue;
            facts[due->getInt64(2)].follow_ups.push_back(
                {due->getInt64(1), is_done, *when, *follow_up});
          }
          return facts;
        });
  }
};

}  // namespace

std::unique_ptr<VisitCadenceStore> NewMySqlVisitCadenceStore(common::ConnectionPool* pool) {
  return std::make_unique<MySqlVisitCadenceStore>(pool);
}

}  // namespace kam::interaction::visit_cadence
