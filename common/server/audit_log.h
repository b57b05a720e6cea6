// The audit log: one JSON line per call of a method that writes (the access
// table's Effect::kWrites), kept apart from the request log.
//
//   {"time":"2026-12-07T01:02:03.456789Z","subject":"service:scoring",
//    "on_behalf_of":"alice","method":"/kam.account.v1.AccountService/SetAccountTiers",
//    "resource":"accounts/42","request_id":"3f6c...","code":"OK"}
//
// `subject` is the verified token's subject (who holds the credentials);
// `on_behalf_of` is the original caller a service identity relayed the call
// for (empty for a direct call); `resource` is the `name` of what the call
// answered (a create's new resource), else the request's `name`, `parent` or
// `account` field, or the `name` of the resource it carries (an update's
// `account.name`), empty when it has none; `request_id` is the caller's
// x-request-id, else the request's `request_id` (a create's idempotency key);
// `code` is the outcome, refusals included.
//
// Why apart from the request log: the request log is for operations (every
// call, sampled or shipped with the rest of stderr); the audit log answers
// "who changed what" and is kept longer, by other people. Each line is one
// write(2) to a file opened O_APPEND, so lines from concurrent calls never
// interleave and a line is in the kernel before the call is answered.
#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"

namespace kam::common {

struct AuditRecord {
  absl::Time time;
  absl::string_view subject;
  absl::string_view on_behalf_of;
  absl::string_view method;
  absl::string_view resource;
  absl::string_view request_id;
  absl::StatusCode code = absl::StatusCode::kOk;
};

// The resource a request names (see the top of this file).
std::string ResourceOf(const google::protobuf::Message& request);
// The message's `name` field, or empty.
std::string NameOf(const google::protobuf::Message& message);
// The request's `request_id` field, or empty.
std::string RequestIdOf(const google::protobuf::Message& request);

// {"time":...,...} and a newline.
std::string FormatAuditLine(const AuditRecord& record);

class AuditLog {
 public:
  // Appends to the file at `path` (created 0640 if missing), or to standard
  // output for "-". INVALID_ARGUMENT naming the path when it cannot be
  // opened.
  static absl::StatusOr<std::unique_ptr<AuditLog>> Open(const std::string& path);
  ~AuditLog();

  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Writes one line. A failed write is reported on the request log (once a
  // minute at most), never to the caller: the call has already happened.
  void Write(const AuditRecord& record);

  const std::string& path() const { return path_; }

 private:
  AuditLog(int fd, bool owned, std::string path) : fd_(fd), owned_(owned), path_(std::move(path)) {}

  const int fd_;
  const bool owned_;
  const std::string path_;
};

}  // namespace kam::common
