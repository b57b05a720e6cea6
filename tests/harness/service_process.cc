#include "tests/harness/service_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "tests/harness/child_process.h"

extern char** environ;

namespace kam::testing {
namespace {

// Like execvp's search: a name without '/' is looked up on the parent's PATH.
absl::StatusOr<std::string> ResolveBinary(const std::string& binary) {
  if (binary.empty()) return absl::InvalidArgumentError("no binary given");
  if (binary.find('/') != std::string::npos) return binary;
  const char* path = std::getenv("PATH");
  for (absl::string_view dir : absl::StrSplit(path != nullptr ? path : "/usr/bin:/bin", ':')) {
    std::string candidate = absl::StrCat(dir.empty() ? "." : dir, "/", binary);
    struct stat st;
    if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return absl::NotFoundError(absl::StrCat("cannot find '", binary, "' on PATH"));
}

// The parent's environment with `extra` added (replacing variables of the
// same name).
std::vector<std::string> ChildEnvironment(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const char* eq = std::strchr(*entry, '=');
    const std::string name = eq != nullptr ? std::string(*entry, static_cast<size_t>(eq - *entry))
                                             : std::string(*entry);
    if (extra.count(name) == 0) env.emplace_back(*entry);
  }
  for (const auto& [name, value] : extra) env.push_back(absl::StrCat(name, "=", value));
  return env;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ServiceProcess>> ServiceProcess::Start(Options options) {
  absl::StatusOr<std::string> path = ResolveBinary(options.binary);
  if (!path.ok()) return path.status();

  // Everything the child needs is prepared before fork: between fork and exec
  // only async-signal-safe calls are allowed (this process has threads), so
  // the environment is built here rather than with setenv() in the child.
  std::vector<std::string> args;
  args.push_back(options.binary);
  args.insert(args.end(), options.args.begin(), options.args.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<std::string> env = ChildEnvironment(options.env);
  std::vector<char*> envp;
  for (std::string& var : env) envp.push_back(var.data());
  envp.push_back(nullptr);

  const int dev_null = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (dev_null < 0) return ErrnoStatus(errno, "open /dev/null");
  int log_fd = -1;
  if (!options.log_path.empty()) {
    log_fd = open(options.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd < 0) {
      const int err = errno;
      close(dev_null);
      return ErrnoStatus(err, absl::StrCat("open ", options.log_path));
    }
  }
  // A failed exec is reported through this pipe; a successful one closes it.
  int exec_pipe[2];
  if (pipe2(exec_pipe, O_CLOEXEC) != 0) {
    const int err = errno;
    close(dev_null);
    if (log_fd >= 0) close(log_fd);
    return ErrnoStatus(err, "pipe2");
  }

  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {
    // The child must not outlive the test (or suite) that started it. Note
    // the signal comes when the *thread* that forked exits.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    int err = 0;
    // Move the descriptors above 2 first so that dup2 cannot clobber them.
    const int in = dev_null < 3 ? fcntl(dev_null, F_DUPFD_CLOEXEC, 3) : dev_null;
    const int log = log_fd >= 0 && log_fd < 3 ? fcntl(log_fd, F_DUPFD_CLOEXEC, 3) : log_fd;
    if (in < 0 || dup2(in, STDIN_FILENO) < 0) err = errno;
    if (err == 0 && log >= 0 &&
        (dup2(log, STDOUT_FILENO) < 0 || dup2(log, STDERR_FILENO) < 0)) {
      err = errno;
    }
    if (err == 0) {
      close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
      sigset_t empty;
      sigemptyset(&empty);
      sigprocmask(SIG_SETMASK, &empty, nullptr);
      for (int sig : {SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGCHLD}) signal(sig, SIG_DFL);
      execve(path->c_str(), argv.data(), envp.data());
      err = errno;
    }
    (void)!write(exec_pipe[1], &err, sizeof(err));
    _exit(127);
  }
  const int fork_errno = errno;
  close(exec_pipe[1]);
  close(dev_null);
  if (log_fd >= 0) close(log_fd);
  if (pid < 0) {
    close(exec_pipe[0]);
    return ErrnoStatus(fork_errno, "fork");
  }
  int child_errno = 0;
  ssize_t n;
  do {
    n = read(exec_pipe[0], &child_errno, sizeof(child_errno));
  } while (n < 0 && errno == EINTR);
  close(exec_pipe[0]);
  if (n > 0) {
    WaitForChildBlocking(pid);
    return ErrnoStatus(child_errno, absl::StrCat("cannot execute ", *path));
  }

  std::unique_ptr<ServiceProcess> process(new ServiceProcess());
  process->pid_ = pid;
  return process;
}

ServiceProcess::~ServiceProcess() {
  if (pid_ > 0 && !exited_) (void)Stop();
}

bool ServiceProcess::Running() {
  if (pid_ <= 0 || exited_) return false;
  int status = 0;
  pid_t r;
  do {
    r = waitpid(pid_, &status, WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == 0) return true;
  exited_ = true;
  wait_status_ = r == pid_ ? status : -1;
  return false;
}

absl::Status ServiceProcess::WaitForServing(const std::string& address, absl::Duration timeout,
                                            const std::string& ca_file) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::Status last = absl::DeadlineExceededError("no health check answered");
  for (;;) {
    if (!Running()) {
      return absl::FailedPreconditionError(
          absl::StrCat("process ", pid_, " exited (", DescribeWaitStatus(wait_status_),
                       ") before serving on ", address));
    }
    const absl::Duration left = deadline - absl::Now();
    absl::StatusOr<std::string> health = CheckHealth(
        address, "", std::clamp(left, absl::Milliseconds(100), absl::Seconds(2)), ca_file);
    if (health.ok() && *health == "SERVING") return absl::OkStatus();
    last = health.ok() ? absl::UnavailableError(absl::StrCat("health status ", *health))
                       : health.status();
    const absl::Time now = absl::Now();
    if (now >= deadline) break;
    absl::SleepFor(std::min(absl::Milliseconds(100), deadline - now));
  }
  return absl::DeadlineExceededError(absl::StrCat(address, " was not SERVING within ",
                                                  absl::FormatDuration(timeout),
                                                  "; last answer: ", last.ToString()));
}

absl::StatusOr<int> ServiceProcess::Stop(absl::Duration grace) {
  if (pid_ <= 0) return absl::FailedPreconditionError("no process");
  if (Running()) {
    kill(pid_, SIGTERM);
    std::optional<int> status = WaitForChild(pid_, grace);
    if (!status.has_value()) {
      kill(pid_, SIGKILL);
      status = WaitForChildBlocking(pid_);
    }
    exited_ = true;
    wait_status_ = *status;
  }
  if (wait_status_ == -1) {
    return absl::InternalError(absl::StrCat("process ", pid_, " could not be waited for"));
  }
  return wait_status_;
}

absl::Status ServiceProcess::Kill() {
  if (pid_ <= 0) return absl::FailedPreconditionError("no process");
  if (!Running()) return absl::OkStatus();
  if (kill(pid_, SIGKILL) != 0) return ErrnoStatus(errno, absl::StrCat("kill ", pid_));
  exited_ = true;
  wait_status_ = WaitForChildBlocking(pid_);
  return absl::OkStatus();
}

std::shared_ptr<grpc::ChannelCredentials> ClientCredentials(const std::string& ca_file) {
  if (ca_file.empty()) return grpc::InsecureChannelCredentials();
  std::ifstream in(ca_file, std::ios::binary);
  std::stringstream pem;
  pem << in.rdbuf();
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = pem.str();
  return grpc::SslCredentials(options);
}

absl::StatusOr<std::string> CheckHealth(const std::string& address, const std::string& service,
                                        absl::Duration timeout, const std::string& ca_file) {
  grpc::ChannelArguments channel_args;
  // A private subchannel: no connection (or reconnect back-off) is shared
  // with other channels to the same address.
  channel_args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateCustomChannel(address, ClientCredentials(ca_file), channel_args);
  std::unique_ptr<grpc::health::v1::Health::Stub> stub =
      grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  grpc::health::v1::HealthCheckResponse response;
  const grpc::Status status = stub->Check(&context, request, &response);
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                        absl::StrCat("health check of ", address, ": ", status.error_message()));
  }
  return grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status());
}

}  // namespace kam::testing
