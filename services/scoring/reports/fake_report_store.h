// An in-memory ReportStore for unit tests of the report handlers: the
// figures a test puts in for a run, and SetDown() for a database that is
// down.
#pragma once

#include <map>
#include <set>
#include <utility>
#include <vector>

#include "common/testing/fake_database.h"
#include "services/scoring/reports/report_store.h"

namespace kam::scoring::reports {

class FakeReportStore final : public ReportStore {
 public:
  struct Data {
    std::map<int64_t, RunTierTotals> totals;                         // by run
    std::map<std::pair<int64_t, int64_t>, GroupRollupSums> rollups;  // by (run, account)
    std::set<int64_t> policies;
    // Ratings of succeeded runs by (account, policy).
    std::map<std::pair<int64_t, int64_t>, std::vector<TrendRow>> ratings;
  };

  void SetDown(bool down) { db_.SetDown(down); }
  void PutTotals(int64_t run_id, const RunTierTotals& totals);
  void PutRollup(int64_t run_id, int64_t account_id, const GroupRollupSums& sums);
  // A rating of `account_id` in a succeeded run of `policy_id` (which then
  // exists).
  void PutRating(int64_t policy_id, int64_t account_id, const TrendRow& row);

  absl::StatusOr<RunTierTotals> TierTotals(int64_t run_id) override;
  // UNIMPLEMENTED.
  absl::StatusOr<std::vector<int64_t>> TopValueSums(int64_t run_id,
                                                    const std::vector<int64_t>& counts) override;
  // UNIMPLEMENTED.
  absl::StatusOr<rules::MovementMatrix> MovementBetween(int64_t from_run, int64_t to_run) override;
  // UNIMPLEMENTED.
  absl::StatusOr<std::vector<ManagerTotals>> ManagerTotalsPage(int64_t run_id,
                                                               int64_t previous_run_id,
                                                               const std::string& owner,
                                                               const std::string& after_owner,
                                                               int limit) override;
  // The sums put in; NOT_FOUND for any other (run, account).
  absl::StatusOr<GroupRollupSums> GroupRollup(int64_t run_id, int64_t account_id) override;
  absl::StatusOr<std::vector<TrendRow>> NewestRatingsOf(int64_t account_id, int64_t policy_id,
                                                        int limit) override;
  absl::StatusOr<std::vector<TrendRow>> RatingsInRuns(
      int64_t account_id, const std::vector<int64_t>& run_ids) override;

 private:
  common::testing::FakeDatabase<Data> db_;
};

}  // namespace kam::scoring::reports
