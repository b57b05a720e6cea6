#include "common/server/rpc_client.h"

#include "absl/strings/str_cat.h"

namespace kam::common {

std::shared_ptr<grpc::Channel> DependencyChannel(const std::string& address) {
  grpc::ChannelArguments args;
  // Fail calls fast while the dependency is down instead of queueing them
  // until their deadline, and reconnect quickly when it is back.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

absl::Status DependencyError(absl::string_view dependency, const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
    case grpc::StatusCode::UNKNOWN:
      return absl::UnavailableError(
          absl::StrCat(dependency, " unavailable (", status.error_message(), "); retry later"));
    case grpc::StatusCode::NOT_FOUND:
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::UNAUTHENTICATED:
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          status.error_message());
    default: return absl::InternalError(absl::StrCat(dependency, " failed"));
  }
}

}  // namespace kam::common
