// The label values of the gRPC metrics, spelled as go-grpc-prometheus
// spells them, so dashboards and alerts written for Go services read ours
// unchanged (docs/metrics.md). Pure: no I/O.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace kam::common::metrics {

// grpc_type.
enum class RpcType { kUnary, kClientStream, kServerStream, kBidiStream };

// "unary", "client_stream", "server_stream", "bidi_stream".
absl::string_view RpcTypeLabel(RpcType type);

// grpc_code: the name Go's codes.Code prints ("OK", "NotFound",
// "DeadlineExceeded", ...). A number outside google.rpc.Code (0..16) is
// "Unknown", which is what a Go client makes of it.
absl::string_view GoCodeName(absl::StatusCode code);

// The code's index 0..16 (the number itself; Unknown, 2, for any other).
int CodeIndex(absl::StatusCode code);
inline constexpr int kCodeCount = 17;

// grpc_service and grpc_method of "/kam.account.v1.AccountService/GetAccount":
// "kam.account.v1.AccountService" and "GetAccount". A name without a second
// '/' is "unknown", "unknown" (go-grpc-prometheus's splitMethodName).
struct MethodLabels {
  std::string service;
  std::string method;
};
MethodLabels SplitMethodName(absl::string_view full_name);

}  // namespace kam::common::metrics
