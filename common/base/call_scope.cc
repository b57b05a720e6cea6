#include "common/base/call_scope.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace kam::common {
namespace {

thread_local const CallScope* current_scope = nullptr;

}  // namespace

CallScope::CallScope(absl::Time deadline) : deadline_(deadline), outer_(current_scope) {
  current_scope = this;
}

CallScope::~CallScope() { current_scope = outer_; }

absl::Time CallScope::Deadline() {
  return current_scope != nullptr ? current_scope->deadline_ : absl::InfiniteFuture();
}

absl::Status CallScope::CallerWaiting(absl::string_view what) {
  const absl::Time deadline = Deadline();
  if (deadline == absl::InfiniteFuture() || absl::Now() < deadline) return absl::OkStatus();
  return absl::DeadlineExceededError(
      absl::StrCat("the caller's deadline has passed: ", what, " not done"));
}

}  // namespace kam::common
