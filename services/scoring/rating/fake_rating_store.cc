#include "services/scoring/rating/fake_rating_store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"

namespace kam::scoring::rating {
namespace {

using Data = FakeRatingStore::Data;

absl::Status NotInTheFake() { return absl::UnimplementedError("not in the fake"); }

}  // namespace

void FakeRatingStore::PutRun(const StoredRun& run) {
  absl::Status ignored = db_.Write("storing run", [&](Data& data) {
    data.runs[run.id].stored = run;
    return absl::OkStatus();
  });
  (void)ignored;
}

absl::StatusOr<common::InsertOutcome> FakeRatingStore::CreateRun(const StoredRun& run,
                                                                 const common::RequestKey& key) {
  return db_.Change<common::InsertOutcome>(
      "creating run", [&](Data& data) -> absl::StatusOr<common::InsertOutcome> {
        for (const auto& [id, other] : data.runs) {
          if (!key.id.empty() && other.request_id == key.id) {
            return common::InsertOutcome::kDuplicateRequest;
          }
        }
        data.runs[run.id] = Run{run, key.id, key.hash};
        return common::InsertOutcome::kInserted;
      });
}

absl::StatusOr<std::optional<common::CreatedByRequest<StoredRun>>>
FakeRatingStore::FindRunByRequest(const std::string& request_id) {
  using Found = std::optional<common::CreatedByRequest<StoredRun>>;
  return db_.Read<Found>("reading run", [&](const Data& data) -> absl::StatusOr<Found> {
    for (const auto& [id, run] : data.runs) {
      if (run.request_id == request_id) {
        return Found(common::CreatedByRequest<StoredRun>{run.stored, run.request_hash});
      }
    }
    return Found();
  });
}

absl::StatusOr<StoredRun> FakeRatingStore::GetRun(int64_t id) {
  return db_.Read<StoredRun>("reading run", [&](const Data& data) -> absl::StatusOr<StoredRun> {
    auto it = data.runs.find(id);
    if (it == data.runs.end()) return RunNotFound(id);
    return it->second.stored;
  });
}

absl::StatusOr<std::vector<StoredRun>> FakeRatingStore::ListRuns(int64_t, int64_t, v1::RunState,
                                                                 int) {
  return NotInTheFake();
}

absl::StatusOr<StoredRun> FakeRatingStore::CancelRun(int64_t id, absl::Time now) {
  return db_.Change<StoredRun>("cancelling run", [&](Data& data) -> absl::StatusOr<StoredRun> {
    auto it = data.runs.find(id);
    if (it == data.runs.end()) return RunNotFound(id);
    StoredRun& run = it->second.stored;
    if (run.run.state() == v1::RUN_STATE_QUEUED) {
      run.run.set_state(v1::RUN_STATE_CANCELLED);
      *run.run.mutable_end_time() = common::ToProtoTimestamp(now);
    } else if (run.run.state() == v1::RUN_STATE_RUNNING) {
      run.cancel_requested = true;
    } else {
      return absl::FailedPreconditionError(absl::StrCat(run.run.name(), " cannot be cancelled"));
    }
    return run;
  });
}

absl::StatusOr<std::optional<StoredRun>> FakeRatingStore::ClaimRun(const std::string& owner,
                                                                   absl::Time now,
                                                                   absl::Duration lease,
                                                                   int max_resumes) {
  using Claimed = std::optional<StoredRun>;
  return db_.Change<Claimed>("claiming run", [&](Data& data) -> absl::StatusOr<Claimed> {
    for (auto& [id, entry] : data.runs) {
      v1::RatingRun& run = entry.stored.run;
      const bool queued = run.state() == v1::RUN_STATE_QUEUED;
      const bool abandoned =
          (run.state() == v1::RUN_STATE_RUNNING || run.state() == v1::RUN_STATE_PUBLISHING) &&
          (entry.lease_until < now || entry.stored.lease_owner == owner);
      if (!queued && !abandoned) continue;
      if (abandoned && run.state() == v1::RUN_STATE_RUNNING && run.resumes() >= max_resumes) {
        run.set_state(v1::RUN_STATE_FAILED);
        entry.stored.lease_owner.clear();
        continue;
      }
      if (queued) run.set_state(v1::RUN_STATE_RUNNING);
      if (abandoned) run.set_resumes(run.resumes() + 1);
      if (!run.has_start_time()) *run.mutable_start_time() = common::ToProtoTimestamp(now);
      entry.stored.lease_owner = owner;
      entry.lease_until = now + lease;
      return Claimed(entry.stored);
    }
    return Claimed();
  });
}

absl::Status FakeRatingStore::Leased(absl::string_view context, int64_t id,
                                     const std::string& owner,
                                     absl::FunctionRef<absl::Status(Run&)> change) {
  return db_.Write(context, [&](Data& data) {
    auto it = data.runs.find(id);
    if (it == data.runs.end() || it->second.stored.lease_owner != owner) return LeaseLost(id);
    return change(it->second);
  });
}

absl::StatusOr<bool> FakeRatingStore::Heartbeat(int64_t id, const std::string& owner,
                                                absl::Time lease_until,
                                                const v1::RatingRun& progress) {
  bool cancel = false;
  absl::Status status = Leased("recording progress", id, owner, [&](Run& run) {
    run.lease_until = lease_until;
    v1::RatingRun& r = run.stored.run;
    r.set_accounts_total(progress.accounts_total());
    r.set_accounts_processed(progress.accounts_processed());
    *r.mutable_tier_counts() = progress.tier_counts();
    cancel = run.stored.cancel_requested;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return cancel;
}

absl::Status FakeRatingStore::StartPublishing(int64_t id, const std::string& owner,
                                              const v1::RatingRun& totals) {
  return Leased("starting publication", id, owner, [&](Run& run) {
    if (run.stored.cancel_requested) {
      return absl::CancelledError(absl::StrCat(run.stored.run.name(), " was cancelled"));
    }
    if (run.stored.run.state() != v1::RUN_STATE_RUNNING) return LeaseLost(id);
    v1::RatingRun& r = run.stored.run;
    r.set_state(v1::RUN_STATE_PUBLISHING);
    r.set_accounts_total(totals.accounts_total());
    r.set_accounts_processed(totals.accounts_processed());
    *r.mutable_tier_counts() = totals.tier_counts();
    r.set_designations_lapsed(totals.designations_lapsed());
    r.set_accounts_published(0);
    run.stored.publish_cursor = 0;
    return absl::OkStatus();
  });
}

absl::Status FakeRatingStore::AdvancePublishing(int64_t id, const std::string& owner,
                                                int64_t cursor, int64_t published) {
  return Leased("recording publication", id, owner, [&](Run& run) {
    run.stored.publish_cursor = cursor;
    run.stored.run.set_accounts_published(published);
    return absl::OkStatus();
  });
}

absl::Status FakeRatingStore::FinishRun(int64_t id, const std::string& owner, v1::RunState state,
                                        const std::string& error, absl::Time now) {
  return Leased("finishing run", id, owner, [&](Run& run) {
    run.stored.run.set_state(state);
    run.stored.run.set_error(error.substr(0, 1000));
    *run.stored.run.mutable_end_time() = common::ToProtoTimestamp(now);
    run.stored.lease_owner.clear();
    return absl::OkStatus();
  });
}

absl::Status FakeRatingStore::ReleaseRun(int64_t id, const std::string& owner) {
  absl::Status status = Leased("releasing run", id, owner, [&](Run& run) {
    run.lease_until = absl::InfinitePast();
    return absl::OkStatus();
  });
  // Releasing a run this replica no longer holds changes nothing.
  return status.code() == absl::StatusCode::kFailedPrecondition ? absl::OkStatus() : status;
}

absl::StatusOr<int64_t> FakeRatingStore::PreviousSucceededRun(int64_t run_id) {
  return db_.Read<int64_t>("reading runs", [&](const Data& data) -> absl::StatusOr<int64_t> {
    int64_t previous = 0;
    for (const auto& [id, run] : data.runs) {
      if (id < run_id && run.stored.run.state() == v1::RUN_STATE_SUCCEEDED) previous = id;
    }
    return previous;
  });
}

absl::Status FakeRatingStore::DeleteRatings(int64_t run_id) {
  return db_.Write("removing ratings", [&](Data& data) {
    data.ratings.erase(run_id);
    return absl::OkStatus();
  });
}

absl::Status FakeRatingStore::InsertRatings(int64_t run_id, const std::vector<RatingRow>& rows) {
  return db_.Write("writing ratings", [&](Data& data) {
    std::map<int64_t, RatingRow>& ratings = data.ratings[run_id];
    for (const RatingRow& row : rows) {
      if (!ratings.emplace(row.account_id, row).second) {
        return absl::AlreadyExistsError(absl::StrCat("duplicate rating of ", row.account_id));
      }
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<RatingRow>> FakeRatingStore::RatingsPage(int64_t run_id,
                                                                    int64_t after_account,
                                                                    int limit) {
  return db_.Read<std::vector<RatingRow>>(
      "reading ratings", [&](const Data& data) -> absl::StatusOr<std::vector<RatingRow>> {
        std::vector<RatingRow> rows;
        auto run = data.ratings.find(run_id);
        if (run == data.ratings.end()) return rows;
        for (auto it = run->second.upper_bound(after_account);
             it != run->second.end() && static_cast<int>(rows.size()) < limit; ++it) {
          rows.push_back(it->second);
        }
        return rows;
      });
}

absl::StatusOr<std::vector<rules::AccountRunResult>> FakeRatingStore::RunResultsPage(
    int64_t run_id, int64_t after_account, int limit) {
  KAM_ASSIGN_OR_RETURN(std::vector<RatingRow> rows, RatingsPage(run_id, after_account, limit));
  std::vector<rules::AccountRunResult> results;
  for (const RatingRow& row : rows) results.push_back(rules::RunResultOf(row));
  return results;
}

absl::StatusOr<RatingRow> FakeRatingStore::GetRating(int64_t run_id, int64_t account_id) {
  return db_.Read<RatingRow>("reading rating", [&](const Data& data) -> absl::StatusOr<RatingRow> {
    auto run = data.ratings.find(run_id);
    if (run != data.ratings.end()) {
      auto it = run->second.find(account_id);
      if (it != run->second.end()) return it->second;
    }
    return RatingNotFound(run_id, account_id);
  });
}

absl::StatusOr<std::vector<RatingRow>> FakeRatingStore::ListRatings(int64_t,
                                                                    const common::FilterNode&,
                                                                    int64_t, int) {
  return NotInTheFake();
}

absl::StatusOr<std::vector<RatingRow>> FakeRatingStore::KeyChanges(int64_t, const std::vector<int>&,
                                                                   bool, const common::FilterNode&,
                                                                   int64_t, int) {
  return NotInTheFake();
}

}  // namespace kam::scoring::rating
