// For the account tests that run kam-account processes themselves beside
// the suite's (lifecycle_test, outage_test): the binary, stubs on channels of
// their own, log files read back, and the suite's database read as root.
#pragma once

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tests/account/account_client.h"

namespace kam::testing {

inline std::string KamAccountBinary() {
  return absl::StrCat(BuildDir(), "/services/account/kam-account");
}

// A stub on a channel of its own: no subchannel (and no reconnect back-off)
// shared with other channels, and short back-off so that a restarted server
// is found again quickly.
inline std::unique_ptr<AccountApi> StubFor(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 300);
  return v1::AccountService::NewStub(
      grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args));
}

// A whole file ("" when it cannot be read).
inline std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The last `max_chars` of a file, for failure messages.
inline std::string ReadFileTail(const std::string& path, size_t max_chars = 4000) {
  std::string text = ReadWholeFile(path);
  if (text.size() > max_chars) text = text.substr(text.size() - max_chars);
  return text;
}

// Runs SQL as root over the suite's socket; its rows, tab-separated, without
// column names.
inline absl::StatusOr<std::string> RootQuery(const std::string& sql) {
  return Suite().db().QueryAsRoot(sql);
}

// Polls a root query returning one number until it is > 0, every `poll`;
// DEADLINE_EXCEEDED (with the last output) after `timeout`.
inline absl::Status WaitForRootCount(const std::string& sql, absl::Duration timeout,
                                     absl::Duration poll) {
  const absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    absl::StatusOr<std::string> out = RootQuery(sql);
    if (!out.ok()) return out.status();
    int count = 0;
    if (absl::SimpleAtoi(absl::StripAsciiWhitespace(*out), &count) && count > 0) {
      return absl::OkStatus();
    }
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(absl::StrCat(
          "still 0 after ", absl::FormatDuration(timeout), ": ", sql, "\nlast output: ", *out));
    }
    absl::SleepFor(poll);
  }
}

}  // namespace kam::testing
