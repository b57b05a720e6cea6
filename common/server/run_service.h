// What the main() of every service does, written once: configuration from
// flags and the environment, JSON logging, the MySQL driver and pool, the
// schema migrations (or only them, with --migrate_only), the gRPC server
// with health and reflection, readiness, background work, and a graceful
// shutdown on SIGTERM or SIGINT. A service's main.cc only names its parts:
//
//   int main(int argc, char** argv) {
//     kam::common::ServiceDefinition service = kam::common::StandardService("account", 50051);
//     service.migrations = &kam::account::Migrations();
//     service.build = [](kam::common::ConnectionPool& pool) { ... modules ... };
//     return kam::common::RunService(argc, argv, service);
//   }
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/db/migrator.h"
#include "common/db/mysql_pool.h"
#include "common/server/config.h"
#include "common/server/grpc_server.h"

namespace kam::common {

// A part of a service process: gRPC methods and, if it has any, background
// work (a sweeper, a job runner).
class ServiceModule {
 public:
  virtual ~ServiceModule() = default;

  // Serves the module's methods (common/server/service_methods.h), before
  // the server starts.
  virtual void Register(GrpcServer& server) = 0;

  // Started once the schema is migrated, before the server opens for calls;
  // stopped (in reverse order of the modules) before the server shuts down.
  virtual void StartBackground() {}
  virtual void StopBackground() {}
};

// In the order they are built; a module may hold a pointer to an earlier one
// (they are destroyed in reverse order).
using ServiceModules = std::vector<std::unique_ptr<ServiceModule>>;

struct ServiceDefinition {
  // The program's name, e.g. "kam-account": it starts every start-up error.
  std::string program;
  ServiceDefaults defaults;
  // The service's own flags (ABSL_FLAG in its main.cc), so the environment
  // can set them too.
  std::vector<std::string> extra_flags;
  const std::vector<Migration>* migrations = nullptr;
  // Builds the modules over the service's connection pool. An error (a flag
  // with a bad value) stops the process with exit code 2 and its message.
  std::function<absl::StatusOr<ServiceModules>(ConnectionPool& pool)> build;
};

// Runs the service until SIGTERM or SIGINT; returns main()'s exit code: 0
// after a clean shutdown (or applied migrations), 1 when the server or the
// migrations failed, 2 for a bad flag or environment variable.
int RunService(int argc, char** argv, const ServiceDefinition& definition);

// The suite's naming convention for service `name` ("account") on `port`:
// program kam-<name>, environment prefix KAM_<NAME>, listening on
// 127.0.0.1:<port>, schema and database user kam_<name>. The caller adds
// its own flags, migrations and build.
ServiceDefinition StandardService(absl::string_view name, int port);

}  // namespace kam::common
