// The alerts table (kam_scoring.alerts): written by rating runs, read by
// AlertService (list, acknowledge, watch).
#ifndef KAM_SERVICES_SCORING_ALERT_STORE_H_
#define KAM_SERVICES_SCORING_ALERT_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/api/filter.h"
#include "common/db/id_allocator.h"
#include "common/db/mysql_pool.h"
#include "kam/scoring/v1/alert.pb.h"
#include "services/scoring/alerts.h"

namespace kam::scoring {

// An alert as stored: the message with every field filled, etag included.
struct StoredAlert {
  int64_t id = 0;
  std::string create_time;  // as stored ("YYYY-MM-DD HH:MM:SS.ffffff"): the page key
  v1::Alert alert;
};

class AlertStore {
 public:
  explicit AlertStore(common::ConnectionPool* pool) : pool_(pool), ids_(pool, "alerts") {}

  // Stores a run's alerts, raised at `now`, many per statement, all in one
  // transaction; does nothing when the run has alerts stored already (a
  // resumed run stores them again).
  absl::Status InsertAlerts(int64_t run_id, const std::vector<Alert>& alerts, absl::Time now);

  // Checks a ListAlertsRequest.filter (account, kind, severity, run,
  // acknowledged; = and !=; AND, OR, parentheses) before it is used, so a
  // bad filter fails at once rather than on a later poll. INVALID_ARGUMENT
  // naming the field or value.
  static absl::Status CheckFilter(const common::FilterNode& filter);

  // Alerts matching `filter`, newest first (create_time, then id, both
  // descending), strictly after the cursor (the last row of the previous
  // page) when given, at most limit + 1.
  struct Cursor {
    std::string create_time;
    int64_t id = 0;
  };
  absl::StatusOr<std::vector<StoredAlert>> ListAlerts(const common::FilterNode& filter,
                                                      const std::optional<Cursor>& after,
                                                      int limit);

  // Alerts matching `filter` with id > after_id (and created after
  // `created_after` when given), by id ascending, at most `limit`: what a
  // watcher has not seen yet.
  absl::StatusOr<std::vector<StoredAlert>> AlertsSince(const common::FilterNode& filter,
                                                       int64_t after_id,
                                                       std::optional<absl::Time> created_after,
                                                       int limit);

  // The highest alert id so far (0 when none): where a new watcher starts.
  absl::StatusOr<int64_t> MaxAlertId();

  // Acknowledges an alert under a row lock. NOT_FOUND; ABORTED when `etag`
  // is set and is not the alert's; an alert already acknowledged is returned
  // as it is (the first acknowledgement stands: a retried call succeeds).
  absl::StatusOr<v1::Alert> Acknowledge(int64_t id, const std::string& etag,
                                        const std::string& actor, absl::Time now);

 private:
  common::ConnectionPool* pool_;
  common::IdAllocator ids_;
};

}  // namespace kam::scoring

#endif  // KAM_SERVICES_SCORING_ALERT_STORE_H_
