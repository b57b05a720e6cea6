// The deadline of the call a thread is serving, for work done on its behalf
// deep below the handler.
//
// The server opens a CallScope around each handler (grpc_server.cc) with the
// caller's deadline. A transaction asks CallerWaiting() just before it
// commits (db/transaction.cc), and a call to another service bounds its own
// deadline by Deadline() (client/rpc_client.cc): a caller whose deadline has
// passed gets nothing written on its behalf, and no thread waits for it
// longer than it waits itself. Work outside any call (background jobs, and
// batches run for several callers at once: base/coalescer.h) runs with no
// deadline.
//
// The check before COMMIT narrows the window, it cannot close it: a commit
// that starts just before the deadline may end just after it, and the caller
// then sees DEADLINE_EXCEEDED for a write that was kept. Creates carry a
// request_id for that case: the retry answers the kept write.
#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kam::common {

class CallScope {
 public:
  // Makes `deadline` the current thread's until destruction; scopes nest,
  // and InfiniteFuture lifts an outer deadline (a batch for many callers).
  explicit CallScope(absl::Time deadline);
  ~CallScope();
  CallScope(const CallScope&) = delete;
  CallScope& operator=(const CallScope&) = delete;

  // The current call's deadline; InfiniteFuture with no call in scope.
  static absl::Time Deadline();
  // OK with no deadline in scope or before it; then DEADLINE_EXCEEDED
  // "the caller's deadline has passed: <what> not done".
  static absl::Status CallerWaiting(absl::string_view what);

 private:
  absl::Time deadline_;
  const CallScope* outer_;
};

}  // namespace kam::common
