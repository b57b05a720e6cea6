// The service-case store on MySQL (NewMySqlCaseStore; schema
// kam_interaction, migration 0002_cases.sql): the only SQL of cases and
// their audit trail, SLA policies and their change history, and the routing
// table; their filters and the write transaction (MySqlCaseTx). Prepared
// statements only; every value is bound.
#include "absl/strings/str_cat.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "common/db/filter_sql.h"
#include "common/db/id_allocator.h"
#include "common/db/mysql_pool.h"
#include "common/db/queries.h"
#include "common/db/row_reader.h"
#include "common/db/transaction.h"
#include "services/interaction/cases/case_store.h"
#include "services/interaction/shared/store_sql.h"

namespace kam::interaction::cases {
namespace {

using common::FilterSql;
using common::FilterWantsTrue;
using common::ReadOptionalTime;
using common::ReadText;
using common::ReadTime;
using common::SqlConnection;
using common::SqlFragment;
using common::SqlOp;
using common::SqlTime;
using common::SqlValue;

// --- rows -------------------------------------------------------------------

// The column list every case read uses; ReadCase reads it by position.
constexpr char kCaseColumns[] =
    "c.id, c.account_id, c.contact_id, c.case_type, c.priority, c.title, c.description, "
    "c.status, c.level, c.assignee, c.account_tier, c.first_response_minutes, "
    "c.resolution_minutes, c.first_response_time, c.resolve_time, c.close_time, "
    "c.paused_micros, c.paused_since, c.first_response_breached, c.resolution_breached, "
    "c.first_response_escalated, c.resolution_escalated, c.version, c.create_time, "
    "c.update_time";

// The statuses the SLA clock can still be breached in, for SQL.
constexpr char kOpenStatuses[] = "(1, 2, 3)";
static_assert(v1::CASE_STATUS_OPEN == 1 && v1::CASE_STATUS_IN_PROGRESS == 2 &&
                  v1::CASE_STATUS_WAITING_ON_CUSTOMER == 3,
              "kOpenStatuses lists the open statuses");

StoredCase ReadCase(sql::ResultSet& rs) {
  StoredCase row;
  row.id = rs.getInt64(1);
  row.account_id = rs.getInt64(2);
  row.contact_id = rs.getInt64(3);  // 0 when NULL
  row.type = static_cast<v1::CaseType>(rs.getInt(4));
  row.priority = static_cast<v1::CasePriority>(rs.getInt(5));
  row.title = ReadText(rs, 6);
  row.description = ReadText(rs, 7);
  row.status = static_cast<v1::CaseStatus>(rs.getInt(8));
  row.level = static_cast<v1::CaseLevel>(rs.getInt(9));
  row.assignee = ReadText(rs, 10);
  row.tier = static_cast<account::v1::Tier>(rs.getInt(11));
  row.first_response_minutes = rs.getInt(12);
  row.resolution_minutes = rs.getInt(13);
  SlaClock& clock = row.clock;
  clock.targets.first_response = absl::Minutes(row.first_response_minutes);
  clock.targets.resolution = absl::Minutes(row.resolution_minutes);
  clock.first_response_time = ReadOptionalTime(rs, 14);
  clock.resolve_time = ReadOptionalTime(rs, 15);
  row.close_time = ReadOptionalTime(rs, 16);
  clock.paused = absl::Microseconds(rs.getInt64(17));
  clock.paused_since = ReadOptionalTime(rs, 18);
  clock.first_response_breached = rs.getInt(19) != 0;
  clock.resolution_breached = rs.getInt(20) != 0;
  row.first_response_escalated = rs.getInt(21) != 0;
  row.resolution_escalated = rs.getInt(22) != 0;
  row.version = rs.getInt64(23);
  clock.start = ReadTime(rs, 24);
  row.update_time = ReadTime(rs, 25);
  return row;
}

constexpr ResourceRows<StoredCase> kCases{kCaseColumns, "cases", "c", ReadCase};

// The case `id` (locked until the transaction ends when `lock`). NOT_FOUND.
absl::StatusOr<StoredCase> QueryCase(SqlConnection& connection, int64_t id, bool lock) {
  auto rs = connection.Query(absl::StrCat("SELECT ", kCaseColumns, " FROM cases c WHERE c.id = ?",
                                          lock ? " FOR UPDATE" : ""),
                             id);
  if (!rs->next()) return absl::NotFoundError(absl::StrCat("case ", CaseName(id), " not found"));
  return ReadCase(*rs);
}

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

// --- filters ----------------------------------------------------------------

absl::Status CaseComparisonToSql(const common::FilterComparison& c, const std::string& now,
                                 SqlFragment* out) {
  const std::string& f = c.field;
  // Breached at `now`: recorded as breached, or still due and the running
  // clock (stopped at a running pause) past the due time. Each takes `now`
  // once.
  static constexpr char kFirstResponseBreached[] =
      "(c.first_response_breached = 1 OR (c.first_response_time IS NULL AND "
      "c.resolve_time IS NULL AND COALESCE(c.paused_since, CAST(? AS DATETIME(6))) > "
      "c.first_response_due_time))";
  static constexpr char kResolutionBreached[] =
      "(c.resolution_breached = 1 OR (c.resolve_time IS NULL AND "
      "COALESCE(c.paused_since, CAST(? AS DATETIME(6))) > c.resolution_due_time))";
  auto breach = [&](const std::string& condition, int now_params) -> absl::Status {
    KAM_ASSIGN_OR_RETURN(bool want, FilterWantsTrue(c));
    absl::StrAppend(&out->sql, want ? "" : "NOT ", condition);
    for (int i = 0; i < now_params; ++i) out->params.emplace_back(now);
    return absl::OkStatus();
  };
  if (f == "account") return AccountTerm(c, "c.account_id", out);
  if (f == "contact") return ContactTerm(c, "c.contact_id", "c.account_id", out);
  // Enums are given short ("OPEN") or in full ("CASE_STATUS_OPEN");
  // UNSPECIFIED is refused.
  auto enum_term = [&](absl::string_view column, absl::string_view prefix, auto parse) {
    return EnumTerm(c, column, prefix, parse, /*accept_unspecified=*/false, out);
  };
  if (f == "type") return enum_term("c.case_type", "CASE_TYPE_", v1::CaseType_Parse);
  if (f == "priority") return enum_term("c.priority", "CASE_PRIORITY_", v1::CasePriority_Parse);
  if (f == "status") return enum_term("c.status", "CASE_STATUS_", v1::CaseStatus_Parse);
  if (f == "level") return enum_term("c.level", "CASE_LEVEL_", v1::CaseLevel_Parse);
  if (f == "assignee") return common::EqualityTerm(c, "c.assignee", SqlValue(c.value), out);
  if (f == "breached") {
    return breach(absl::StrCat("(", kFirstResponseBreached, " OR ", kResolutionBreached, ")"), 2);
  }
  if (f == "first_response_breached") return breach(kFirstResponseBreached, 1);
  if (f == "resolution_breached") return breach(kResolutionBreached, 1);
  if (f == "create_time" || f == "update_time" || f == "first_response_due_time" ||
      f == "resolution_due_time") {
    KAM_ASSIGN_OR_RETURN(std::string time, common::FilterTime(c));
    absl::StrAppend(&out->sql, "c.", f, SqlOp(c.op), "CAST(? AS DATETIME(6))");
    out->params.emplace_back(time);
    return absl::OkStatus();
  }
  return UnsupportedFilterField(
      c,
      "account, contact, type, priority, status, level, assignee, breached, "
      "first_response_breached, resolution_breached, create_time, update_time, "
      "first_response_due_time or resolution_due_time");
}

// --- the write transaction ----------------------------------------------------

class MySqlCaseTx final : public common::StoreTx, public CaseTx {
 public:
  MySqlCaseTx(SqlConnection& connection, absl::string_view context, common::IdAllocator& event_ids,
              common::IdAllocator& policy_change_ids)
      : StoreTx(connection, context),
        event_ids_(event_ids),
        policy_change_ids_(policy_change_ids) {}

  absl::StatusOr<StoredCase> LockCase(int64_t id) override {
    return Step([&] { return QueryCase(connection_, id, /*lock=*/true); });
  }

  absl::StatusOr<common::InsertOutcome> InsertCase(const StoredCase& row,
                                                   const common::RequestKey& key) override {
    const SlaClock& clock = row.clock;
    return Step([&]() -> absl::StatusOr<common::InsertOutcome> {
      return InsertWithRequestId(
          connection_, /*request_key=*/"",
          "INSERT INTO cases (id, account_id, contact_id, case_type, priority, title, "
          "description, status, level, assignee, account_tier, first_response_minutes, "
          "resolution_minutes, first_response_due_time, resolution_due_time, "
          "first_response_time, resolve_time, close_time, paused_micros, paused_since, "
          "first_response_breached, resolution_breached, first_response_escalated, "
          "resolution_escalated, version, create_time, update_time, create_request_id, "
          "create_request_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
          "?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          key, row.id, row.account_id, IdOrNull(row.contact_id), static_cast<int>(row.type),
          static_cast<int>(row.priority), row.title, row.description, static_cast<int>(row.status),
          static_cast<int>(row.level), row.assignee, static_cast<int>(row.tier),
          row.first_response_minutes, row.resolution_minutes, SqlTime(FirstResponseDue(clock)),
          SqlTime(ResolutionDue(clock)), SqlTime(clock.first_response_time),
          SqlTime(clock.resolve_time), SqlTime(row.close_time),
          absl::ToInt64Microseconds(clock.paused), SqlTime(clock.paused_since),
          clock.first_response_breached, clock.resolution_breached, row.first_response_escalated,
          row.resolution_escalated, row.version, SqlTime(clock.start), SqlTime(row.update_time));
    });
  }

  absl::Status WriteCase(const StoredCase& row) override {
    const SlaClock& clock = row.clock;
    return Exec(
        "UPDATE cases SET contact_id = ?, priority = ?, title = ?, description = ?, status = ?, "
        "level = ?, assignee = ?, first_response_minutes = ?, resolution_minutes = ?, "
        "first_response_due_time = ?, resolution_due_time = ?, first_response_time = ?, "
        "resolve_time = ?, close_time = ?, paused_micros = ?, paused_since = ?, "
        "first_response_breached = ?, resolution_breached = ?, first_response_escalated = ?, "
        "resolution_escalated = ?, version = ?, update_time = ? WHERE id = ?",
        IdOrNull(row.contact_id), static_cast<int>(row.priority), row.title, row.description,
        static_cast<int>(row.status), static_cast<int>(row.level), row.assignee,
        row.first_response_minutes, row.resolution_minutes, SqlTime(FirstResponseDue(clock)),
        SqlTime(ResolutionDue(clock)), SqlTime(clock.first_response_time),
        SqlTime(clock.resolve_time), SqlTime(row.close_time),
        absl::ToInt64Microseconds(clock.paused), SqlTime(clock.paused_since),
        clock.first_response_breached, clock.resolution_breached, row.first_response_escalated,
        row.resolution_escalated, row.version, SqlTime(row.update_time), row.id);
  }

  absl::Status InsertEvent(CaseEventRow* row) override {
    KAM_ASSIGN_OR_RETURN(int64_t id, event_ids_.Next());
    v1::CaseEvent& e = row->event;
    e.set_name(absl::StrCat(CaseName(row->case_id), "/events/", id));
    return Exec(
        "INSERT INTO case_events (id, case_id, kind, from_value, to_value, reason, actor, "
        "event_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        id, row->case_id, static_cast<int>(e.kind()), e.from_value(), e.to_value(), e.reason(),
        e.actor(), SqlTime(e.event_time()));
  }

  absl::StatusOr<std::vector<StoredCase>> LockBreachedCases(SlaTarget target, absl::Time now,
                                                            int limit) override {
    // AwaitsBreachEscalation (case_sla_breach.h), in SQL.
    const char* condition =
        target == SlaTarget::kFirstResponse
            ? "c.first_response_escalated = 0 AND (c.first_response_breached = 1 OR "
              "(c.first_response_time IS NULL AND c.resolve_time IS NULL AND "
              "c.first_response_due_time < CAST(? AS DATETIME(6)) AND "
              "COALESCE(c.paused_since, CAST(? AS DATETIME(6))) > c.first_response_due_time))"
            : "c.resolution_escalated = 0 AND (c.resolution_breached = 1 OR "
              "(c.resolve_time IS NULL AND c.resolution_due_time < CAST(? AS DATETIME(6)) AND "
              "COALESCE(c.paused_since, CAST(? AS DATETIME(6))) > c.resolution_due_time))";
    const std::string time = SqlTime(now);
    return Step([&] {
      auto rs = connection_.Query(
          absl::StrCat("SELECT ", kCaseColumns, " FROM cases c WHERE c.status IN ", kOpenStatuses,
                       " AND ", condition, " LIMIT ? FOR UPDATE SKIP LOCKED"),
          time, time, static_cast<int64_t>(limit));
      std::vector<StoredCase> rows;
      while (rs->next()) rows.push_back(ReadCase(*rs));
      return absl::StatusOr<std::vector<StoredCase>>(std::move(rows));
    });
  }

  absl::StatusOr<StoredPolicy> ReadPolicy(const SlaPolicyKey& key, bool lock) override {
    return Step([&] { return QueryPolicy(connection_, key, lock); });
  }

  absl::Status WritePolicy(const StoredPolicy& row) override {
    const v1::SlaPolicy& p = row.policy;
    return Exec(
        "UPDATE sla_policies SET first_response_minutes = ?, resolution_minutes = ?, "
        "version = ?, update_actor = ?, update_time = ? WHERE priority = ? AND tier = ?",
        p.first_response_minutes(), p.resolution_minutes(), row.version, p.update_actor(),
        SqlTime(p.update_time()), static_cast<int>(p.priority()), static_cast<int>(p.tier()));
  }

  absl::StatusOr<v1::SlaPolicyChange> InsertPolicyChange(const StoredPolicy& before,
                                                         const StoredPolicy& after,
                                                         const std::string& reason) override {
    KAM_ASSIGN_OR_RETURN(int64_t id, policy_change_ids_.Next());
    v1::SlaPolicyChange change = PolicyChange(before, after, reason);
    change.set_name(absl::StrCat(change.policy(), "/changes/", id));
    KAM_RETURN_IF_ERROR(
        Exec("INSERT INTO sla_policy_changes (id, priority, tier, from_first_response_minutes, "
             "to_first_response_minutes, from_resolution_minutes, to_resolution_minutes, reason, "
             "actor, change_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
             id, static_cast<int>(after.policy.priority()), static_cast<int>(after.policy.tier()),
             change.from_first_response_minutes(), change.to_first_response_minutes(),
             change.from_resolution_minutes(), change.to_resolution_minutes(), change.reason(),
             change.actor(), SqlTime(change.change_time())));
    return change;
  }

  absl::StatusOr<StoredRoute> ReadRoute(v1::CaseType type, bool lock) override {
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

  absl::Status WriteRoute(const StoredRoute& row) override {
    const v1::CaseRoute& r = row.route;
    return Exec(
        "UPDATE case_routes SET level = ?, version = ?, update_actor = ?, update_time = ? "
        "WHERE case_type = ?",
        static_cast<int>(r.level()), row.version, r.update_actor(), SqlTime(r.update_time()),
        static_cast<int>(r.case_type()));
  }

 private:
  common::IdAllocator& event_ids_;
  common::IdAllocator& policy_change_ids_;
};

// --- the store ------------------------------------------------------------------

class MySqlCaseStore final : public CaseStore, private MySqlStoreBase {
 public:
  explicit MySqlCaseStore(common::ConnectionPool* pool)
      : MySqlStoreBase(pool),
        case_ids_(pool, "cases"),
        event_ids_(pool, "case_events"),
        policy_change_ids_(pool, "sla_policy_changes") {}

  absl::Status Transact(absl::string_view context,
                        const std::function<absl::Status(CaseTx&)>& fn) override {
    return common::RunInTransaction(*pool_, context, [&](SqlConnection& connection) {
      MySqlCaseTx tx(connection, context, event_ids_, policy_change_ids_);
      return fn(tx);
    });
  }

  absl::StatusOr<int64_t> NewCaseId() override { return case_ids_.Next(); }

  absl::StatusOr<StoredCase> GetCase(int64_t id) override {
    return common::ReadWithConnection<StoredCase>(
        *pool_, "reading case", [&](SqlConnection& c) { return QueryCase(c, id, /*lock=*/false); });
  }

  absl::StatusOr<std::optional<common::CreatedByRequest<StoredCase>>> FindCaseByRequest(
      const std::string& request_id) override {
    return QueryByCreateRequest(*pool_, "reading case", kCases, request_id);
  }

  absl::StatusOr<common::Page<StoredCase>> ListCases(
      const common::FilterNode& filter, const CaseOrder& order, absl::Time now,
      const std::optional<common::PageCursor>& cursor, int limit) override {
    const std::string now_sql = common::ToSqlDateTime(now);
    auto comparison = [&](const common::FilterComparison& c, SqlFragment* out) {
      return CaseComparisonToSql(c, now_sql, out);
    };
    KAM_ASSIGN_OR_RETURN(SqlFragment where, FilterSql(filter, comparison));
    std::string sql = absl::StrCat("SELECT ", kCaseColumns, " FROM cases c WHERE ", where.sql);
    std::vector<SqlValue> params = std::move(where.params);
    const std::string column = order.field.empty() ? "" : absl::StrCat("c.", order.field);
    const char* after = order.descending ? " < " : " > ";
    const char* direction = order.descending ? " DESC" : "";
    if (cursor.has_value()) {
      if (column.empty()) {
        absl::StrAppend(&sql, " AND c.id", after, "?");
      } else {
        if (cursor->key_values.size() != 1) {
          return absl::InvalidArgumentError("page_token is not valid for this order_by");
        }
        absl::StrAppend(&sql, " AND (", column, after, "CAST(? AS DATETIME(6)) OR (", column,
                        " = CAST(? AS DATETIME(6)) AND c.id", after, "?))");
        params.emplace_back(cursor->key_values[0]);
        params.emplace_back(cursor->key_values[0]);
      }
      params.emplace_back(cursor->last_id);
    }
    if (column.empty()) {
      absl::StrAppend(&sql, " ORDER BY c.id", direction);
    } else {
      absl::StrAppend(&sql, " ORDER BY ", column, direction, ", c.id", direction);
    }
    absl::StrAppend(&sql, " LIMIT ?");
    params.emplace_back(static_cast<int64_t>(limit) + 1);

    return common::QueryPage(*pool_, "listing cases", limit, ReadCase, sql, params);
  }

  absl::StatusOr<common::Page<v1::CaseEvent>> ListEvents(
      int64_t case_id, const std::optional<common::PageCursor>& cursor, int limit) override {
    return common::QueryPage(
        *pool_, "listing case events", limit,
        [&](sql::ResultSet& rs) {
          v1::CaseEvent e;
          e.set_name(absl::StrCat(CaseName(case_id), "/events/", rs.getInt64(1)));
          e.set_kind(static_cast<v1::CaseEventKind>(rs.getInt(2)));
          e.set_from_value(ReadText(rs, 3));
          e.set_to_value(ReadText(rs, 4));
          e.set_reason(ReadText(rs, 5));
          e.set_actor(ReadText(rs, 6));
          *e.mutable_event_time() = common::ToProtoTimestamp(ReadTime(rs, 7));
          return e;
        },
        "SELECT id, kind, from_value, to_value, reason, actor, event_time FROM case_events "
        "WHERE case_id = ? AND id > ? ORDER BY id LIMIT ?",
        case_id, common::CursorId(cursor), static_cast<int64_t>(limit) + 1);
  }

  absl::StatusOr<std::vector<StoredPolicy>> ListPolicies() override {
    return common::QueryRows(*pool_, "listing SLA policies", ReadPolicyRow,
                             absl::StrCat("SELECT ", kPolicyColumns,
                                          " FROM sla_policies p ORDER BY p.priority, p.tier"));
  }

  absl::StatusOr<StoredPolicy> GetPolicy(const SlaPolicyKey& key) override {
    return common::ReadWithConnection<StoredPolicy>(
        *pool_, "reading SLA policy",
        [&](SqlConnection& c) { return QueryPolicy(c, key, /*lock=*/false); });
  }

  absl::StatusOr<common::Page<v1::SlaPolicyChange>> ListPolicyChanges(
      const std::optional<SlaPolicyKey>& key, const std::optional<common::PageCursor>& cursor,
      int limit) override {
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

  absl::StatusOr<std::vector<StoredRoute>> ListRoutes() override {
    return common::QueryRows(
        *pool_, "listing case routes", ReadRouteRow,
        absl::StrCat("SELECT ", kRouteColumns, " FROM case_routes r ORDER BY r.case_type"));
  }

 private:
  common::IdAllocator case_ids_;
  common::IdAllocator event_ids_;
  common::IdAllocator policy_change_ids_;
};

}  // namespace

std::unique_ptr<CaseStore> NewMySqlCaseStore(common::ConnectionPool* pool) {
  return std::make_unique<MySqlCaseStore>(pool);
}

}  // namespace kam::interaction::cases
