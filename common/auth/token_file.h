// A bearer token kept in a file (a Kubernetes projected service-account
// token, or what `kam-token` wrote), re-read when the file changes, so a
// token renewed on disk is used without a restart.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace kam::auth {

class TokenFile {
 public:
  // Reads `path` now. INVALID_ARGUMENT naming the path when it cannot be
  // read or holds no token.
  static absl::StatusOr<std::unique_ptr<TokenFile>> Open(
      std::string path, absl::Duration check_interval = absl::Seconds(1));

  // The token (surrounding whitespace removed). At most once per
  // `check_interval` one caller looks at the file's modification time, size
  // and inode and re-reads it when they changed; a file that cannot be read
  // or is empty keeps the previous token (a renewal in progress).
  std::string Get();

 private:
  struct Stamp {
    uint64_t inode = 0;
    int64_t size = -1;
    int64_t mtime_ns = 0;
    bool operator==(const Stamp& o) const {
      return inode == o.inode && size == o.size && mtime_ns == o.mtime_ns;
    }
  };
  TokenFile(std::string path, absl::Duration check_interval)
      : path_(std::move(path)), check_interval_(check_interval) {}
  // Re-reads the file if its stamp changed; false when it cannot be used.
  bool Refresh();

  const std::string path_;
  const absl::Duration check_interval_;
  std::atomic<int64_t> next_check_ns_{0};
  absl::Mutex mu_;
  Stamp stamp_ ABSL_GUARDED_BY(mu_);
  std::string token_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kam::auth
