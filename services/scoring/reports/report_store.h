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
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/scoring/rules/reports.h"
#include "services/scoring/rules/tiering.h"

namespace kam::scoring::reports {

// Per-tier figures of one run (index 0 is A ... 3 is D).
struct RunTierTotals {
  std::array<rules::TierTotal, rules::kTierCount> value;  // count and sum of value_minor
  std::array<int64_t, rules::kTierCount> clv{};           // sum of clv_minor
  // The one currency of the rated accounts (accounts without a currency,
  // having no invoices, are ignored); empty when there are several or none.
  std::string currency;
};

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
};

}  // namespace kam::scoring::reports
