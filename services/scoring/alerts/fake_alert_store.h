// An in-memory AlertStore for unit tests of the alert handlers: alerts by
// id with their versions and etags as MySqlAlertStore keeps them, and
// SetDown() for a database that is down. Filters are not applied (a test
// uses none); ListAlerts answers UNIMPLEMENTED.
#pragma once

#include <map>
#include <vector>

#include "common/testing/fake_database.h"
#include "services/scoring/alerts/alert_store.h"

namespace kam::scoring::alerts {

class FakeAlertStore final : public AlertStore {
 public:
  struct Data {
    std::map<int64_t, StoredAlert> alerts;
    int64_t next_id = 1;
  };

  void SetDown(bool down) { db_.SetDown(down); }
  Data Snapshot() const { return db_.Snapshot(); }

  absl::Status Transact(absl::string_view context,
                        absl::FunctionRef<absl::Status(AlertTx&)> fn) override;
  absl::Status InsertAlertBatches(int64_t run_id, AlertBatches& alerts, absl::Time now) override;
  absl::Status CheckFilter(const common::FilterNode& filter) const override;
  absl::StatusOr<std::vector<StoredAlert>> ListAlerts(const common::FilterNode& filter,
                                                      const std::optional<Cursor>& after,
                                                      int limit) override;
  absl::StatusOr<std::vector<StoredAlert>> AlertsSince(const common::FilterNode& filter,
                                                       int64_t after_seq,
                                                       std::optional<absl::Time> created_after,
                                                       int limit) override;
  absl::StatusOr<int64_t> MaxAlertSeq() override;

 private:
  common::testing::FakeDatabase<Data> db_;
};

}  // namespace kam::scoring::alerts
