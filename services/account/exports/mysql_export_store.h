// The export on MySQL: accounts, and counts over team_memberships and
// churn_events. Prepared statements only; database errors become statuses
// at WithConnection.
#ifndef KAM_SERVICES_ACCOUNT_EXPORTS_MYSQL_EXPORT_STORE_H_
#define KAM_SERVICES_ACCOUNT_EXPORTS_MYSQL_EXPORT_STORE_H_

#include "common/db/mysql_pool.h"
#include "services/account/exports/export_store.h"

namespace kam::account::exports {

class MySqlExportStore final : public ExportStore {
 public:
  explicit MySqlExportStore(common::ConnectionPool* pool) : pool_(pool) {}

  // Three statements on one connection: the page, then both counts over
  // the page's id range.
  absl::StatusOr<std::vector<v1::AccountSnapshot>> ExportPage(int64_t after_id, int limit,
                                                              bool include_deleted,
                                                              absl::Time window_start,
                                                              absl::Time window_end) override;

 private:
  common::ConnectionPool* pool_;
};

}  // namespace kam::account::exports

#endif  // KAM_SERVICES_ACCOUNT_EXPORTS_MYSQL_EXPORT_STORE_H_
