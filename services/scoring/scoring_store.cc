#include "services/scoring/scoring_store.h"

#include <cppconn/exception.h>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "common/base/proto_time.h"
#include "common/db/filter_sql.h"
#include "common/db/sql_error.h"
#include "common/db/transaction.h"

namespace kam::scoring {
namespace {

using common::SqlConnection;
using common::SqlValue;

constexpr int kRatingsPerInsert = 250;

std::string Time(absl::Time t) { return common::ToSqlDateTime(t); }

std::optional<google::protobuf::Timestamp> ReadTime(sql::ResultSet& rs, int column) {
  const sql::SQLString text = rs.getString(column);
  if (rs.wasNull()) return std::nullopt;
  google::protobuf::Timestamp ts;
  common::SqlDateTimeToProto(absl::string_view(text.c_str(), text.length()), &ts);
  return ts;
}

std::string Blob(sql::ResultSet& rs, int column) {
  const sql::SQLString text = rs.getString(column);
  return std::string(text.c_str(), text.length());
}

// --- policies ---

constexpr char kPolicyColumns[] =
    "v.policy_id, v.version, v.body, v.used, v.revision, v.create_time, v.update_time";

StoredPolicy ReadPolicy(sql::ResultSet& rs) {
  StoredPolicy stored;
  stored.id = rs.getInt64(1);
  const int version = rs.getInt(2);
  stored.policy.ParseFromString(Blob(rs, 3));
  stored.revision = rs.getInt64(5);
  v1::ScoringPolicy& p = stored.policy;
  p.set_name(absl::StrCat("policies/", stored.id));
  p.set_version(version);
  p.set_used(rs.getInt(4) != 0);
  if (auto t = ReadTime(rs, 6)) *p.mutable_create_time() = *t;
  if (auto t = ReadTime(rs, 7)) *p.mutable_update_time() = *t;
  p.set_etag(common::MakeEtag(absl::StrCat(p.name(), "/versions/", version), stored.revision));
  return stored;
}

// What is stored of a policy: the settings only (the rest is in columns).
std::string PolicyBody(const v1::ScoringPolicy& policy) {
  v1::ScoringPolicy body = policy;
  body.clear_name();
  body.clear_version();
  body.clear_used();
  body.clear_create_time();
  body.clear_update_time();
  body.clear_etag();
  return body.SerializeAsString();
}

// --- runs ---

constexpr char kRunColumns[] =
    "r.id, r.policy_id, r.policy_version, r.as_of, r.period_start, r.state, r.accounts_total, "
    "r.accounts_processed, r.tier_a, r.tier_b, r.tier_c, r.tier_d, r.accounts_published, "
    "r.publish_cursor, r.error, r.resumes, r.cancel_requested, r.lease_owner, r.actor, "
    "r.create_time, r.start_time, r.end_time";

StoredRun ReadRun(sql::ResultSet& rs) {
  StoredRun stored;
  stored.id = rs.getInt64(1);
  stored.policy_id = rs.getInt64(2);
  v1::RatingRun& r = stored.run;
  r.set_name(absl::StrCat("ratingRuns/", stored.id));
  r.set_policy(absl::StrCat("policies/", stored.policy_id));
  r.set_policy_version(rs.getInt(3));
  if (auto t = ReadTime(rs, 4)) *r.mutable_as_of() = *t;
  if (auto t = ReadTime(rs, 5)) *r.mutable_period_start() = *t;
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
  if (auto t = ReadTime(rs, 20)) *r.mutable_create_time() = *t;
  if (auto t = ReadTime(rs, 21)) *r.mutable_start_time() = *t;
  if (auto t = ReadTime(rs, 22)) *r.mutable_end_time() = *t;
  return stored;
}

absl::Status RunNotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat("rating run ratingRuns/", id, " not found"));
}

absl::Status LeaseLost(int64_t id) {
  return absl::FailedPreconditionError(
      absl::StrCat("ratingRuns/", id, " is no longer leased to this replica"));
}

// --- ratings ---

constexpr char kRatingColumns[] =
    "account_id, currency, value_minor, value_score, segment, seg_rank, tier, previous_tier, "
    "movement, key_account, clv_minor, churn_risk, health, sla_breaches, receivables_minor, "
    "overdue_minor, details";

RatingRow ReadRating(sql::ResultSet& rs) {
  RatingRow row;
  row.account_id = rs.getInt64(1);
  row.currency = rs.getString(2);
  row.value_minor = rs.getInt64(3);
  row.value_score = rs.getInt(4);
  row.segment = rs.getString(5);
  row.rank = rs.getInt64(6);
  row.tier = rs.getInt(7);
  row.previous_tier = rs.getInt(8);
  row.movement = rs.getInt(9);
  row.key_account = rs.getInt(10) != 0;
  row.clv_minor = rs.getInt64(11);
  row.churn_risk = rs.getInt(12);
  row.health = rs.getInt(13);
  row.sla_breaches = rs.getInt(14);
  row.receivables_minor = rs.getInt64(15);
  row.overdue_minor = rs.getInt64(16);
  row.details = Blob(rs, 17);
  return row;
}

}  // namespace

v1::AccountRating ToAccountRating(int64_t run_id, const RatingRow& row) {
  v1::AccountRating rating;
  rating.ParseFromString(row.details);
  rating.set_name(absl::StrCat("ratingRuns/", run_id, "/ratings/", row.account_id));
  rating.set_account(absl::StrCat("accounts/", row.account_id));
  rating.set_currency_code(row.currency);
  rating.set_value_minor(row.value_minor);
  rating.set_value_score(row.value_score);
  rating.set_segment(row.segment);
  rating.set_rank(row.rank);
  rating.set_tier(static_cast<account::v1::Tier>(row.tier));
  rating.set_previous_tier(static_cast<account::v1::Tier>(row.previous_tier));
  rating.set_movement(static_cast<v1::Movement>(row.movement));
  rating.set_key_account(row.key_account);
  rating.set_clv_minor(row.clv_minor);
  rating.mutable_churn_risk()->set_score(row.churn_risk);
  rating.mutable_health()->set_score(row.health);
  return rating;
}

ScoringStore::ScoringStore(common::ConnectionPool* pool)
    : pool_(pool), policy_ids_(pool, "policies", 100), run_ids_(pool, "rating_runs", 100) {}

// --- policies ---------------------------------------------------------------

absl::StatusOr<CreateOutcome> ScoringStore::CreatePolicy(int64_t id,
                                                         const v1::ScoringPolicy& policy,
                                                         absl::Time now,
                                                         const std::string& request_id,
                                                         const std::string& request_hash) {
  CreateOutcome outcome = CreateOutcome::kCreated;
  absl::Status status =
      common::RunInTransaction(*pool_, "creating policy", [&](SqlConnection& c) {
        try {
          c.Update(
              "INSERT INTO policies (id, latest_version, create_time, create_request_id, "
              "create_request_hash) VALUES (?, 1, ?, ?, ?)",
              id, Time(now),
              request_id.empty() ? SqlValue(nullptr) : SqlValue(request_id),
              request_id.empty() ? SqlValue(nullptr) : SqlValue(request_hash));
        } catch (const sql::SQLException& e) {
          if (e.getErrorCode() != common::kErDupEntry) throw;
          outcome = CreateOutcome::kDuplicateRequest;
          return absl::OkStatus();
        }
        c.Update(
            "INSERT INTO policy_versions (policy_id, version, body, used, revision, "
            "create_time, update_time) VALUES (?, 1, ?, 0, 1, ?, ?)",
            id, PolicyBody(policy), Time(now), Time(now));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return outcome;
}

absl::StatusOr<std::pair<int64_t, std::string>> ScoringStore::FindPolicyByRequest(
    const std::string& request_id) {
  std::pair<int64_t, std::string> found;
  absl::Status status = common::WithConnection(*pool_, "reading policy", [&](SqlConnection& c) {
    auto rs = c.Query("SELECT id, create_request_hash FROM policies WHERE create_request_id = ?",
                      request_id);
    if (!rs->next()) return absl::AbortedError("the request that used this request_id was rolled back; retry");
    found = {rs->getInt64(1), rs->getString(2)};
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return found;
}

absl::StatusOr<StoredPolicy> ScoringStore::GetPolicy(int64_t id, int version) {
  StoredPolicy stored;
  absl::Status status = common::WithConnection(*pool_, "reading policy", [&](SqlConnection& c) {
    auto rs = version == 0
                  ? c.Query(absl::StrCat("SELECT ", kPolicyColumns,
                                         " FROM policies p JOIN policy_versions v ON "
                                         "v.policy_id = p.id AND v.version = p.latest_version "
                                         "WHERE p.id = ?"),
                            id)
                  : c.Query(absl::StrCat("SELECT ", kPolicyColumns,
                                         " FROM policy_versions v WHERE v.policy_id = ? AND "
                                         "v.version = ?"),
                            id, version);
    if (!rs->next()) {
      return absl::NotFoundError(
          version == 0 ? absl::StrCat("policy policies/", id, " not found")
                       : absl::StrCat("policy policies/", id, "/versions/", version, " not found"));
    }
    stored = ReadPolicy(*rs);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return stored;
}

absl::StatusOr<std::vector<StoredPolicy>> ScoringStore::ListPolicies(int64_t after_id, int limit) {
  std::vector<StoredPolicy> rows;
  absl::Status status = common::WithConnection(*pool_, "listing policies", [&](SqlConnection& c) {
    auto rs = c.Query(absl::StrCat("SELECT ", kPolicyColumns,
                                   " FROM policies p JOIN policy_versions v ON v.policy_id = p.id "
                                   "AND v.version = p.latest_version WHERE p.id > ? ORDER BY p.id "
                                   "LIMIT ?"),
                      after_id, static_cast<int64_t>(limit) + 1);
    while (rs->next()) rows.push_back(ReadPolicy(*rs));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return rows;
}

absl::StatusOr<std::vector<StoredPolicy>> ScoringStore::ListVersions(int64_t id,
                                                                     int before_version,
                                                                     int limit) {
  std::vector<StoredPolicy> rows;
  absl::Status status = common::WithConnection(*pool_, "listing versions", [&](SqlConnection& c) {
    auto rs = c.Query(absl::StrCat("SELECT ", kPolicyColumns,
                                   " FROM policy_versions v WHERE v.policy_id = ? AND (? = 0 OR "
                                   "v.version < ?) ORDER BY v.version DESC LIMIT ?"),
                      id, before_version, before_version, static_cast<int64_t>(limit) + 1);
    while (rs->next()) rows.push_back(ReadPolicy(*rs));
    if (rows.empty() && before_version == 0) {
      return absl::NotFoundError(absl::StrCat("policy policies/", id, " not found"));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return rows;
}

absl::StatusOr<StoredPolicy> ScoringStore::UpdatePolicy(
    int64_t id, absl::Time now,
    const std::function<absl::StatusOr<v1::ScoringPolicy>(const StoredPolicy&)>& change) {
  StoredPolicy result;
  absl::Status status = common::RunInTransaction(*pool_, "updating policy", [&](SqlConnection& c) {
    auto rs = c.Query(absl::StrCat("SELECT ", kPolicyColumns,
                                   " FROM policies p JOIN policy_versions v ON v.policy_id = p.id "
                                   "AND v.version = p.latest_version WHERE p.id = ? FOR UPDATE"),
                      id);
    if (!rs->next()) return absl::NotFoundError(absl::StrCat("policy policies/", id, " not found"));
    const StoredPolicy current = ReadPolicy(*rs);
    rs.reset();
    absl::StatusOr<v1::ScoringPolicy> updated = change(current);
    if (!updated.ok()) return updated.status();
    const int version = current.policy.version();
    if (current.policy.used()) {
      // A used version is history: the update becomes the next version.
      c.Update(
          "INSERT INTO policy_versions (policy_id, version, body, used, revision, create_time, "
          "update_time) VALUES (?, ?, ?, 0, 1, ?, ?)",
          id, version + 1, PolicyBody(*updated), Time(now), Time(now));
      c.Update("UPDATE policies SET latest_version = ? WHERE id = ?", version + 1, id);
    } else {
      c.Update(
          "UPDATE policy_versions SET body = ?, revision = revision + 1, update_time = ? "
          "WHERE policy_id = ? AND version = ?",
          PolicyBody(*updated), Time(now), id, version);
    }
    auto read = c.Query(absl::StrCat("SELECT ", kPolicyColumns,
                                     " FROM policies p JOIN policy_versions v ON v.policy_id = "
                                     "p.id AND v.version = p.latest_version WHERE p.id = ?"),
                        id);
    if (!read->next()) return absl::InternalError("policy vanished during update");
    result = ReadPolicy(*read);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

absl::Status ScoringStore::MarkVersionUsed(int64_t id, int version) {
  return common::WithConnection(*pool_, "marking policy used", [&](SqlConnection& c) {
    c.Update("UPDATE policy_versions SET used = 1 WHERE policy_id = ? AND version = ?", id,
             version);
    return absl::OkStatus();
  });
}

// --- runs -------------------------------------------------------------------

absl::StatusOr<CreateOutcome> ScoringStore::CreateRun(const StoredRun& stored,
                                                      const std::string& request_id,
                                                      const std::string& request_hash) {
  const v1::RatingRun& r = stored.run;
  CreateOutcome outcome = CreateOutcome::kCreated;
  absl::Status status = common::WithConnection(*pool_, "creating run", [&](SqlConnection& c) {
    try {
      c.Update(
          "INSERT INTO rating_runs (id, policy_id, policy_version, as_of, period_start, state, "
          "actor, create_time, create_request_id, create_request_hash) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          stored.id, stored.policy_id, r.policy_version(),
          Time(common::FromProtoTimestamp(r.as_of())),
          Time(common::FromProtoTimestamp(r.period_start())), static_cast<int>(r.state()),
          r.actor(), Time(common::FromProtoTimestamp(r.create_time())),
          request_id.empty() ? SqlValue(nullptr) : SqlValue(request_id),
          request_id.empty() ? SqlValue(nullptr) : SqlValue(request_hash));
    } catch (const sql::SQLException& e) {
      if (e.getErrorCode() != common::kErDupEntry) throw;
      outcome = CreateOutcome::kDuplicateRequest;
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return outcome;
}

absl::StatusOr<std::pair<StoredRun, std::string>> ScoringStore::FindRunByRequest(
    const std::string& request_id) {
  std::pair<StoredRun, std::string> found;
  absl::Status status = common::WithConnection(*pool_, "reading run", [&](SqlConnection& c) {
    auto rs = c.Query(absl::StrCat("SELECT ", kRunColumns,
                                   ", r.create_request_hash FROM rating_runs r WHERE "
                                   "r.create_request_id = ?"),
                      request_id);
    if (!rs->next()) return absl::AbortedError("the request that used this request_id was rolled back; retry");
    found = {ReadRun(*rs), rs->getString(23)};
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return found;
}

absl::StatusOr<StoredRun> ScoringStore::GetRun(int64_t id) {
  StoredRun stored;
  absl::Status status = common::WithConnection(*pool_, "reading run", [&](SqlConnection& c) {
    auto rs = c.Query(absl::StrCat("SELECT ", kRunColumns, " FROM rating_runs r WHERE r.id = ?"), id);
    if (!rs->next()) return RunNotFound(id);
    stored = ReadRun(*rs);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return stored;
}

absl::StatusOr<std::vector<StoredRun>> ScoringStore::ListRuns(int64_t before_id,
                                                              int64_t policy_id,
                                                              v1::RunState state, int limit) {
  std::vector<StoredRun> rows;
  absl::Status status = common::WithConnection(*pool_, "listing runs", [&](SqlConnection& c) {
    auto rs = c.Query(absl::StrCat("SELECT ", kRunColumns,
                                   " FROM rating_runs r WHERE (? = 0 OR r.id < ?) AND (? = 0 OR "
                                   "r.policy_id = ?) AND (? = 0 OR r.state = ?) ORDER BY r.id "
                                   "DESC LIMIT ?"),
                      before_id, before_id, policy_id, policy_id, static_cast<int>(state),
                      static_cast<int>(state), static_cast<int64_t>(limit) + 1);
    while (rs->next()) rows.push_back(ReadRun(*rs));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return rows;
}

absl::StatusOr<StoredRun> ScoringStore::CancelRun(int64_t id, absl::Time now) {
  StoredRun result;
  absl::Status status = common::RunInTransaction(*pool_, "cancelling run", [&](SqlConnection& c) {
    auto rs = c.Query(
        absl::StrCat("SELECT ", kRunColumns, " FROM rating_runs r WHERE r.id = ? FOR UPDATE"), id);
    if (!rs->next()) return RunNotFound(id);
    StoredRun run = ReadRun(*rs);
    rs.reset();
    switch (run.run.state()) {
      case v1::RUN_STATE_QUEUED:
        c.Update("UPDATE rating_runs SET state = ?, end_time = ? WHERE id = ?",
                 static_cast<int>(v1::RUN_STATE_CANCELLED), Time(now), id);
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
        return absl::FailedPreconditionError(
            absl::StrCat(run.run.name(), " has already ended (",
                         v1::RunState_Name(run.run.state()), ")"));
    }
    result = std::move(run);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<std::optional<StoredRun>> ScoringStore::ClaimRun(const std::string& owner,
                                                                absl::Time now,
                                                                absl::Duration lease,
                                                                int max_resumes) {
  std::optional<StoredRun> claimed;
  absl::Status status = common::RunInTransaction(*pool_, "claiming run", [&](SqlConnection& c) {
    for (;;) {
      auto rs = c.Query(
          absl::StrCat("SELECT ", kRunColumns,
                       " FROM rating_runs r WHERE r.state = ? OR (r.state IN (?, ?) AND "
                       "r.lease_until < ?) ORDER BY r.id LIMIT 1 FOR UPDATE SKIP LOCKED"),
          static_cast<int>(v1::RUN_STATE_QUEUED), static_cast<int>(v1::RUN_STATE_RUNNING),
          static_cast<int>(v1::RUN_STATE_PUBLISHING), Time(now));
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
            Time(now), run.id);
        continue;
      }
      const v1::RunState state =
          run.run.state() == v1::RUN_STATE_QUEUED ? v1::RUN_STATE_RUNNING : run.run.state();
      c.Update(
          "UPDATE rating_runs SET state = ?, lease_owner = ?, lease_until = ?, resumes = resumes "
          "+ ?, start_time = COALESCE(start_time, ?) WHERE id = ?",
          static_cast<int>(state), owner, Time(now + lease), resume ? 1 : 0, Time(now), run.id);
      run.run.set_state(state);
      run.lease_owner = owner;
      if (resume) run.run.set_resumes(run.run.resumes() + 1);
      if (!run.run.has_start_time()) *run.run.mutable_start_time() = common::ToProtoTimestamp(now);
      claimed = std::move(run);
      return absl::OkStatus();
    }
  });
  if (!status.ok()) return status;
  return claimed;
}

absl::StatusOr<bool> ScoringStore::Heartbeat(int64_t id, const std::string& owner,
                                             absl::Time lease_until,
                                             const v1::RatingRun& progress) {
  bool cancel = false;
  absl::Status status = common::WithConnection(*pool_, "recording progress", [&](SqlConnection& c) {
    const v1::TierCounts& t = progress.tier_counts();
    const int changed = c.Update(
        "UPDATE rating_runs SET lease_until = ?, accounts_total = ?, accounts_processed = ?, "
        "tier_a = ?, tier_b = ?, tier_c = ?, tier_d = ? WHERE id = ? AND lease_owner = ?",
        Time(lease_until), progress.accounts_total(), progress.accounts_processed(), t.a(), t.b(),
        t.c(), t.d(), id, owner);
    if (changed == 0) return LeaseLost(id);
    auto rs = c.Query("SELECT cancel_requested FROM rating_runs WHERE id = ?", id);
    cancel = rs->next() && rs->getInt(1) != 0;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return cancel;
}

absl::Status ScoringStore::StartPublishing(int64_t id, const std::string& owner,
                                           const v1::RatingRun& totals) {
  return common::WithConnection(*pool_, "starting publication", [&](SqlConnection& c) {
    const v1::TierCounts& t = totals.tier_counts();
    const int changed = c.Update(
        "UPDATE rating_runs SET state = ?, accounts_total = ?, accounts_processed = ?, "
        "tier_a = ?, tier_b = ?, tier_c = ?, tier_d = ?, publish_cursor = 0, "
        "accounts_published = 0 WHERE id = ? AND lease_owner = ? AND state = ? AND "
        "cancel_requested = 0",
        static_cast<int>(v1::RUN_STATE_PUBLISHING), totals.accounts_total(),
        totals.accounts_processed(), t.a(), t.b(), t.c(), t.d(), id, owner,
        static_cast<int>(v1::RUN_STATE_RUNNING));
    if (changed > 0) return absl::OkStatus();
    // A cancel accepted since the last heartbeat wins: CancelRatingRun
    // answered OK while the run was RUNNING, so it must not publish.
    auto rs = c.Query("SELECT cancel_requested FROM rating_runs WHERE id = ? AND lease_owner = ?",
                      id, owner);
    if (rs->next() && rs->getInt(1) != 0) {
      return absl::CancelledError(absl::StrCat("ratingRuns/", id, " was cancelled"));
    }
    return LeaseLost(id);
  });
}

absl::Status ScoringStore::AdvancePublishing(int64_t id, const std::string& owner, int64_t cursor,
                                             int64_t published) {
  return common::WithConnection(*pool_, "recording publication", [&](SqlConnection& c) {
    const int changed = c.Update(
        "UPDATE rating_runs SET publish_cursor = ?, accounts_published = ? WHERE id = ? AND "
        "lease_owner = ?",
        cursor, published, id, owner);
    if (changed == 0) return LeaseLost(id);
    return absl::OkStatus();
  });
}

absl::Status ScoringStore::FinishRun(int64_t id, const std::string& owner, v1::RunState state,
                                     const std::string& error, absl::Time now) {
  return common::WithConnection(*pool_, "finishing run", [&](SqlConnection& c) {
    const int changed = c.Update(
        "UPDATE rating_runs SET state = ?, error = ?, end_time = ?, lease_owner = '', "
        "lease_until = NULL WHERE id = ? AND lease_owner = ?",
        static_cast<int>(state), error.substr(0, 1000), Time(now), id, owner);
    if (changed == 0) return LeaseLost(id);
    return absl::OkStatus();
  });
}

absl::Status ScoringStore::ReleaseRun(int64_t id, const std::string& owner) {
  return common::WithConnection(*pool_, "releasing run", [&](SqlConnection& c) {
    c.Update(
        "UPDATE rating_runs SET lease_until = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND, "
        "resumes = resumes WHERE id = ? AND lease_owner = ?",
        id, owner);
    return absl::OkStatus();
  });
}

// --- ratings ----------------------------------------------------------------

absl::Status ScoringStore::DeleteRatings(int64_t run_id) {
  return common::WithConnection(*pool_, "removing ratings", [&](SqlConnection& c) {
    // In slices, so no statement holds locks on a million rows at once.
    while (c.Update("DELETE FROM account_ratings WHERE run_id = ? LIMIT 10000", run_id) > 0) {
    }
    return absl::OkStatus();
  });
}

absl::Status ScoringStore::InsertRatings(int64_t run_id, const std::vector<RatingRow>& rows) {
  return common::WithConnection(*pool_, "writing ratings", [&](SqlConnection& c) {
    size_t done = 0;
    while (done < rows.size()) {
      // Full statements of kRatingsPerInsert rows, then single rows: two
      // statement shapes, each prepared once per connection.
      const size_t chunk = rows.size() - done >= kRatingsPerInsert ? kRatingsPerInsert : 1;
      std::string sql = absl::StrCat("INSERT INTO account_ratings (run_id, ", kRatingColumns,
                                     ") VALUES ");
      std::vector<SqlValue> values;
      values.reserve(chunk * 18);
      for (size_t i = 0; i < chunk; ++i) {
        const RatingRow& r = rows[done + i];
        sql.append(i == 0 ? "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
                          : ",(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        values.emplace_back(run_id);
        values.emplace_back(r.account_id);
        values.emplace_back(r.currency);
        values.emplace_back(r.value_minor);
        values.emplace_back(int64_t{r.value_score});
        values.emplace_back(r.segment);
        values.emplace_back(r.rank);
        values.emplace_back(int64_t{r.tier});
        values.emplace_back(int64_t{r.previous_tier});
        values.emplace_back(int64_t{r.movement});
        values.emplace_back(int64_t{r.key_account ? 1 : 0});
        values.emplace_back(r.clv_minor);
        values.emplace_back(int64_t{r.churn_risk});
        values.emplace_back(int64_t{r.health});
        values.emplace_back(int64_t{r.sla_breaches});
        values.emplace_back(r.receivables_minor);
        values.emplace_back(r.overdue_minor);
        values.emplace_back(r.details);
      }
      c.Update(sql, values);
      done += chunk;
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<RatingRow>> ScoringStore::RatingsPage(int64_t run_id,
                                                                 int64_t after_account, int limit) {
  std::vector<RatingRow> rows;
  absl::Status status = common::WithConnection(*pool_, "reading ratings", [&](SqlConnection& c) {
    auto rs = c.Query(absl::StrCat("SELECT ", kRatingColumns,
                                   " FROM account_ratings WHERE run_id = ? AND account_id > ? "
                                   "ORDER BY account_id LIMIT ?"),
                      run_id, after_account, static_cast<int64_t>(limit));
    while (rs->next()) rows.push_back(ReadRating(*rs));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return rows;
}

absl::StatusOr<RatingRow> ScoringStore::GetRating(int64_t run_id, int64_t account_id) {
  RatingRow row;
  absl::Status status = common::WithConnection(*pool_, "reading rating", [&](SqlConnection& c) {
    auto rs = c.Query(absl::StrCat("SELECT ", kRatingColumns,
                                   " FROM account_ratings WHERE run_id = ? AND account_id = ?"),
                      run_id, account_id);
    if (!rs->next()) {
      return absl::NotFoundError(absl::StrCat("rating ratingRuns/", run_id, "/ratings/",
                                              account_id, " not found"));
    }
    row = ReadRating(*rs);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return row;
}

namespace {

template <typename Enum>
absl::StatusOr<int64_t> EnumValue(absl::string_view field, const std::string& value,
                                  absl::string_view prefix,
                                  bool (*parse)(const std::string&, Enum*)) {
  const std::string upper = absl::AsciiStrToUpper(value);
  Enum parsed;
  if (parse(upper, &parsed) || parse(absl::StrCat(prefix, upper), &parsed)) {
    return static_cast<int64_t>(parsed);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("filter value \"", value.substr(0, 64), "\" is not a valid ", field));
}

using common::SqlOp;

absl::Status RatingComparison(const common::FilterComparison& c, std::string* sql,
                              std::vector<SqlValue>* params) {
  auto column = [&](const char* name, absl::StatusOr<int64_t> value) -> absl::Status {
    if (!value.ok()) return value.status();
    absl::StrAppend(sql, name, SqlOp(c.op), "?");
    params->emplace_back(*value);
    return absl::OkStatus();
  };
  if (c.field == "tier" || c.field == "movement" || c.field == "key_account" ||
      c.field == "segment") {
    if (absl::Status s = common::OnlyEquality(c); !s.ok()) return s;
  }
  if (c.field == "tier") {
    return column("tier", EnumValue<account::v1::Tier>("tier", c.value, "TIER_",
                                                       account::v1::Tier_Parse));
  }
  if (c.field == "movement") {
    return column("movement",
                  EnumValue<v1::Movement>("movement", c.value, "MOVEMENT_", v1::Movement_Parse));
  }
  if (c.field == "key_account") {
    const std::string v = absl::AsciiStrToLower(c.value);
    if (v != "true" && v != "false") {
      return absl::InvalidArgumentError("filter value for key_account must be true or false");
    }
    return column("key_account", int64_t{v == "true" ? 1 : 0});
  }
  if (c.field == "segment") {
    absl::StrAppend(sql, "segment", SqlOp(c.op), "?");
    params->emplace_back(c.value);
    return absl::OkStatus();
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

absl::Status RatingFilterToSql(const common::FilterNode& node, std::string* sql,
                               std::vector<SqlValue>* params) {
  common::SqlFragment where;
  absl::Status s = common::FilterToSql(
      node,
      [](const common::FilterComparison& c, common::SqlFragment* out) {
        return RatingComparison(c, &out->sql, &out->params);
      },
      &where);
  sql->append(where.sql);
  for (SqlValue& v : where.params) params->push_back(std::move(v));
  return s;
}

}  // namespace

absl::StatusOr<std::vector<RatingRow>> ScoringStore::ListRatings(int64_t run_id,
                                                                 const common::FilterNode& filter,
                                                                 int64_t after_account,
                                                                 int limit) {
  std::string where;
  std::vector<SqlValue> params = {run_id, after_account};
  if (absl::Status s = RatingFilterToSql(filter, &where, &params); !s.ok()) return s;
  params.emplace_back(static_cast<int64_t>(limit) + 1);
  std::vector<RatingRow> rows;
  absl::Status status = common::WithConnection(*pool_, "listing ratings", [&](SqlConnection& c) {
    auto rs = c.Query(absl::StrCat("SELECT ", kRatingColumns,
                                   " FROM account_ratings WHERE run_id = ? AND account_id > ? "
                                   "AND ",
                                   where, " ORDER BY account_id LIMIT ?"),
                      params);
    while (rs->next()) rows.push_back(ReadRating(*rs));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return rows;
}

absl::StatusOr<std::vector<RatingRow>> ScoringStore::KeyChanges(int64_t run_id,
                                                                const std::vector<int>& key_tiers,
                                                                bool came_on,
                                                                int64_t after_account, int limit) {
  // The key tiers as a bit mask: previous_tier in the list <=> its bit set.
  int64_t mask = 0;
  for (int tier : key_tiers) mask |= int64_t{1} << tier;
  std::vector<RatingRow> rows;
  absl::Status status = common::WithConnection(*pool_, "listing changes", [&](SqlConnection& c) {
    auto rs = c.Query(absl::StrCat("SELECT ", kRatingColumns,
                                   " FROM account_ratings WHERE run_id = ? AND account_id > ? AND "
                                   "key_account = ? AND ((? >> previous_tier) & 1) = ? "
                                   "ORDER BY account_id LIMIT ?"),
                      run_id, after_account, int64_t{came_on ? 1 : 0}, mask,
                      int64_t{came_on ? 0 : 1}, static_cast<int64_t>(limit) + 1);
    while (rs->next()) rows.push_back(ReadRating(*rs));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return rows;
}

absl::StatusOr<int64_t> ScoringStore::PreviousSucceededRun(int64_t run_id) {
  int64_t previous = 0;
  absl::Status status = common::WithConnection(*pool_, "reading runs", [&](SqlConnection& c) {
    auto rs = c.Query("SELECT MAX(id) FROM rating_runs WHERE id < ? AND state = ?", run_id,
                      static_cast<int>(v1::RUN_STATE_SUCCEEDED));
    if (rs->next()) previous = rs->getInt64(1);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return previous;
}

}  // namespace kam::scoring
