// Child-process plumbing shared by the harness (the MariaDB server, service
// processes) and the tests that run programs themselves: errno as a status,
// wait statuses in words, and waiting for a child to exit.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kam::testing {

// A status with the code errno `err` maps to and "<what>: <strerror>".
absl::Status ErrnoStatus(int err, absl::string_view what);

// A wait status as waitpid reports it, in words: "exit code 3",
// "signal 9 (SIGKILL)".
std::string DescribeWaitStatus(int wait_status);

// Waits up to `timeout` for the child `pid` to exit and reaps it: its wait
// status, -1 if it is not our child (any more), or nullopt if it is still
// running.
std::optional<int> WaitForChild(pid_t pid, absl::Duration timeout);

// Waits for the child `pid` to exit and reaps it: its wait status, or -1 if
// it is not our child.
int WaitForChildBlocking(pid_t pid);

}  // namespace kam::testing
