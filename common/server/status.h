// absl::Status inside, grpc::Status at the edge: the one place they meet.
#pragma once

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace kam::common {

// Same canonical code, same message. The codes of absl and gRPC are the same
// numbers by design (both are google.rpc.Code).
grpc::Status ToGrpcStatus(const absl::Status& status);

// The inverse, for statuses returned by calls to other services.
absl::Status FromGrpcStatus(const grpc::Status& status);

// "OK", "NOT_FOUND", ...: the code's name in google.rpc.Code, as logs show it.
const char* StatusCodeName(absl::StatusCode code);

}  // namespace kam::common
