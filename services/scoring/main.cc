// kam-scoring: the scoring service process. Wiring only: its flags, the
// stores, the client of the other two services, the rating runner and the
// five gRPC services; common::RunService does the rest.
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "common/client/team_narrowing.h"
#include "common/db/migrator.h"
#include "common/server/run_service.h"
#include "services/scoring/alerts/alert_service.h"
#include "services/scoring/designations/designation_service.h"
#include "services/scoring/mysql_stores.h"
#include "services/scoring/policy/policy_service.h"
#include "services/scoring/rating/grpc_rating_client.h"
#include "services/scoring/rating/rating_runner.h"
#include "services/scoring/rating/rating_service.h"
#include "services/scoring/reports/report_service.h"
#include "services/scoring/scoring_metrics.h"

ABSL_FLAG(std::string, account_service, "127.0.0.1:50051", "the account service's address");
ABSL_FLAG(std::string, interaction_service, "127.0.0.1:50052",
          "the interaction service's address");
ABSL_FLAG(absl::Duration, call_deadline, absl::Seconds(10),
          "deadline of each unary call to the other services (publishing a batch of tiers)");
ABSL_FLAG(absl::Duration, stream_deadline, absl::Hours(2),
          "deadline of one pass over every account (the export and facts streams)");
ABSL_FLAG(absl::Duration, run_lease, absl::Seconds(30),
          "how long a replica's claim on a rating run lasts without a heartbeat; a run of a "
          "replica that died is resumed after it");
ABSL_FLAG(std::string, replica_id, "",
          "this replica's name in rating run leases, 1 to 128 printable ASCII characters, "
          "unique among the replicas and the same after a restart (empty: <hostname>:<port of "
          "--listen>, which a restarted container of the same pod keeps): a restarted replica "
          "resumes its own run at once instead of waiting --run_lease out");
ABSL_FLAG(int, max_resumes, 3, "restarts a rating run survives before it is failed");
ABSL_FLAG(int, publish_batch, 1000, "accounts per SetAccountTiers call, 1 to 1000");
ABSL_FLAG(absl::Duration, run_poll_interval, absl::Seconds(2),
          "how often an idle runner looks for rating runs to start or resume (a new run wakes "
          "it at once; a run whose replica died is found by this)");
ABSL_FLAG(absl::Duration, publish_max_backoff, absl::Seconds(30),
          "longest wait between attempts to publish tiers while the account service is "
          "unavailable (waits start at 200ms and double)");
ABSL_FLAG(int, max_alert_watches, 100,
          "WatchAlerts streams open at once (each holds a thread and polls the database); "
          "one more is RESOURCE_EXHAUSTED");
ABSL_FLAG(absl::Duration, alert_poll, absl::Milliseconds(250),
          "how often a WatchAlerts stream looks for new alerts");
ABSL_FLAG(absl::Duration, report_timeout, absl::Minutes(5),
          "how long one statement of a report (pyramid, Pareto, customer equity, run "
          "comparison) may run; each reads every rating of a run");

ABSL_DECLARE_FLAG(std::string, listen);  // common/server/config.cc

namespace kam::scoring {

// The embedded migrations (services/scoring/migrations).
const std::vector<common::Migration>& Migrations();

namespace {

using rating::RatingRunner;

absl::Status CheckFlags() {
  if (absl::GetFlag(FLAGS_report_timeout) <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--report_timeout must be positive");
  }
  const int publish_batch = absl::GetFlag(FLAGS_publish_batch);
  if (publish_batch < 1 || publish_batch > 1000) {
    return absl::InvalidArgumentError(
        absl::StrCat("--publish_batch must be from 1 to 1000 (got ", publish_batch, ")"));
  }
  const int max_alert_watches = absl::GetFlag(FLAGS_max_alert_watches);
  if (max_alert_watches < 1 || max_alert_watches > 10000) {
    return absl::InvalidArgumentError(
        absl::StrCat("--max_alert_watches must be from 1 to 10000 (got ", max_alert_watches, ")"));
  }
  if (absl::GetFlag(FLAGS_run_poll_interval) <= absl::ZeroDuration() ||
      absl::GetFlag(FLAGS_publish_max_backoff) <= absl::ZeroDuration() ||
      absl::GetFlag(FLAGS_run_lease) <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "--run_lease, --run_poll_interval and --publish_max_backoff must be positive");
  }
  const std::string replica_id = absl::GetFlag(FLAGS_replica_id);
  if (replica_id.size() > 128 || !std::all_of(replica_id.begin(), replica_id.end(),
                                              [](char c) { return c > ' ' && c < 127; })) {
    return absl::InvalidArgumentError(
        "--replica_id must be at most 128 printable ASCII characters without spaces");
  }
  return absl::OkStatus();
}

// The lease owner: stable across restarts of the same replica (not the
// process id), so that ClaimRun hands a restarted replica its own run back.
std::string ReplicaId() {
  std::string id = absl::GetFlag(FLAGS_replica_id);
  if (!id.empty()) return id;
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  const std::string listen = absl::GetFlag(FLAGS_listen);
  return absl::StrCat(host, ":", listen.substr(listen.rfind(':') + 1)).substr(0, 128);
}

RatingRunner::Options RunnerOptions(designations::DesignationStore* designations) {
  RatingRunner::Options options;
  options.designations = designations;
  options.owner = ReplicaId();
  options.lease = absl::GetFlag(FLAGS_run_lease);
  options.max_resumes = absl::GetFlag(FLAGS_max_resumes);
  options.publish_batch = absl::GetFlag(FLAGS_publish_batch);
  options.poll_interval = absl::GetFlag(FLAGS_run_poll_interval);
  options.max_backoff = absl::GetFlag(FLAGS_publish_max_backoff);
  return options;
}

// The reports' own connections: a report's statements read every rating of
// a run, which at ten million ratings takes longer than the 30 s every other
// statement is allowed (README, "Every path at ten million accounts"), so
// they get --report_timeout instead, on at most four connections.
std::unique_ptr<common::ConnectionPool> NewReportPool(const common::ConnectionPool& pool) {
  common::DbOptions options = pool.options();
  options.io_timeout = std::max(options.io_timeout, absl::GetFlag(FLAGS_report_timeout));
  options.pool_size = std::min(options.pool_size, 4);
  return std::make_unique<common::ConnectionPool>(std::move(options));
}

// Every part of the scoring service; the runner runs in the background.
class ScoringModule final : public common::ServiceModule {
 public:
  explicit ScoringModule(common::ConnectionPool* pool)
      : report_pool_(NewReportPool(*pool)),
        policy_store_(NewMySqlPolicyStore(pool)),
        rating_store_(NewMySqlRatingStore(pool)),
        alert_store_(NewMySqlAlertStore(pool)),
        designation_store_(NewMySqlDesignationStore(pool)),
        report_store_(NewMySqlReportStore(report_pool_.get())),
        client_(absl::GetFlag(FLAGS_account_service), absl::GetFlag(FLAGS_interaction_service),
                absl::GetFlag(FLAGS_call_deadline), absl::GetFlag(FLAGS_stream_deadline)),
        teams_(common::NewGrpcTeamAccounts(absl::GetFlag(FLAGS_account_service),
                                           absl::GetFlag(FLAGS_call_deadline))),
        runner_(
            rating_store_.get(), policy_store_.get(), &client_,
            [this](int64_t run_id, alerts::AlertBatches& alerts) {
              return alert_store_->InsertAlertBatches(run_id, alerts, common::NowMicros());
            },
            RunnerOptions(designation_store_.get())),
        policies_(policy_store_.get()),
        ratings_(
            rating_store_.get(), policy_store_.get(), [this] { runner_.Wake(); }, teams_.get()),
        reports_(rating_store_.get(), report_store_.get(), teams_.get()),
        alerts_(alert_store_.get(), teams_.get(), absl::GetFlag(FLAGS_alert_poll),
                absl::GetFlag(FLAGS_max_alert_watches)),
        designations_(designation_store_.get(),
                      designations::NewGrpcAccountCheck(absl::GetFlag(FLAGS_account_service),
                                                        absl::GetFlag(FLAGS_call_deadline)),
                      teams_.get()) {}

  void Register(common::GrpcServer& server) override {
    policies_.Register(server);
    ratings_.Register(server);
    reports_.Register(server);
    alerts_.Register(server);
    designations_.Register(server);
  }
  void StartBackground() override { runner_.Start(); }
  void StopBackground() override {
    // Watchers first: they end at once (UNAVAILABLE) rather than wait for a
    // rating step to stop, and the server exits once they have.
    alerts_.Stop();
    runner_.Stop();
  }

 private:
  const std::unique_ptr<common::ConnectionPool> report_pool_;
  const std::unique_ptr<policy::PolicyStore> policy_store_;
  const std::unique_ptr<rating::RatingStore> rating_store_;
  const std::unique_ptr<alerts::AlertStore> alert_store_;
  const std::unique_ptr<designations::DesignationStore> designation_store_;
  const std::unique_ptr<reports::ReportStore> report_store_;
  rating::GrpcRatingClient client_;
  // A manager's accounts, to narrow their calls (common/client/team_narrowing.h).
  const std::unique_ptr<common::TeamAccountsSource> teams_;
  RatingRunner runner_;
  policy::PolicyService policies_;
  rating::RatingService ratings_;
  reports::ReportService reports_;
  alerts::AlertService alerts_;
  designations::DesignationService designations_;
};

absl::StatusOr<common::ServiceModules> Build(common::ConnectionPool& pool) {
  KAM_RETURN_IF_ERROR(CheckFlags());
  RegisterScoringMetrics();
  common::ServiceModules modules;
  modules.push_back(std::make_unique<ScoringModule>(&pool));
  return modules;
}

}  // namespace
}  // namespace kam::scoring

int main(int argc, char** argv) {
  kam::common::ServiceDefinition service = kam::common::StandardService("scoring", 50053);
  service.extra_flags = {"account_service", "interaction_service", "call_deadline",
                         "stream_deadline", "run_lease", "max_resumes", "publish_batch",
                         "run_poll_interval", "publish_max_backoff", "alert_poll",
                         "max_alert_watches"};
  service.extra_flags.push_back("replica_id");  // KAM_SCORING_REPLICA_ID
  service.migrations = &kam::scoring::Migrations();
  service.build = kam::scoring::Build;
  return kam::common::RunService(argc, argv, service);
}
