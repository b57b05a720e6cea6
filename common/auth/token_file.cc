#include "common/auth/token_file.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace kam::auth {

absl::StatusOr<std::unique_ptr<TokenFile>> TokenFile::Open(std::string path,
                                                           absl::Duration check_interval) {
  std::unique_ptr<TokenFile> file(new TokenFile(std::move(path), check_interval));
  if (!file->Refresh()) {
    return absl::InvalidArgumentError(absl::StrCat(file->path_, ": cannot be read or is empty"));
  }
  return file;
}

bool TokenFile::Refresh() {
  struct stat info;
  if (stat(path_.c_str(), &info) != 0) return false;
  Stamp stamp;
  stamp.inode = info.st_ino;
  stamp.size = info.st_size;
  stamp.mtime_ns = static_cast<int64_t>(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec;
  {
    absl::MutexLock lock(&mu_);
    if (stamp == stamp_) return true;
  }
  std::ifstream in(path_, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  std::string token(absl::StripAsciiWhitespace(text.str()));
  if (!in || token.empty()) return false;
  absl::MutexLock lock(&mu_);
  stamp_ = stamp;
  token_ = std::move(token);
  return true;
}

std::string TokenFile::Get() {
  const int64_t now_ns = absl::GetCurrentTimeNanos();
  int64_t next = next_check_ns_.load(std::memory_order_relaxed);
  if (now_ns >= next && next_check_ns_.compare_exchange_strong(
                            next, now_ns + absl::ToInt64Nanoseconds(check_interval_))) {
    Refresh();
  }
  absl::MutexLock lock(&mu_);
  return token_;
}

}  // namespace kam::auth
