#include "common/metrics/rpc_metrics.h"

#include <map>
#include <memory>
#include <string>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/metrics/registry.h"
#include "prometheus/counter.h"
#include "prometheus/histogram.h"

namespace kam::common::metrics {
namespace {

// Prometheus's default buckets, which go-grpc-prometheus uses too.
const prometheus::Histogram::BucketBoundaries& DefaultBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return *buckets;
}

// The families of one side, registered once.
struct Families {
  explicit Families(absl::string_view side) {
    const std::string prefix = absl::StrCat("grpc_", side, "_");
    const auto counter = [&](absl::string_view name, absl::string_view help) {
      return &prometheus::BuildCounter()
                  .Name(absl::StrCat(prefix, name))
                  .Help(std::string(help))
                  .Register(Registry());
    };
    const bool server = side == "server";
    started = counter("started_total", server ? "Total number of RPCs started on the server."
                                              : "Total number of RPCs started on the client.");
    handled = counter("handled_total",
                      server ? "Total number of RPCs completed on the server, regardless of "
                               "success or failure."
                             : "Total number of RPCs completed by the client, regardless of "
                               "success or failure.");
    received = counter("msg_received_total",
                       server ? "Total number of RPC stream messages received on the server."
                              : "Total number of RPC stream messages received by the client.");
    sent = counter("msg_sent_total",
                   server ? "Total number of gRPC stream messages sent by the server."
                          : "Total number of gRPC stream messages sent by the client.");
    seconds = &prometheus::BuildHistogram()
                   .Name(absl::StrCat(prefix, "handling_seconds"))
                   .Help(server ? "Histogram of response latency (seconds) of gRPC that had been "
                                  "application-level handled by the server."
                                : "Histogram of response latency (seconds) of the gRPC until it is "
                                  "finished by the application.")
                   .Register(Registry());
  }
  prometheus::Family<prometheus::Counter>* started;
  prometheus::Family<prometheus::Counter>* handled;
  prometheus::Family<prometheus::Counter>* received;
  prometheus::Family<prometheus::Counter>* sent;
  prometheus::Family<prometheus::Histogram>* seconds;
};

Families& FamiliesOf(Side side) {
  static auto* server = new Families("server");
  static auto* client = new Families("client");
  return side == Side::kServer ? *server : *client;
}

RpcMetrics& Find(Side side, absl::string_view full_name, RpcType type) {
  using Key = std::tuple<Side, std::string, RpcType>;
  static auto* mu = new absl::Mutex();
  static auto* made = new std::map<Key, std::unique_ptr<RpcMetrics>>();
  absl::MutexLock lock(mu);
  std::unique_ptr<RpcMetrics>& metrics = (*made)[Key{side, std::string(full_name), type}];
  if (metrics == nullptr) metrics = std::make_unique<RpcMetrics>(side, full_name, type);
  return *metrics;
}

}  // namespace

RpcMetrics::RpcMetrics(Side side, absl::string_view full_name, RpcType type) {
  Families& families = FamiliesOf(side);
  MethodLabels names = SplitMethodName(full_name);
  const prometheus::Labels labels = {{"grpc_type", std::string(RpcTypeLabel(type))},
                                     {"grpc_service", std::move(names.service)},
                                     {"grpc_method", std::move(names.method)}};
  started_ = &families.started->Add(labels);
  received_ = &families.received->Add(labels);
  sent_ = &families.sent->Add(labels);
  // Every code's series exists from the start (as go-grpc-prometheus
  // pre-registers them), so rate() sees the first failure of a kind.
  for (int code = 0; code < kCodeCount; ++code) {
    prometheus::Labels with_code = labels;
    with_code.emplace("grpc_code", std::string(GoCodeName(static_cast<absl::StatusCode>(code))));
    handled_[code] = &families.handled->Add(with_code);
  }
  seconds_ = &families.seconds->Add(labels, DefaultBuckets());
}

void RpcMetrics::Started() { started_->Increment(); }

void RpcMetrics::StartedWithRequest() {
  started_->Increment();
  received_->Increment();
}

void RpcMetrics::Received() { received_->Increment(); }

void RpcMetrics::Sent() { sent_->Increment(); }

void RpcMetrics::Handled(absl::StatusCode code, absl::Duration latency) {
  handled_[CodeIndex(code)]->Increment();
  seconds_->Observe(absl::ToDoubleSeconds(latency));
}

RpcMetrics& ServerRpc(absl::string_view full_name, RpcType type) {
  return Find(Side::kServer, full_name, type);
}

RpcMetrics& ClientRpc(absl::string_view full_name, RpcType type) {
  return Find(Side::kClient, full_name, type);
}

}  // namespace kam::common::metrics
