// All SQL of the scoring service (schema kam_scoring) but the alerts'
// (alert_store.h): policies and their versions, rating runs with their
// leases, and the ratings. Prepared statements only.
#ifndef KAM_SERVICES_SCORING_SCORING_STORE_H_
#define KAM_SERVICES_SCORING_SCORING_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/api/filter.h"
#include "common/api/page_token.h"
#include "common/db/id_allocator.h"
#include "common/db/migrator.h"
#include "common/db/mysql_pool.h"
#include "kam/scoring/v1/policy.pb.h"
#include "kam/scoring/v1/rating.pb.h"

namespace kam::scoring {

// The embedded migrations (services/scoring/migrations).
const std::vector<common::Migration>& Migrations();

// A policy version as stored: the message with name, version, used, times
// and etag filled in.
struct StoredPolicy {
  int64_t id = 0;
  int64_t revision = 0;  // bumped by every in-place update (the etag's)
  v1::ScoringPolicy policy;
};

// A run as stored.
struct StoredRun {
  int64_t id = 0;
  int64_t policy_id = 0;
  bool cancel_requested = false;
  int64_t publish_cursor = 0;  // ratings of accounts up to this id are published
  std::string lease_owner;
  v1::RatingRun run;  // every field filled, name included
};

// One rating as stored.
struct RatingRow {
  int64_t account_id = 0;
  std::string currency;
  int64_t value_minor = 0;
  int32_t value_score = 0;
  std::string segment;
  int64_t rank = 0;
  int tier = 0;
  int previous_tier = 0;
  int movement = 0;
  bool key_account = false;
  int64_t clv_minor = 0;
  int churn_risk = 0;
  int health = 0;
  int32_t sla_breaches = 0;
  int64_t receivables_minor = 0;
  int64_t overdue_minor = 0;
  // The explanations: an AccountRating with value_factors, churn_risk and
  // health filled in, serialized.
  std::string details;
};

// The AccountRating of `row` in run `run_id`.
v1::AccountRating ToAccountRating(int64_t run_id, const RatingRow& row);

enum class CreateOutcome { kCreated, kDuplicateRequest };

class ScoringStore {
 public:
  explicit ScoringStore(common::ConnectionPool* pool);

  // --- policies ---
  absl::StatusOr<int64_t> NewPolicyId() { return policy_ids_.Next(); }
  // Inserts version 1 of a new policy. kDuplicateRequest when `request_id`
  // was used before (then look it up with FindPolicyByRequest).
  absl::StatusOr<CreateOutcome> CreatePolicy(int64_t id, const v1::ScoringPolicy& policy,
                                             absl::Time now, const std::string& request_id,
                                             const std::string& request_hash);
  absl::StatusOr<std::pair<int64_t, std::string>> FindPolicyByRequest(const std::string& request_id);
  // The latest version (version 0) or the given one. NOT_FOUND.
  absl::StatusOr<StoredPolicy> GetPolicy(int64_t id, int version = 0);
  // Latest versions of policies with id > after_id, at most limit + 1.
  absl::StatusOr<std::vector<StoredPolicy>> ListPolicies(int64_t after_id, int limit);
  // Versions of one policy below `before_version` (0: all), newest first.
  absl::StatusOr<std::vector<StoredPolicy>> ListVersions(int64_t id, int before_version, int limit);
  // Applies `change` to the latest version under a lock: in place when it
  // is unused, as a new version when a run used it. `change` sees the
  // stored policy and returns the new message (or an error, rolling back).
  absl::StatusOr<StoredPolicy> UpdatePolicy(
      int64_t id, absl::Time now,
      const std::function<absl::StatusOr<v1::ScoringPolicy>(const StoredPolicy&)>& change);
  absl::Status MarkVersionUsed(int64_t id, int version);

  // --- runs ---
  absl::StatusOr<int64_t> NewRunId() { return run_ids_.Next(); }
  absl::StatusOr<CreateOutcome> CreateRun(const StoredRun& run, const std::string& request_id,
                                          const std::string& request_hash);
  absl::StatusOr<std::pair<StoredRun, std::string>> FindRunByRequest(const std::string& request_id);
  absl::StatusOr<StoredRun> GetRun(int64_t id);
  // Runs with id < before_id (0: all), newest first, optionally of one
  // policy and state, at most limit + 1.
  absl::StatusOr<std::vector<StoredRun>> ListRuns(int64_t before_id, int64_t policy_id,
                                                  v1::RunState state, int limit);
  // QUEUED -> CANCELLED at once; RUNNING -> cancel requested (the runner
  // stops at its next step); otherwise FAILED_PRECONDITION.
  absl::StatusOr<StoredRun> CancelRun(int64_t id, absl::Time now);

  // Takes the oldest run that is QUEUED, or RUNNING/PUBLISHING with an
  // expired lease (its replica died), for `owner` until now + lease. A
  // resumed run counts a resume; a RUNNING run past `max_resumes` is failed
  // instead (a PUBLISHING one is always resumed: a publication is finished,
  // never left half done). nullopt when there is nothing to do.
  absl::StatusOr<std::optional<StoredRun>> ClaimRun(const std::string& owner, absl::Time now,
                                                    absl::Duration lease, int max_resumes);
  // Extends the lease and records progress. FAILED_PRECONDITION when the
  // lease was lost (another replica took the run): stop working on it.
  // Returns whether cancellation was requested.
  absl::StatusOr<bool> Heartbeat(int64_t id, const std::string& owner, absl::Time lease_until,
                                 const v1::RatingRun& progress);
  // RUNNING -> PUBLISHING with the final counts. CANCELLED when a cancel
  // was requested (the run must not publish); FAILED_PRECONDITION when the
  // lease is lost.
  absl::Status StartPublishing(int64_t id, const std::string& owner, const v1::RatingRun& totals);
  // Records published accounts up to `cursor` (an account id).
  absl::Status AdvancePublishing(int64_t id, const std::string& owner, int64_t cursor,
                                 int64_t published);
  // Ends a run: SUCCEEDED, FAILED (with `error`) or CANCELLED; clears the
  // lease.
  absl::Status FinishRun(int64_t id, const std::string& owner, v1::RunState state,
                         const std::string& error, absl::Time now);
  // Gives a run back (graceful shutdown): the lease ends now, so another
  // replica or the next start resumes it at once.
  absl::Status ReleaseRun(int64_t id, const std::string& owner);

  // --- ratings ---
  // Removes a run's ratings (a resumed or cancelled run starts clean).
  absl::Status DeleteRatings(int64_t run_id);
  // Inserts ratings, many per statement.
  absl::Status InsertRatings(int64_t run_id, const std::vector<RatingRow>& rows);
  // Ratings of accounts with id > after_account, in account order, at most
  // `limit`.
  absl::StatusOr<std::vector<RatingRow>> RatingsPage(int64_t run_id, int64_t after_account,
                                                     int limit);
  absl::StatusOr<RatingRow> GetRating(int64_t run_id, int64_t account_id);
  // Ratings matching `filter` (ListAccountRatingsRequest.filter) after
  // `after_account`, at most limit + 1. INVALID_ARGUMENT for fields or
  // values it cannot map.
  absl::StatusOr<std::vector<RatingRow>> ListRatings(int64_t run_id,
                                                     const common::FilterNode& filter,
                                                     int64_t after_account, int limit);
  // Key-account list changes (ListKeyAccountChanges): accounts now in a key
  // tier that were not before (`came_on`), or the reverse; after
  // `after_account`, at most limit + 1.
  absl::StatusOr<std::vector<RatingRow>> KeyChanges(int64_t run_id,
                                                    const std::vector<int>& key_tiers,
                                                    bool came_on, int64_t after_account,
                                                    int limit);
  // The newest SUCCEEDED run before `run_id`, or 0.
  absl::StatusOr<int64_t> PreviousSucceededRun(int64_t run_id);

 private:
  common::ConnectionPool* pool_;
  common::IdAllocator policy_ids_;
  common::IdAllocator run_ids_;
};

}  // namespace kam::scoring

#endif  // KAM_SERVICES_SCORING_SCORING_STORE_H_
