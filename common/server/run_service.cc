#include "common/server/run_service.h"

#include <cstdio>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/base/log.h"
#include "common/client/rpc_client.h"
#include "common/metrics/exposer.h"
#include "common/metrics/pool_metrics.h"
#include "common/server/readiness.h"
#include "common/server/security_config.h"

namespace kam::common {
namespace {

int Fail(const ServiceDefinition& definition, const absl::Status& status) {
  std::fprintf(stderr, "%s: %s\n", definition.program.c_str(),
               std::string(status.message()).c_str());
  return 2;
}

// A listener that could not be opened (an address in use): exit code 1.
int CannotStart(const absl::Status& status) {
  Log(LogLevel::kError, "cannot start", {{"error", status.message()}});
  FlushLogs();
  return 1;
}

int MigrateOnly(ConnectionPool& pool, const std::vector<Migration>& migrations) {
  ScopedMySqlThread mysql_thread;
  const absl::Status migrated = ApplyMigrations(pool, migrations);
  Log(migrated.ok() ? LogLevel::kInfo : LogLevel::kError,
      migrated.ok() ? "migrations applied" : "migrations failed", {{"error", migrated.message()}});
  FlushLogs();
  return migrated.ok() ? 0 : 1;
}

}  // namespace

int RunService(int argc, char** argv, const ServiceDefinition& definition) {
  // Before any thread exists, so every thread inherits the blocked signals.
  BlockShutdownSignals();
  absl::StatusOr<ServiceConfig> config =
      LoadServiceConfig(definition.defaults, argc, argv, definition.extra_flags);
  if (!config.ok()) return Fail(definition, config.status());
  StartLogFlusher();
  InitMySqlDriver();

  ConnectionPool pool(config->db);
  // A database that refuses our TLS settings stops the service and the
  // migration Job alike, naming the flags (a server that is down does not).
  if (absl::Status tls = pool.CheckTls(); !tls.ok()) return Fail(definition, tls);
  if (config->migrate_only) return MigrateOnly(pool, *definition.migrations);
  // Before the modules are built: they make the channels to other services.
  if (absl::Status dependencies = ConfigureDependencies(config->security.dependencies);
      !dependencies.ok()) {
    return Fail(definition, dependencies);
  }
  absl::StatusOr<ServerSecurity> security = MakeServerSecurity(config->security, config->listen);
  if (!security.ok()) return Fail(definition, security.status());
  absl::StatusOr<ServiceModules> modules = definition.build(pool);
  if (!modules.ok()) return Fail(definition, modules.status());
  // GET /metrics (docs/metrics.md), from before the first call to the exit.
  metrics::ExportPool(&pool);
  std::unique_ptr<metrics::MetricsEndpoint> metrics_endpoint;
  if (!config->metrics_listen.empty()) {
    absl::StatusOr<std::unique_ptr<metrics::MetricsEndpoint>> started =
        metrics::MetricsEndpoint::Start(config->metrics_listen);
    if (!started.ok()) return CannotStart(started.status());
    metrics_endpoint = *std::move(started);
    Log(LogLevel::kInfo, "metrics serving",
        {{"listen", config->metrics_listen}, {"port", metrics_endpoint->port()}});
  }

  GrpcServer::Options options;
  options.listen = config->listen;
  options.threads = config->threads;
  options.shutdown_grace = config->shutdown_grace;
  options.max_connection_age = config->max_connection_age;
  options.max_connection_age_grace = config->max_connection_age_grace;
  options.thread_init = MySqlThreadInit;
  options.thread_end = MySqlThreadEnd;
  options.credentials = security->transport.credentials;
  options.transport_mode = security->transport.mode;
  options.gate = security->gate;
  GrpcServer server(options);
  for (const auto& module : *modules) module->Register(server);
  if (absl::Status started = server.Start(); !started.ok()) return CannotStart(started);
  ReadinessMonitor readiness(&server, &pool, definition.migrations, [&modules] {
    for (const auto& module : *modules) module->StartBackground();
  });
  readiness.Start();
  GrpcServer::WaitForShutdownSignal();
  // At once: NOT_SERVING and no new calls (docs/operations.md). Then,
  // while the calls in flight finish, the readiness monitor (which starts
  // the background work) and the background work stop; long streams such
  // as watches end there. Shutdown() waits for the rest.
  server.BeginShutdown();
  readiness.Stop();
  for (auto it = modules->rbegin(); it != modules->rend(); ++it) (*it)->StopBackground();
  // A handler still blocked in the database after the grace period: its
  // caller has been answered; exit now rather than wait (GrpcServer::Shutdown).
  if (!server.Shutdown()) std::_Exit(0);
  while (!modules->empty()) modules->pop_back();  // later modules may use earlier ones
  return 0;
}

ServiceDefinition StandardService(absl::string_view name, int port) {
  ServiceDefinition definition;
  definition.program = absl::StrCat("kam-", name);
  definition.defaults = {.env_prefix = absl::AsciiStrToUpper(absl::StrCat("KAM_", name)),
                         .listen = absl::StrCat("127.0.0.1:", port),
                         .db_name = absl::StrCat("kam_", name),
                         .db_user = absl::StrCat("kam_", name)};
  return definition;
}

}  // namespace kam::common
