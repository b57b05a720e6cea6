#include "services/scoring/alert_store.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "common/api/resource_name.h"
#include "common/base/proto_time.h"
#include "common/db/filter_sql.h"
#include "common/db/transaction.h"

namespace kam::scoring {
namespace {

using common::SqlConnection;
using common::SqlValue;

constexpr char kAlertColumns[] =
    "id, run_id, account_id, kind, severity, message, evidence, create_time, acknowledge_time, "
    "acknowledged_by, version";

std::string Text(sql::ResultSet& rs, int column) {
  const sql::SQLString text = rs.getString(column);
  return std::string(text.c_str(), text.length());
}

StoredAlert ReadAlert(sql::ResultSet& rs) {
  StoredAlert stored;
  stored.id = rs.getInt64(1);
  stored.create_time = Text(rs, 8);
  v1::Alert& a = stored.alert;
  a.set_name(absl::StrCat("alerts/", stored.id));
  a.set_run(absl::StrCat("ratingRuns/", rs.getInt64(2)));
  a.set_account(absl::StrCat("accounts/", rs.getInt64(3)));
  a.set_kind(static_cast<v1::AlertKind>(rs.getInt(4)));
  a.set_severity(static_cast<v1::AlertSeverity>(rs.getInt(5)));
  a.set_message(Text(rs, 6));
  a.set_evidence(Text(rs, 7));
  common::SqlDateTimeToProto(stored.create_time, a.mutable_create_time());
  const std::string acknowledged = Text(rs, 9);
  if (!rs.wasNull()) common::SqlDateTimeToProto(acknowledged, a.mutable_acknowledge_time());
  a.set_acknowledged_by(Text(rs, 10));
  a.set_etag(common::MakeEtag(a.name(), rs.getInt64(11)));
  return stored;
}

absl::Status AlertComparison(const common::FilterComparison& c, std::string* sql,
                             std::vector<SqlValue>* params) {
  if (absl::Status s = common::OnlyEquality(c); !s.ok()) return s;
  const char* op = common::SqlOp(c.op);
  auto column = [&](const char* name, absl::StatusOr<int64_t> value) -> absl::Status {
    if (!value.ok()) return value.status();
    absl::StrAppend(sql, name, op, "?");
    params->emplace_back(*value);
    return absl::OkStatus();
  };
  auto id_of = [&](absl::string_view collection) -> absl::StatusOr<int64_t> {
    absl::StatusOr<std::vector<int64_t>> id = common::ParseResourceName(
        absl::StrCat("filter value for ", c.field), c.value, {collection});
    if (!id.ok()) return id.status();
    return (*id)[0];
  };
  if (c.field == "account") return column("account_id", id_of("accounts"));
  if (c.field == "run") return column("run_id", id_of("ratingRuns"));
  if (c.field == "kind") {
    return column("kind", common::FilterEnum(c, "ALERT_KIND_", v1::AlertKind_Parse));
  }
  if (c.field == "severity") {
    return column("severity",
                  common::FilterEnum(c, "ALERT_SEVERITY_", v1::AlertSeverity_Parse));
  }
  if (c.field == "acknowledged") {
    // acknowledged = true <=> acknowledge_time is set; != flips it.
    absl::StatusOr<bool> want = common::FilterWantsTrue(c);
    if (!want.ok()) return want.status();
    sql->append(*want ? "acknowledge_time IS NOT NULL" : "acknowledge_time IS NULL");
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("filter field \"", c.field.substr(0, 64),
                   "\" is not supported; use account, kind, severity, run or acknowledged"));
}

absl::Status AlertFilterToSql(const common::FilterNode& node, std::string* sql,
                              std::vector<SqlValue>* params) {
  common::SqlFragment where;
  absl::Status s = common::FilterToSql(
      node,
      [](const common::FilterComparison& c, common::SqlFragment* out) {
        return AlertComparison(c, &out->sql, &out->params);
      },
      &where);
  sql->append(where.sql);
  for (SqlValue& v : where.params) params->push_back(std::move(v));
  return s;
}

}  // namespace

absl::Status AlertStore::InsertAlerts(int64_t run_id, const std::vector<Alert>& alerts,
                                      absl::Time now) {
  constexpr size_t kPerStatement = 100;
  const std::string time = common::ToSqlDateTime(now);
  // One transaction, and nothing if the run has alerts already: a run
  // resumed after a crash between storing its alerts and publishing stores
  // them again, and must not raise them twice.
  return common::RunInTransaction(*pool_, "storing alerts", [&](common::SqlConnection& c) {
    auto existing = c.Query("SELECT 1 FROM alerts WHERE run_id = ? LIMIT 1", run_id);
    if (existing->next()) return absl::OkStatus();
    size_t done = 0;
    while (done < alerts.size()) {
      const size_t chunk = alerts.size() - done >= kPerStatement ? kPerStatement : 1;
      std::string sql =
          "INSERT INTO alerts (id, run_id, account_id, kind, severity, message, evidence, "
          "create_time) VALUES ";
      std::vector<common::SqlValue> values;
      for (size_t i = 0; i < chunk; ++i) {
        const Alert& alert = alerts[done + i];
        absl::StatusOr<int64_t> id = ids_.Next();
        if (!id.ok()) return id.status();
        sql.append(i == 0 ? "(?, ?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?, ?)");
        for (common::SqlValue v :
             {common::SqlValue(*id), common::SqlValue(run_id), common::SqlValue(alert.account_id),
              common::SqlValue(int64_t{static_cast<int>(alert.kind)}),
              common::SqlValue(int64_t{static_cast<int>(alert.severity)}),
              common::SqlValue(alert.message.substr(0, 1000)),
              common::SqlValue(alert.evidence.substr(0, 1000)), common::SqlValue(time)}) {
          values.push_back(std::move(v));
        }
      }
      c.Update(sql, values);
      done += chunk;
    }
    return absl::OkStatus();
  });
}

absl::Status AlertStore::CheckFilter(const common::FilterNode& filter) {
  std::string sql;
  std::vector<SqlValue> params;
  return AlertFilterToSql(filter, &sql, &params);
}

absl::StatusOr<std::vector<StoredAlert>> AlertStore::ListAlerts(
    const common::FilterNode& filter, const std::optional<Cursor>& after, int limit) {
  std::string where;
  std::vector<SqlValue> params;
  if (absl::Status s = AlertFilterToSql(filter, &where, &params); !s.ok()) return s;
  if (after.has_value()) {
    // Row-value comparison: strictly older than the last row returned.
    where.append(" AND (create_time, id) < (?, ?)");
    params.emplace_back(after->create_time);
    params.emplace_back(after->id);
  }
  params.emplace_back(static_cast<int64_t>(limit) + 1);
  std::vector<StoredAlert> rows;
  absl::Status status = common::WithConnection(*pool_, "listing alerts", [&](SqlConnection& c) {
    auto rs = c.Query(absl::StrCat("SELECT ", kAlertColumns, " FROM alerts WHERE ", where,
                                   " ORDER BY create_time DESC, id DESC LIMIT ?"),
                      params);
    while (rs->next()) rows.push_back(ReadAlert(*rs));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return rows;
}

absl::StatusOr<std::vector<StoredAlert>> AlertStore::AlertsSince(
    const common::FilterNode& filter, int64_t after_id, std::optional<absl::Time> created_after,
    int limit) {
  std::string where;
  std::vector<SqlValue> params = {after_id};
  if (absl::Status s = AlertFilterToSql(filter, &where, &params); !s.ok()) return s;
  if (created_after.has_value()) {
    where.append(" AND create_time > ?");
    params.emplace_back(common::ToSqlDateTime(*created_after));
  }
  params.emplace_back(static_cast<int64_t>(limit));
  std::vector<StoredAlert> rows;
  absl::Status status = common::WithConnection(*pool_, "watching alerts", [&](SqlConnection& c) {
    auto rs = c.Query(absl::StrCat("SELECT ", kAlertColumns, " FROM alerts WHERE id > ? AND ",
                                   where, " ORDER BY id LIMIT ?"),
                      params);
    while (rs->next()) rows.push_back(ReadAlert(*rs));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return rows;
}

absl::StatusOr<int64_t> AlertStore::MaxAlertId() {
  int64_t max_id = 0;
  absl::Status status = common::WithConnection(*pool_, "reading alerts", [&](SqlConnection& c) {
    auto rs = c.Query("SELECT COALESCE(MAX(id), 0) FROM alerts");
    if (rs->next()) max_id = rs->getInt64(1);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return max_id;
}

absl::StatusOr<v1::Alert> AlertStore::Acknowledge(int64_t id, const std::string& etag,
                                                  const std::string& actor, absl::Time now) {
  v1::Alert result;
  absl::Status status =
      common::RunInTransaction(*pool_, "acknowledging alert", [&](SqlConnection& c) {
        auto rs = c.Query(
            absl::StrCat("SELECT ", kAlertColumns, " FROM alerts WHERE id = ? FOR UPDATE"), id);
        if (!rs->next()) {
          return absl::NotFoundError(absl::StrCat("alert alerts/", id, " not found"));
        }
        StoredAlert stored = ReadAlert(*rs);
        const int64_t version = rs->getInt64(11);
        rs.reset();
        if (absl::Status s = common::CheckEtag(stored.alert.name(), version, etag); !s.ok()) {
          return s;
        }
        if (stored.alert.has_acknowledge_time()) {
          result = std::move(stored.alert);
          return absl::OkStatus();
        }
        const std::string time = common::ToSqlDateTime(now);
        const std::string who = actor.substr(0, 256);
        c.Update(
            "UPDATE alerts SET acknowledge_time = ?, acknowledged_by = ?, version = version + 1 "
            "WHERE id = ?",
            time, who, id);
        result = std::move(stored.alert);
        common::SqlDateTimeToProto(time, result.mutable_acknowledge_time());
        result.set_acknowledged_by(who);
        result.set_etag(common::MakeEtag(result.name(), version + 1));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return result;
}

}  // namespace kam::scoring
