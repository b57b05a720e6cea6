// An in-memory RatingStore for unit tests of the rating handlers, the runner
// and the reports: unique create request ids, leases, the run states as
// MySqlRatingStore moves them, the ratings of each run, and SetDown() for a
// database that is down. ListRuns, ListRatings and KeyChanges answer
// UNIMPLEMENTED.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/testing/fake_database.h"
#include "services/scoring/rating/rating_store.h"

namespace kam::scoring::rating {

class FakeRatingStore final : public RatingStore {
 public:
  struct Run {
    StoredRun stored;
    std::string request_id;
    std::string request_hash;
    absl::Time lease_until = absl::InfinitePast();
  };
  struct Data {
    std::map<int64_t, Run> runs;
    std::map<int64_t, std::map<int64_t, RatingRow>> ratings;  // run -> account -> rating
  };

  void SetDown(bool down) { db_.SetDown(down); }
  Data Snapshot() const { return db_.Snapshot(); }
  // Stores `run` as it is (a test's finished run, say).
  void PutRun(const StoredRun& run);

  absl::StatusOr<int64_t> NewRunId() override { return db_.NewId("allocating run id"); }
  absl::StatusOr<common::InsertOutcome> CreateRun(const StoredRun& run,
                                                  const common::RequestKey& key) override;
  absl::StatusOr<std::optional<common::CreatedByRequest<StoredRun>>> FindRunByRequest(
      const std::string& request_id) override;
  absl::StatusOr<StoredRun> GetRun(int64_t id) override;
  absl::StatusOr<std::vector<StoredRun>> ListRuns(int64_t before_id, int64_t policy_id,
                                                  v1::RunState state, int limit) override;
  absl::StatusOr<StoredRun> CancelRun(int64_t id, absl::Time now) override;
  absl::StatusOr<std::optional<StoredRun>> ClaimRun(const std::string& owner, absl::Time now,
                                                    absl::Duration lease, int max_resumes) override;
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
  absl::StatusOr<std::vector<rules::AccountRunResult>> RunResultsPage(int64_t run_id,
                                                                      int64_t after_account,
                                                                      int limit) override;
  absl::StatusOr<std::vector<RatingRow>> RatingsPage(int64_t run_id, int64_t after_account,
                                                     int limit) override;
  absl::StatusOr<RatingRow> GetRating(int64_t run_id, int64_t account_id) override;
  absl::StatusOr<std::vector<RatingRow>> ListRatings(int64_t run_id,
                                                     const common::FilterNode& filter,
                                                     int64_t after_account, int limit) override;
  absl::StatusOr<std::vector<RatingRow>> KeyChanges(int64_t run_id,
                                                    const std::vector<int>& key_tiers, bool came_on,
                                                    const common::FilterNode& filter,
                                                    int64_t after_account, int limit) override;

 private:
  // Applies `change` to run `id` while `owner` holds its lease.
  absl::Status Leased(absl::string_view context, int64_t id, const std::string& owner,
                      absl::FunctionRef<absl::Status(Run&)> change);

  common::testing::FakeDatabase<Data> db_;
};

}  // namespace kam::scoring::rating
