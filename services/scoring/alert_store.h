// The alerts table (kam_scoring.alerts): written by rating runs, read by
// AlertService.
#ifndef KAM_SERVICES_SCORING_ALERT_STORE_H_
#define KAM_SERVICES_SCORING_ALERT_STORE_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/id_allocator.h"
#include "common/mysql_pool.h"
#include "services/scoring/alerts.h"

namespace kam::scoring {

class AlertStore {
 public:
  explicit AlertStore(common::ConnectionPool* pool) : pool_(pool), ids_(pool, "alerts") {}

  // Stores a run's alerts, raised at `now`, many per statement.
  absl::Status InsertAlerts(int64_t run_id, const std::vector<Alert>& alerts, absl::Time now);

 private:
  common::ConnectionPool* pool_;
  common::IdAllocator ids_;
};

}  // namespace kam::scoring

#endif  // KAM_SERVICES_SCORING_ALERT_STORE_H_
