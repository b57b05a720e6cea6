// ReportStore over MariaDB (schema kam_scoring): aggregate queries over
// account_ratings. Prepared statements only.
#ifndef KAM_SERVICES_SCORING_REPORTS_MYSQL_REPORT_STORE_H_
#define KAM_SERVICES_SCORING_REPORTS_MYSQL_REPORT_STORE_H_

#include "common/db/mysql_pool.h"
#include "services/scoring/reports/report_store.h"

namespace kam::scoring::reports {

class MySqlReportStore final : public ReportStore {
 public:
  explicit MySqlReportStore(common::ConnectionPool* pool) : pool_(pool) {}

  absl::StatusOr<RunTierTotals> TierTotals(int64_t run_id) override;
  absl::StatusOr<std::vector<int64_t>> TopValueSums(int64_t run_id,
                                                    const std::vector<int64_t>& counts) override;
  absl::StatusOr<rules::MovementMatrix> MovementBetween(int64_t from_run, int64_t to_run) override;

 private:
  common::ConnectionPool* pool_;
};

}  // namespace kam::scoring::reports

#endif  // KAM_SERVICES_SCORING_REPORTS_MYSQL_REPORT_STORE_H_
