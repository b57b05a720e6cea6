// Calls from one service to another: every call has a deadline, carries the
// caller's identity, and maps the answer onto what the calling service tells
// its own caller. A dependency that is down or too slow is UNAVAILABLE (the
// caller may retry; nothing was written), never a hang.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/server/grpc_server.h"
#include "grpcpp/grpcpp.h"

namespace kam::common {

// A channel to `address` ("host:port"), plaintext (the services talk inside
// one cluster; TLS is the mesh's job).
std::shared_ptr<grpc::Channel> DependencyChannel(const std::string& address);

// The status a service returns when a call to `dependency` ("account
// service") failed with `status`:
//   UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED, RESOURCE_EXHAUSTED, UNKNOWN
//     -> UNAVAILABLE "<dependency> unavailable ..."
//   NOT_FOUND, INVALID_ARGUMENT, FAILED_PRECONDITION, ALREADY_EXISTS,
//   ABORTED, PERMISSION_DENIED, UNAUTHENTICATED -> the same code and message
//   anything else -> INTERNAL "<dependency> failed"
absl::Status DependencyError(absl::string_view dependency, const grpc::Status& status);

// Calls `method` on `stub` with `deadline`, forwarding the caller's
// x-kam-actor and x-request-id (when `caller` is given).
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> CallDependency(Stub& stub,
                                        grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                                     const Request&, Response*),
                                        const Request& request, const CallContext* caller,
                                        absl::Duration deadline, absl::string_view dependency) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  if (caller != nullptr) {
    context.AddMetadata("x-kam-actor", caller->actor);
    if (!caller->request_id.empty()) context.AddMetadata("x-request-id", caller->request_id);
  }
  Response response;
  grpc::Status status = (stub.*method)(&context, request, &response);
  if (!status.ok()) return DependencyError(dependency, status);
  return response;
}

}  // namespace kam::common
