#include "common/metrics/rpc_labels.h"

#include "absl/strings/strip.h"

namespace kam::common::metrics {

absl::string_view RpcTypeLabel(RpcType type) {
  switch (type) {
    case RpcType::kUnary: return "unary";
    case RpcType::kClientStream: return "client_stream";
    case RpcType::kServerStream: return "server_stream";
    case RpcType::kBidiStream: return "bidi_stream";
  }
  return "unary";
}

int CodeIndex(absl::StatusCode code) {
  const int number = static_cast<int>(code);
  return number >= 0 && number < kCodeCount ? number : static_cast<int>(absl::StatusCode::kUnknown);
}

absl::string_view GoCodeName(absl::StatusCode code) {
  // Indexed by the code's number (google.rpc.Code), as Go's codes.Code is.
  static constexpr absl::string_view kNames[kCodeCount] = {
      "OK",       "Canceled",       "Unknown",          "InvalidArgument",   "DeadlineExceeded",
      "NotFound", "AlreadyExists",  "PermissionDenied", "ResourceExhausted", "FailedPrecondition",
      "Aborted",  "OutOfRange",     "Unimplemented",    "Internal",          "Unavailable",
      "DataLoss", "Unauthenticated"};
  return kNames[CodeIndex(code)];
}

MethodLabels SplitMethodName(absl::string_view full_name) {
  absl::ConsumePrefix(&full_name, "/");
  const size_t slash = full_name.find('/');
  if (slash == absl::string_view::npos) return {"unknown", "unknown"};
  return {std::string(full_name.substr(0, slash)), std::string(full_name.substr(slash + 1))};
}

}  // namespace kam::common::metrics
