// kam-interaction: the interaction service process. Wiring only:
// configuration, pool, account client, the five areas (area.h), server.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include "absl/flags/flag.h"
#include "common/config.h"
#include "common/grpc_server.h"
#include "common/log.h"
#include "common/migrator.h"
#include "common/mysql_pool.h"
#include "common/readiness.h"
#include "services/interaction/account_client.h"
#include "services/interaction/area.h"

ABSL_FLAG(std::string, account_service, "127.0.0.1:50051", "the account service's address");
ABSL_FLAG(absl::Duration, account_deadline, absl::Seconds(2),
          "deadline of each call to the account service");
ABSL_FLAG(absl::Duration, sweep_interval, absl::Seconds(10),
          "how often background work (SLA breach escalation) runs");

namespace kam::interaction {
const std::vector<common::Migration>& Migrations();
}  // namespace kam::interaction

int main(int argc, char** argv) {
  using kam::common::Log;
  using kam::common::LogLevel;
  kam::common::BlockShutdownSignals();
  absl::StatusOr<kam::common::ServiceConfig> config = kam::common::LoadServiceConfig(
      {.env_prefix = "KAM_INTERACTION",
       .listen = "127.0.0.1:50052",
       .db_name = "kam_interaction",
       .db_user = "kam_interaction"},
      argc, argv, {"account_service", "account_deadline", "sweep_interval"});
  if (!config.ok()) {
    std::fprintf(stderr, "kam-interaction: %s\n", std::string(config.status().message()).c_str());
    return 2;
  }
  kam::common::StartLogFlusher();
  kam::common::InitMySqlDriver();

  kam::common::ConnectionPool pool(config->db);
  if (config->migrate_only) {
    kam::common::ScopedMySqlThread mysql_thread;
    absl::Status migrated = kam::common::ApplyMigrations(pool, kam::interaction::Migrations());
    Log(migrated.ok() ? LogLevel::kInfo : LogLevel::kError,
        migrated.ok() ? "migrations applied" : "migrations failed", {{"error", migrated.message()}});
    kam::common::FlushLogs();
    return migrated.ok() ? 0 : 1;
  }

  kam::interaction::AccountClient accounts(absl::GetFlag(FLAGS_account_service),
                                           absl::GetFlag(FLAGS_account_deadline));
  const kam::interaction::AreaDeps deps{&pool, &accounts, absl::GetFlag(FLAGS_sweep_interval)};
  std::vector<std::unique_ptr<kam::interaction::Area>> areas;
  areas.push_back(kam::interaction::MakeActivityArea(deps));
  areas.push_back(kam::interaction::MakeCaseArea(deps));
  areas.push_back(kam::interaction::MakeBillingArea(deps));
  areas.push_back(kam::interaction::MakeOpportunityArea(deps));
  areas.push_back(kam::interaction::MakeFactsArea(deps));

  kam::common::GrpcServer::Options options;
  options.listen = config->listen;
  options.threads = config->threads;
  options.shutdown_grace = config->shutdown_grace;
  options.thread_init = kam::common::MySqlThreadInit;
  options.thread_end = kam::common::MySqlThreadEnd;
  for (const auto& area : areas) {
    for (const std::string& name : area->ServiceNames()) options.health_service_names.push_back(name);
  }
  kam::common::GrpcServer server(options);
  for (const auto& area : areas) area->Register(server);
  if (absl::Status started = server.Start(); !started.ok()) {
    Log(LogLevel::kError, "cannot start", {{"error", started.message()}});
    kam::common::FlushLogs();
    return 1;
  }
  kam::common::ReadinessMonitor readiness(&server, &pool, &kam::interaction::Migrations(), [&] {
    for (const auto& area : areas) area->StartBackground();
  });
  readiness.Start();
  kam::common::GrpcServer::WaitForShutdownSignal();
  readiness.Stop();
  for (const auto& area : areas) area->StopBackground();
  if (!server.Shutdown()) std::_Exit(0);  // see GrpcServer::Shutdown
  return 0;
}
