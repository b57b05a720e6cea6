#include "common/base/log.h"

#include <cstdio>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/base/proto_time.h"
#include "common/base/utf8.h"

namespace kam::common {
namespace {

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarning: return "warning";
    case LogLevel::kError: return "error";
  }
  return "info";
}

// JSON's two-character escapes for the characters that have one (and that
// this writer uses), or null.
const char* ShortEscape(unsigned char c) {
  switch (c) {
    case '"': return "\\\"";
    case '\\': return "\\\\";
    case '\n': return "\\n";
    case '\t': return "\\t";
    case '\r': return "\\r";
    default: return nullptr;
  }
}

thread_local const LogScope* current_scope = nullptr;

void AppendStringField(std::string* line, absl::string_view key, absl::string_view value) {
  line->push_back(',');
  AppendJsonString(line, key);
  line->push_back(':');
  AppendJsonString(line, value);
}

}  // namespace

LogScope::LogScope(absl::string_view request_id, absl::string_view traceparent)
    : request_id_(request_id), traceparent_(traceparent), outer_(current_scope) {
  current_scope = this;
}

LogScope::~LogScope() { current_scope = outer_; }

absl::string_view LogScope::RequestId() {
  return current_scope != nullptr ? current_scope->request_id_ : absl::string_view();
}

absl::string_view LogScope::Traceparent() {
  return current_scope != nullptr ? current_scope->traceparent_ : absl::string_view();
}

void AppendJsonString(std::string* out, absl::string_view text) {
  out->push_back('"');
  while (!text.empty()) {
    // Copy the longest run that needs no escaping in one append.
    size_t run = 0;
    while (run < text.size()) {
      const auto b = static_cast<unsigned char>(text[run]);
      if (b < 0x20 || b >= 0x80 || b == '"' || b == '\\') break;
      ++run;
    }
    if (run > 0) {
      out->append(text.data(), run);
      text.remove_prefix(run);
      continue;
    }
    const auto c = static_cast<unsigned char>(text[0]);
    if (const char* escape = ShortEscape(c); escape != nullptr) {
      out->append(escape);
      text.remove_prefix(1);
      continue;
    }
    if (c < 0x20) {
      static const char kHex[] = "0123456789abcdef";
      out->append("\\u00");
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 0xF]);
      text.remove_prefix(1);
      continue;
    }
    const size_t len = Utf8SequenceLength(text, 0);
    if (len == 0) {
      out->append(kUtf8Replacement.data(), kUtf8Replacement.size());
      text.remove_prefix(1);
    } else {
      out->append(text.data(), len);
      text.remove_prefix(len);
    }
  }
  out->push_back('"');
}

void Log(LogLevel level, absl::string_view message, std::initializer_list<LogField> fields) {
  Log(level, message, absl::Span<const LogField>(fields.begin(), fields.size()));
}

void Log(LogLevel level, absl::string_view message, absl::Span<const LogField> fields) {
  std::string line;
  line.reserve(256);
  // RFC 3339 from the SQL form ("2026-11-25 18:11:08.123456"): one fast
  // formatter for both.
  std::string ts = ToSqlDateTime(absl::Now());
  ts[10] = 'T';
  line.append("{\"ts\":\"");
  line.append(ts);
  line.push_back('Z');
  absl::StrAppend(&line, "\",\"level\":\"", LevelName(level), "\",\"msg\":");
  AppendJsonString(&line, message);
  if (const absl::string_view id = LogScope::RequestId(); !id.empty()) {
    AppendStringField(&line, "request_id", id);
  }
  if (const absl::string_view trace = LogScope::Traceparent(); !trace.empty()) {
    AppendStringField(&line, "traceparent", trace);
  }
  for (const LogField& field : fields) {
    line.push_back(',');
    AppendJsonString(&line, field.key);
    line.push_back(':');
    if (const auto* s = std::get_if<absl::string_view>(&field.value)) {
      AppendJsonString(&line, *s);
    } else if (const auto* i = std::get_if<int64_t>(&field.value)) {
      absl::StrAppend(&line, *i);
    } else if (const auto* d = std::get_if<double>(&field.value)) {
      absl::StrAppend(&line, *d);
    } else {
      line.append(std::get<bool>(field.value) ? "true" : "false");
    }
  }
  line.append("}\n");
  // One fwrite per line: glibc locks the FILE for the call, so lines from
  // different threads never interleave.
  std::fwrite(line.data(), 1, line.size(), stderr);
  if (level != LogLevel::kInfo) std::fflush(stderr);
}

void StartLogFlusher() {
  static const bool started = [] {
    static char buffer[1 << 16];
    std::setvbuf(stderr, buffer, _IOFBF, sizeof(buffer));
    std::thread([] {
      for (;;) {
        absl::SleepFor(absl::Milliseconds(200));
        std::fflush(stderr);
      }
    }).detach();
    return true;
  }();
  (void)started;
}

void FlushLogs() { std::fflush(stderr); }

}  // namespace kam::common
