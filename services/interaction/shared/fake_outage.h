// The switch every in-memory stand-in of the interaction areas has (fake
// stores, FakeAccountClient): while it is down, every call answers
// UNAVAILABLE, as the real one does when the database or the other service
// cannot be reached. For unit tests only.
#pragma once

#include <atomic>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace kam::interaction {

class FakeOutage {
 public:
  // While down, every call is UNAVAILABLE.
  void SetDown(bool down) { down_.store(down); }

  // UNAVAILABLE "<what> unavailable (fake is down)" while down: what every
  // call of the fake (and every step of its transactions) answers first.
  absl::Status Reachable(absl::string_view what) const {
    if (!down_.load()) return absl::OkStatus();
    return absl::UnavailableError(absl::StrCat(what, " unavailable (fake is down)"));
  }

 private:
  std::atomic<bool> down_{false};
};

}  // namespace kam::interaction
