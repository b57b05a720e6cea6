#include "common/client/rpc_client.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/auth/token_file.h"
#include "common/base/log.h"
#include "common/metrics/client_interceptor.h"
#include "common/server/call_gate.h"

namespace kam::common {
namespace {

// Set once at start-up, before any call, and read without a lock after.
struct Dependencies {
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  std::unique_ptr<auth::TokenFile> token;
};

Dependencies& Configured() {
  static Dependencies* dependencies = new Dependencies();
  return *dependencies;
}

}  // namespace

DependencyLimit::DependencyLimit(std::string dependency, int max_in_flight, absl::Duration max_wait)
    : dependency_(std::move(dependency)),
      max_in_flight_(std::max(1, max_in_flight)),
      max_wait_(max_wait) {}

absl::StatusOr<DependencyLimit::Slot> DependencyLimit::Enter() {
  absl::MutexLock lock(&mu_);
  const auto has_room = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return in_flight_ < max_in_flight_;
  };
  if (!mu_.AwaitWithTimeout(absl::Condition(&has_room), max_wait_)) return Full();
  ++in_flight_;
  return Slot(this);
}

absl::StatusOr<DependencyLimit::Slot> DependencyLimit::TryEnter() {
  absl::MutexLock lock(&mu_);
  if (in_flight_ >= max_in_flight_) return Full();
  ++in_flight_;
  return Slot(this);
}

absl::Status DependencyLimit::Full() const {
  return absl::UnavailableError(absl::StrCat(dependency_, " unavailable (", max_in_flight_,
                                             " calls already waiting for it); retry later"));
}

void DependencyLimit::Leave() {
  absl::MutexLock lock(&mu_);
  --in_flight_;
}

DependencyLimit::Slot::~Slot() {
  if (limit_ != nullptr) limit_->Leave();
}

absl::Status ConfigureDependencies(const DependencyOptions& options) {
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      MakeChannelCredentials(options.tls);
  if (!credentials.ok()) return credentials.status();
  std::unique_ptr<auth::TokenFile> token;
  if (!options.token_file.empty()) {
    absl::StatusOr<std::unique_ptr<auth::TokenFile>> opened =
        auth::TokenFile::Open(options.token_file);
    if (!opened.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--dependency_token_file=", opened.status().message()));
    }
    token = *std::move(opened);
  }
  Configured().credentials = *std::move(credentials);
  Configured().token = std::move(token);
  return absl::OkStatus();
}

void PrepareDependencyCall(grpc::ClientContext* context, const CallContext* caller,
                           absl::Duration deadline) {
  // The caller's own deadline travels: no call waits longer than its caller.
  context->set_deadline(
      absl::ToChronoTime(std::min(absl::Now() + deadline, CallScope::Deadline())));
  if (auth::TokenFile* token = Configured().token.get(); token != nullptr) {
    context->AddMetadata("authorization", absl::StrCat("Bearer ", token->Get()));
    if (caller != nullptr) context->AddMetadata(kOnBehalfOfHeader, caller->actor);
  }
  // Every call carries a request id: the caller's, else that of the work
  // the thread does (a background job's LogScope), else a new one, so the
  // call can be found in the other service's log.
  absl::string_view request_id;
  absl::string_view traceparent;
  if (caller != nullptr) {
    context->AddMetadata("x-kam-actor", caller->actor);
    request_id = caller->request_id;
    traceparent = caller->traceparent;
  }
  if (request_id.empty()) request_id = LogScope::RequestId();
  context->AddMetadata(kRequestIdHeader,
                       request_id.empty() ? NewRequestId() : std::string(request_id));
  // The trace context passes through unchanged (no child span of our own).
  if (traceparent.empty()) traceparent = LogScope::Traceparent();
  if (traceparent.empty()) return;
  context->AddMetadata(kTraceparentHeader, std::string(traceparent));
  if (caller != nullptr && !caller->tracestate.empty()) {
    context->AddMetadata(kTracestateHeader, caller->tracestate);
  }
}

std::shared_ptr<grpc::Channel> DependencyChannel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetServiceConfigJSON(kDependencyServiceConfig);
  // Fail calls fast while the dependency is down instead of queueing them
  // until their deadline, and reconnect quickly when it is back.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  std::shared_ptr<grpc::ChannelCredentials> credentials = Configured().credentials;
  if (credentials == nullptr) credentials = grpc::InsecureChannelCredentials();
  // Every call on it counts in the grpc_client_* metrics (docs/metrics.md).
  return grpc::experimental::CreateCustomChannelWithInterceptors(address, credentials, args,
                                                                 metrics::ClientInterceptors());
}

absl::Status DependencyError(absl::string_view dependency, const grpc::Status& status) {
  if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED &&
      CallScope::Deadline() <= absl::Now()) {
    // The caller's deadline, not the dependency's cap: the caller has gone.
    return absl::DeadlineExceededError(
        absl::StrCat("deadline exceeded while waiting for the ", dependency));
  }
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
