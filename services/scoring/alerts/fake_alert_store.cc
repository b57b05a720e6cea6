#include "services/scoring/alerts/fake_alert_store.h"

#include <string>
#include <vector>

#include "common/api/etag.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "services/scoring/names.h"

namespace kam::scoring::alerts {
namespace {

using Data = FakeAlertStore::Data;

class FakeAlertTx final : public AlertTx {
 public:
  explicit FakeAlertTx(Data& data) : data_(data) {}

  absl::StatusOr<StoredAlert> LockAlert(int64_t id) override {
    auto it = data_.alerts.find(id);
    if (it == data_.alerts.end()) return AlertNotFound(id);
    return it->second;
  }

  absl::Status Acknowledge(int64_t id, const std::string& time, const std::string& actor) override {
    auto it = data_.alerts.find(id);
    if (it == data_.alerts.end()) return AlertNotFound(id);
    StoredAlert& stored = it->second;
    common::SqlDateTimeToProto(time, stored.alert.mutable_acknowledge_time());
    stored.alert.set_acknowledged_by(actor);
    ++stored.version;
    stored.alert.set_etag(common::MakeEtag(stored.alert.name(), stored.version));
    return absl::OkStatus();
  }

 private:
  Data& data_;
};

}  // namespace

absl::Status FakeAlertStore::Transact(absl::string_view context,
                                      absl::FunctionRef<absl::Status(AlertTx&)> fn) {
  return db_.Write(context, [&](Data& data) {
    FakeAlertTx tx(data);
    return fn(tx);
  });
}

absl::Status FakeAlertStore::InsertAlertBatches(int64_t run_id, AlertBatches& alerts,
                                                absl::Time now) {
  return db_.Write("storing alerts", [&](Data& data) -> absl::Status {
    for (const auto& [id, stored] : data.alerts) {
      if (stored.alert.run() == RunName(run_id)) return absl::OkStatus();
    }
    KAM_RETURN_IF_ERROR(alerts.Rewind());
    std::vector<rules::Alert> batch;
    for (;;) {
      KAM_ASSIGN_OR_RETURN(bool more, alerts.Next(&batch));
      if (!more) return absl::OkStatus();
      for (const rules::Alert& alert : batch) {
        StoredAlert& stored = data.alerts[data.next_id];
        stored.id = data.next_id++;
        stored.seq = stored.id;  // one process: ids are in commit order here
        stored.version = 1;
        stored.create_time = common::ToSqlDateTime(now);
        v1::Alert& a = stored.alert;
        a.set_name(AlertName(stored.id));
        a.set_run(RunName(run_id));
        a.set_account(AccountName(alert.account_id));
        a.set_kind(static_cast<v1::AlertKind>(alert.kind));
        a.set_severity(static_cast<v1::AlertSeverity>(alert.severity));
        a.set_message(alert.message);
        a.set_evidence(alert.evidence);
        *a.mutable_create_time() = common::ToProtoTimestamp(now);
        a.set_etag(common::MakeEtag(a.name(), stored.version));
      }
    }
  });
}

absl::Status FakeAlertStore::CheckFilter(const common::FilterNode&) const {
  return absl::OkStatus();
}

absl::StatusOr<std::vector<StoredAlert>> FakeAlertStore::ListAlerts(const common::FilterNode&,
                                                                    const std::optional<Cursor>&,
                                                                    int) {
  return absl::UnimplementedError("not in the fake");
}

absl::StatusOr<std::vector<StoredAlert>> FakeAlertStore::AlertsSince(const common::FilterNode&,
                                                                     int64_t after_seq,
                                                                     std::optional<absl::Time>,
                                                                     int limit) {
  return db_.Read<std::vector<StoredAlert>>(
      "watching alerts", [&](const Data& data) -> absl::StatusOr<std::vector<StoredAlert>> {
        std::vector<StoredAlert> rows;
        for (auto it = data.alerts.upper_bound(after_seq);
             it != data.alerts.end() && static_cast<int>(rows.size()) < limit; ++it) {
          rows.push_back(it->second);
        }
        return rows;
      });
}

absl::StatusOr<int64_t> FakeAlertStore::MaxAlertSeq() {
  return db_.Read<int64_t>("reading alerts", [&](const Data& data) -> absl::StatusOr<int64_t> {
    return data.alerts.empty() ? 0 : data.alerts.rbegin()->first;
  });
}

}  // namespace kam::scoring::alerts
