// The gRPC metrics of one method on one side of a call, named and labelled
// as go-grpc-prometheus names them (docs/metrics.md):
//   grpc_{server,client}_started_total{grpc_type,grpc_service,grpc_method}
//   grpc_{server,client}_handled_total{...,grpc_code}
//   grpc_{server,client}_handling_seconds (histogram, the default buckets)
//   grpc_{server,client}_msg_received_total, _msg_sent_total
// Every label child is resolved when the object is made (once per method,
// at registration or at a channel's first call of it), so recording is a few
// atomic adds on the method's own series: no look-up, no shared lock.
#pragma once

#include <array>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/metrics/rpc_labels.h"

namespace prometheus {
class Counter;
class Histogram;
}  // namespace prometheus

namespace kam::common::metrics {

enum class Side { kServer, kClient };

class RpcMetrics {
 public:
  // Use ServerRpc / ClientRpc: one object per method and side.
  RpcMetrics(Side side, absl::string_view full_name, RpcType type);

  RpcMetrics(const RpcMetrics&) = delete;
  RpcMetrics& operator=(const RpcMetrics&) = delete;

  // A call began.
  void Started();
  // A call began whose one request message has arrived (a server's unary
  // and server-streaming calls): started and one message received.
  void StartedWithRequest();
  void Received();
  void Sent();
  // The call ended with `code` after `latency`.
  void Handled(absl::StatusCode code, absl::Duration latency);

 private:
  prometheus::Counter* started_;
  prometheus::Counter* received_;
  prometheus::Counter* sent_;
  std::array<prometheus::Counter*, kCodeCount> handled_;
  prometheus::Histogram* seconds_;
};

// The metrics of method `full_name` ("/kam.account.v1.AccountService/GetAccount")
// served here, or called on another service; made on first use and never
// destroyed, so the reference may be kept.
RpcMetrics& ServerRpc(absl::string_view full_name, RpcType type);
RpcMetrics& ClientRpc(absl::string_view full_name, RpcType type);

}  // namespace kam::common::metrics
