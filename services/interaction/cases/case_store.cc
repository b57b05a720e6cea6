#include "services/interaction/cases/case_store.h"

#include <cppconn/exception.h>

#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/base/proto_time.h"
#include "common/db/filter_sql.h"
#include "common/db/sql_error.h"
#include "common/db/transaction.h"

namespace kam::interaction::cases {
namespace {

using common::FilterEnum;
using common::FilterTime;
using common::FilterToSql;
using common::FilterWantsTrue;
using common::OnlyEquality;
using common::SqlFragment;
using common::SqlOp;
using common::SqlConnection;
using common::SqlValue;

// The column list every case read uses; ReadCase reads it by position.
constexpr char kCaseColumns[] =
    "c.id, c.account_id, c.contact_id, c.case_type, c.priority, c.title, c.description, "
    "c.status, c.level, c.assignee, c.account_tier, c.first_response_minutes, "
    "c.resolution_minutes, c.first_response_time, c.resolve_time, c.close_time, "
    "c.paused_micros, c.paused_since, c.first_response_breached, c.resolution_breached, "
    "c.first_response_escalated, c.resolution_escalated, c.version, c.create_time, "
    "c.update_time";
constexpr int kCaseColumnCount = 25;

// The statuses the SLA clock can still be breached in, for SQL.
constexpr char kOpenStatuses[] = "(1, 2, 3)";
static_assert(v1::CASE_STATUS_OPEN == 1 && v1::CASE_STATUS_IN_PROGRESS == 2 &&
                  v1::CASE_STATUS_WAITING_ON_CUSTOMER == 3,
              "kOpenStatuses lists the open statuses");

constexpr char kPolicyColumns[] =
    "p.priority, p.tier, p.first_response_minutes, p.resolution_minutes, p.version, "
    "p.update_actor, p.update_time";

constexpr char kRouteColumns[] = "r.case_type, r.level, r.version, r.update_actor, r.update_time";

std::string Str(sql::ResultSet& rs, int column) { return rs.getString(column); }

// The column as a time; nullopt when it is NULL.
std::optional<absl::Time> ReadTime(sql::ResultSet& rs, int column) {
  const sql::SQLString text = rs.getString(column);
  if (rs.wasNull()) return std::nullopt;
  absl::StatusOr<absl::Time> time =
      common::FromSqlDateTime(absl::string_view(text.c_str(), text.length()));
  if (!time.ok()) return std::nullopt;
  return *time;
}

absl::Time ReadRequiredTime(sql::ResultSet& rs, int column) {
  return ReadTime(rs, column).value_or(absl::UnixEpoch());
}

std::string SqlTime(absl::Time time) { return common::ToSqlDateTime(time); }

std::optional<std::string> SqlTime(const std::optional<absl::Time>& time) {
  if (!time.has_value()) return std::nullopt;
  return common::ToSqlDateTime(*time);
}

StoredCase ReadCase(sql::ResultSet& rs) {
  StoredCase row;
  row.id = rs.getInt64(1);
  row.account_id = rs.getInt64(2);
  row.contact_id = rs.getInt64(3);  // 0 when NULL
  row.type = static_cast<v1::CaseType>(rs.getInt(4));
  row.priority = static_cast<v1::CasePriority>(rs.getInt(5));
  row.title = Str(rs, 6);
  row.description = Str(rs, 7);
  row.status = static_cast<v1::CaseStatus>(rs.getInt(8));
  row.level = static_cast<v1::CaseLevel>(rs.getInt(9));
  row.assignee = Str(rs, 10);
  row.tier = static_cast<account::v1::Tier>(rs.getInt(11));
  row.first_response_minutes = rs.getInt(12);
  row.resolution_minutes = rs.getInt(13);
  SlaClock& clock = row.clock;
  clock.targets.first_response = absl::Minutes(row.first_response_minutes);
  clock.targets.resolution = absl::Minutes(row.resolution_minutes);
  clock.first_response_time = ReadTime(rs, 14);
  clock.resolve_time = ReadTime(rs, 15);
  row.close_time = ReadTime(rs, 16);
  clock.paused = absl::Microseconds(rs.getInt64(17));
  clock.paused_since = ReadTime(rs, 18);
  clock.first_response_breached = rs.getInt(19) != 0;
  clock.resolution_breached = rs.getInt(20) != 0;
  row.first_response_escalated = rs.getInt(21) != 0;
  row.resolution_escalated = rs.getInt(22) != 0;
  row.version = rs.getInt64(23);
  clock.start = ReadRequiredTime(rs, 24);
  row.update_time = ReadRequiredTime(rs, 25);
  return row;
}

StoredPolicy ReadPolicyRow(sql::ResultSet& rs) {
  StoredPolicy row;
  row.key.priority = static_cast<v1::CasePriority>(rs.getInt(1));
  row.key.tier = static_cast<account::v1::Tier>(rs.getInt(2));
  row.first_response_minutes = rs.getInt(3);
  row.resolution_minutes = rs.getInt(4);
  row.version = rs.getInt64(5);
  row.update_actor = Str(rs, 6);
  row.update_time = ReadRequiredTime(rs, 7);
  return row;
}

StoredRoute ReadRouteRow(sql::ResultSet& rs) {
  StoredRoute row;
  row.type = static_cast<v1::CaseType>(rs.getInt(1));
  row.level = static_cast<v1::CaseLevel>(rs.getInt(2));
  row.version = rs.getInt64(3);
  row.update_actor = Str(rs, 4);
  row.update_time = ReadRequiredTime(rs, 5);
  return row;
}

template <typename Row>
Page<Row> TrimPage(std::vector<Row> rows, int limit) {
  Page<Row> page;
  page.more = static_cast<int>(rows.size()) > limit;
  if (page.more) rows.resize(limit);
  page.rows = std::move(rows);
  return page;
}

int64_t CursorId(const std::optional<common::PageCursor>& cursor) {
  return cursor.has_value() ? cursor->last_id : 0;
}

std::optional<int64_t> IdOrNull(int64_t id) {
  if (id == 0) return std::nullopt;
  return id;
}

// --- filters ------------------------------------------------------------

absl::Status CaseComparisonToSql(const common::FilterComparison& c, const std::string& now,
                                 SqlFragment* out) {
  const std::string& f = c.field;
  auto enum_column = [&](const char* column, absl::StatusOr<int64_t> value) -> absl::Status {
    if (absl::Status s = OnlyEquality(c); !s.ok()) return s;
    if (!value.ok()) return value.status();
    absl::StrAppend(&out->sql, column, SqlOp(c.op), "?");
    out->params.emplace_back(*value);
    return absl::OkStatus();
  };
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
    absl::StatusOr<bool> want = FilterWantsTrue(c);
    if (!want.ok()) return want.status();
    absl::StrAppend(&out->sql, *want ? "" : "NOT ", condition);
    for (int i = 0; i < now_params; ++i) out->params.emplace_back(now);
    return absl::OkStatus();
  };
  if (f == "account") {
    if (absl::Status s = OnlyEquality(c); !s.ok()) return s;
    absl::StatusOr<std::vector<int64_t>> ids =
        common::ParseResourceName("filter value for account", c.value, {"accounts"});
    if (!ids.ok()) return ids.status();
    absl::StrAppend(&out->sql, "c.account_id", SqlOp(c.op), "?");
    out->params.emplace_back((*ids)[0]);
    return absl::OkStatus();
  }
  if (f == "contact") {
    if (absl::Status s = OnlyEquality(c); !s.ok()) return s;
    if (c.value.empty()) {
      out->sql.append(c.op == common::FilterOp::kEq ? "c.contact_id IS NULL"
                                                    : "c.contact_id IS NOT NULL");
      return absl::OkStatus();
    }
    absl::StatusOr<std::vector<int64_t>> ids =
        common::ParseResourceName("filter value for contact", c.value, {"accounts", "contacts"});
    if (!ids.ok()) return ids.status();
    absl::StrAppend(&out->sql, c.op == common::FilterOp::kEq
                                   ? "(c.contact_id = ? AND c.account_id = ?)"
                                   : "NOT (c.contact_id <=> ? AND c.account_id = ?)");
    out->params.emplace_back((*ids)[1]);
    out->params.emplace_back((*ids)[0]);
    return absl::OkStatus();
  }
  if (f == "type") {
    return enum_column("c.case_type",
                       FilterEnum<v1::CaseType>(c, "CASE_TYPE_", v1::CaseType_Parse));
  }
  if (f == "priority") {
    return enum_column("c.priority",
                       FilterEnum<v1::CasePriority>(c, "CASE_PRIORITY_", v1::CasePriority_Parse));
  }
  if (f == "status") {
    return enum_column("c.status",
                       FilterEnum<v1::CaseStatus>(c, "CASE_STATUS_", v1::CaseStatus_Parse));
  }
  if (f == "level") {
    return enum_column("c.level", FilterEnum<v1::CaseLevel>(c, "CASE_LEVEL_", v1::CaseLevel_Parse));
  }
  if (f == "assignee") {
    if (absl::Status s = OnlyEquality(c); !s.ok()) return s;
    absl::StrAppend(&out->sql, "c.assignee", SqlOp(c.op), "?");
    out->params.emplace_back(c.value);
    return absl::OkStatus();
  }
  if (f == "breached") {
    return breach(absl::StrCat("(", kFirstResponseBreached, " OR ", kResolutionBreached, ")"), 2);
  }
  if (f == "first_response_breached") return breach(kFirstResponseBreached, 1);
  if (f == "resolution_breached") return breach(kResolutionBreached, 1);
  if (f == "create_time" || f == "update_time" || f == "first_response_due_time" ||
      f == "resolution_due_time") {
    absl::StatusOr<std::string> time = FilterTime(c);
    if (!time.ok()) return time.status();
    absl::StrAppend(&out->sql, "c.", f, SqlOp(c.op), "CAST(? AS DATETIME(6))");
    out->params.emplace_back(*time);
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "filter field \"", f.substr(0, 64),
      "\" is not supported; use account, contact, type, priority, status, level, assignee, "
      "breached, first_response_breached, resolution_breached, create_time, update_time, "
      "first_response_due_time or resolution_due_time"));
}

}  // namespace

std::string CaseName(int64_t id) { return absl::StrCat("cases/", id); }

// --- CaseTx -------------------------------------------------------------

absl::StatusOr<StoredCase> CaseTx::LockCase(int64_t id) {
  auto rs = connection_.Query(
      absl::StrCat("SELECT ", kCaseColumns, " FROM cases c WHERE c.id = ? FOR UPDATE"), id);
  if (!rs->next()) return absl::NotFoundError(absl::StrCat("case ", CaseName(id), " not found"));
  return ReadCase(*rs);
}

InsertOutcome CaseTx::InsertCase(const StoredCase& row, const std::string& request_id,
                                 const std::string& request_hash) {
  const SlaClock& clock = row.clock;
  try {
    connection_.Update(
        "INSERT INTO cases (id, account_id, contact_id, case_type, priority, title, "
        "description, status, level, assignee, account_tier, first_response_minutes, "
        "resolution_minutes, first_response_due_time, resolution_due_time, "
        "first_response_time, resolve_time, close_time, paused_micros, paused_since, "
        "first_response_breached, resolution_breached, first_response_escalated, "
        "resolution_escalated, version, create_time, update_time, create_request_id, "
        "create_request_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        row.id, row.account_id, IdOrNull(row.contact_id), static_cast<int>(row.type),
        static_cast<int>(row.priority), row.title, row.description, static_cast<int>(row.status),
        static_cast<int>(row.level), row.assignee, static_cast<int>(row.tier),
        row.first_response_minutes, row.resolution_minutes, SqlTime(FirstResponseDue(clock)),
        SqlTime(ResolutionDue(clock)), SqlTime(clock.first_response_time),
        SqlTime(clock.resolve_time), SqlTime(row.close_time),
        absl::ToInt64Microseconds(clock.paused), SqlTime(clock.paused_since),
        clock.first_response_breached, clock.resolution_breached, row.first_response_escalated,
        row.resolution_escalated, row.version, SqlTime(clock.start), SqlTime(row.update_time),
        request_id.empty() ? std::nullopt : std::optional<std::string>(request_id),
        request_id.empty() ? std::nullopt : std::optional<std::string>(request_hash));
  } catch (const sql::SQLException& e) {
    if (e.getErrorCode() != common::kErDupEntry) throw;
    return InsertOutcome::kDuplicateRequest;
  }
  return InsertOutcome::kInserted;
}

void CaseTx::WriteCase(const StoredCase& row) {
  const SlaClock& clock = row.clock;
  connection_.Update(
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
      SqlTime(clock.resolve_time), SqlTime(row.close_time), absl::ToInt64Microseconds(clock.paused),
      SqlTime(clock.paused_since), clock.first_response_breached, clock.resolution_breached,
      row.first_response_escalated, row.resolution_escalated, row.version, SqlTime(row.update_time),
      row.id);
}

absl::Status CaseTx::InsertEvent(CaseEventRow* row) {
  absl::StatusOr<int64_t> id = store_.event_ids_.Next();
  if (!id.ok()) return id.status();
  v1::CaseEvent& e = row->event;
  e.set_name(absl::StrCat(CaseName(row->case_id), "/events/", *id));
  connection_.Update(
      "INSERT INTO case_events (id, case_id, kind, from_value, to_value, reason, actor, "
      "event_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      *id, row->case_id, static_cast<int>(e.kind()), e.from_value(), e.to_value(), e.reason(),
      e.actor(), SqlTime(common::FromProtoTimestamp(e.event_time())));
  return absl::OkStatus();
}

std::vector<StoredCase> CaseTx::LockBreachedCases(SlaTarget target, absl::Time now, int limit) {
  // Breached: recorded as breached (a late first response), or still due
  // and the running clock (stopped at a running pause) past the due time at
  // `now`. Not yet escalated for it.
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
  auto rs = connection_.Query(
      absl::StrCat("SELECT ", kCaseColumns, " FROM cases c WHERE c.status IN ", kOpenStatuses,
                   " AND ", condition, " LIMIT ? FOR UPDATE SKIP LOCKED"),
      time, time, static_cast<int64_t>(limit));
  std::vector<StoredCase> rows;
  while (rs->next()) rows.push_back(ReadCase(*rs));
  return rows;
}

absl::StatusOr<StoredPolicy> CaseTx::ReadPolicy(const SlaPolicyKey& key, bool lock) {
  auto rs =
      connection_.Query(absl::StrCat("SELECT ", kPolicyColumns,
                                     " FROM sla_policies p WHERE p.priority = ? AND p.tier = ?",
                                     lock ? " FOR UPDATE" : ""),
                        static_cast<int>(key.priority), static_cast<int>(key.tier));
  if (!rs->next()) {
    return absl::NotFoundError(absl::StrCat("SLA policy ", SlaPolicyName(key), " not found"));
  }
  return ReadPolicyRow(*rs);
}

void CaseTx::WritePolicy(const StoredPolicy& row) {
  connection_.Update(
      "UPDATE sla_policies SET first_response_minutes = ?, resolution_minutes = ?, version = ?, "
      "update_actor = ?, update_time = ? WHERE priority = ? AND tier = ?",
      row.first_response_minutes, row.resolution_minutes, row.version, row.update_actor,
      SqlTime(row.update_time), static_cast<int>(row.key.priority), static_cast<int>(row.key.tier));
}

absl::StatusOr<v1::SlaPolicyChange> CaseTx::InsertPolicyChange(const StoredPolicy& before,
                                                               const StoredPolicy& after,
                                                               const std::string& reason,
                                                               const std::string& actor) {
  absl::StatusOr<int64_t> id = store_.policy_change_ids_.Next();
  if (!id.ok()) return id.status();
  connection_.Update(
      "INSERT INTO sla_policy_changes (id, priority, tier, from_first_response_minutes, "
      "to_first_response_minutes, from_resolution_minutes, to_resolution_minutes, reason, "
      "actor, change_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      *id, static_cast<int>(after.key.priority), static_cast<int>(after.key.tier),
      before.first_response_minutes, after.first_response_minutes, before.resolution_minutes,
      after.resolution_minutes, reason, actor, SqlTime(after.update_time));
  v1::SlaPolicyChange change;
  change.set_name(absl::StrCat(SlaPolicyName(after.key), "/changes/", *id));
  change.set_policy(SlaPolicyName(after.key));
  change.set_from_first_response_minutes(before.first_response_minutes);
  change.set_to_first_response_minutes(after.first_response_minutes);
  change.set_from_resolution_minutes(before.resolution_minutes);
  change.set_to_resolution_minutes(after.resolution_minutes);
  change.set_reason(reason);
  change.set_actor(actor);
  *change.mutable_change_time() = common::ToProtoTimestamp(after.update_time);
  return change;
}

absl::StatusOr<StoredRoute> CaseTx::ReadRoute(v1::CaseType type, bool lock) {
  auto rs = connection_.Query(
      absl::StrCat("SELECT ", kRouteColumns, " FROM case_routes r WHERE r.case_type = ?",
                   lock ? " FOR UPDATE" : ""),
      static_cast<int>(type));
  if (!rs->next()) {
    return absl::NotFoundError(absl::StrCat("no route for case type ", TypeName(type)));
  }
  return ReadRouteRow(*rs);
}

void CaseTx::WriteRoute(const StoredRoute& row) {
  connection_.Update(
      "UPDATE case_routes SET level = ?, version = ?, update_actor = ?, update_time = ? "
      "WHERE case_type = ?",
      static_cast<int>(row.level), row.version, row.update_actor, SqlTime(row.update_time),
      static_cast<int>(row.type));
}

// --- CaseStore ----------------------------------------------------------

CaseStore::CaseStore(common::ConnectionPool* pool)
    : pool_(pool),
      case_ids_(pool, "cases"),
      event_ids_(pool, "case_events"),
      policy_change_ids_(pool, "sla_policy_changes") {}

absl::Status CaseStore::Transact(absl::string_view context,
                                 const std::function<absl::Status(CaseTx&)>& fn) {
  return common::RunInTransaction(*pool_, context, [&](SqlConnection& connection) {
    CaseTx tx(connection, *this);
    return fn(tx);
  });
}

absl::StatusOr<StoredCase> CaseStore::GetCase(int64_t id) {
  StoredCase row;
  absl::Status status = common::WithConnection(*pool_, "reading case", [&](SqlConnection& c) {
    auto rs = c.Query(absl::StrCat("SELECT ", kCaseColumns, " FROM cases c WHERE c.id = ?"), id);
    if (!rs->next()) return absl::NotFoundError(absl::StrCat("case ", CaseName(id), " not found"));
    row = ReadCase(*rs);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return row;
}

absl::StatusOr<CreatedByRequest<StoredCase>> CaseStore::FindCaseByRequest(
    const std::string& request_id) {
  CreatedByRequest<StoredCase> found;
  absl::Status status = common::WithConnection(*pool_, "reading case", [&](SqlConnection& c) {
    auto rs = c.Query(absl::StrCat("SELECT ", kCaseColumns,
                                   ", c.create_request_hash FROM cases c "
                                   "WHERE c.create_request_id = ?"),
                      request_id);
    if (!rs->next()) return absl::NotFoundError("no case was created with this request_id");
    found.row = ReadCase(*rs);
    found.request_hash = rs->getString(kCaseColumnCount + 1);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return found;
}

std::vector<std::string> CaseStore::CursorKeys(const StoredCase& row, const CaseOrder& order) {
  if (order.column.empty()) return {};
  absl::Time value = row.clock.start;
  if (order.column == "update_time") value = row.update_time;
  if (order.column == "first_response_due_time") value = FirstResponseDue(row.clock);
  if (order.column == "resolution_due_time") value = ResolutionDue(row.clock);
  return {common::ToSqlDateTime(value)};
}

absl::StatusOr<Page<StoredCase>> CaseStore::ListCases(
    const common::FilterNode& filter, const CaseOrder& order, absl::Time now,
    const std::optional<common::PageCursor>& cursor, int limit) {
  SqlFragment where;
  const std::string now_sql = common::ToSqlDateTime(now);
  if (absl::Status s = FilterToSql(
          filter,
          [&](const common::FilterComparison& c, SqlFragment* out) {
            return CaseComparisonToSql(c, now_sql, out);
          },
          &where);
      !s.ok()) {
    return s;
  }
  std::string sql = absl::StrCat("SELECT ", kCaseColumns, " FROM cases c WHERE ", where.sql);
  std::vector<SqlValue> params = std::move(where.params);
  const std::string column = order.column.empty() ? "" : absl::StrCat("c.", order.column);
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

  std::vector<StoredCase> rows;
  absl::Status status = common::WithConnection(*pool_, "listing cases", [&](SqlConnection& c) {
    auto rs = c.Query(sql, params);
    while (rs->next()) rows.push_back(ReadCase(*rs));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return TrimPage(std::move(rows), limit);
}

absl::StatusOr<Page<v1::CaseEvent>> CaseStore::ListEvents(
    int64_t case_id, const std::optional<common::PageCursor>& cursor, int limit) {
  std::vector<v1::CaseEvent> rows;
  absl::Status status =
      common::WithConnection(*pool_, "listing case events", [&](SqlConnection& c) {
        auto rs = c.Query(
            "SELECT id, kind, from_value, to_value, reason, actor, event_time FROM case_events "
            "WHERE case_id = ? AND id > ? ORDER BY id LIMIT ?",
            case_id, CursorId(cursor), static_cast<int64_t>(limit) + 1);
        while (rs->next()) {
          v1::CaseEvent& e = rows.emplace_back();
          e.set_name(absl::StrCat(CaseName(case_id), "/events/", rs->getInt64(1)));
          e.set_kind(static_cast<v1::CaseEventKind>(rs->getInt(2)));
          e.set_from_value(Str(*rs, 3));
          e.set_to_value(Str(*rs, 4));
          e.set_reason(Str(*rs, 5));
          e.set_actor(Str(*rs, 6));
          *e.mutable_event_time() = common::ToProtoTimestamp(ReadRequiredTime(*rs, 7));
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return TrimPage(std::move(rows), limit);
}

absl::StatusOr<std::vector<StoredPolicy>> CaseStore::ListPolicies() {
  std::vector<StoredPolicy> rows;
  absl::Status status =
      common::WithConnection(*pool_, "listing SLA policies", [&](SqlConnection& c) {
        auto rs = c.Query(absl::StrCat("SELECT ", kPolicyColumns,
                                       " FROM sla_policies p ORDER BY p.priority, p.tier"));
        while (rs->next()) rows.push_back(ReadPolicyRow(*rs));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return rows;
}

absl::StatusOr<StoredPolicy> CaseStore::GetPolicy(const SlaPolicyKey& key) {
  absl::StatusOr<StoredPolicy> row;
  absl::Status status = common::WithConnection(*pool_, "reading SLA policy", [&](SqlConnection& c) {
    CaseTx tx(c, *this);
    row = tx.ReadPolicy(key, /*lock=*/false);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return row;
}

absl::StatusOr<Page<v1::SlaPolicyChange>> CaseStore::ListPolicyChanges(
    const std::optional<SlaPolicyKey>& key, const std::optional<common::PageCursor>& cursor,
    int limit) {
  std::vector<v1::SlaPolicyChange> rows;
  absl::Status status =
      common::WithConnection(*pool_, "listing SLA policy changes", [&](SqlConnection& c) {
        auto rs = c.Query(
            "SELECT id, priority, tier, from_first_response_minutes, to_first_response_minutes, "
            "from_resolution_minutes, to_resolution_minutes, reason, actor, change_time "
            "FROM sla_policy_changes WHERE (? = 0 OR (priority = ? AND tier = ?)) AND id > ? "
            "ORDER BY id LIMIT ?",
            key.has_value() ? 1 : 0, key.has_value() ? static_cast<int>(key->priority) : 0,
            key.has_value() ? static_cast<int>(key->tier) : 0, CursorId(cursor),
            static_cast<int64_t>(limit) + 1);
        while (rs->next()) {
          SlaPolicyKey row_key;
          row_key.priority = static_cast<v1::CasePriority>(rs->getInt(2));
          row_key.tier = static_cast<account::v1::Tier>(rs->getInt(3));
          v1::SlaPolicyChange& change = rows.emplace_back();
          change.set_name(absl::StrCat(SlaPolicyName(row_key), "/changes/", rs->getInt64(1)));
          change.set_policy(SlaPolicyName(row_key));
          change.set_from_first_response_minutes(rs->getInt(4));
          change.set_to_first_response_minutes(rs->getInt(5));
          change.set_from_resolution_minutes(rs->getInt(6));
          change.set_to_resolution_minutes(rs->getInt(7));
          change.set_reason(Str(*rs, 8));
          change.set_actor(Str(*rs, 9));
          *change.mutable_change_time() = common::ToProtoTimestamp(ReadRequiredTime(*rs, 10));
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return TrimPage(std::move(rows), limit);
}

absl::StatusOr<std::vector<StoredRoute>> CaseStore::ListRoutes() {
  std::vector<StoredRoute> rows;
  absl::Status status =
      common::WithConnection(*pool_, "listing case routes", [&](SqlConnection& c) {
        auto rs = c.Query(
            absl::StrCat("SELECT ", kRouteColumns, " FROM case_routes r ORDER BY r.case_type"));
        while (rs->next()) rows.push_back(ReadRouteRow(*rs));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return rows;
}

}  // namespace kam::interaction::cases
