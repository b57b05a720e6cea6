// AlertStore over MariaDB (kam_scoring.alerts): the only SQL of the alerts.
// Made by NewMySqlAlertStore (mysql_stores.h).

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "common/db/filter_sql.h"
#include "common/db/id_allocator.h"
#include "common/db/row_reader.h"
#include "common/db/transaction.h"
#include "services/scoring/mysql_stores.h"
#include "services/scoring/names.h"

namespace kam::scoring {
namespace alerts {
namespace {

using common::SqlConnection;
using common::SqlValue;

constexpr char kAlertColumns[] =
    "id, run_id, account_id, kind, severity, message, evidence, create_time, acknowledge_time, "
    "acknowledged_by, version, seq";

StoredAlert ReadAlert(sql::ResultSet& rs) {
  StoredAlert stored;
  v1::Alert& a = stored.alert;
  stored.id = rs.getInt64(1);
  a.set_name(AlertName(stored.id));
  a.set_run(RunName(rs.getInt64(2)));
  a.set_account(AccountName(rs.getInt64(3)));
  a.set_kind(static_cast<v1::AlertKind>(rs.getInt(4)));
  a.set_severity(static_cast<v1::AlertSeverity>(rs.getInt(5)));
  a.set_message(common::ReadText(rs, 6));
  a.set_evidence(common::ReadText(rs, 7));
  stored.create_time = common::ReadText(rs, 8);
  common::SqlDateTimeToProto(stored.create_time, a.mutable_create_time());
  if (auto t = common::ReadTimestamp(rs, 9)) *a.mutable_acknowledge_time() = *t;
  a.set_acknowledged_by(common::ReadText(rs, 10));
  stored.version = rs.getInt64(11);
  stored.seq = common::ReadOptionalInt(rs, 12).value_or(0);
  a.set_etag(common::MakeEtag(a.name(), stored.version));
  return stored;
}

absl::Status AlertComparison(const common::FilterComparison& c, common::SqlFragment* out) {
  KAM_RETURN_IF_ERROR(common::OnlyEquality(c));
  const char* op = common::SqlOp(c.op);
  auto column = [&](const char* name, absl::StatusOr<int64_t> value) -> absl::Status {
    if (!value.ok()) return value.status();
    absl::StrAppend(&out->sql, name, op, "?");
    out->params.emplace_back(*value);
    return absl::OkStatus();
  };
  const std::string field = absl::StrCat("filter value for ", c.field);
  if (c.field == "account") return column("account_id", ParseAccountName(field, c.value));
  if (c.field == "run") return column("run_id", ParseRunName(field, c.value));
  if (c.field == "kind") {
    return column("kind", common::FilterEnum(c, "ALERT_KIND_", v1::AlertKind_Parse));
  }
  if (c.field == "severity") {
    return column("severity", common::FilterEnum(c, "ALERT_SEVERITY_", v1::AlertSeverity_Parse));
  }
  if (c.field == "acknowledged") {
    // acknowledged = true <=> acknowledge_time is set; != flips it.
    KAM_ASSIGN_OR_RETURN(bool want, common::FilterWantsTrue(c));
    out->sql.append(want ? "acknowledge_time IS NOT NULL" : "acknowledge_time IS NULL");
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("filter field \"", c.field.substr(0, 64),
                   "\" is not supported; use account, kind, severity, run or acknowledged"));
}

class MySqlAlertTx final : public ScoringTx, public AlertTx {
 public:
  using ScoringTx::ScoringTx;

  absl::StatusOr<StoredAlert> LockAlert(int64_t id) override {
    return Step([&]() -> absl::StatusOr<StoredAlert> {
      auto rs = connection_.Query(
          absl::StrCat("SELECT ", kAlertColumns, " FROM alerts WHERE id = ? FOR UPDATE"), id);
      if (!rs->next()) return AlertNotFound(id);
      return ReadAlert(*rs);
    });
  }

  absl::Status Acknowledge(int64_t id, const std::string& time, const std::string& actor) override {
    return Exec(
        "UPDATE alerts SET acknowledge_time = ?, acknowledged_by = ?, version = version + 1 "
        "WHERE id = ?",
        time, actor, id);
  }
};

class MySqlAlertStore final : public AlertStore, private MySqlStoreBase {
 public:
  explicit MySqlAlertStore(common::ConnectionPool* pool) : MySqlStoreBase(pool, "alerts", 1000) {}

  absl::Status Transact(absl::string_view context,
                        absl::FunctionRef<absl::Status(AlertTx&)> fn) override {
    return common::RunInTransaction(*pool_, context, [&](SqlConnection& c) {
      MySqlAlertTx tx(c, context);
      return fn(tx);
    });
  }

  absl::Status InsertAlertBatches(int64_t run_id, AlertBatches& alerts, absl::Time now) override {
    const std::string time = common::SqlTime(now);
    // One transaction, and nothing if the run has alerts already: a run
    // resumed after a crash between storing its alerts and publishing stores
    // them again, and must not raise them twice.
    return common::RunInTransaction(*pool_, "storing alerts", [&](SqlConnection& c) {
      // The sequence row stays locked until this transaction commits, so
      // the next writer's numbers are larger and become visible after ours:
      // seq order is commit order (what WatchAlerts relies on). Taken first,
      // so that the check below reads what the last holder committed.
      auto sequence = c.Query("SELECT last_seq FROM alert_sequence WHERE id = 1 FOR UPDATE");
      if (!sequence->next()) {
        return absl::FailedPreconditionError("alert_sequence has no row: migration 2 missing");
      }
      int64_t seq = sequence->getInt64(1);
      auto existing = c.Query("SELECT 1 FROM alerts WHERE run_id = ? LIMIT 1", run_id);
      if (existing->next()) return absl::OkStatus();
      KAM_RETURN_IF_ERROR(alerts.Rewind());
      std::vector<rules::Alert> batch;
      for (;;) {
        KAM_ASSIGN_OR_RETURN(bool more, alerts.Next(&batch));
        if (!more) break;
        KAM_RETURN_IF_ERROR(InsertBatch(c, run_id, batch, time, &seq));
      }
      c.Update("UPDATE alert_sequence SET last_seq = ? WHERE id = 1", seq);
      return absl::OkStatus();
    });
  }

  // One batch of a run's alerts, many per statement, numbered *seq + 1 on.
  absl::Status InsertBatch(SqlConnection& c, int64_t run_id,
                           const std::vector<rules::Alert>& alerts, const std::string& time,
                           int64_t* seq) {
    constexpr size_t kPerStatement = 100;
    size_t done = 0;
    while (done < alerts.size()) {
      const size_t chunk = alerts.size() - done >= kPerStatement ? kPerStatement : 1;
      std::string sql =
          "INSERT INTO alerts (id, seq, run_id, account_id, kind, severity, message, evidence, "
          "create_time) VALUES ";
      std::vector<SqlValue> values;
      for (size_t i = 0; i < chunk; ++i) {
        const rules::Alert& alert = alerts[done + i];
        KAM_ASSIGN_OR_RETURN(int64_t id, ids_.Next());
        sql.append(i == 0 ? "(?, ?, ?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        values.emplace_back(id);
        values.emplace_back(++*seq);
        values.emplace_back(run_id);
        values.emplace_back(alert.account_id);
        values.emplace_back(int64_t{static_cast<int>(alert.kind)});
        values.emplace_back(int64_t{static_cast<int>(alert.severity)});
        values.emplace_back(alert.message.substr(0, 1000));
        values.emplace_back(alert.evidence.substr(0, 1000));
        values.emplace_back(time);
      }
      c.Update(sql, values);
      done += chunk;
    }
    return absl::OkStatus();
  }

  absl::Status CheckFilter(const common::FilterNode& filter) const override {
    return common::FilterSql(filter, AlertComparison).status();
  }

  absl::StatusOr<std::vector<StoredAlert>> ListAlerts(const common::FilterNode& filter,
                                                      const std::optional<Cursor>& after,
                                                      int limit) override {
    KAM_ASSIGN_OR_RETURN(common::SqlFragment where, common::FilterSql(filter, AlertComparison));
    std::string sql = absl::StrCat("SELECT ", kAlertColumns, " FROM alerts WHERE ", where.sql,
                                   " ORDER BY create_time DESC, id DESC LIMIT ?");
    if (after.has_value()) {
      // Strictly older than the last row returned, found in two steps: the
      // page's ids from the filter's (field, create_time, id) index alone,
      // then their rows. Asked for the rows at once, MariaDB 10.11 walked
      // the filter's index from the newest alert down to the cursor
      // (a run's alerts share one time), so a page deep into a run's
      // alerts read all that came before it (docs/indexes.md, "Pages deep
      // into a list"). The time is cast to the column's type and the row
      // value spelt out so that the index is read from the cursor on.
      where.sql.append(
          " AND (create_time < CAST(? AS DATETIME(6)) OR (create_time = CAST(? AS DATETIME(6)) "
          "AND id < ?))");
      where.params.emplace_back(after->create_time);
      where.params.emplace_back(after->create_time);
      where.params.emplace_back(after->id);
      sql = absl::StrCat("SELECT ", kAlertColumns,
                         " FROM alerts JOIN (SELECT id FROM alerts WHERE ", where.sql,
                         " ORDER BY create_time DESC, id DESC LIMIT ?) page USING (id) "
                         "ORDER BY create_time DESC, id DESC");
    }
    where.params.emplace_back(static_cast<int64_t>(limit) + 1);
    return ReadRows(*pool_, "listing alerts", sql, where.params, ReadAlert);
  }

  absl::StatusOr<std::vector<StoredAlert>> AlertsSince(const common::FilterNode& filter,
                                                       int64_t after_seq,
                                                       std::optional<absl::Time> created_after,
                                                       int limit) override {
    KAM_ASSIGN_OR_RETURN(common::SqlFragment where, common::FilterSql(filter, AlertComparison));
    std::vector<SqlValue> params = {after_seq};
    for (SqlValue& v : where.params) params.push_back(std::move(v));
    if (created_after.has_value()) {
      where.sql.append(" AND create_time > ?");
      params.emplace_back(common::SqlTime(*created_after));
    }
    params.emplace_back(static_cast<int64_t>(limit));
    return ReadRows(*pool_, "watching alerts",
                    absl::StrCat("SELECT ", kAlertColumns, " FROM alerts WHERE seq > ? AND ",
                                 where.sql, " ORDER BY seq LIMIT ?"),
                    params, ReadAlert);
  }

  absl::StatusOr<int64_t> MaxAlertSeq() override {
    // The committed counter: a transaction numbering alerts now commits
    // numbers above it, which the watcher then reads.
    return common::ReadWithConnection<int64_t>(*pool_, "reading alerts", [&](SqlConnection& c) {
      auto rs = c.Query("SELECT last_seq FROM alert_sequence WHERE id = 1");
      return rs->next() ? rs->getInt64(1) : int64_t{0};
    });
  }
};

}  // namespace

}  // namespace alerts

std::unique_ptr<alerts::AlertStore> NewMySqlAlertStore(common::ConnectionPool* pool) {
  return std::make_unique<alerts::MySqlAlertStore>(pool);
}

}  // namespace kam::scoring
