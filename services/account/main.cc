// kam-account: the account service process. Wiring only: configuration,
// pool, store, service, server; see account_service.h for the behaviour.
#include <cstdio>
#include <cstdlib>

#include "common/config.h"
#include "common/grpc_server.h"
#include "common/log.h"
#include "common/migrator.h"
#include "common/mysql_pool.h"
#include "common/readiness.h"
#include "services/account/account_export_service.h"
#include "services/account/account_service.h"
#include "services/account/account_store.h"

int main(int argc, char** argv) {
  kam::common::BlockShutdownSignals();
  absl::StatusOr<kam::common::ServiceConfig> config = kam::common::LoadServiceConfig(
      {.env_prefix = "KAM_ACCOUNT",
       .listen = "127.0.0.1:50051",
       .db_name = "kam_account",
       .db_user = "kam_account"},
      argc, argv);
  if (!config.ok()) {
    std::fprintf(stderr, "kam-account: %s\n", std::string(config.status().message()).c_str());
    return 2;
  }
  kam::common::StartLogFlusher();
  kam::common::InitMySqlDriver();

  kam::common::ConnectionPool pool(config->db);
  if (config->migrate_only) {
    kam::common::ScopedMySqlThread mysql_thread;
    absl::Status migrated = kam::common::ApplyMigrations(pool, kam::account::Migrations());
    kam::common::Log(migrated.ok() ? kam::common::LogLevel::kInfo : kam::common::LogLevel::kError,
                     migrated.ok() ? "migrations applied" : "migrations failed",
                     {{"error", migrated.message()}});
    kam::common::FlushLogs();
    return migrated.ok() ? 0 : 1;
  }
  kam::account::AccountStore store(&pool);
  kam::account::AccountService service(&store);
  kam::common::GrpcServer server({.listen = config->listen,
                                  .threads = config->threads,
                                  .shutdown_grace = config->shutdown_grace,
                                  .health_service_names = {"kam.account.v1.AccountService",
                                                           "kam.account.v1.AccountExportService"},
                                  .thread_init = kam::common::MySqlThreadInit,
                                  .thread_end = kam::common::MySqlThreadEnd});
  service.Register(server);
  kam::account::AccountExportService export_service(&store, &server);
  server.RegisterService(&export_service);
  if (absl::Status started = server.Start(); !started.ok()) {
    kam::common::Log(kam::common::LogLevel::kError, "cannot start",
                     {{"error", started.message()}});
    kam::common::FlushLogs();
    return 1;
  }
  kam::common::ReadinessMonitor readiness(&server, &pool, &kam::account::Migrations());
  readiness.Start();
  kam::common::GrpcServer::WaitForShutdownSignal();
  readiness.Stop();
  if (!server.Shutdown()) std::_Exit(0);  // see GrpcServer::Shutdown
  return 0;
}
