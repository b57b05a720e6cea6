// ReportStore over MariaDB (schema kam_scoring): aggregate queries over
// account_ratings, prepared statements only.
#ifndef KAM_SERVICES_SCORING_REPORTS_MYSQL_REPORT_STORE_H_
#define KAM_SERVICES_SCORING_REPORTS_MYSQL_REPORT_STORE_H_

#include <memory>

#include "common/db/mysql_pool.h"
#include "services/scoring/reports/report_store.h"

namespace kam::scoring::reports {

std::unique_ptr<ReportStore> NewMySqlReportStore(common::ConnectionPool* pool);

}  // namespace kam::scoring::reports

#endif  // KAM_SERVICES_SCORING_REPORTS_MYSQL_REPORT_STORE_H_
