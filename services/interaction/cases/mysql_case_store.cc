// The SQL of cases and their audit trail (MySqlCaseStore, MySqlCaseTx).
#include "services/interaction/cases/mysql_case_store.h"

#include <cppconn/exception.h>

#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/base/proto_time.h"
#include "common/db/filter_sql.h"
#include "common/db/queries.h"
#include "common/db/row_reader.h"
#include "common/db/sql_error.h"

namespace kam::interaction::cases {
namespace {

using common::FilterEnum;
using common::FilterTime;
using common::FilterToSql;
using common::FilterWantsTrue;
using common::OnlyEquality;
using common::ReadOptionalTime;
using common::ReadText;
using common::ReadTime;
using common::SqlConnection;
using common::SqlFragment;
using common::SqlOp;
using common::SqlTime;
using common::SqlValue;

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

// The case `id` (locked until the transaction ends when `lock`). NOT_FOUND.
absl::StatusOr<StoredCase> QueryCase(SqlConnection& connection, int64_t id, bool lock) {
  auto rs = connection.Query(absl::StrCat("SELECT ", kCaseColumns, " FROM cases c WHERE c.id = ?",
                                          lock ? " FOR UPDATE" : ""),
                             id);
  if (!rs->next()) return absl::NotFoundError(absl::StrCat("case ", CaseName(id), " not found"));
  return ReadCase(*rs);
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

// --- MySqlCaseTx: cases and events -------------------------------------------

absl::StatusOr<StoredCase> MySqlCaseTx::LockCase(int64_t id) {
  return Step([&] { return QueryCase(connection_, id, /*lock=*/true); });
}

absl::StatusOr<common::InsertOutcome> MySqlCaseTx::InsertCase(const StoredCase& row,
                                                              const common::RequestKey& key) {
  const SlaClock& clock = row.clock;
  return Step([&]() -> absl::StatusOr<common::InsertOutcome> {
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
          common::TextOrNull(key.id),
          key.id.empty() ? std::nullopt : std::optional<std::string>(key.hash));
    } catch (const sql::SQLException& e) {
      if (e.getErrorCode() != common::kErDupEntry) throw;
      return common::InsertOutcome::kDuplicateRequest;
    }
    return common::InsertOutcome::kInserted;
  });
}

absl::Status MySqlCaseTx::WriteCase(const StoredCase& row) {
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
      SqlTime(clock.resolve_time), SqlTime(row.close_time), absl::ToInt64Microseconds(clock.paused),
      SqlTime(clock.paused_since), clock.first_response_breached, clock.resolution_breached,
      row.first_response_escalated, row.resolution_escalated, row.version, SqlTime(row.update_time),
      row.id);
}

absl::Status MySqlCaseTx::InsertEvent(CaseEventRow* row) {
  absl::StatusOr<int64_t> id = store_.event_ids_.Next();
  if (!id.ok()) return id.status();
  v1::CaseEvent& e = row->event;
  e.set_name(absl::StrCat(CaseName(row->case_id), "/events/", *id));
  return Exec(
      "INSERT INTO case_events (id, case_id, kind, from_value, to_value, reason, actor, "
      "event_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      *id, row->case_id, static_cast<int>(e.kind()), e.from_value(), e.to_value(), e.reason(),
      e.actor(), SqlTime(e.event_time()));
}

absl::StatusOr<std::vector<StoredCase>> MySqlCaseTx::LockBreachedCases(SlaTarget target,
                                                                       absl::Time now, int limit) {
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

// --- MySqlCaseStore: cases and events ---------------------------------------

MySqlCaseStore::MySqlCaseStore(common::ConnectionPool* pool)
    : pool_(pool),
      case_ids_(pool, "cases"),
      event_ids_(pool, "case_events"),
      policy_change_ids_(pool, "sla_policy_changes") {}

absl::Status MySqlCaseStore::Transact(absl::string_view context,
                                      const std::function<absl::Status(CaseTx&)>& fn) {
  return common::RunInTransaction(*pool_, context, [&](SqlConnection& connection) {
    MySqlCaseTx tx(connection, context, *this);
    return fn(tx);
  });
}

absl::StatusOr<StoredCase> MySqlCaseStore::GetCase(int64_t id) {
  return common::ReadWithConnection<StoredCase>(
      *pool_, "reading case", [&](SqlConnection& c) { return QueryCase(c, id, /*lock=*/false); });
}

absl::StatusOr<std::optional<common::CreatedByRequest<StoredCase>>>
MySqlCaseStore::FindCaseByRequest(const std::string& request_id) {
  return common::FindCreatedByRequest(
      *pool_, "reading case",
      absl::StrCat("SELECT ", kCaseColumns,
                   ", c.create_request_hash FROM cases c WHERE c.create_request_id = ?"),
      request_id, ReadCase);
}

absl::StatusOr<common::Page<StoredCase>> MySqlCaseStore::ListCases(
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

  return common::QueryPage(*pool_, "listing cases", limit, ReadCase, sql, params);
}

absl::StatusOr<common::Page<v1::CaseEvent>> MySqlCaseStore::ListEvents(
    int64_t case_id, const std::optional<common::PageCursor>& cursor, int limit) {
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

}  // namespace kam::interaction::cases
