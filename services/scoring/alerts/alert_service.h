// kam.scoring.v1.AlertService: listing and acknowledging the alerts rating
// runs raise, and a server stream of new ones (WatchAlerts holds one of
// gRPC's threads per watcher; see common/server/service_methods.h).
#pragma once

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/client/team_narrowing.h"
#include "common/server/grpc_server.h"
#include "common/server/service_methods.h"
#include "kam/scoring/v1/alert.grpc.pb.h"
#include "services/scoring/alerts/alert_store.h"

namespace kam::scoring::alerts {

class AlertService final {
 public:
  // `poll_interval`: how often a watcher looks for new alerts. Alerts come
  // from rating runs (minutes apart at the least), so a short poll of one
  // indexed query is cheaper than a notification channel between replicas.
  // `max_watches`: watches open at once; one more is RESOURCE_EXHAUSTED
  // (each holds a thread and polls the database). `teams` (the account
  // service's ListTeamAccounts) narrows an account manager to the alerts of
  // their accounts (common/client/team_narrowing.h): another's alert answers
  // as a missing one, lists and watches hold only theirs (a watch: the
  // accounts they had when it opened).
  AlertService(AlertStore* store, common::TeamAccountsSource* teams,
               absl::Duration poll_interval = absl::Milliseconds(250), int max_watches = 100)
      : store_(store), teams_(teams), poll_interval_(poll_interval), max_watches_(max_watches) {}

  void Register(common::GrpcServer& server);

  // Ends every watch (UNAVAILABLE: "the server is shutting down") and makes
  // new ones end at once. Call before GrpcServer::Shutdown so watchers do not
  // hold the shutdown for its whole grace period.
  void Stop();

  using Ctx = common::CallContext;
  absl::Status ListAlerts(const Ctx&, const v1::ListAlertsRequest&, v1::ListAlertsResponse*);
  // Acknowledging an acknowledged alert returns it unchanged (the first
  // acknowledgement stands), so a retry after a lost reply succeeds; a stale
  // etag is ABORTED first. The actor (x-kam-actor metadata) is required.
  absl::Status AcknowledgeAlert(const Ctx&, const v1::AcknowledgeAlertRequest&, v1::Alert*);

  absl::Status WatchAlerts(const Ctx&, const v1::WatchAlertsRequest& request,
                           common::ResponseWriter<v1::Alert>& writer);

 private:
  // Waits up to the poll interval; false once stopped.
  bool WaitForPoll();

  v1::AlertService::Service service_;
  AlertStore* store_;
  common::TeamAccountsSource* teams_;
  const absl::Duration poll_interval_;
  const int max_watches_;
  absl::Mutex mu_;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  int watches_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace kam::scoring::alerts
