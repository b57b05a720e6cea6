// A service binary run as a child process for tests and the local suite,
// stopped by process id.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/security/credentials.h"

namespace kam::testing {

class ServiceProcess {
 public:
  struct Options {
    std::string binary;              // path of the executable
    std::vector<std::string> args;   // arguments after argv[0]
    // Extra environment variables (the parent's environment is inherited).
    std::map<std::string, std::string> env;
    // stdout and stderr are appended here; empty: inherit the parent's.
    std::string log_path;
  };

  // fork + exec. Fails if the binary cannot be executed.
  static absl::StatusOr<std::unique_ptr<ServiceProcess>> Start(Options options);

  // Stop() with the default grace if still running.
  ~ServiceProcess();

  ServiceProcess(const ServiceProcess&) = delete;
  ServiceProcess& operator=(const ServiceProcess&) = delete;

  // Polls grpc.health.v1.Health/Check on `address` (service "") until it
  // answers SERVING, the process exits, or `timeout` passes. Over TLS when
  // `ca_file` (the CA the server's certificate chains to) is given.
  absl::Status WaitForServing(const std::string& address,
                              absl::Duration timeout = absl::Seconds(60),
                              const std::string& ca_file = "");

  // SIGTERM, wait up to `grace`, then SIGKILL. Returns the exit status as
  // waitpid reports it (or an error).
  absl::StatusOr<int> Stop(absl::Duration grace = absl::Seconds(20));

  // SIGKILL at once (a crash, for restart tests).
  absl::Status Kill();

  // True while the child has not exited.
  bool Running();

  pid_t pid() const { return pid_; }

 private:
  ServiceProcess() = default;
  pid_t pid_ = -1;
  // Set once the child has been reaped (by Running(), Stop() or Kill());
  // wait_status_ is what waitpid reported.
  bool exited_ = false;
  int wait_status_ = 0;
};

// The health status of `address` for `service` ("" = the whole server):
// "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN", "UNKNOWN", or an error when
// the call itself fails (e.g. UNAVAILABLE when nothing listens). Over TLS
// when `ca_file` is given.
absl::StatusOr<std::string> CheckHealth(const std::string& address, const std::string& service = "",
                                        absl::Duration timeout = absl::Seconds(2),
                                        const std::string& ca_file = "");

// Credentials of a client of the suite: plaintext when `ca_file` is empty,
// else TLS trusting the PEM CA bundle in `ca_file` (an unreadable file gives
// credentials no server certificate satisfies).
std::shared_ptr<grpc::ChannelCredentials> ClientCredentials(const std::string& ca_file);

}  // namespace kam::testing
