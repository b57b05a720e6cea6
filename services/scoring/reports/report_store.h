// What ReportService reads: aggregates over a run's stored ratings
// (kam_scoring.account_ratings). A run can rate a million accounts, so every
// figure is summed, counted or grouped by the database; nothing here loads
// the ratings themselves. Every figure is over the run's tiered accounts: a
// churned account's rating (tier 0, rated but not tiered, docs/domain.md §2)
// is in no tier, no total, no N and no Pareto prefix. A run that ranked
// groups (policy rank_unit GROUP) counts groups: each group once in its
// tier's count and in N, its accounts' values summed into the tier's value
// and ranked as one in the Pareto prefixes. No SQL here: MySqlReportStore
// (mysql_report_store.h) is the real store, FakeReportStore
// (fake_report_store.h) stands in for it in unit tests. Every method answers
// UNAVAILABLE while the database is down.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/timestamp.pb.h"
#include "services/scoring/rules/reports.h"
#include "services/scoring/rules/tiering.h"

namespace kam::scoring::reports {

// Per-tier figures of one run (index 0 is A ... 3 is D).
struct RunTierTotals {
  std::array<rules::TierTotal, rules::kTierCount> value;  // count and sum of value_minor
  std::array<int64_t, rules::kTierCount> clv{};           // sum of clv_minor
  // The effort the period took: activities done and cost to serve.
  std::array<int64_t, rules::kTierCount> activities{};     // sum of activity_count
  std::array<int64_t, rules::kTierCount> cost_to_serve{};  // sum of cost_to_serve_minor
  // The one currency of the rated accounts (accounts without a currency,
  // having no invoices, are ignored); empty when there are several or none.
  std::string currency;
};

// One account manager's sums over a run's ratings of the accounts they
// owned (ListManagerAppraisals).
struct ManagerTotals {
  std::string owner;
  int64_t accounts = 0;
  int64_t key_accounts = 0;
  int64_t value = 0;
  int64_t clv = 0;
  int64_t promoted = 0;
  int64_t demoted = 0;
  int64_t new_accounts = 0;
  int64_t churned = 0;   // held a tier before this run, churned now
  int64_t won_back = 0;  // churned in the previous run, tiered in this one
  int64_t csat_count = 0;
  int64_t csat_sum = 0;
  int64_t complaints = 0;
  int64_t disputes = 0;
  int64_t sla_breaches = 0;
  int64_t overdue_follow_ups = 0;
  int64_t handovers = 0;
  std::string currency;  // the one currency of the accounts, or empty
};

// A group's figures summed over its subtree in one run (GetGroupRollup):
// the account and every account below it through the run's stored parent
// links (account_ratings.parent_id). Churned members are members: their
// period's figures count, they are in no tier.
struct GroupRollupSums {
  int64_t member_count = 0;
  // The distinct non-empty currencies of the members' ratings, sorted.
  std::vector<std::string> currencies;
  // Money, in the one currency of `currencies`.
  int64_t revenue = 0, gross_profit = 0, cost_to_serve = 0, clv = 0, value = 0;
  int64_t receivables = 0, overdue = 0, credit_exposure = 0;
  std::array<int64_t, 4> overdue_buckets{};  // 1-30, 31-60, 61-90, over 90 days
  int64_t open_pipeline = 0, weighted_pipeline = 0;
  // Counts.
  int64_t open_cases = 0, sla_breaches = 0, complaints = 0, activities = 0;
  int64_t csat_count = 0, csat_sum = 0;
  rules::WeightedScoreSums health;
  rules::WeightedScoreSums churn_risk;
  std::array<int64_t, rules::kTierCount> tier_counts{};  // A..D
  int64_t not_tiered = 0;
  // The group credit limit the account rolled up sets, if any.
  std::optional<int64_t> group_credit_limit;
  std::string group_credit_currency;
};

// One account's rating in one run, with the run's as_of (GetAccountTrend).
struct TrendRow {
  int64_t run_id = 0;
  google::protobuf::Timestamp as_of;
  int64_t value = 0;  // value_minor
  std::string currency;
  int churn_risk = 0;
  int health = 0;
  int tier = 0;  // 0: rated, not tiered
};

// Oldest first: by as_of, then run id (the order of a trend's points).
inline bool OlderRating(const TrendRow& a, const TrendRow& b) {
  return std::make_tuple(a.as_of.seconds(), a.as_of.nanos(), a.run_id) <
         std::make_tuple(b.as_of.seconds(), b.as_of.nanos(), b.run_id);
}

class ReportStore {
 public:
  virtual ~ReportStore() = default;

  // OUT_OF_RANGE when a tier's sum does not fit int64.
  virtual absl::StatusOr<RunTierTotals> TierTotals(int64_t run_id) = 0;

  // The sum of the values of the best `counts[i]` accounts for each i (0 for
  // a count of 0), computed with a window over the run's ratings ordered by
  // value, best first; only the asked prefixes leave the database.
  // OUT_OF_RANGE when a sum does not fit int64.
  virtual absl::StatusOr<std::vector<int64_t>> TopValueSums(int64_t run_id,
                                                            const std::vector<int64_t>& counts) = 0;

  // The from x to matrix of accounts rated by either run (index 0: not
  // rated by that run; 1..4: A..D).
  virtual absl::StatusOr<rules::MovementMatrix> MovementBetween(int64_t from_run,
                                                                int64_t to_run) = 0;

  // Per owner (empty `owner`: every owner; accounts without one are left
  // out) in owner order after `after_owner`, at most limit + 1: the sums of
  // run `run_id`'s ratings, won-back accounts found against
  // `previous_run_id`'s (0: none). OUT_OF_RANGE when a sum does not fit
  // int64.
  virtual absl::StatusOr<std::vector<ManagerTotals>> ManagerTotalsPage(
      int64_t run_id, int64_t previous_run_id, const std::string& owner,
      const std::string& after_owner, int limit) = 0;
  // The sums over the subtree of `account_id` in run `run_id`, one
  // statement (a recursive CTE over the run's parent links). NOT_FOUND when
  // the run did not rate the account; OUT_OF_RANGE when a sum does not fit
  // int64.
  virtual absl::StatusOr<GroupRollupSums> GroupRollup(int64_t run_id, int64_t account_id) = 0;

  // The ratings of `account_id` in the newest `limit` runs of policy
  // `policy_id` that have SUCCEEDED and rated it (newest by as_of, then id),
  // oldest first. NOT_FOUND when the policy does not exist.
  virtual absl::StatusOr<std::vector<TrendRow>> NewestRatingsOf(int64_t account_id,
                                                                int64_t policy_id, int limit) = 0;
  // The ratings of `account_id` in those of `run_ids` that rated it, oldest
  // first (by as_of, then id).
  virtual absl::StatusOr<std::vector<TrendRow>> RatingsInRuns(
      int64_t account_id, const std::vector<int64_t>& run_ids) = 0;
};

}  // namespace kam::scoring::reports
