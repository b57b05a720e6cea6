// The KAM suite on one machine: a private MariaDB plus the service processes
// on loopback. Used by the integration and end-to-end tests, the benchmarks
// and `./kam up` (kam-local), so all of them run the suite the same way.
#ifndef KAM_TESTS_HARNESS_SUITE_H_
#define KAM_TESTS_HARNESS_SUITE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tests/harness/mariadb_server.h"
#include "tests/harness/service_process.h"

namespace kam::testing {

// Where CMake put the service binaries (set at build time).
std::string BuildDir();

class LocalSuite {
 public:
  struct Options {
    // Data and logs. Empty: a temporary folder, removed on destruction.
    std::string data_dir;
    int db_port = 0;       // 0 picks a free port
    int account_port = 0;  // 0 picks a free port
    // Extra flags for kam-account (e.g. "--threads=4").
    std::vector<std::string> account_args;
  };

  // Starts MariaDB, creates each service's schema and user (with a password
  // generated once and kept in <data_dir>/secrets), starts the services and
  // waits until each reports SERVING.
  static absl::StatusOr<std::unique_ptr<LocalSuite>> Start(Options options);
  ~LocalSuite();

  MariaDbServer& db() { return *db_; }
  std::string account_address() const;
  const std::string& data_dir() const { return data_dir_; }
  std::string account_log_path() const;
  // The account service's database password.
  const std::string& account_db_password() const { return account_password_; }

  // Stop and start the account service process (restart tests).
  absl::Status StopAccount();
  absl::Status KillAccount();
  absl::Status StartAccount(bool wait_for_serving = true);

  // The last lines of the account service's log, for failure messages.
  std::string AccountLogTail(int lines = 30) const;

 private:
  LocalSuite() = default;

  Options options_;
  std::string data_dir_;
  bool temporary_ = false;
  std::string account_password_;
  int account_port_ = 0;
  std::unique_ptr<MariaDbServer> db_;
  std::unique_ptr<ServiceProcess> account_;
};

}  // namespace kam::testing

#endif  // KAM_TESTS_HARNESS_SUITE_H_
