#include "common/server/health_service.h"

#include "absl/strings/str_cat.h"

namespace kam::common {

using grpc::health::v1::HealthCheckResponse;

namespace {

// What a watch waits for: a change it has not sent yet.
struct Seen {
  const int64_t* changes;
  int64_t seen;
};
bool Changed(Seen* s) { return *s->changes != s->seen; }

}  // namespace

void HealthService::SetStatus(const std::string& service, bool serving) {
  absl::MutexLock lock(&mu_);
  if (shut_down_) return;
  auto [it, added] = serving_.try_emplace(service, serving);
  if (!added && it->second == serving) return;
  it->second = serving;
  ++changes_;
}

void HealthService::Shutdown() {
  absl::MutexLock lock(&mu_);
  shut_down_ = true;
  for (auto& [name, serving] : serving_) serving = false;
  ++changes_;
}

HealthService::ServingStatus HealthService::StatusOf(const std::string& service) const {
  auto it = serving_.find(service);
  if (it == serving_.end()) return HealthCheckResponse::SERVICE_UNKNOWN;
  return it->second ? HealthCheckResponse::SERVING : HealthCheckResponse::NOT_SERVING;
}

grpc::Status HealthService::Check(grpc::ServerContext* /*context*/,
                                  const grpc::health::v1::HealthCheckRequest* request,
                                  HealthCheckResponse* response) {
  absl::MutexLock lock(&mu_);
  const ServingStatus status = StatusOf(request->service());
  // The message gRPC's own health service answers, which clients may match.
  if (status == HealthCheckResponse::SERVICE_UNKNOWN) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND, "service name unknown");
  }
  response->set_status(status);
  return grpc::Status::OK;
}

grpc::Status HealthService::Watch(grpc::ServerContext* context,
                                  const grpc::health::v1::HealthCheckRequest* request,
                                  grpc::ServerWriter<HealthCheckResponse>* writer) {
  {
    absl::MutexLock lock(&mu_);
    if (watches_ >= max_watches_) {
      return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                          absl::StrCat("at most ", max_watches_,
                                       " health watches may be open at once; retry later"));
    }
    ++watches_;
  }
  // Sends the first status at once and then each change (a service not
  // known yet is SERVICE_UNKNOWN until it is), until the caller goes or the
  // server shuts down.
  int64_t seen = -1;
  for (;;) {
    ServingStatus status;
    bool last;
    {
      absl::MutexLock lock(&mu_);
      Seen state{&changes_, seen};
      mu_.AwaitWithTimeout(absl::Condition(&Changed, &state), poll_);
      if (changes_ == seen) {
        if (context->IsCancelled()) {
          --watches_;
          return grpc::Status(grpc::StatusCode::CANCELLED, "the caller cancelled the watch");
        }
        continue;
      }
      seen = changes_;
      status = StatusOf(request->service());
      last = shut_down_;
    }
    HealthCheckResponse response;
    response.set_status(status);
    const bool written = writer->Write(response);
    if (!written || last) {
      absl::MutexLock lock(&mu_);
      --watches_;
      return written ? grpc::Status(grpc::StatusCode::UNAVAILABLE, "the server is shutting down")
                     : grpc::Status(grpc::StatusCode::CANCELLED, "the caller stopped reading");
    }
  }
}

}  // namespace kam::common
