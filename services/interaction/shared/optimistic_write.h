// Optimistic writes without a lock held across calls: read the row, check it
// (and ask the account service, never inside a transaction), then write only
// if its version is still the one read; when it changed meanwhile, start
// over. With an etag in the request the next read then fails ABORTED at once
// (common::CheckEtag); without one the write is tried again a few times.
#pragma once

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/base/status_macros.h"

namespace kam::interaction {

// How many times a write re-reads and retries when the row changed between
// its read and its write.
inline constexpr int kMaxWriteAttempts = 5;

// Runs `attempt` (read, check, write if the version is unchanged) until it
// writes (true) or fails (its error); false means the row changed meanwhile.
// After kMaxWriteAttempts such misses: ABORTED "<what> kept changing while it
// was being written; retry".
inline absl::Status WriteOptimistically(absl::string_view what,
                                        absl::FunctionRef<absl::StatusOr<bool>()> attempt) {
  for (int i = 0; i < kMaxWriteAttempts; ++i) {
    KAM_ASSIGN_OR_RETURN(bool written, attempt());
    if (written) return absl::OkStatus();
  }
  return absl::AbortedError(absl::StrCat(what, " kept changing while it was being written; retry"));
}

}  // namespace kam::interaction
