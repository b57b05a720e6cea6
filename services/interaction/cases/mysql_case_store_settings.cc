// The SQL of SLA policies, their change history and the routing table
// (MySqlCaseStore, MySqlCaseTx).
#include "absl/strings/str_cat.h"
#include "common/base/proto_time.h"
#include "common/db/queries.h"
#include "common/db/row_reader.h"
#include "services/interaction/cases/mysql_case_store.h"

namespace kam::interaction::cases {
namespace {

using common::ReadText;
using common::ReadTime;
using common::SqlConnection;
using common::SqlTime;

constexpr char kPolicyColumns[] =
    "p.priority, p.tier, p.first_response_minutes, p.resolution_minutes, p.version, "
    "p.update_actor, p.update_time";

constexpr char kRouteColumns[] = "r.case_type, r.level, r.version, r.update_actor, r.update_time";

StoredPolicy ReadPolicyRow(sql::ResultSet& rs) {
  StoredPolicy row;
  v1::SlaPolicy& p = row.policy;
  p.set_priority(static_cast<v1::CasePriority>(rs.getInt(1)));
  p.set_tier(static_cast<account::v1::Tier>(rs.getInt(2)));
  p.set_name(SlaPolicyName(KeyOf(p)));
  p.set_first_response_minutes(rs.getInt(3));
  p.set_resolution_minutes(rs.getInt(4));
  row.version = rs.getInt64(5);
  p.set_update_actor(ReadText(rs, 6));
  *p.mutable_update_time() = common::ToProtoTimestamp(ReadTime(rs, 7));
  SetEtag(row);
  return row;
}

StoredRoute ReadRouteRow(sql::ResultSet& rs) {
  StoredRoute row;
  v1::CaseRoute& r = row.route;
  r.set_case_type(static_cast<v1::CaseType>(rs.getInt(1)));
  r.set_level(static_cast<v1::CaseLevel>(rs.getInt(2)));
  row.version = rs.getInt64(3);
  r.set_update_actor(ReadText(rs, 4));
  *r.mutable_update_time() = common::ToProtoTimestamp(ReadTime(rs, 5));
  SetEtag(row);
  return row;
}

absl::StatusOr<StoredPolicy> QueryPolicy(SqlConnection& connection, const SlaPolicyKey& key,
                                         bool lock) {
  auto rs =
      connection.Query(absl::StrCat("SELECT ", kPolicyColumns,
                                    " FROM sla_policies p WHERE p.priority = ? AND p.tier = ?",
                                    lock ? " FOR UPDATE" : ""),
                       static_cast<int>(key.priority), static_cast<int>(key.tier));
  if (!rs->next()) {
    return absl::NotFoundError(absl::StrCat("SLA policy ", SlaPolicyName(key), " not found"));
  }
  return ReadPolicyRow(*rs);
}

}  // namespace

// --- MySqlCaseTx: policies and routes -------------------------------------------

absl::StatusOr<StoredPolicy> MySqlCaseTx::ReadPolicy(const SlaPolicyKey& key, bool lock) {
  return Step([&] { return QueryPolicy(connection_, key, lock); });
}

absl::Status MySqlCaseTx::WritePolicy(const StoredPolicy& row) {
  const v1::SlaPolicy& p = row.policy;
  return Exec(
      "UPDATE sla_policies SET first_response_minutes = ?, resolution_minutes = ?, "
      "version = ?, update_actor = ?, update_time = ? WHERE priority = ? AND tier = ?",
      p.first_response_minutes(), p.resolution_minutes(), row.version, p.update_actor(),
      SqlTime(p.update_time()), static_cast<int>(p.priority()), static_cast<int>(p.tier()));
}

absl::StatusOr<v1::SlaPolicyChange> MySqlCaseTx::InsertPolicyChange(const StoredPolicy& before,
                                                                    const StoredPolicy& after,
                                                                    const std::string& reason) {
  absl::StatusOr<int64_t> id = store_.policy_change_ids_.Next();
  if (!id.ok()) return id.status();
  v1::SlaPolicyChange change = PolicyChange(before, after, reason);
  change.set_name(absl::StrCat(change.policy(), "/changes/", *id));
  if (absl::Status s = Exec(
          "INSERT INTO sla_policy_changes (id, priority, tier, from_first_response_minutes, "
          "to_first_response_minutes, from_resolution_minutes, to_resolution_minutes, reason, "
          "actor, change_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          *id, static_cast<int>(after.policy.priority()), static_cast<int>(after.policy.tier()),
          change.from_first_response_minutes(), change.to_first_response_minutes(),
          change.from_resolution_minutes(), change.to_resolution_minutes(), change.reason(),
          change.actor(), SqlTime(change.change_time()));
      !s.ok()) {
    return s;
  }
  return change;
}

absl::StatusOr<StoredRoute> MySqlCaseTx::ReadRoute(v1::CaseType type, bool lock) {
  return Step([&]() -> absl::StatusOr<StoredRoute> {
    auto rs = connection_.Query(
        absl::StrCat("SELECT ", kRouteColumns, " FROM case_routes r WHERE r.case_type = ?",
                     lock ? " FOR UPDATE" : ""),
        static_cast<int>(type));
    if (!rs->next()) {
      return absl::NotFoundError(absl::StrCat("no route for case type ", TypeName(type)));
    }
    return ReadRouteRow(*rs);
  });
}

absl::Status MySqlCaseTx::WriteRoute(const StoredRoute& row) {
  const v1::CaseRoute& r = row.route;
  return Exec(
      "UPDATE case_routes SET level = ?, version = ?, update_actor = ?, update_time = ? "
      "WHERE case_type = ?",
      static_cast<int>(r.level()), row.version, r.update_actor(), SqlTime(r.update_time()),
      static_cast<int>(r.case_type()));
}

// --- MySqlCaseStore: policies and routes ------------------------------------

absl::StatusOr<std::vector<StoredPolicy>> MySqlCaseStore::ListPolicies() {
  return common::QueryRows(
      *pool_, "listing SLA policies", ReadPolicyRow,
      absl::StrCat("SELECT ", kPolicyColumns, " FROM sla_policies p ORDER BY p.priority, p.tier"));
}

absl::StatusOr<StoredPolicy> MySqlCaseStore::GetPolicy(const SlaPolicyKey& key) {
  return common::ReadWithConnection<StoredPolicy>(
      *pool_, "reading SLA policy",
      [&](SqlConnection& c) { return QueryPolicy(c, key, /*lock=*/false); });
}

absl::StatusOr<common::Page<v1::SlaPolicyChange>> MySqlCaseStore::ListPolicyChanges(
    const std::optional<SlaPolicyKey>& key, const std::optional<common::PageCursor>& cursor,
    int limit) {
  return common::QueryPage(
      *pool_, "listing SLA policy changes", limit,
      [](sql::ResultSet& rs) {
        const SlaPolicyKey key{static_cast<v1::CasePriority>(rs.getInt(2)),
                               static_cast<account::v1::Tier>(rs.getInt(3))};
        v1::SlaPolicyChange change;
        change.set_name(absl::StrCat(SlaPolicyName(key), "/changes/", rs.getInt64(1)));
        change.set_policy(SlaPolicyName(key));
        change.set_from_first_response_minutes(rs.getInt(4));
        change.set_to_first_response_minutes(rs.getInt(5));
        change.set_from_resolution_minutes(rs.getInt(6));
        change.set_to_resolution_minutes(rs.getInt(7));
        change.set_reason(ReadText(rs, 8));
        change.set_actor(ReadText(rs, 9));
        *change.mutable_change_time() = common::ToProtoTimestamp(ReadTime(rs, 10));
        return change;
      },
      "SELECT id, priority, tier, from_first_response_minutes, to_first_response_minutes, "
      "from_resolution_minutes, to_resolution_minutes, reason, actor, change_time "
      "FROM sla_policy_changes WHERE (? = 0 OR (priority = ? AND tier = ?)) AND id > ? "
      "ORDER BY id LIMIT ?",
      key.has_value() ? 1 : 0, key.has_value() ? static_cast<int>(key->priority) : 0,
      key.has_value() ? static_cast<int>(key->tier) : 0, common::CursorId(cursor),
      static_cast<int64_t>(limit) + 1);
}

absl::StatusOr<std::vector<StoredRoute>> MySqlCaseStore::ListRoutes() {
  return common::QueryRows(
      *pool_, "listing case routes", ReadRouteRow,
      absl::StrCat("SELECT ", kRouteColumns, " FROM case_routes r ORDER BY r.case_type"));
}

}  // namespace kam::interaction::cases
