// The SQL of ReportService: aggregates over a run's stored ratings
// (kam_scoring.account_ratings). A run can rate a million accounts, so every
// figure is summed, counted or grouped by the database; nothing here loads
// the ratings themselves.
#ifndef KAM_SERVICES_SCORING_REPORT_STORE_H_
#define KAM_SERVICES_SCORING_REPORT_STORE_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/db/mysql_pool.h"
#include "services/scoring/reports.h"
#include "services/scoring/tiering.h"

namespace kam::scoring {

// Per-tier figures of one run (index 0 is A ... 3 is D).
struct RunTierTotals {
  std::array<TierTotal, kTierCount> value;  // count and sum of value_minor
  std::array<int64_t, kTierCount> clv{};    // sum of clv_minor
  // The one currency of the rated accounts (accounts without a currency,
  // having no invoices, are ignored); empty when there are several or none.
  std::string currency;
};

class ReportStore {
 public:
  explicit ReportStore(common::ConnectionPool* pool) : pool_(pool) {}

  // OUT_OF_RANGE when a tier's sum does not fit int64.
  absl::StatusOr<RunTierTotals> TierTotals(int64_t run_id);

  // The sum of the values of the best `counts[i]` accounts for each i (0 for
  // a count of 0), computed with a window over the run's ratings ordered by
  // value, best first; only the asked prefixes leave the database.
  // OUT_OF_RANGE when a sum does not fit int64.
  absl::StatusOr<std::vector<int64_t>> TopValueSums(int64_t run_id,
                                                    const std::vector<int64_t>& counts);

  // The from x to matrix of accounts rated by either run (index 0: not
  // rated by that run; 1..4: A..D).
  absl::StatusOr<MovementMatrix> MovementBetween(int64_t from_run, int64_t to_run);

 private:
  common::ConnectionPool* pool_;
};

}  // namespace kam::scoring

#endif  // KAM_SERVICES_SCORING_REPORT_STORE_H_
