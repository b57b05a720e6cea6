#include "services/scoring/alerts/alert_service.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "common/api/filter.h"
#include "common/api/list_request.h"
#include "common/api/validation.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "common/server/service_methods.h"
#include "services/scoring/names.h"
#include "services/scoring/scoring_metrics.h"

namespace kam::scoring::alerts {
namespace {

// Alerts sent per store query while a watcher catches up.
constexpr int kWatchBatch = 500;

}  // namespace

void AlertService::Register(common::GrpcServer& server) {
  common::ServeMethods(server, &service_, this, &AlertService::ListAlerts,
                       &AlertService::AcknowledgeAlert, &AlertService::WatchAlerts);
}

void AlertService::Stop() {
  absl::MutexLock lock(&mu_);
  stopped_ = true;
}

bool AlertService::WaitForPoll() {
  absl::MutexLock lock(&mu_);
  mu_.AwaitWithTimeout(absl::Condition(&stopped_), poll_interval_);
  return !stopped_;
}

absl::Status AlertService::ListAlerts(const Ctx& ctx, const v1::ListAlertsRequest& request,
                                      v1::ListAlertsResponse* response) {
  KAM_ASSIGN_OR_RETURN(common::ListRequest list,
                       common::ReadListRequest(
                           request, {common::ListQueryName("ListAlerts", common::NarrowedUser(ctx)),
                                     request.filter()}));
  KAM_RETURN_IF_ERROR(store_->CheckFilter(list.filter));
  KAM_ASSIGN_OR_RETURN(const bool any, common::NarrowList(*teams_, ctx, &list));
  if (!any) return absl::OkStatus();
  std::optional<AlertStore::Cursor> after;
  if (list.cursor.has_value()) {
    if (list.cursor->key_values.size() != 1) {
      return common::InvalidField("page_token", "is not valid");
    }
    after = AlertStore::Cursor{list.cursor->key_values[0], list.cursor->last_id};
  }
  KAM_ASSIGN_OR_RETURN(std::vector<StoredAlert> rows,
                       store_->ListAlerts(list.filter, after, list.limit));
  common::WritePage(
      list, common::TrimPage(std::move(rows), list.limit), response->mutable_next_page_token(),
      [&](StoredAlert& row) { *response->add_alerts() = std::move(row.alert); },
      [](const StoredAlert& row) {
        return common::PageCursor{{row.create_time}, row.id};
      });
  return absl::OkStatus();
}

absl::Status AlertService::AcknowledgeAlert(const Ctx& ctx,
                                            const v1::AcknowledgeAlertRequest& request,
                                            v1::Alert* response) {
  KAM_ASSIGN_OR_RETURN(int64_t id, ParseAlertName("name", request.name()));
  // The framework names a caller without x-kam-actor "anonymous"; an
  // acknowledgement must say who took responsibility.
  if (ctx.actor.empty() || ctx.actor == "anonymous") {
    return absl::InvalidArgumentError(
        "x-kam-actor metadata is required: an acknowledgement records who made it");
  }
  const std::string time = common::ToSqlDateTime(common::NowMicros());
  const std::string who = ctx.actor.substr(0, 256);
  // A manager's accounts are read before the transaction (no call to the
  // account service while the row is locked); another's alert answers as a
  // missing one.
  KAM_ASSIGN_OR_RETURN(std::shared_ptr<const common::TeamAccounts> theirs,
                       common::NarrowedAccounts(*teams_, ctx));
  v1::Alert result;
  absl::Status status = store_->Transact("acknowledging alert", [&](AlertTx& tx) {
    KAM_ASSIGN_OR_RETURN(StoredAlert stored, tx.LockAlert(id));
    if (theirs != nullptr) {
      absl::StatusOr<int64_t> account = ParseAccountName("account", stored.alert.account());
      if (!account.ok() || !theirs->Contains(*account)) return AlertNotFound(id);
    }
    KAM_RETURN_IF_ERROR(common::CheckEtag(stored.alert.name(), stored.version, request.etag()));
    result = std::move(stored.alert);
    // The first acknowledgement stands: a retried call gets it back.
    if (result.has_acknowledge_time()) return absl::OkStatus();
    KAM_RETURN_IF_ERROR(tx.Acknowledge(id, time, who));
    common::SqlDateTimeToProto(time, result.mutable_acknowledge_time());
    result.set_acknowledged_by(who);
    result.set_etag(common::MakeEtag(result.name(), stored.version + 1));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  *response = std::move(result);
  return absl::OkStatus();
}

absl::Status AlertService::WatchAlerts(const Ctx& ctx, const v1::WatchAlertsRequest& request,
                                       common::ResponseWriter<v1::Alert>& writer) {
  {
    absl::MutexLock lock(&mu_);
    if (watches_ >= max_watches_) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "at most ", max_watches_, " alert watches may be open at once; retry later"));
    }
    ++watches_;
    AlertWatchers(+1);
  }
  struct Release {
    AlertService* service;
    ~Release() {
      absl::MutexLock lock(&service->mu_);
      --service->watches_;
      AlertWatchers(-1);
    }
  } release{this};
  KAM_ASSIGN_OR_RETURN(common::FilterNode filter, common::ParseFilter(request.filter()));
  KAM_RETURN_IF_ERROR(store_->CheckFilter(filter));
  KAM_ASSIGN_OR_RETURN(std::shared_ptr<const common::TeamAccounts> theirs,
                       common::NarrowedAccounts(*teams_, ctx));
  // A manager with no account watches and is sent nothing.
  const bool sends_nothing = theirs != nullptr && theirs->empty();
  if (theirs != nullptr && !sends_nothing) filter = theirs->Narrow(std::move(filter));
  std::optional<absl::Time> created_after;
  int64_t last_seq = 0;  // commit order (alert_store.h), not ids
  if (request.has_after()) {
    KAM_RETURN_IF_ERROR(common::CheckTimestamp("after", request.after()));
    created_after = common::FromProtoTimestamp(request.after());
  } else {
    // Only new alerts: start after the newest one stored now.
    KAM_ASSIGN_OR_RETURN(int64_t max_seq, store_->MaxAlertSeq());
    last_seq = max_seq;
  }
  // Send the initial metadata now, so the caller knows the watch is
  // established before the first alert (or before the first poll).
  writer.SendInitialMetadata();
  for (;;) {
    if (writer.Cancelled()) {
      return absl::CancelledError("the caller cancelled the watch");
    }
    std::vector<StoredAlert> batch;
    if (!sends_nothing) {
      KAM_ASSIGN_OR_RETURN(batch,
                           store_->AlertsSince(filter, last_seq, created_after, kWatchBatch));
    }
    for (const StoredAlert& alert : batch) {
      if (!writer.Write(alert.alert)) {
        return absl::CancelledError("the caller stopped reading the watch");
      }
      last_seq = alert.seq;
    }
    if (static_cast<int>(batch.size()) == kWatchBatch) continue;  // catching up
    if (!WaitForPoll()) return absl::UnavailableError("the server is shutting down");
  }
}

}  // namespace kam::scoring::alerts
