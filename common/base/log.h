// Structured logging: one JSON object per line on stderr, so log shippers
// (Kubernetes, journald, a plain `grep`) need no parser of their own.
//
// Lines go through stdio's buffer and a background thread flushes it every
// 200 ms: a request log line costs a formatted string and one fwrite, not a
// system call. Warnings and errors are flushed at once.
//
// Every line written while a LogScope is open on the thread carries the
// scope's "request_id" (and "traceparent" when there is one) right after
// "msg": the server opens one around each handler (server/grpc_server.h), a
// background job around its work (the rating runner, per run), so any
// line a call leads to can be found with the call's id.
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

// The request the current thread works for, in its log lines. The strings
// must outlive the scope (the server's CallContext does). Scopes nest; an
// inner one replaces the outer's values for its lifetime. No lock, no
// allocation: a thread-local pointer.
class LogScope {
 public:
  explicit LogScope(absl::string_view request_id, absl::string_view traceparent = {});
  ~LogScope();
  LogScope(const LogScope&) = delete;
  LogScope& operator=(const LogScope&) = delete;

  // The innermost scope's values; empty outside any scope.
  static absl::string_view RequestId();
  static absl::string_view Traceparent();

 private:
  absl::string_view request_id_;
  absl::string_view traceparent_;
  const LogScope* outer_;
};

// Writes {"ts":..., "level":..., "msg":..., ["request_id":..., ["traceparent":...,]]
// <fields>} as one line (see LogScope).
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
