// The KAM suite on one machine: a private MariaDB plus the service processes
// on loopback. Used by the integration and end-to-end tests, the benchmarks
// and `./kam up` (kam-local), so all of them run the suite the same way.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "grpcpp/grpcpp.h"
#include "tests/harness/mariadb_server.h"
#include "tests/harness/service_process.h"
#include "tests/harness/suite_security.h"

namespace kam::testing {

// Where CMake put the service binaries (set at build time; KAM_BUILD_DIR in
// the environment overrides it).
std::string BuildDir();

// The services the suite knows, in dependency order.
inline const std::vector<std::string>& AllServices() {
  static const std::vector<std::string> services = {"account", "interaction", "scoring"};
  return services;
}

class LocalSuite {
 public:
  struct Options {
    // Data and logs. Empty: a temporary folder, removed on destruction.
    std::string data_dir;
    int db_port = 0;  // 0 picks a free port
    // Which services to start (a service's dependencies must be listed too).
    std::vector<std::string> services = {"account"};
    // Fixed ports by service name; a service not listed gets a free port.
    std::map<std::string, int> ports;
    // Extra flags by service name (e.g. {"account", {"--threads=4"}}).
    std::map<std::string, std::vector<std::string>> args;
    // Extra mariadbd options (MariaDbServer::Options::extra_args).
    std::vector<std::string> db_args;
    // Run secured (docs/security.md): TLS, bearer tokens and an audit log on
    // every service, with the PKI and a token per role in <data_dir>
    // (suite_security.h). Off: plaintext on loopback, x-kam-actor trusted.
    bool secured = false;
    // With `secured`: false keeps the tokens and the audit log but serves
    // plaintext on loopback, as a service behind a mesh that gives mTLS
    // runs (--plaintext_behind_mesh); clients then need no CA.
    bool tls = true;
    // Deprecated spellings kept for the account tests.
    int account_port = 0;
    std::vector<std::string> account_args;
  };

  // Starts MariaDB, creates each service's schema and user (with a password
  // generated once and kept in <data_dir>/secrets), starts the services in
  // order and waits until each reports SERVING.
  static absl::StatusOr<std::unique_ptr<LocalSuite>> Start(Options options);
  ~LocalSuite();

  MariaDbServer& db() { return *db_; }
  const std::string& data_dir() const { return data_dir_; }

  // "127.0.0.1:<port>" of a service.
  std::string address(const std::string& service) const;
  std::string log_path(const std::string& service) const;
  // The last lines of a service's log, for failure messages.
  std::string LogTail(const std::string& service, int lines = 30) const;
  // A running service's process id (-1 when it is not running).
  pid_t pid(const std::string& service) const;
  // A service's database password.
  const std::string& db_password(const std::string& service) const;

  // Stop (SIGTERM), kill (SIGKILL) and start a service process.
  absl::Status StopService(const std::string& service);
  absl::Status KillService(const std::string& service);
  absl::Status StartService(const std::string& service, bool wait_for_serving = true);

  // Another replica of a running service on `port`: the same binary, flags,
  // database user and password, pointed at the suite's other services, with
  // `extra_args` after the suite's own (a later flag wins); its log is
  // <data_dir>/kam-<service>-<port>.log. Returns once it is SERVING. The
  // caller owns the process (its destructor stops it).
  absl::StatusOr<std::unique_ptr<ServiceProcess>> StartReplica(
      const std::string& service, int port, const std::vector<std::string>& extra_args = {});

  // The account service, by its old names.
  std::string account_address() const { return address("account"); }
  std::string account_log_path() const { return log_path("account"); }
  const std::string& account_db_password() const { return db_password("account"); }
  absl::Status StopAccount() { return StopService("account"); }
  absl::Status KillAccount() { return KillService("account"); }
  absl::Status StartAccount(bool wait_for_serving = true) {
    return StartService("account", wait_for_serving);
  }
  std::string AccountLogTail(int lines = 30) const { return LogTail("account", lines); }

  std::string interaction_address() const { return address("interaction"); }
  std::string scoring_address() const { return address("scoring"); }

  // A secured suite's credentials; nullptr when it runs unsecured.
  const SuiteSecurity* security() const { return security_ ? &*security_ : nullptr; }
  // The CA clients trust ("" unsecured) and the token of `role` (a
  // TokenSpec::role of LocalTokens(); "" unsecured or unknown).
  std::string ca_file() const;
  std::string token(const std::string& role) const;
  // A new channel to a service: TLS trusting the suite's CA when secured.
  std::shared_ptr<grpc::Channel> Channel(const std::string& service) const;

 private:
  struct Service {
    std::string password;
    int port = 0;
    std::vector<std::string> args;
    std::unique_ptr<ServiceProcess> process;
  };

  LocalSuite() = default;
  const Service& service(const std::string& name) const;
  // How to run `name` listening on `address`, logging to `log`.
  ServiceProcess::Options ProcessOptions(const std::string& name, const std::string& address,
                                         const std::string& log) const;
  // Waits for `process` (of `name`, logging to `log`) to serve on `address`.
  absl::Status WaitForServing(ServiceProcess& process, const std::string& name,
                              const std::string& address, const std::string& log) const;

  std::string data_dir_;
  bool temporary_ = false;
  std::optional<SuiteSecurity> security_;
  std::unique_ptr<MariaDbServer> db_;
  std::map<std::string, Service> services_;
  std::vector<std::string> order_;  // start order
};

}  // namespace kam::testing
