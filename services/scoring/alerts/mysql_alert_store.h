// AlertStore over MariaDB (schema kam_scoring): the only SQL of the alerts.
// Prepared statements only.
#ifndef KAM_SERVICES_SCORING_ALERTS_MYSQL_ALERT_STORE_H_
#define KAM_SERVICES_SCORING_ALERTS_MYSQL_ALERT_STORE_H_

#include "common/db/id_allocator.h"
#include "common/db/mysql_pool.h"
#include "services/scoring/alerts/alert_store.h"

namespace kam::scoring::alerts {

class MySqlAlertStore final : public AlertStore {
 public:
  explicit MySqlAlertStore(common::ConnectionPool* pool) : pool_(pool), ids_(pool, "alerts") {}

  absl::Status Transact(absl::string_view context,
                        absl::FunctionRef<absl::Status(AlertTx&)> fn) override;
  absl::Status InsertAlerts(int64_t run_id, const std::vector<rules::Alert>& alerts,
                            absl::Time now) override;
  absl::Status CheckFilter(const common::FilterNode& filter) const override;
  absl::StatusOr<std::vector<StoredAlert>> ListAlerts(const common::FilterNode& filter,
                                                      const std::optional<Cursor>& after,
                                                      int limit) override;
  absl::StatusOr<std::vector<StoredAlert>> AlertsSince(const common::FilterNode& filter,
                                                       int64_t after_id,
                                                       std::optional<absl::Time> created_after,
                                                       int limit) override;
  absl::StatusOr<int64_t> MaxAlertId() override;

 private:
  // The alerts of `select` (a SELECT of the alert columns) with `params`.
  absl::StatusOr<std::vector<StoredAlert>> ReadAlerts(absl::string_view context,
                                                      const std::string& select,
                                                      const std::vector<common::SqlValue>& params);

  common::ConnectionPool* pool_;
  common::IdAllocator ids_;
};

}  // namespace kam::scoring::alerts

#endif  // KAM_SERVICES_SCORING_ALERTS_MYSQL_ALERT_STORE_H_
