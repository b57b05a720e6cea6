// Rating runs with their leases, and the ratings they write
// (kam_scoring.rating_runs, account_ratings): what the rating handlers, the
// runner and the reports read and write. No SQL here: MySqlRatingStore
// (mysql_rating_store.h) is the real store, FakeRatingStore
// (fake_rating_store.h) stands in for it in unit tests. Every method answers
// UNAVAILABLE while the database is down.
//
// The run's life (QUEUED -> RUNNING -> PUBLISHING -> SUCCEEDED, or FAILED,
// CANCELLED) is kept by single atomic operations (CancelRun, ClaimRun,
// StartPublishing, ...), each one statement or one transaction of the
// store, because every one of them races with another replica's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/api/filter.h"
#include "common/api/idempotency.h"
#include "kam/scoring/v1/rating.pb.h"
#include "services/scoring/rules/account_rating.h"

namespace kam::scoring::rating {

// One rating as stored: what rules::AccountRater::Rate made of an account.
using rules::RatingRow;

// A run as stored.
struct StoredRun {
  int64_t id = 0;
  int64_t policy_id = 0;
  bool cancel_requested = false;
  int64_t publish_cursor = 0;  // ratings of accounts up to this id are published
  std::string lease_owner;
  v1::RatingRun run;  // every field filled, name included
};

// The AccountRating of `row` in run `run_id`.
v1::AccountRating ToAccountRating(int64_t run_id, const RatingRow& row);

class RatingStore {
 public:
  virtual ~RatingStore() = default;

  // --- runs ---
  virtual absl::StatusOr<int64_t> NewRunId() = 0;
  // Inserts a QUEUED run with the create request's key (none when key.id is
  // empty). kDuplicateRequest, writing nothing, when key.id was used before.
  virtual absl::StatusOr<common::InsertOutcome> CreateRun(const StoredRun& run,
                                                          const common::RequestKey& key) = 0;
  // The run created with `request_id` (as it is now), with that request's
  // fingerprint; nullopt when none was.
  virtual absl::StatusOr<std::optional<common::CreatedByRequest<StoredRun>>> FindRunByRequest(
      const std::string& request_id) = 0;
  // NOT_FOUND.
  virtual absl::StatusOr<StoredRun> GetRun(int64_t id) = 0;
  // Runs with id < before_id (0: all), newest first, optionally of one
  // policy and state, at most limit + 1.
  virtual absl::StatusOr<std::vector<StoredRun>> ListRuns(int64_t before_id, int64_t policy_id,
                                                          v1::RunState state, int limit) = 0;
  // QUEUED -> CANCELLED at once; RUNNING -> cancel requested (the runner
  // stops at its next step); otherwise FAILED_PRECONDITION. NOT_FOUND.
  virtual absl::StatusOr<StoredRun> CancelRun(int64_t id, absl::Time now) = 0;

  // Takes the oldest run that is QUEUED, or RUNNING/PUBLISHING with an
  // expired lease (its replica died) or leased to `owner` itself (this
  // replica restarted: its runner holds one run at a time, so a run leased
  // to it while it looks for work was left by its previous process), for
  // `owner` until now + lease. A
  // resumed run counts a resume; a RUNNING run past `max_resumes` is failed
  // instead (a PUBLISHING one is always resumed: a publication is finished,
  // never left half done). nullopt when there is nothing to do.
  virtual absl::StatusOr<std::optional<StoredRun>> ClaimRun(const std::string& owner,
                                                            absl::Time now, absl::Duration lease,
                                                            int max_resumes) = 0;
  // Extends the lease and records progress. FAILED_PRECONDITION when the
  // lease was lost (another replica took the run): stop working on it.
  // Returns whether cancellation was requested.
  virtual absl::StatusOr<bool> Heartbeat(int64_t id, const std::string& owner,
                                         absl::Time lease_until, const v1::RatingRun& progress) = 0;
  // RUNNING -> PUBLISHING with the final counts. CANCELLED when a cancel
  // was requested (the run must not publish); FAILED_PRECONDITION when the
  // lease is lost.
  virtual absl::Status StartPublishing(int64_t id, const std::string& owner,
                                       const v1::RatingRun& totals) = 0;
  // Records published accounts up to `cursor` (an account id).
  // FAILED_PRECONDITION when the lease is lost.
  virtual absl::Status AdvancePublishing(int64_t id, const std::string& owner, int64_t cursor,
                                         int64_t published) = 0;
  // Ends a run: SUCCEEDED, FAILED (with `error`) or CANCELLED; clears the
  // lease. FAILED_PRECONDITION when the lease is lost.
  virtual absl::Status FinishRun(int64_t id, const std::string& owner, v1::RunState state,
                                 const std::string& error, absl::Time now) = 0;
  // Gives a run back (graceful shutdown): the lease ends now, so another
  // replica or the next start resumes it at once.
  virtual absl::Status ReleaseRun(int64_t id, const std::string& owner) = 0;
  // The newest SUCCEEDED run before `run_id`, or 0.
  virtual absl::StatusOr<int64_t> PreviousSucceededRun(int64_t run_id) = 0;

  // --- ratings ---
  // Removes a run's ratings (a resumed or cancelled run starts clean).
  virtual absl::Status DeleteRatings(int64_t run_id) = 0;
  // Inserts ratings, many per statement.
  virtual absl::Status InsertRatings(int64_t run_id, const std::vector<RatingRow>& rows) = 0;
  // Ratings of accounts with id > after_account, in account order, at most
  // `limit`.
  virtual absl::StatusOr<std::vector<RatingRow>> RatingsPage(int64_t run_id, int64_t after_account,
                                                             int limit) = 0;
  // What alerts compare (rules::RunResultOf) of the ratings of accounts
  // with id > after_account, in account order, at most `limit`: the same
  // page as RatingsPage, reading six columns rather than every one.
  virtual absl::StatusOr<std::vector<rules::AccountRunResult>> RunResultsPage(int64_t run_id,
                                                                              int64_t after_account,
                                                                              int limit) = 0;
  // NOT_FOUND.
  virtual absl::StatusOr<RatingRow> GetRating(int64_t run_id, int64_t account_id) = 0;
  // Ratings matching `filter` (ListAccountRatingsRequest.filter) after
  // `after_account`, at most limit + 1. INVALID_ARGUMENT for fields or
  // values it cannot map.
  virtual absl::StatusOr<std::vector<RatingRow>> ListRatings(int64_t run_id,
                                                             const common::FilterNode& filter,
                                                             int64_t after_account, int limit) = 0;
  // Key-account list changes (ListKeyAccountChanges): accounts now on the
  // key list that were not before (`came_on`: key_account and not was_key;
  // in ratings written before designations, was_key unset, a previous tier
  // outside `key_tiers`), or the reverse; after
  // `after_account`, at most limit + 1, of the ratings `filter` (as
  // ListRatings') keeps.
  virtual absl::StatusOr<std::vector<RatingRow>> KeyChanges(int64_t run_id,
                                                            const std::vector<int>& key_tiers,
                                                            bool came_on,
                                                            const common::FilterNode& filter,
                                                            int64_t after_account, int limit) = 0;
};

// NOT_FOUND for run `id`.
absl::Status RunNotFound(int64_t id);
// NOT_FOUND for the rating of `account` in run `run`.
absl::Status RatingNotFound(int64_t run, int64_t account);
// FAILED_PRECONDITION: run `id` is no longer leased to this replica.
absl::Status LeaseLost(int64_t id);

}  // namespace kam::scoring::rating
