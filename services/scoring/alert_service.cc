#include "services/scoring/alert_service.h"

#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/filter.h"
#include "common/api/page_token.h"
#include "common/api/resource_name.h"
#include "common/api/validation.h"
#include "common/base/fingerprint.h"
#include "common/base/proto_time.h"
#include "common/server/service_methods.h"

namespace kam::scoring {
namespace {

using common::CallContext;

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

absl::Status AlertService::ListAlerts(const Ctx&, const v1::ListAlertsRequest& request,
                                      v1::ListAlertsResponse* response) {
  absl::StatusOr<int> limit = common::ResolvePageSize(request.page_size());
  if (!limit.ok()) return limit.status();
  absl::StatusOr<common::FilterNode> filter = common::ParseFilter(request.filter());
  if (!filter.ok()) return filter.status();
  if (absl::Status s = AlertStore::CheckFilter(*filter); !s.ok()) return s;
  const uint64_t query = common::Fingerprint64({"ListAlerts", request.filter()});
  std::optional<AlertStore::Cursor> after;
  if (!request.page_token().empty()) {
    absl::StatusOr<common::PageCursor> cursor =
        common::DecodePageToken(request.page_token(), query);
    if (!cursor.ok()) return cursor.status();
    if (cursor->key_values.size() != 1) return common::InvalidField("page_token", "is not valid");
    after = AlertStore::Cursor{cursor->key_values[0], cursor->last_id};
  }
  absl::StatusOr<std::vector<StoredAlert>> rows = store_->ListAlerts(*filter, after, *limit);
  if (!rows.ok()) return rows.status();
  if (static_cast<int>(rows->size()) > *limit) {
    rows->resize(*limit);
    response->set_next_page_token(common::EncodePageToken(
        query, common::PageCursor{{rows->back().create_time}, rows->back().id}));
  }
  for (StoredAlert& row : *rows) *response->add_alerts() = std::move(row.alert);
  return absl::OkStatus();
}

absl::Status AlertService::AcknowledgeAlert(const Ctx& ctx,
                                            const v1::AcknowledgeAlertRequest& request,
                                            v1::Alert* response) {
  absl::StatusOr<std::vector<int64_t>> id =
      common::ParseResourceName("name", request.name(), {"alerts"});
  if (!id.ok()) return id.status();
  // The framework names a caller without x-kam-actor "anonymous"; an
  // acknowledgement must say who took responsibility.
  if (ctx.actor.empty() || ctx.actor == "anonymous") {
    return absl::InvalidArgumentError(
        "x-kam-actor metadata is required: an acknowledgement records who made it");
  }
  absl::StatusOr<v1::Alert> alert =
      store_->Acknowledge((*id)[0], request.etag(), ctx.actor, common::NowMicros());
  if (!alert.ok()) return alert.status();
  *response = *std::move(alert);
  return absl::OkStatus();
}

absl::Status AlertService::WatchAlerts(const Ctx&, const v1::WatchAlertsRequest& request,
                                       common::ResponseWriter<v1::Alert>& writer) {
  {
    absl::MutexLock lock(&mu_);
    if (watches_ >= max_watches_) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "at most ", max_watches_, " alert watches may be open at once; retry later"));
    }
    ++watches_;
  }
  struct Release {
    AlertService* service;
    ~Release() {
      absl::MutexLock lock(&service->mu_);
      --service->watches_;
    }
  } release{this};
  absl::StatusOr<common::FilterNode> filter = common::ParseFilter(request.filter());
  if (!filter.ok()) return filter.status();
  if (absl::Status s = AlertStore::CheckFilter(*filter); !s.ok()) return s;
  std::optional<absl::Time> created_after;
  int64_t last_id = 0;
  if (request.has_after()) {
    if (absl::Status s = common::CheckTimestamp("after", request.after()); !s.ok()) {
      return s;
    }
    created_after = common::FromProtoTimestamp(request.after());
  } else {
    // Only new alerts: start after the newest one stored now.
    absl::StatusOr<int64_t> max_id = store_->MaxAlertId();
    if (!max_id.ok()) return max_id.status();
    last_id = *max_id;
  }
  // Send the initial metadata now, so the caller knows the watch is
  // established before the first alert (or before the first poll).
  writer.SendInitialMetadata();
  for (;;) {
    if (writer.Cancelled()) {
      return absl::CancelledError("the caller cancelled the watch");
    }
    absl::StatusOr<std::vector<StoredAlert>> batch =
        store_->AlertsSince(*filter, last_id, created_after, kWatchBatch);
    if (!batch.ok()) return batch.status();
    for (const StoredAlert& alert : *batch) {
      if (!writer.Write(alert.alert)) {
        return absl::CancelledError("the caller stopped reading the watch");
      }
      last_id = alert.id;
    }
    if (static_cast<int>(batch->size()) == kWatchBatch) continue;  // catching up
    if (!WaitForPoll()) return absl::UnavailableError("the server is shutting down");
  }
}

}  // namespace kam::scoring
