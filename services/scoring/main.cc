// kam-scoring: the scoring service process. Wiring only: configuration,
// pool, clients of the other two services, store, runner, services, server.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "common/config.h"
#include "common/grpc_server.h"
#include "common/log.h"
#include "common/migrator.h"
#include "common/mysql_pool.h"
#include "common/proto_time.h"
#include "common/readiness.h"
#include "services/scoring/alert_service.h"
#include "services/scoring/alert_store.h"
#include "services/scoring/policy_service.h"
#include "services/scoring/rating_client.h"
#include "services/scoring/rating_runner.h"
#include "services/scoring/rating_service.h"
#include "services/scoring/report_service.h"
#include "services/scoring/report_store.h"
#include "services/scoring/scoring_store.h"

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

int main(int argc, char** argv) {
  using kam::common::Log;
  using kam::common::LogLevel;
  kam::common::BlockShutdownSignals();
  absl::StatusOr<kam::common::ServiceConfig> config = kam::common::LoadServiceConfig(
      {.env_prefix = "KAM_SCORING",
       .listen = "127.0.0.1:50053",
       .db_name = "kam_scoring",
       .db_user = "kam_scoring"},
      argc, argv,
      {"account_service", "interaction_service", "call_deadline", "stream_deadline", "run_lease",
       "max_resumes", "publish_batch", "run_poll_interval", "publish_max_backoff",
       "alert_poll", "max_alert_watches"});
  if (!config.ok()) {
    std::fprintf(stderr, "kam-scoring: %s\n", std::string(config.status().message()).c_str());
    return 2;
  }
  const int publish_batch = absl::GetFlag(FLAGS_publish_batch);
  const int max_alert_watches = absl::GetFlag(FLAGS_max_alert_watches);
  if (max_alert_watches < 1 || max_alert_watches > 10000) {
    std::fprintf(stderr, "kam-scoring: --max_alert_watches must be from 1 to 10000 (got %d)\n",
                 max_alert_watches);
    return 2;
  }
  if (publish_batch < 1 || publish_batch > 1000) {
    std::fprintf(stderr, "kam-scoring: --publish_batch must be from 1 to 1000 (got %d)\n",
                 publish_batch);
    return 2;
  }
  if (absl::GetFlag(FLAGS_run_poll_interval) <= absl::ZeroDuration() ||
      absl::GetFlag(FLAGS_publish_max_backoff) <= absl::ZeroDuration() ||
      absl::GetFlag(FLAGS_run_lease) <= absl::ZeroDuration()) {
    std::fprintf(stderr,
                 "kam-scoring: --run_lease, --run_poll_interval and --publish_max_backoff must "
                 "be positive\n");
    return 2;
  }
  kam::common::StartLogFlusher();
  kam::common::InitMySqlDriver();

  kam::common::ConnectionPool pool(config->db);
  if (config->migrate_only) {
    kam::common::ScopedMySqlThread mysql_thread;
    absl::Status migrated = kam::common::ApplyMigrations(pool, kam::scoring::Migrations());
    Log(migrated.ok() ? LogLevel::kInfo : LogLevel::kError,
        migrated.ok() ? "migrations applied" : "migrations failed", {{"error", migrated.message()}});
    kam::common::FlushLogs();
    return migrated.ok() ? 0 : 1;
  }

  kam::scoring::ScoringStore store(&pool);
  kam::scoring::AlertStore alert_store(&pool);
  kam::scoring::RatingClient client(
      absl::GetFlag(FLAGS_account_service), absl::GetFlag(FLAGS_interaction_service),
      absl::GetFlag(FLAGS_call_deadline), absl::GetFlag(FLAGS_stream_deadline));
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  kam::scoring::RatingRunner::Options runner_options;
  runner_options.owner = absl::StrCat(host, ":", getpid());
  runner_options.lease = absl::GetFlag(FLAGS_run_lease);
  runner_options.max_resumes = absl::GetFlag(FLAGS_max_resumes);
  runner_options.publish_batch = publish_batch;
  runner_options.poll_interval = absl::GetFlag(FLAGS_run_poll_interval);
  runner_options.max_backoff = absl::GetFlag(FLAGS_publish_max_backoff);
  kam::scoring::RatingRunner runner(
      &store, &client,
      [&alert_store](int64_t run_id, const std::vector<kam::scoring::Alert>& alerts) {
        return alert_store.InsertAlerts(run_id, alerts, kam::common::NowMicros());
      },
      runner_options);

  kam::scoring::PolicyService policies(&store);
  kam::scoring::RatingService ratings(&store, [&runner] { runner.Wake(); });
  kam::scoring::ReportStore report_store(&pool);
  kam::scoring::ReportService reports(&store, &report_store);
  kam::common::GrpcServer::Options options;
  options.listen = config->listen;
  options.threads = config->threads;
  options.shutdown_grace = config->shutdown_grace;
  options.health_service_names = {"kam.scoring.v1.ScoringPolicyService",
                                  "kam.scoring.v1.RatingService",
                                  "kam.scoring.v1.ReportService",
                                  "kam.scoring.v1.AlertService"};
  options.thread_init = kam::common::MySqlThreadInit;
  options.thread_end = kam::common::MySqlThreadEnd;
  kam::common::GrpcServer server(options);
  policies.Register(server);
  ratings.Register(server);
  reports.Register(server);
  kam::scoring::AlertService alerts(&alert_store, &server, absl::GetFlag(FLAGS_alert_poll),
                                    max_alert_watches);
  alerts.Register();
  if (absl::Status started = server.Start(); !started.ok()) {
    Log(LogLevel::kError, "cannot start", {{"error", started.message()}});
    kam::common::FlushLogs();
    return 1;
  }
  kam::common::ReadinessMonitor readiness(&server, &pool, &kam::scoring::Migrations(),
                                          [&runner] { runner.Start(); });
  readiness.Start();
  kam::common::GrpcServer::WaitForShutdownSignal();
  readiness.Stop();
  runner.Stop();
  alerts.Stop();  // watchers end now rather than hold the shutdown's grace period
  if (!server.Shutdown()) std::_Exit(0);  // see GrpcServer::Shutdown
  return 0;
}
