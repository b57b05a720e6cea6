#include "services/scoring/rating/mysql_rating_store.h"

#include <cppconn/exception.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/base/proto_time.h"
#include "common/db/row_reader.h"
#include "common/db/sql_error.h"
#include "common/db/transaction.h"
#include "services/scoring/names.h"

namespace kam::scoring::rating {
namespace {

using common::SqlConnection;
using common::SqlTime;

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

}  // namespace

MySqlRatingStore::MySqlRatingStore(common::ConnectionPool* pool)
    : pool_(pool), run_ids_(pool, "rating_runs", 100) {}

absl::StatusOr<common::InsertOutcome> MySqlRatingStore::CreateRun(const StoredRun& stored,
                                                                  const common::RequestKey& key) {
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

absl::StatusOr<std::optional<common::CreatedByRequest<StoredRun>>>
MySqlRatingStore::FindRunByRequest(const std::string& request_id) {
  using Found = std::optional<common::CreatedByRequest<StoredRun>>;
  return common::ReadWithConnection<Found>(*pool_, "reading run", [&](SqlConnection& c) {
    return common::ReadCreatedByRequest(
        c,
        absl::StrCat("SELECT ", kRunColumns,
                     ", r.create_request_hash FROM rating_runs r WHERE r.create_request_id = ?"),
        request_id, ReadRun);
  });
}

absl::StatusOr<StoredRun> MySqlRatingStore::GetRun(int64_t id) {
  return common::ReadWithConnection<StoredRun>(
      *pool_, "reading run", [&](SqlConnection& c) -> absl::StatusOr<StoredRun> {
        auto rs = c.Query(absl::StrCat("SELECT ", kRunColumns, " FROM rating_runs r WHERE r.id = ?"),
                          id);
        if (!rs->next()) return RunNotFound(id);
        return ReadRun(*rs);
      });
}

absl::StatusOr<std::vector<StoredRun>> MySqlRatingStore::ListRuns(int64_t before_id,
                                                                  int64_t policy_id,
                                                                  v1::RunState state, int limit) {
  return common::ReadWithConnection<std::vector<StoredRun>>(
      *pool_, "listing runs", [&](SqlConnection& c) {
        std::vector<StoredRun> rows;
        auto rs = c.Query(absl::StrCat("SELECT ", kRunColumns,
                                       " FROM rating_runs r WHERE (? = 0 OR r.id < ?) AND (? = 0 "
                                       "OR r.policy_id = ?) AND (? = 0 OR r.state = ?) ORDER BY "
                                       "r.id DESC LIMIT ?"),
                          before_id, before_id, policy_id, policy_id, static_cast<int>(state),
                          static_cast<int>(state), static_cast<int64_t>(limit) + 1);
        while (rs->next()) rows.push_back(ReadRun(*rs));
        return rows;
      });
}

absl::StatusOr<StoredRun> MySqlRatingStore::CancelRun(int64_t id, absl::Time now) {
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

absl::StatusOr<std::optional<StoredRun>> MySqlRatingStore::ClaimRun(const std::string& owner,
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
          static_cast<int>(v1::RUN_STATE_PUBLISHING), SqlTime(now));
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
      if (!run.run.has_start_time()) *run.run.mutable_start_time() = common::ToProtoTimestamp(now);
      claimed = std::move(run);
      return absl::OkStatus();
    }
  });
  if (!status.ok()) return status;
  return claimed;
}

absl::StatusOr<bool> MySqlRatingStore::Heartbeat(int64_t id, const std::string& owner,
                                                 absl::Time lease_until,
                                                 const v1::RatingRun& progress) {
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

absl::Status MySqlRatingStore::StartPublishing(int64_t id, const std::string& owner,
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
      return absl::CancelledError(absl::StrCat(RunName(id), " was cancelled"));
    }
    return LeaseLost(id);
  });
}

absl::Status MySqlRatingStore::AdvancePublishing(int64_t id, const std::string& owner,
                                                 int64_t cursor, int64_t published) {
  return UpdateLeased(*pool_, "recording publication", id, [&](SqlConnection& c) {
    return c.Update(
        "UPDATE rating_runs SET publish_cursor = ?, accounts_published = ? WHERE id = ? AND "
        "lease_owner = ?",
        cursor, published, id, owner);
  });
}

absl::Status MySqlRatingStore::FinishRun(int64_t id, const std::string& owner, v1::RunState state,
                                         const std::string& error, absl::Time now) {
  return UpdateLeased(*pool_, "finishing run", id, [&](SqlConnection& c) {
    return c.Update(
        "UPDATE rating_runs SET state = ?, error = ?, end_time = ?, lease_owner = '', "
        "lease_until = NULL WHERE id = ? AND lease_owner = ?",
        static_cast<int>(state), error.substr(0, 1000), SqlTime(now), id, owner);
  });
}

absl::Status MySqlRatingStore::ReleaseRun(int64_t id, const std::string& owner) {
  return common::WithConnection(*pool_, "releasing run", [&](SqlConnection& c) {
    c.Update(
        "UPDATE rating_runs SET lease_until = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND, "
        "resumes = resumes WHERE id = ? AND lease_owner = ?",
        id, owner);
    return absl::OkStatus();
  });
}

absl::StatusOr<int64_t> MySqlRatingStore::PreviousSucceededRun(int64_t run_id) {
  return common::ReadWithConnection<int64_t>(*pool_, "reading runs", [&](SqlConnection& c) {
    auto rs = c.Query("SELECT MAX(id) FROM rating_runs WHERE id < ? AND state = ?", run_id,
                      static_cast<int>(v1::RUN_STATE_SUCCEEDED));
    return rs->next() ? rs->getInt64(1) : int64_t{0};
  });
}

}  // namespace kam::scoring::rating
