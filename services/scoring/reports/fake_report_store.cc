#include "services/scoring/reports/fake_report_store.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace kam::scoring::reports {
void FakeReportStore::PutRating(int64_t policy_id, int64_t account_id, const TrendRow& row) {
  absl::Status ignored = db_.Write("storing a rating", [&](Data& data) {
    data.policies.insert(policy_id);
    data.ratings[{account_id, policy_id}].push_back(row);
    return absl::OkStatus();
  });
  (void)ignored;
}

absl::StatusOr<std::vector<TrendRow>> FakeReportStore::NewestRatingsOf(int64_t account_id,
                                                                       int64_t policy_id,
                                                                       int limit) {
  using Rows = std::vector<TrendRow>;
  return db_.Read<Rows>("reading ratings", [&](const Data& data) -> absl::StatusOr<Rows> {
    if (data.policies.count(policy_id) == 0) {
      return absl::NotFoundError(absl::StrCat("policies/", policy_id, " not found"));
    }
    auto it = data.ratings.find({account_id, policy_id});
    Rows rows = it == data.ratings.end() ? Rows{} : it->second;
    std::sort(rows.begin(), rows.end(), OlderRating);
    if (rows.size() > static_cast<size_t>(limit)) rows.erase(rows.begin(), rows.end() - limit);
    return rows;
  });
}

absl::StatusOr<std::vector<TrendRow>> FakeReportStore::RatingsInRuns(
    int64_t account_id, const std::vector<int64_t>& run_ids) {
  using Rows = std::vector<TrendRow>;
  return db_.Read<Rows>("reading ratings", [&](const Data& data) -> absl::StatusOr<Rows> {
    Rows rows;
    for (const auto& [key, stored] : data.ratings) {
      if (key.first != account_id) continue;
      for (const TrendRow& row : stored) {
        if (std::count(run_ids.begin(), run_ids.end(), row.run_id) > 0) rows.push_back(row);
      }
    }
    std::sort(rows.begin(), rows.end(), OlderRating);
    return rows;
  });
}

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
