// The alerts (kam_scoring.alerts): written by rating runs, read by
// AlertService (list, acknowledge, watch). No SQL here: MySqlAlertStore
// (mysql_alert_store.h) is the real store, FakeAlertStore
// (fake_alert_store.h) stands in for it in unit tests. Every method answers
// UNAVAILABLE while the database is down.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/api/filter.h"
#include "kam/scoring/v1/alert.pb.h"
#include "services/scoring/rules/alerts.h"

namespace kam::scoring::alerts {

// An alert as stored: the message with every field filled, etag included.
struct StoredAlert {
  int64_t id = 0;
  int64_t version = 0;      // bumped by every write (the etag's)
  // Its place in commit order (what a watcher follows; ids are not in
  // commit order across replicas). 0 for an alert no watcher follows.
  int64_t seq = 0;
  std::string create_time;  // as stored ("YYYY-MM-DD HH:MM:SS.ffffff"): the page key
  v1::Alert alert;
};

// A run's alerts in batches, so that a run over a large book never holds
// them all in memory (the rating runner detects them page by page).
class AlertBatches {
 public:
  virtual ~AlertBatches() = default;
  // Back to the first batch: a retried transaction reads them again.
  virtual absl::Status Rewind() = 0;
  // Replaces *batch with the next batch; false, with *batch empty, after the
  // last.
  virtual absl::StatusOr<bool> Next(std::vector<rules::Alert>* batch) = 0;
};

// The steps of one transaction over the alerts.
class AlertTx {
 public:
  virtual ~AlertTx() = default;

  // Alert `id`, locked until the transaction ends. NOT_FOUND.
  virtual absl::StatusOr<StoredAlert> LockAlert(int64_t id) = 0;
  // Records the acknowledgement (at `time`, a DATETIME(6) text, by `actor`)
  // and bumps the version.
  virtual absl::Status Acknowledge(int64_t id, const std::string& time,
                                   const std::string& actor) = 0;
};

class AlertStore {
 public:
  virtual ~AlertStore() = default;

  // Runs `fn` in one transaction: committed when it returns OK, rolled back
  // (nothing written) otherwise.
  virtual absl::Status Transact(absl::string_view context,
                                absl::FunctionRef<absl::Status(AlertTx&)> fn) = 0;

  // Stores a run's alerts, raised at `now`, many per statement, all in one
  // transaction; does nothing when the run has alerts stored already (a
  // resumed run stores them again). Numbers them (StoredAlert::seq) after
  // every alert committed before and before every alert committed after,
  // whichever replica writes them. The batches are read inside the
  // transaction (from the first again if it is retried).
  virtual absl::Status InsertAlertBatches(int64_t run_id, AlertBatches& alerts, absl::Time now) = 0;
  // The same, for alerts all in memory.
  absl::Status InsertAlerts(int64_t run_id, const std::vector<rules::Alert>& alerts,
                            absl::Time now);

  // Checks a ListAlertsRequest.filter (account, kind, severity, run,
  // acknowledged; = and !=; AND, OR, parentheses) before it is used, so a
  // bad filter fails at once rather than on a later poll. INVALID_ARGUMENT
  // naming the field or value.
  virtual absl::Status CheckFilter(const common::FilterNode& filter) const = 0;

  // Alerts matching `filter`, newest first (create_time, then id, both
  // descending), strictly after the cursor (the last row of the previous
  // page) when given, at most limit + 1.
  struct Cursor {
    std::string create_time;
    int64_t id = 0;
  };
  virtual absl::StatusOr<std::vector<StoredAlert>> ListAlerts(const common::FilterNode& filter,
                                                              const std::optional<Cursor>& after,
                                                              int limit) = 0;

  // Alerts matching `filter` with seq > after_seq (and created after
  // `created_after` when given), by seq ascending, at most `limit`: what a
  // watcher has not seen yet. Seq order is commit order, so an alert
  // committed later never has a smaller seq than one already returned.
  virtual absl::StatusOr<std::vector<StoredAlert>> AlertsSince(
      const common::FilterNode& filter, int64_t after_seq, std::optional<absl::Time> created_after,
      int limit) = 0;

  // The highest committed alert seq (0 when none): where a new watcher
  // starts.
  virtual absl::StatusOr<int64_t> MaxAlertSeq() = 0;
};

// NOT_FOUND for alert `id`.
absl::Status AlertNotFound(int64_t id);

}  // namespace kam::scoring::alerts
