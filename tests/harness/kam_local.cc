// kam-local: the suite on one machine, for people (./kam up) and for tests
// written in other languages (kam-local --exec -- python3 test.py).
//
//   kam-local [--data_dir=.kam] [--db_port=33061] [--account_port=50051]
//             [--interaction_port=50052] [--scoring_port=50053] [--demo_data]
//             [--exec -- command args...]
//
// Without --exec it starts MariaDB and the services, loads the demo data,
// prints the endpoints and runs until SIGINT or SIGTERM, then stops
// everything. With --exec it runs the command with KAM_ACCOUNT_ADDRESS,
// KAM_INTERACTION_ADDRESS, KAM_SCORING_ADDRESS (and KAM_DB_PORT,
// KAM_DATA_DIR) set, stops everything and exits with the
// command's exit code; ports default to free ones and data to a temporary
// folder.
//
// Secured by default (--secure=false for plaintext while debugging): TLS,
// bearer tokens and audit logs on every service (docs/security.md), the dev
// PKI in <data_dir>/pki and a token per role in <data_dir>/tokens/<role>.jwt,
// minted afresh at every start. --exec also exports KAM_CA_FILE and
// KAM_TOKEN_<ROLE> (KAM_TOKEN_ADMIN, KAM_TOKEN_ACCOUNT_MANAGER, ...).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/base/log.h"
#include "tests/harness/demo/demo_data.h"
#include "tests/harness/suite.h"

ABSL_FLAG(std::string, data_dir, "", "where MariaDB data, passwords and service logs live");
ABSL_FLAG(int, db_port, -1, "MariaDB TCP port (default 33061; with --exec a free one)");
ABSL_FLAG(int, account_port, -1, "account service port (default 50051; with --exec a free one)");
ABSL_FLAG(int, scoring_port, -1, "scoring service port (default 50053; with --exec a free one)");
ABSL_FLAG(int, interaction_port, -1,
          "interaction service port (default 50052; with --exec a free one)");
ABSL_FLAG(bool, demo_data, true,
          "load the demo book into all three services (idempotent: completes, never duplicates)");
ABSL_FLAG(bool, secure, true,
          "TLS, bearer tokens and audit logs on (false: plaintext on loopback, for debugging)");
ABSL_FLAG(bool, exec, false, "run the command after -- against the suite, then stop");

namespace {

int Port(int flag, int interactive_default, bool exec) {
  if (flag >= 0) return flag;
  return exec ? 0 : interactive_default;
}

int RunCommand(const std::vector<char*>& command) {
  const pid_t pid = fork();
  if (pid == 0) {
    sigset_t none;
    sigemptyset(&none);
    pthread_sigmask(SIG_SETMASK, &none, nullptr);
    execvp(command[0], command.data());
    std::perror("kam-local: exec");
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("Runs the KAM suite on this machine (see the header of kam_local.cc).");
  std::vector<char*> rest = absl::ParseCommandLine(argc, argv);
  const bool exec = absl::GetFlag(FLAGS_exec);
  std::vector<char*> command(rest.begin() + 1, rest.end());
  if (exec && command.empty()) {
    std::fprintf(stderr, "kam-local: --exec needs a command after --\n");
    return 2;
  }
  command.push_back(nullptr);

  // Signals are taken with sigwait; children get them unblocked.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  kam::testing::LocalSuite::Options options;
  options.data_dir = absl::GetFlag(FLAGS_data_dir);
  options.db_port = Port(absl::GetFlag(FLAGS_db_port), 33061, exec);
  options.services = kam::testing::AllServices();
  options.ports["account"] = Port(absl::GetFlag(FLAGS_account_port), 50051, exec);
  options.ports["interaction"] = Port(absl::GetFlag(FLAGS_interaction_port), 50052, exec);
  options.ports["scoring"] = Port(absl::GetFlag(FLAGS_scoring_port), 50053, exec);
  options.secured = absl::GetFlag(FLAGS_secure);
  if (options.secured) {
    // The demo loader calls as admin, faster than admin's default limit.
    for (const std::string& service : kam::testing::AllServices()) {
      options.args[service].push_back("--rate_limits=admin=0");
    }
  }
  absl::StatusOr<std::unique_ptr<kam::testing::LocalSuite>> suite =
      kam::testing::LocalSuite::Start(options);
  if (!suite.ok()) {
    std::fprintf(stderr, "kam-local: cannot start the suite: %s\n",
                 std::string(suite.status().message()).c_str());
    return 1;
  }
  absl::Status demo_loaded = absl::OkStatus();
  if (absl::GetFlag(FLAGS_demo_data)) {
    const kam::testing::DemoAddresses addresses{
        (*suite)->account_address(), (*suite)->interaction_address(),
        (*suite)->scoring_address(), (*suite)->ca_file(),
        (*suite)->token("admin"),    (*suite)->token("service_scoring")};
    demo_loaded = kam::testing::LoadDemoData(addresses);
    if (!demo_loaded.ok()) {
      std::fprintf(stderr, "kam-local: %s\n", std::string(demo_loaded.message()).c_str());
      // A command run with --exec may depend on the data: stop. A person's
      // suite still works without it (say, after they deleted a demo
      // account the loader writes to), so it keeps running.
      if (exec) return 1;
      std::fprintf(stderr, "kam-local: running without the rest of the demo data "
                           "(--demo_data=false skips it)\n");
    }
  }
  setenv("KAM_ACCOUNT_ADDRESS", (*suite)->account_address().c_str(), 1);
  setenv("KAM_INTERACTION_ADDRESS", (*suite)->interaction_address().c_str(), 1);
  setenv("KAM_SCORING_ADDRESS", (*suite)->scoring_address().c_str(), 1);
  setenv("KAM_DB_PORT", absl::StrCat((*suite)->db().port()).c_str(), 1);
  setenv("KAM_DATA_DIR", (*suite)->data_dir().c_str(), 1);
  std::string credentials;
  if (const kam::testing::SuiteSecurity* security = (*suite)->security(); security != nullptr) {
    setenv("KAM_CA_FILE", security->ca_file.c_str(), 1);
    for (const auto& [role, token] : security->tokens) {
      setenv(kam::testing::TokenVariable(role).c_str(), token.c_str(), 1);
    }
    credentials = absl::StrCat("  TLS CA               ", security->ca_file, "\n",
                               "  tokens               ", security->tokens_dir,
                               "/<role>.jwt (admin, account_manager, service_agent, analyst)\n");
  }
  if (exec) return RunCommand(command);
  // kamctl's settings for this suite (docs/kamctl.md), so the line below
  // works whatever ports were chosen. grpcurl is not packaged in Debian 12.
  const std::string kamctl_config = absl::StrCat((*suite)->data_dir(), "/kamctl.toml");
  {
    std::ofstream config(kamctl_config, std::ios::trunc);
    // A JSON string is a TOML basic string (the same quotes and escapes).
    auto setting = [&config](absl::string_view key, absl::string_view value) {
      std::string quoted;
      kam::common::AppendJsonString(&quoted, value);
      config << key << " = " << quoted << "\n";
    };
    config << "# Written by kam-local at every start: kamctl --config " << kamctl_config << "\n";
    setting("account_address", (*suite)->account_address());
    setting("interaction_address", (*suite)->interaction_address());
    setting("scoring_address", (*suite)->scoring_address());
    if ((*suite)->security() != nullptr) {
      setting("ca_file", (*suite)->ca_file());
      setting("token_file", (*suite)->security()->TokenPath("admin"));
    }
  }
  const std::string try_line =
      absl::StrCat("build/bin/kamctl --config ", kamctl_config, " accounts list");

  std::printf(
      "KAM suite is up (Ctrl-C stops it):\n"
      "  account service      %s   (kam.account.v1; health and reflection on)\n"
      "  interaction service  %s   (kam.interaction.v1; health and reflection on)\n"
      "  scoring service      %s   (kam.scoring.v1; health and reflection on)\n"
      "  MariaDB              127.0.0.1:%d (socket %s)\n"
      "  data and logs        %s\n"
      "%s%s"
      "Try: %s\n     (docs/kamctl.md; README.md for the clients in Python, Go and Node)\n",
      (*suite)->account_address().c_str(), (*suite)->interaction_address().c_str(),
      (*suite)->scoring_address().c_str(), (*suite)->db().port(),
      (*suite)->db().socket_path().c_str(), (*suite)->data_dir().c_str(), credentials.c_str(),
      !absl::GetFlag(FLAGS_demo_data) ? ""
      : demo_loaded.ok()
          ? "  demo data            loaded: 8 accounts, a year of activity, one rating run\n"
          : "  demo data            INCOMPLETE (see the message above)\n",
      try_line.c_str());
  std::fflush(stdout);
  int received = 0;
  sigwait(&signals, &received);
  std::printf("\nstopping...\n");
  return 0;
}
