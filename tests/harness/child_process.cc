#include "tests/harness/child_process.h"

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace kam::testing {

absl::Status ErrnoStatus(int err, absl::string_view what) {
  char buffer[256];
  // GNU strerror_r: returns a pointer that may or may not be `buffer`.
  const char* text = strerror_r(err, buffer, sizeof(buffer));
  return absl::Status(absl::ErrnoToStatusCode(err), absl::StrCat(what, ": ", text));
}

std::string DescribeWaitStatus(int wait_status) {
  if (WIFEXITED(wait_status)) return absl::StrCat("exit code ", WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) {
    const char* name = sigabbrev_np(WTERMSIG(wait_status));
    return absl::StrCat("signal ", WTERMSIG(wait_status), name != nullptr ? " (SIG" : "",
                        name != nullptr ? name : "", name != nullptr ? ")" : "");
  }
  return absl::StrCat("wait status ", wait_status);
}

std::optional<int> WaitForChild(pid_t pid, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::Duration pause = absl::Milliseconds(1);
  for (;;) {
    int status = 0;
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0 && errno != EINTR) return -1;  // not our child (any more)
    const absl::Time now = absl::Now();
    if (now >= deadline) return std::nullopt;
    absl::SleepFor(std::min(pause, deadline - now));
    pause = std::min(pause * 2, absl::Milliseconds(20));
  }
}

int WaitForChildBlocking(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return status;
}

}  // namespace kam::testing
