#include "services/scoring/reports/fake_report_store.h"

namespace kam::scoring::reports {

void FakeReportStore::PutTotals(int64_t run_id, const RunTierTotals& totals) {
  absl::Status ignored = db_.Write("storing totals", [&](Data& data) {
    data.totals[run_id] = totals;
    return absl::OkStatus();
  });
  (void)ignored;
}

void FakeReportStore::PutRollup(int64_t run_id, int64_t account_id, const GroupRollupSums& sums) {
  absl::Status ignored = db_.Write("storing roll-up", [&](Data& data) {
    data.rollups[{run_id, account_id}] = sums;
    return absl::OkStatus();
  });
  (void)ignored;
}

absl::StatusOr<GroupRollupSums> FakeReportStore::GroupRollup(int64_t run_id, int64_t account_id) {
  return db_.Read<GroupRollupSums>("summing a group",
                                   [&](const Data& data) -> absl::StatusOr<GroupRollupSums> {
                                     auto it = data.rollups.find({run_id, account_id});
                                     if (it == data.rollups.end())
                                       return absl::NotFoundError("not rated by the run");
                                     return it->second;
                                   });
}

absl::StatusOr<RunTierTotals> FakeReportStore::TierTotals(int64_t run_id) {
  return db_.Read<RunTierTotals>("summing ratings",
                                 [&](const Data& data) -> absl::StatusOr<RunTierTotals> {
                                   auto it = data.totals.find(run_id);
                                   // A run without ratings sums to nothing.
                                   return it == data.totals.end() ? RunTierTotals{} : it->second;
                                 });
}

absl::StatusOr<std::vector<int64_t>> FakeReportStore::TopValueSums(int64_t,
                                                                   const std::vector<int64_t>&) {
  return absl::UnimplementedError("not in the fake");
}

absl::StatusOr<rules::MovementMatrix> FakeReportStore::MovementBetween(int64_t, int64_t) {
  return absl::UnimplementedError("not in the fake");
}

absl::StatusOr<std::vector<ManagerTotals>> FakeReportStore::ManagerTotalsPage(
    int64_t, int64_t, const std::string&, const std::string&, int) {
  return absl::UnimplementedError("not in the fake");
}

}  // namespace kam::scoring::reports
