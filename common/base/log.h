// Structured logging: one JSON object per line on stderr, so log shippers
// (Kubernetes, journald, a plain `grep`) need no parser of their own.
//
// Lines go through stdio's buffer and a background thread flushes it every
// 200 ms: a request log line costs a formatted string and one fwrite, not a
// system call. Warnings and errors are flushed at once.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <variant>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace kam::common {

enum class LogLevel { kInfo, kWarning, kError };

// One "key": value pair of a log line.
struct LogField {
  LogField(absl::string_view k, absl::string_view v) : key(k), value(v) {}
  LogField(absl::string_view k, const char* v) : key(k), value(absl::string_view(v)) {}
  LogField(absl::string_view k, const std::string& v) : key(k), value(absl::string_view(v)) {}
  LogField(absl::string_view k, int64_t v) : key(k), value(v) {}
  LogField(absl::string_view k, int v) : key(k), value(static_cast<int64_t>(v)) {}
  LogField(absl::string_view k, double v) : key(k), value(v) {}
  LogField(absl::string_view k, bool v) : key(k), value(v) {}

  absl::string_view key;
  std::variant<absl::string_view, int64_t, double, bool> value;
};

// Writes {"ts":..., "level":..., "msg":..., <fields>} as one line.
void Log(LogLevel level, absl::string_view message, std::initializer_list<LogField> fields = {});
// The same, for fields gathered at run time (some present only sometimes).
void Log(LogLevel level, absl::string_view message, absl::Span<const LogField> fields);

// Appends `text` to `out` as a JSON string literal (quotes included), escaping
// what JSON requires; invalid UTF-8 bytes become U+FFFD.
void AppendJsonString(std::string* out, absl::string_view text);

// Starts the background flusher (idempotent) and makes stderr fully buffered.
void StartLogFlusher();

// Flushes buffered lines now (shutdown, before exit).
void FlushLogs();

}  // namespace kam::common
