// RatingStore over MariaDB (kam_scoring.rating_runs, account_ratings): the
// only SQL of the runs and their ratings. Made by NewMySqlRatingStore
// (mysql_stores.h).

#include <cppconn/exception.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "common/db/filter_sql.h"
#include "common/db/id_allocator.h"
#include "common/db/row_reader.h"
#include "common/db/sql_error.h"
#include "common/db/transaction.h"
#include "services/scoring/mysql_stores.h"
#include "services/scoring/names.h"

namespace kam::scoring {
namespace rating {
namespace {

using common::SqlConnection;
using common::SqlTime;
using common::SqlValue;

constexpr char kRunColumns[] =
    "r.id, r.policy_id, r.policy_version, r.as_of, r.period_start, r.state, r.accounts_total, "
    "r.accounts_processed, r.tier_a, r.tier_b, r.tier_c, r.tier_d, r.accounts_published, "
    "r.publish_cursor, r.error, r.resumes, r.cancel_requested, r.lease_owner, r.actor, "
    "r.create_time, r.start_time, r.end_time, r.designations_lapsed";

StoredRun ReadRun(sql::ResultSet& rs) {
  StoredRun stored;
  stored.id = rs.getInt64(1);
  stored.policy_id = rs.getInt64(2);
  v1::RatingRun& r = stored.run;
  r.set_name(RunName(stored.id));
  r.set_policy(PolicyName(stored.policy_id));
  r.set_policy_version(rs.getInt(3));
  if (auto t = common::ReadTimestamp(rs, 4)) *r.mutable_as_of() = *t;
  if (auto t = common::ReadTimestamp(rs, 5)) *r.mutable_period_start() = *t;
  r.set_state(static_cast<v1::RunState>(rs.getInt(6)));
  r.set_accounts_total(rs.getInt64(7));
  r.set_accounts_processed(rs.getInt64(8));
  r.mutable_tier_counts()->set_a(rs.getInt64(9));
  r.mutable_tier_counts()->set_b(rs.getInt64(10));
  r.mutable_tier_counts()->set_c(rs.getInt64(11));
  r.mutable_tier_counts()->set_d(rs.getInt64(12));
  r.set_accounts_published(rs.getInt64(13));
  stored.publish_cursor = rs.getInt64(14);
  r.set_error(rs.getString(15));
  r.set_resumes(rs.getInt(16));
  stored.cancel_requested = rs.getInt(17) != 0;
  stored.lease_owner = rs.getString(18);
  r.set_actor(rs.getString(19));
  if (auto t = common::ReadTimestamp(rs, 20)) *r.mutable_create_time() = *t;
  if (auto t = common::ReadTimestamp(rs, 21)) *r.mutable_start_time() = *t;
  if (auto t = common::ReadTimestamp(rs, 22)) *r.mutable_end_time() = *t;
  r.set_designations_lapsed(rs.getInt64(23));
  return stored;
}

// One statement that must touch the run `id` still leased to `owner`.
absl::Status UpdateLeased(common::ConnectionPool& pool, absl::string_view context, int64_t id,
                          absl::FunctionRef<int(SqlConnection&)> update) {
  return common::WithConnection(pool, context, [&](SqlConnection& c) {
    if (update(c) == 0) return LeaseLost(id);
    return absl::OkStatus();
  });
}

constexpr int kRatingsPerInsert = 250;

constexpr char kRatingColumns[] =
    "account_id, currency, value_minor, value_score, segment, seg_rank, tier, previous_tier, "
    "movement, key_account, clv_minor, churn_risk, health, sla_breaches, receivables_minor, "
    "overdue_minor, details, was_key, group_id, parent_id, owner, revenue_minor, "
    "gross_profit_minor, cost_to_serve_minor, activity_count, open_pipeline_minor, "
    "weighted_pipeline_minor, open_cases, csat_count, csat_sum, complaints, "
    "overdue_1_30_minor, overdue_31_60_minor, overdue_61_90_minor, overdue_90_plus_minor, "
    "credit_exposure_minor, group_credit_limit_minor, group_credit_currency, handovers, "
    "disputes, overdue_follow_ups, agreement_id, agreement_end_us, agreement_notice_us, "
    "agreement_notice_due, agreement_days_left";

// Every column of kRatingColumns, in order, as a field of `row`: one list
// for reading a rating and binding one.
template <typename Row, typename Visit>
void ForEachRatingColumn(Row& row, Visit visit) {
  visit(row.account_id);
  visit(row.currency);
  visit(row.value_minor);
  visit(row.value_score);
  visit(row.segment);
  visit(row.rank);
  visit(row.tier);
  visit(row.previous_tier);
  visit(row.movement);
  visit(row.key_account);
  visit(row.clv_minor);
  visit(row.churn_risk);
  visit(row.health);
  visit(row.sla_breaches);
  visit(row.receivables_minor);
  visit(row.overdue_minor);
  visit(row.details);
  visit(row.was_key);
  visit(row.group_id);
  auto& r = row.rollup;  // 0004_group_rollups.sql
  visit(r.parent_id);
  visit(r.owner);
  visit(r.revenue_minor);
  visit(r.gross_profit_minor);
  visit(r.cost_to_serve_minor);
  visit(r.activity_count);
  visit(r.open_pipeline_minor);
  visit(r.weighted_pipeline_minor);
  visit(r.open_cases);
  visit(r.csat_count);
  visit(r.csat_sum);
  visit(r.complaints);
  visit(r.overdue_1_30_minor);
  visit(r.overdue_31_60_minor);
  visit(r.overdue_61_90_minor);
  visit(r.overdue_90_plus_minor);
  visit(r.credit_exposure_minor);
  visit(r.group_credit_limit_minor);
  visit(r.group_credit_currency);
  visit(r.handovers);
  visit(r.disputes);  // 0007_appraisal_figures.sql
  visit(r.overdue_follow_ups);
  visit(row.agreement.id);  // 0008_rating_agreements.sql
  visit(row.agreement.end_us);
  visit(row.agreement.notice_us);
  visit(row.agreement.due);
  visit(row.agreement.days_left);
}

void ReadColumn(sql::ResultSet& rs, int column, int64_t* value) { *value = rs.getInt64(column); }
void ReadColumn(sql::ResultSet& rs, int column, int* value) { *value = rs.getInt(column); }
void ReadColumn(sql::ResultSet& rs, int column, bool* value) { *value = rs.getInt(column) != 0; }
template <typename Enum, typename = std::enable_if_t<std::is_enum_v<Enum>>>
void ReadColumn(sql::ResultSet& rs, int column, Enum* value) {
  *value = static_cast<Enum>(rs.getInt(column));
}
void ReadColumn(sql::ResultSet& rs, int column, std::string* value) {
  *value = common::ReadText(rs, column);
}
void ReadColumn(sql::ResultSet& rs, int column, std::optional<int64_t>* value) {
  *value = common::ReadOptionalInt(rs, column);
}

void Bind(int64_t value, std::vector<SqlValue>* values) { values->emplace_back(value); }
void Bind(int value, std::vector<SqlValue>* values) { values->emplace_back(int64_t{value}); }
void Bind(bool value, std::vector<SqlValue>* values) {
  values->emplace_back(int64_t{value ? 1 : 0});
}
void Bind(const std::string& value, std::vector<SqlValue>* values) { values->emplace_back(value); }
void Bind(const std::optional<int64_t>& value, std::vector<SqlValue>* values) {
  if (value.has_value()) {
    values->emplace_back(*value);
  } else {
    values->emplace_back(nullptr);
  }
}

RatingRow ReadRating(sql::ResultSet& rs) {
  RatingRow row;
  int column = 0;
  ForEachRatingColumn(row, [&](auto& field) { ReadColumn(rs, ++column, &field); });
  return row;
}

// A row of RunResultsPage's columns.
rules::AccountRunResult ReadRunResult(sql::ResultSet& rs) {
  RatingRow row;
  ReadColumn(rs, 1, &row.account_id);
  ReadColumn(rs, 2, &row.tier);
  ReadColumn(rs, 3, &row.churn_risk);
  ReadColumn(rs, 4, &row.sla_breaches);
  ReadColumn(rs, 5, &row.receivables_minor);
  ReadColumn(rs, 6, &row.overdue_minor);
  ReadColumn(rs, 7, &row.agreement.id);
  ReadColumn(rs, 8, &row.agreement.end_us);
  ReadColumn(rs, 9, &row.agreement.notice_us);
  ReadColumn(rs, 10, &row.agreement.due);
  ReadColumn(rs, 11, &row.agreement.days_left);
  ReadColumn(rs, 12, &row.key_account);
  return rules::RunResultOf(row);
}

// The parameters of one row of an INSERT of (run_id, kRatingColumns).
void AppendRow(int64_t run_id, const RatingRow& row, std::vector<SqlValue>* values) {
  values->emplace_back(run_id);
  ForEachRatingColumn(row, [&](const auto& field) { Bind(field, values); });
}

// The columns of an INSERT of (run_id, kRatingColumns), and one row's
// placeholders, "(?,...,?)": counted from ForEachRatingColumn, so a column
// added there cannot leave the statement short.
int CountRatingInsertColumns() {
  RatingRow row;
  int columns = 1;  // run_id
  ForEachRatingColumn(row, [&](const auto&) { ++columns; });
  return columns;
}
const int kRatingInsertColumns = CountRatingInsertColumns();

std::string RowPlaceholders() {
  std::string text = "(?";
  for (int i = 1; i < kRatingInsertColumns; ++i) text.append(",?");
  return text + ")";
}

// A tier or movement as a filter names it, short ("A") or in full
// ("TIER_A"). Unlike common::FilterEnum, the unspecified value is taken too
// (it matches no rating), as it always was.
template <typename Enum>
absl::StatusOr<int64_t> RatingEnum(const common::FilterComparison& c, absl::string_view prefix,
                                   bool (*parse)(const std::string&, Enum*)) {
  const std::string upper = absl::AsciiStrToUpper(c.value);
  Enum parsed{};
  for (const std::string& name : {upper, absl::StrCat(prefix, upper)}) {
    if (parse(name, &parsed)) return static_cast<int64_t>(parsed);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("filter value \"", c.value.substr(0, 64), "\" is not a valid ", c.field));
}

using common::SqlOp;

absl::Status RatingComparison(const common::FilterComparison& c, common::SqlFragment* out) {
  auto column = [&](const char* name, absl::StatusOr<int64_t> value) -> absl::Status {
    if (!value.ok()) return value.status();
    absl::StrAppend(&out->sql, name, SqlOp(c.op), "?");
    out->params.emplace_back(*value);
    return absl::OkStatus();
  };
  if (c.field == "tier" || c.field == "movement" || c.field == "key_account" ||
      c.field == "segment") {
    KAM_RETURN_IF_ERROR(common::OnlyEquality(c));
  }
  if (c.field == "tier") {
    return column("tier", RatingEnum(c, "TIER_", account::v1::Tier_Parse));
  }
  if (c.field == "movement") {
    return column("movement", RatingEnum(c, "MOVEMENT_", v1::Movement_Parse));
  }
  if (c.field == "key_account") {
    const std::string v = absl::AsciiStrToLower(c.value);
    if (v != "true" && v != "false") {
      return absl::InvalidArgumentError("filter value for key_account must be true or false");
    }
    return column("key_account", int64_t{v == "true" ? 1 : 0});
  }
  if (c.field == "segment") {
    absl::StrAppend(&out->sql, "segment", SqlOp(c.op), "?");
    out->params.emplace_back(c.value);
    return absl::OkStatus();
  }
  // Not in the listed fields: what narrows a manager's listing to their
  // accounts (common/client/team_narrowing.h), equality only.
  if (c.field == "account") {
    KAM_RETURN_IF_ERROR(common::OnlyEquality(c));
    return column("account_id", ParseAccountName("filter", c.value));
  }
  if (c.field == "churn_risk" || c.field == "health") {
    int64_t value = 0;
    if (!absl::SimpleAtoi(c.value, &value)) {
      return absl::InvalidArgumentError(
          absl::StrCat("filter value for ", c.field, " must be a number from 0 to 100"));
    }
    return column(c.field == "health" ? "health" : "churn_risk", value);
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "filter field \"", c.field.substr(0, 64),
      "\" is not supported; use tier, movement, key_account, segment, churn_risk or health"));
}

class MySqlRatingStore final : public RatingStore, private MySqlStoreBase {
 public:
  explicit MySqlRatingStore(common::ConnectionPool* pool)
      // One id at a time (a round trip per StartRatingRun, which is rare):
      // run ids then follow the order runs were started in across replicas,
      // and the account service keeps the tiers of the latest run by them
      // (services/account/tiers/tier_service.h, IsLaterRun).
      : MySqlStoreBase(pool, "rating_runs", 1) {}

  absl::StatusOr<int64_t> NewRunId() override { return ids_.Next(); }

  absl::StatusOr<common::InsertOutcome> CreateRun(const StoredRun& stored,
                                                  const common::RequestKey& key) override {
    const v1::RatingRun& r = stored.run;
    return common::ReadWithConnection<common::InsertOutcome>(
        *pool_, "creating run", [&](SqlConnection& c) -> absl::StatusOr<common::InsertOutcome> {
          try {
            c.Update(
                "INSERT INTO rating_runs (id, policy_id, policy_version, as_of, period_start, "
                "state, actor, create_time, create_request_id, create_request_hash) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                stored.id, stored.policy_id, r.policy_version(), SqlTime(r.as_of()),
                SqlTime(r.period_start()), static_cast<int>(r.state()), r.actor(),
                SqlTime(r.create_time()), common::TextOrNull(key.id),
                key.id.empty() ? std::nullopt : std::optional<std::string>(key.hash));
          } catch (const sql::SQLException& e) {
            if (e.getErrorCode() != common::kErDupEntry) throw;
            return common::InsertOutcome::kDuplicateRequest;
          }
          return common::InsertOutcome::kInserted;
        });
  }

  absl::StatusOr<std::optional<common::CreatedByRequest<StoredRun>>> FindRunByRequest(
      const std::string& request_id) override {
    return FindCreatedByRequest(
        *pool_, "reading run",
        absl::StrCat("SELECT ", kRunColumns,
                     ", r.create_request_hash FROM rating_runs r WHERE r.create_request_id = ?"),
        request_id, ReadRun);
  }

  absl::StatusOr<StoredRun> GetRun(int64_t id) override {
    return common::ReadWithConnection<StoredRun>(
        *pool_, "reading run", [&](SqlConnection& c) -> absl::StatusOr<StoredRun> {
          auto rs = c.Query(
              absl::StrCat("SELECT ", kRunColumns, " FROM rating_runs r WHERE r.id = ?"), id);
          if (!rs->next()) return RunNotFound(id);
          return ReadRun(*rs);
        });
  }

  absl::StatusOr<std::vector<StoredRun>> ListRuns(int64_t before_id, int64_t policy_id,
                                                  v1::RunState state, int limit) override {
    const int64_t state_value = state;
    return ReadRows(*pool_, "listing runs",
                    absl::StrCat("SELECT ", kRunColumns,
                                 " FROM rating_runs r WHERE (? = 0 OR r.id < ?) AND (? = 0 OR "
                                 "r.policy_id = ?) AND (? = 0 OR r.state = ?) ORDER BY r.id "
                                 "DESC LIMIT ?"),
                    {before_id, before_id, policy_id, policy_id, state_value, state_value,
                     static_cast<int64_t>(limit) + 1},
                    ReadRun);
  }

  absl::StatusOr<StoredRun> CancelRun(int64_t id, absl::Time now) override {
    StoredRun result;
    absl::Status status = common::RunInTransaction(*pool_, "cancelling run", [&](SqlConnection& c) {
      auto rs = c.Query(
          absl::StrCat("SELECT ", kRunColumns, " FROM rating_runs r WHERE r.id = ? FOR UPDATE"),
          id);
      if (!rs->next()) return RunNotFound(id);
      StoredRun run = ReadRun(*rs);
      rs.reset();
      switch (run.run.state()) {
        case v1::RUN_STATE_QUEUED:
          c.Update("UPDATE rating_runs SET state = ?, end_time = ? WHERE id = ?",
                   static_cast<int>(v1::RUN_STATE_CANCELLED), SqlTime(now), id);
          run.run.set_state(v1::RUN_STATE_CANCELLED);
          *run.run.mutable_end_time() = common::ToProtoTimestamp(now);
          break;
        case v1::RUN_STATE_RUNNING:
          c.Update("UPDATE rating_runs SET cancel_requested = 1 WHERE id = ?", id);
          run.cancel_requested = true;
          break;
        case v1::RUN_STATE_PUBLISHING:
          return absl::FailedPreconditionError(absl::StrCat(
              run.run.name(), " is publishing its tiers; a started publication is completed"));
        default:
          return absl::FailedPreconditionError(absl::StrCat(
              run.run.name(), " has already ended (", v1::RunState_Name(run.run.state()), ")"));
      }
      result = std::move(run);
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
    return result;
  }

  absl::StatusOr<std::optional<StoredRun>> ClaimRun(const std::string& owner, absl::Time now,
                                                    absl::Duration lease,
                                                    int max_resumes) override {
    std::optional<StoredRun> claimed;
    absl::Status status = common::RunInTransaction(*pool_, "claiming run", [&](SqlConnection& c) {
      for (;;) {
        auto rs =
            c.Query(absl::StrCat("SELECT ", kRunColumns,
                                 " FROM rating_runs r WHERE r.state = ? OR (r.state IN (?, ?) AND "
                                 "(r.lease_until < ? OR r.lease_owner = ?)) ORDER BY r.id LIMIT 1 "
                                 "FOR UPDATE SKIP LOCKED"),
                    static_cast<int>(v1::RUN_STATE_QUEUED), static_cast<int>(v1::RUN_STATE_RUNNING),
                    static_cast<int>(v1::RUN_STATE_PUBLISHING), SqlTime(now), owner);
        if (!rs->next()) return absl::OkStatus();
        StoredRun run = ReadRun(*rs);
        rs.reset();
        const bool resume = run.run.state() != v1::RUN_STATE_QUEUED;
        // Only a run still rating is given up: a started publication is
        // always completed (rating.proto: a failed run published nothing, and
        // publishing again is harmless), however often it is resumed.
        if (resume && run.run.state() == v1::RUN_STATE_RUNNING &&
            run.run.resumes() >= max_resumes) {
          // Never a run left "running" forever: after too many restarts it
          // fails, explicitly, having published nothing.
          c.Update(
              "UPDATE rating_runs SET state = ?, error = ?, end_time = ?, lease_owner = '', "
              "lease_until = NULL WHERE id = ?",
              static_cast<int>(v1::RUN_STATE_FAILED),
              absl::StrCat("abandoned after ", run.run.resumes(), " restarts of the service"),
              SqlTime(now), run.id);
          continue;
        }
        const v1::RunState state =
            run.run.state() == v1::RUN_STATE_QUEUED ? v1::RUN_STATE_RUNNING : run.run.state();
        c.Update(
            "UPDATE rating_runs SET state = ?, lease_owner = ?, lease_until = ?, resumes = resumes "
            "+ ?, start_time = COALESCE(start_time, ?) WHERE id = ?",
            static_cast<int>(state), owner, SqlTime(now + lease), resume ? 1 : 0, SqlTime(now),
            run.id);
        run.run.set_state(state);
        run.lease_owner = owner;
        if (resume) run.run.set_resumes(run.run.resumes() + 1);
        if (!run.run.has_start_time())
          *run.run.mutable_start_time() = common::ToProtoTimestamp(now);
        claimed = std::move(run);
        return absl::OkStatus();
      }
    });
    if (!status.ok()) return status;
    return claimed;
  }

  absl::StatusOr<bool> Heartbeat(int64_t id, const std::string& owner, absl::Time lease_until,
                                 const v1::RatingRun& progress) override {
    return common::ReadWithConnection<bool>(
        *pool_, "recording progress", [&](SqlConnection& c) -> absl::StatusOr<bool> {
          const v1::TierCounts& t = progress.tier_counts();
          const int changed = c.Update(
              "UPDATE rating_runs SET lease_until = ?, accounts_total = ?, accounts_processed = ?, "
              "tier_a = ?, tier_b = ?, tier_c = ?, tier_d = ? WHERE id = ? AND lease_owner = ?",
              SqlTime(lease_until), progress.accounts_total(), progress.accounts_processed(), t.a(),
              t.b(), t.c(), t.d(), id, owner);
          if (changed == 0) return LeaseLost(id);
          auto rs = c.Query("SELECT cancel_requested FROM rating_runs WHERE id = ?", id);
          return rs->next() && rs->getInt(1) != 0;
        });
  }

  absl::Status StartPublishing(int64_t id, const std::string& owner,
                               const v1::RatingRun& totals) override {
    return common::WithConnection(*pool_, "starting publication", [&](SqlConnection& c) {
      const v1::TierCounts& t = totals.tier_counts();
      const int changed = c.Update(
          "UPDATE rating_runs SET state = ?, accounts_total = ?, accounts_processed = ?, "
          "tier_a = ?, tier_b = ?, tier_c = ?, tier_d = ?, publish_cursor = 0, "
          "accounts_published = 0, designations_lapsed = ? WHERE id = ? AND lease_owner = ? AND "
          "state = ? AND cancel_requested = 0",
          static_cast<int>(v1::RUN_STATE_PUBLISHING), totals.accounts_total(),
          totals.accounts_processed(), t.a(), t.b(), t.c(), t.d(), totals.designations_lapsed(),
          id, owner,
          static_cast<int>(v1::RUN_STATE_RUNNING));
      if (changed > 0) return absl::OkStatus();
      // A cancel accepted since the last heartbeat wins: CancelRatingRun
      // answered OK while the run was RUNNING, so it must not publish.
      auto rs = c.Query("SELECT cancel_requested FROM rating_runs WHERE id = ? AND lease_owner = ?",
                        id, owner);
      if (rs->next() && rs->getInt(1) != 0) {
        return absl::CancelledError(absl::StrCat(RunName(id), " was cancelled"));
      }
      return LeaseLost(id);
    });
  }

  absl::Status AdvancePublishing(int64_t id, const std::string& owner, int64_t cursor,
                                 int64_t published) override {
    return UpdateLeased(*pool_, "recording publication", id, [&](SqlConnection& c) {
      return c.Update(
          "UPDATE rating_runs SET publish_cursor = ?, accounts_published = ? WHERE id = ? AND "
          "lease_owner = ?",
          cursor, published, id, owner);
    });
  }

  absl::Status FinishRun(int64_t id, const std::string& owner, v1::RunState state,
                         const std::string& error, absl::Time now) override {
    return UpdateLeased(*pool_, "finishing run", id, [&](SqlConnection& c) {
      return c.Update(
          "UPDATE rating_runs SET state = ?, error = ?, end_time = ?, lease_owner = '', "
          "lease_until = NULL WHERE id = ? AND lease_owner = ?",
          static_cast<int>(state), error.substr(0, 1000), SqlTime(now), id, owner);
    });
  }

  absl::Status ReleaseRun(int64_t id, const std::string& owner) override {
    return common::WithConnection(*pool_, "releasing run", [&](SqlConnection& c) {
      c.Update(
          "UPDATE rating_runs SET lease_until = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND, "
          "resumes = resumes WHERE id = ? AND lease_owner = ?",
          id, owner);
      return absl::OkStatus();
    });
  }

  absl::StatusOr<int64_t> PreviousSucceededRun(int64_t run_id) override {
    return common::ReadWithConnection<int64_t>(*pool_, "reading runs", [&](SqlConnection& c) {
      auto rs = c.Query("SELECT MAX(id) FROM rating_runs WHERE id < ? AND state = ?", run_id,
                        static_cast<int>(v1::RUN_STATE_SUCCEEDED));
      return rs->next() ? rs->getInt64(1) : int64_t{0};
    });
  }

  absl::Status DeleteRatings(int64_t run_id) override {
    return common::WithConnection(*pool_, "removing ratings", [&](SqlConnection& c) {
      // In slices, so no statement holds locks on a million rows at once.
      while (c.Update("DELETE FROM account_ratings WHERE run_id = ? LIMIT 10000", run_id) > 0) {
      }
      return absl::OkStatus();
    });
  }

  absl::Status InsertRatings(int64_t run_id, const std::vector<RatingRow>& rows) override {
    return common::WithConnection(*pool_, "writing ratings", [&](SqlConnection& c) {
      size_t done = 0;
      while (done < rows.size()) {
        // Full statements of kRatingsPerInsert rows, then single rows: two
        // statement shapes, each prepared once per connection.
        const size_t chunk = rows.size() - done >= kRatingsPerInsert ? kRatingsPerInsert : 1;
        std::string sql =
            absl::StrCat("INSERT INTO account_ratings (run_id, ", kRatingColumns, ") VALUES ");
        static const std::string row_sql = RowPlaceholders();
        std::vector<SqlValue> values;
        values.reserve(chunk * kRatingInsertColumns);
        for (size_t i = 0; i < chunk; ++i) {
          if (i > 0) sql.append(",");
          sql.append(row_sql);
          AppendRow(run_id, rows[done + i], &values);
        }
        c.Update(sql, values);
        done += chunk;
      }
      return absl::OkStatus();
    });
  }

  absl::StatusOr<std::vector<RatingRow>> RatingsPage(int64_t run_id, int64_t after_account,
                                                     int limit) override {
    return ReadRows(*pool_, "reading ratings",
                    absl::StrCat("SELECT ", kRatingColumns,
                                 " FROM account_ratings WHERE run_id = ? AND account_id > ? "
                                 "ORDER BY account_id LIMIT ?"),
                    {run_id, after_account, static_cast<int64_t>(limit)}, ReadRating);
  }

  absl::StatusOr<std::vector<rules::AccountRunResult>> RunResultsPage(int64_t run_id,
                                                                      int64_t after_account,
                                                                      int limit) override {
    return ReadRows(*pool_, "reading ratings",
                    "SELECT account_id, tier, churn_risk, sla_breaches, receivables_minor, "
                    "overdue_minor, agreement_id, agreement_end_us, agreement_notice_us, "
                    "agreement_notice_due, agreement_days_left, key_account "
                    "FROM account_ratings WHERE run_id = ? AND account_id > ? "
                    "ORDER BY account_id LIMIT ?",
                    {run_id, after_account, static_cast<int64_t>(limit)}, ReadRunResult);
  }

  absl::StatusOr<RatingRow> GetRating(int64_t run_id, int64_t account_id) override {
    KAM_ASSIGN_OR_RETURN(
        std::vector<RatingRow> rows,
        ReadRows(*pool_, "reading rating",
                 absl::StrCat("SELECT ", kRatingColumns,
                              " FROM account_ratings WHERE run_id = ? AND account_id = ?"),
                 {run_id, account_id}, ReadRating));
    if (rows.empty()) {
      return RatingNotFound(run_id, account_id);
    }
    return std::move(rows.front());
  }

  absl::StatusOr<std::vector<RatingRow>> ListRatings(int64_t run_id,
                                                     const common::FilterNode& filter,
                                                     int64_t after_account, int limit) override {
    KAM_ASSIGN_OR_RETURN(common::SqlFragment where, common::FilterSql(filter, RatingComparison));
    std::vector<SqlValue> params = {run_id, after_account};
    for (SqlValue& v : where.params) params.push_back(std::move(v));
    params.emplace_back(static_cast<int64_t>(limit) + 1);
    return ReadRows(*pool_, "listing ratings",
                    absl::StrCat("SELECT ", kRatingColumns,
                                 " FROM account_ratings WHERE run_id = ? AND account_id > ? AND ",
                                 where.sql, " ORDER BY account_id LIMIT ?"),
                    params, ReadRating);
  }

  absl::StatusOr<std::vector<RatingRow>> KeyChanges(int64_t run_id,
                                                    const std::vector<int>& key_tiers, bool came_on,
                                                    const common::FilterNode& filter,
                                                    int64_t after_account, int limit) override {
    KAM_ASSIGN_OR_RETURN(common::SqlFragment where, common::FilterSql(filter, RatingComparison));
    // Whether the account was on the list before: was_key (0005); in
    // ratings written before it (NULL) the previous tier decides, the tiers
    // wanted listed (came on: the tiers outside the key list; came off:
    // those in it). Both are ranges of ix_ratings_key_was, so the changes
    // are found without reading the run's other ratings.
    std::vector<SqlValue> params = {run_id, after_account, int64_t{came_on ? 1 : 0}};
    params.emplace_back(int64_t{came_on ? 0 : 1});  // was_key wanted
    std::string previous_in;
    for (int tier = account::v1::Tier_MIN; tier <= account::v1::Tier_MAX; ++tier) {
      const bool key = std::find(key_tiers.begin(), key_tiers.end(), tier) != key_tiers.end();
      if (key == came_on) continue;
      absl::StrAppend(&previous_in, previous_in.empty() ? "?" : ", ?");
      params.emplace_back(int64_t{tier});
    }
    if (previous_in.empty()) previous_in = "NULL";  // no tier: nothing changed
    for (SqlValue& v : where.params) params.push_back(std::move(v));
    params.emplace_back(static_cast<int64_t>(limit) + 1);
    return ReadRows(*pool_, "listing changes",
                    absl::StrCat("SELECT ", kRatingColumns,
                                 " FROM account_ratings WHERE run_id = ? AND account_id > ? AND "
                                 "key_account = ? AND (was_key = ? OR (was_key IS NULL AND "
                                 "previous_tier IN (",
                                 previous_in, "))) AND ", where.sql, " ORDER BY account_id LIMIT ?"),
                    params, ReadRating);
  }
};

}  // namespace

}  // namespace rating

std::unique_ptr<rating::RatingStore> NewMySqlRatingStore(common::ConnectionPool* pool) {
  return std::make_unique<rating::MySqlRatingStore>(pool);
}

}  // namespace kam::scoring
