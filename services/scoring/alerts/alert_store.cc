#include "services/scoring/alerts/alert_store.h"

#include "absl/strings/str_cat.h"
#include "services/scoring/names.h"

namespace kam::scoring::alerts {

absl::Status AlertNotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat("alert ", AlertName(id), " not found"));
}

namespace {

// Alerts in memory as one batch.
class OneBatch final : public AlertBatches {
 public:
  explicit OneBatch(const std::vector<rules::Alert>& alerts) : alerts_(alerts) {}
  absl::Status Rewind() override {
    given_ = false;
    return absl::OkStatus();
  }
  absl::StatusOr<bool> Next(std::vector<rules::Alert>* batch) override {
    batch->clear();
    if (given_) return false;
    *batch = alerts_;
    given_ = true;
    return true;
  }

 private:
  const std::vector<rules::Alert>& alerts_;
  bool given_ = false;
};

}  // namespace

absl::Status AlertStore::InsertAlerts(int64_t run_id, const std::vector<rules::Alert>& alerts,
                                      absl::Time now) {
  OneBatch batch(alerts);
  return InsertAlertBatches(run_id, batch, now);
}

}  // namespace kam::scoring::alerts
