// grpc.health.v1.Health for the servers: Check for probes and load
// balancers, Watch for clients that follow a server's state.
//
// Ours rather than gRPC's default service (EnableDefaultHealthCheckService):
// that one is written on the callback API, and registering any callback
// service starts gRPC's callback threads, one per core, which take part in
// polling the connections and hand what they read to the worker threads: a
// thread switch more on every call. Measured under interaction_bench, those
// threads used about a fifth of kam-interaction's CPU.
#pragma once

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace kam::common {

class HealthService final : public grpc::health::v1::Health::Service {
 public:
  // `max_watches`: Watch calls open at once; each holds one of gRPC's
  // threads while it lasts. `poll`: how often a watch notices its caller
  // has gone.
  explicit HealthService(int max_watches = 16, absl::Duration poll = absl::Seconds(1))
      : max_watches_(max_watches), poll_(poll) {}

  // Known services are those given a status here; "" is the whole server.
  // Ignored after Shutdown.
  void SetStatus(const std::string& service, bool serving);
  // Every service NOT_SERVING for good; open watches send it and end.
  void Shutdown();

  grpc::Status Check(grpc::ServerContext* context,
                     const grpc::health::v1::HealthCheckRequest* request,
                     grpc::health::v1::HealthCheckResponse* response) override;
  grpc::Status Watch(grpc::ServerContext* context,
                     const grpc::health::v1::HealthCheckRequest* request,
                     grpc::ServerWriter<grpc::health::v1::HealthCheckResponse>* writer) override;

 private:
  using ServingStatus = grpc::health::v1::HealthCheckResponse::ServingStatus;
  ServingStatus StatusOf(const std::string& service) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const int max_watches_;
  const absl::Duration poll_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, bool> serving_ ABSL_GUARDED_BY(mu_);
  // Counts every change, so a watch knows when to look again.
  int64_t changes_ ABSL_GUARDED_BY(mu_) = 0;
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
  int watches_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace kam::common
