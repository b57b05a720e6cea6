// Service configuration from flags and environment variables.
//
// Every flag can also be set by an environment variable named after the
// service and the flag: --db_port for the account service is
// KAM_ACCOUNT_DB_PORT. A flag given on the command line wins over the
// environment, which wins over the built-in default. Kubernetes sets the
// environment; people at a shell use flags.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/db/mysql_pool.h"
#include "common/server/security_config.h"

namespace kam::common {

// What differs between services.
struct ServiceDefaults {
  std::string env_prefix;  // "KAM_ACCOUNT"
  std::string listen;      // "127.0.0.1:50051"
  std::string db_name;     // "kam_account"
  std::string db_user;     // "kam_account"
};

// What every service process needs.
struct ServiceConfig {
  std::string listen;             // host:port to serve gRPC on
  int threads = 8;                // request worker threads
  absl::Duration shutdown_grace;  // how long in-flight calls get on SIGTERM
  // GOAWAY to a client connection this old (0: never), and how long calls in
  // flight on it may still run (GrpcServer::Options).
  absl::Duration max_connection_age;
  absl::Duration max_connection_age_grace;
  bool migrate_only = false;      // apply migrations and exit (a Kubernetes Job)
  // host:port of the Prometheus endpoint (common/metrics/exposer.h); empty: none.
  std::string metrics_listen;
  DbOptions db;
  // TLS, tokens, limits, audit (security_config.h); all off by default.
  SecurityConfig security;
};

// Parses the command line (absl flags; --help lists every flag), applies the
// environment and checks the values. Errors name the flag or variable.
// Service-specific flags are defined with ABSL_FLAG in the service and listed
// in `extra_flags` so that the environment applies to them too.
absl::StatusOr<ServiceConfig> LoadServiceConfig(const ServiceDefaults& defaults, int argc,
                                                char** argv,
                                                const std::vector<std::string>& extra_flags = {});

}  // namespace kam::common
