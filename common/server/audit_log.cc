#include "common/server/audit_log.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/base/log.h"
#include "common/base/proto_time.h"
#include "common/server/status.h"
#include "google/protobuf/descriptor.h"

namespace kam::common {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// The value of the string field `name` of `message`, or empty.
std::string StringField(const Message& message, const char* name) {
  const FieldDescriptor* field = message.GetDescriptor()->FindFieldByName(name);
  if (field == nullptr || field->is_repeated() ||
      field->cpp_type() != FieldDescriptor::CPPTYPE_STRING) {
    return "";
  }
  return message.GetReflection()->GetString(message, field);
}

void AppendField(std::string* line, const char* key, absl::string_view value) {
  absl::StrAppend(line, ",\"", key, "\":");
  AppendJsonString(line, value);
}

}  // namespace

std::string NameOf(const Message& message) { return StringField(message, "name"); }

std::string RequestIdOf(const Message& request) { return StringField(request, "request_id"); }

std::string ResourceOf(const Message& request) {
  for (const char* name : {"name", "parent", "account"}) {
    std::string value = StringField(request, name);
    if (!value.empty()) return value;
  }
  // An update carries the resource itself (UpdateAccountRequest.account).
  const google::protobuf::Descriptor* descriptor = request.GetDescriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    if (field->is_repeated() || field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE ||
        !request.GetReflection()->HasField(request, field)) {
      continue;
    }
    std::string value = StringField(request.GetReflection()->GetMessage(request, field), "name");
    if (!value.empty()) return value;
  }
  return "";
}

std::string FormatAuditLine(const AuditRecord& record) {
  std::string time = ToSqlDateTime(record.time);
  time[10] = 'T';
  std::string line;
  line.reserve(256);
  absl::StrAppend(&line, "{\"time\":\"", time, "Z\"");
  AppendField(&line, "subject", record.subject);
  AppendField(&line, "on_behalf_of", record.on_behalf_of);
  AppendField(&line, "method", record.method);
  AppendField(&line, "resource", record.resource);
  AppendField(&line, "request_id", record.request_id);
  AppendField(&line, "code", StatusCodeName(record.code));
  line.append("}\n");
  return line;
}

absl::StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(const std::string& path) {
  if (path == "-") return std::unique_ptr<AuditLog>(new AuditLog(STDOUT_FILENO, false, path));
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot open the audit log ", path, ": ", std::strerror(errno)));
  }
  return std::unique_ptr<AuditLog>(new AuditLog(fd, true, path));
}

AuditLog::~AuditLog() {
  if (owned_) close(fd_);
}

void AuditLog::Write(const AuditRecord& record) {
  const std::string line = FormatAuditLine(record);
  size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = write(fd_, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  if (done == line.size()) return;
  static std::atomic<int64_t> next_report_ns{0};
  const int64_t now_ns = absl::GetCurrentTimeNanos();
  int64_t next = next_report_ns.load(std::memory_order_relaxed);
  if (now_ns >= next && next_report_ns.compare_exchange_strong(
                            next, now_ns + absl::ToInt64Nanoseconds(absl::Minutes(1)))) {
    Log(LogLevel::kError, "cannot write the audit log",
        {{"path", path_}, {"error", std::strerror(errno)}});
  }
}

}  // namespace kam::common
