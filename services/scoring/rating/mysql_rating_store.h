// RatingStore over MariaDB (schema kam_scoring): the only SQL of the runs
// (mysql_rating_store.cc) and the ratings (mysql_rating_store_ratings.cc).
// Prepared statements only.
#ifndef KAM_SERVICES_SCORING_RATING_MYSQL_RATING_STORE_H_
#define KAM_SERVICES_SCORING_RATING_MYSQL_RATING_STORE_H_

#include "common/db/id_allocator.h"
#include "common/db/mysql_pool.h"
#include "services/scoring/rating/rating_store.h"

namespace kam::scoring::rating {

class MySqlRatingStore final : public RatingStore {
 public:
  explicit MySqlRatingStore(common::ConnectionPool* pool);

  absl::StatusOr<int64_t> NewRunId() override { return run_ids_.Next(); }
  absl::StatusOr<common::InsertOutcome> CreateRun(const StoredRun& run,
                                                  const common::RequestKey& key) override;
  absl::StatusOr<std::optional<common::CreatedByRequest<StoredRun>>> FindRunByRequest(
      const std::string& request_id) override;
  absl::StatusOr<StoredRun> GetRun(int64_t id) override;
  absl::StatusOr<std::vector<StoredRun>> ListRuns(int64_t before_id, int64_t policy_id,
                                                  v1::RunState state, int limit) override;
  absl::StatusOr<StoredRun> CancelRun(int64_t id, absl::Time now) override;
  absl::StatusOr<std::optional<StoredRun>> ClaimRun(const std::string& owner, absl::Time now,
                                                    absl::Duration lease,
                                                    int max_resumes) override;
  absl::StatusOr<bool> Heartbeat(int64_t id, const std::string& owner, absl::Time lease_until,
                                 const v1::RatingRun& progress) override;
  absl::Status StartPublishing(int64_t id, const std::string& owner,
                               const v1::RatingRun& totals) override;
  absl::Status AdvancePublishing(int64_t id, const std::string& owner, int64_t cursor,
                                 int64_t published) override;
  absl::Status FinishRun(int64_t id, const std::string& owner, v1::RunState state,
                         const std::string& error, absl::Time now) override;
  absl::Status ReleaseRun(int64_t id, const std::string& owner) override;
  absl::StatusOr<int64_t> PreviousSucceededRun(int64_t run_id) override;

  absl::Status DeleteRatings(int64_t run_id) override;
  absl::Status InsertRatings(int64_t run_id, const std::vector<RatingRow>& rows) override;
  absl::StatusOr<std::vector<RatingRow>> RatingsPage(int64_t run_id, int64_t after_account,
                                                     int limit) override;
  absl::StatusOr<RatingRow> GetRating(int64_t run_id, int64_t account_id) override;
  absl::StatusOr<std::vector<RatingRow>> ListRatings(int64_t run_id,
                                                     const common::FilterNode& filter,
                                                     int64_t after_account, int limit) override;
  absl::StatusOr<std::vector<RatingRow>> KeyChanges(int64_t run_id,
                                                    const std::vector<int>& key_tiers,
                                                    bool came_on, int64_t after_account,
                                                    int limit) override;

 private:
  // The ratings of `select` (a SELECT of the rating columns) with `params`.
  absl::StatusOr<std::vector<RatingRow>> ReadRatings(absl::string_view context,
                                                     const std::string& select,
                                                     const std::vector<common::SqlValue>& params);

  common::ConnectionPool* pool_;
  common::IdAllocator run_ids_;
};

}  // namespace kam::scoring::rating

#endif  // KAM_SERVICES_SCORING_RATING_MYSQL_RATING_STORE_H_
