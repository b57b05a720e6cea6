#include "common/server/config.h"

#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/internal/parse.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/base/status_macros.h"
#include "common/metrics/exposer.h"

ABSL_FLAG(std::string, listen, "", "host:port to serve gRPC on (127.0.0.1 keeps it local)");
ABSL_FLAG(int, threads, 8, "request worker threads (each holds at most one DB connection)");
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(20),
          "on SIGTERM/SIGINT, how long in-flight calls may run before they are cancelled");
ABSL_FLAG(absl::Duration, max_connection_age, absl::ZeroDuration(),
          "after this long (+/-10% jitter) a client connection is asked to go away (GOAWAY), so "
          "clients re-resolve the service's name and spread onto pods added since; 0: never");
ABSL_FLAG(absl::Duration, max_connection_age_grace, absl::InfiniteDuration(),
          "how long calls still in flight on a connection past --max_connection_age may run "
          "before it is closed under them; inf: until they end");
ABSL_FLAG(std::string, metrics_listen, "",
          "host:port to serve Prometheus metrics on (GET /metrics, plain HTTP; port 0 picks one, "
          "logged); empty: no metrics endpoint");
ABSL_FLAG(bool, migrate_only, false,
          "apply the schema migrations, then exit (0 on success); for a pre-rollout Job");
ABSL_FLAG(std::string, db_host, "127.0.0.1", "MySQL/MariaDB host");
ABSL_FLAG(int, db_port, 33061, "MySQL/MariaDB TCP port");
ABSL_FLAG(std::string, db_socket, "",
          "MySQL/MariaDB unix socket; when set, used instead of host:port");
ABSL_FLAG(std::string, db_name, "", "schema this service owns");
ABSL_FLAG(std::string, db_user, "", "database user (rights on this service's schema only)");
ABSL_FLAG(std::string, db_password, "", "database password (prefer the environment variable)");
ABSL_FLAG(int, db_pool_size, 0, "connections in the pool; 0 means one per worker thread");
ABSL_FLAG(std::string, db_tls_ca_file, "",
          "PEM CA bundle the database server's certificate must chain to; turns TLS on for every "
          "database connection (a server without TLS or with another CA's certificate stops the "
          "service at start-up)");
ABSL_FLAG(std::string, db_tls_cert_file, "",
          "PEM client certificate presented to the database (for a user created REQUIRE X509); "
          "with --db_tls_key_file and --db_tls_ca_file");
ABSL_FLAG(std::string, db_tls_key_file, "", "PEM private key of --db_tls_cert_file");
ABSL_FLAG(bool, db_tls_verify_host, true,
          "with --db_tls_ca_file: the server's certificate must also name --db_host (localhost "
          "over --db_socket); false accepts any certificate the CA signed");

namespace kam::common {
namespace {

const char* const kCommonFlags[] = {
    "listen",       "threads",        "shutdown_grace",   "migrate_only",    "db_host",
    "db_port",      "db_socket",      "db_name",          "db_user",         "db_password",
    "db_pool_size", "db_tls_ca_file", "db_tls_cert_file", "db_tls_key_file", "db_tls_verify_host"};
// The server's connection lifetime (load spread) and the metrics endpoint,
// applied the same way.
const char* const kConnectionAgeFlags[] = {"max_connection_age", "max_connection_age_grace",
                                           "metrics_listen"};

absl::Status ApplyOne(absl::string_view env_prefix, absl::string_view flag_name) {
  absl::CommandLineFlag* flag = absl::FindCommandLineFlag(flag_name);
  if (flag == nullptr) {
    return absl::InternalError(absl::StrCat("no flag named --", flag_name));
  }
  // Abseil 2022 keeps CommandLineFlag::IsSpecifiedOnCommandLine private; this
  // is the function it forwards to.
  if (absl::flags_internal::WasPresentOnCommandLine(flag_name)) return absl::OkStatus();
  const std::string variable = absl::StrCat(env_prefix, "_", absl::AsciiStrToUpper(flag_name));
  const char* value = std::getenv(variable.c_str());
  if (value == nullptr) return absl::OkStatus();
  std::string error;
  if (!flag->ParseFrom(value, &error)) {
    return absl::InvalidArgumentError(
        absl::StrCat("environment variable ", variable, "=\"", value, "\": ", error));
  }
  return absl::OkStatus();
}

absl::Status CheckListenAddress(absl::string_view listen) {
  const size_t colon = listen.rfind(':');
  int port = 0;
  if (colon == absl::string_view::npos || colon == 0 ||
      !absl::SimpleAtoi(listen.substr(colon + 1), &port) || port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--listen must be host:port with a port from 0 to 65535 (got \"", listen, "\")"));
  }
  return absl::OkStatus();
}

absl::Status CheckReadable(absl::string_view flag, const std::string& path) {
  if (path.empty() || std::ifstream(path).good()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("--", flag, "=", path, ": cannot be read"));
}

// The --db_tls_* flags that can be checked without the server: INVALID_ARGUMENT
// naming the flag. Whether the server accepts them is found by connecting
// (ConnectionPool::CheckTls, at start-up).
absl::Status CheckDbTlsOptions(const DbTlsOptions& tls) {
  if (tls.cert_file.empty() != tls.key_file.empty()) {
    return absl::InvalidArgumentError("--db_tls_cert_file and --db_tls_key_file go together");
  }
  if (!tls.cert_file.empty() && !tls.enabled()) {
    return absl::InvalidArgumentError("--db_tls_cert_file needs --db_tls_ca_file");
  }
  KAM_RETURN_IF_ERROR(CheckReadable("db_tls_ca_file", tls.ca_file));
  KAM_RETURN_IF_ERROR(CheckReadable("db_tls_cert_file", tls.cert_file));
  return CheckReadable("db_tls_key_file", tls.key_file);
}

}  // namespace

absl::StatusOr<ServiceConfig> LoadServiceConfig(const ServiceDefaults& defaults, int argc,
                                                char** argv,
                                                const std::vector<std::string>& extra_flags) {
  // Service defaults go in before parsing, so the command line and the
  // environment override them.
  absl::SetFlag(&FLAGS_listen, defaults.listen);
  absl::SetFlag(&FLAGS_db_name, defaults.db_name);
  absl::SetFlag(&FLAGS_db_user, defaults.db_user);
  absl::ParseCommandLine(argc, argv);
  for (const char* name : kCommonFlags) {
    KAM_RETURN_IF_ERROR(ApplyOne(defaults.env_prefix, name));
  }
  for (const char* name : kConnectionAgeFlags) {
    KAM_RETURN_IF_ERROR(ApplyOne(defaults.env_prefix, name));
  }
  for (const std::string& name : SecurityFlagNames()) {
    KAM_RETURN_IF_ERROR(ApplyOne(defaults.env_prefix, name));
  }
  for (const std::string& name : extra_flags) {
    KAM_RETURN_IF_ERROR(ApplyOne(defaults.env_prefix, name));
  }

  ServiceConfig config;
  config.listen = absl::GetFlag(FLAGS_listen);
  config.threads = absl::GetFlag(FLAGS_threads);
  config.shutdown_grace = absl::GetFlag(FLAGS_shutdown_grace);
  config.max_connection_age = absl::GetFlag(FLAGS_max_connection_age);
  config.max_connection_age_grace = absl::GetFlag(FLAGS_max_connection_age_grace);
  config.migrate_only = absl::GetFlag(FLAGS_migrate_only);
  config.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  config.db.host = absl::GetFlag(FLAGS_db_host);
  config.db.port = absl::GetFlag(FLAGS_db_port);
  config.db.socket = absl::GetFlag(FLAGS_db_socket);
  config.db.schema = absl::GetFlag(FLAGS_db_name);
  config.db.user = absl::GetFlag(FLAGS_db_user);
  config.db.password = absl::GetFlag(FLAGS_db_password);
  const int pool_size = absl::GetFlag(FLAGS_db_pool_size);
  config.db.pool_size = pool_size == 0 ? config.threads : pool_size;
  config.db.tls.ca_file = absl::GetFlag(FLAGS_db_tls_ca_file);
  config.db.tls.cert_file = absl::GetFlag(FLAGS_db_tls_cert_file);
  config.db.tls.key_file = absl::GetFlag(FLAGS_db_tls_key_file);
  config.db.tls.verify_host = absl::GetFlag(FLAGS_db_tls_verify_host);

  KAM_RETURN_IF_ERROR(CheckListenAddress(config.listen));
  KAM_RETURN_IF_ERROR(metrics::CheckMetricsListen(config.metrics_listen));
  if (config.threads < 1 || config.threads > 256) {
    return absl::InvalidArgumentError(
        absl::StrCat("--threads must be from 1 to 256 (got ", config.threads, ")"));
  }
  if (config.shutdown_grace < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--shutdown_grace must not be negative");
  }
  if (config.max_connection_age < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--max_connection_age must not be negative (0: never)");
  }
  if (config.max_connection_age_grace < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--max_connection_age_grace must not be negative");
  }
  if (config.db.port < 1 || config.db.port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--db_port must be from 1 to 65535 (got ", config.db.port, ")"));
  }
  if (config.db.pool_size < 1 || config.db.pool_size > 1000) {
    return absl::InvalidArgumentError(
        absl::StrCat("--db_pool_size must be from 0 to 1000 (got ", config.db.pool_size, ")"));
  }
  if (config.db.schema.empty() || config.db.user.empty()) {
    return absl::InvalidArgumentError("--db_name and --db_user must not be empty");
  }
  KAM_RETURN_IF_ERROR(CheckDbTlsOptions(config.db.tls));
  KAM_ASSIGN_OR_RETURN(config.security, ReadSecurityFlags(defaults.env_prefix));
  return config;
}

}  // namespace kam::common
