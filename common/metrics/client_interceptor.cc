#include "common/metrics/client_interceptor.h"

#include <array>
#include <atomic>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/metrics/rpc_metrics.h"
#include "grpcpp/support/interceptor.h"

namespace kam::common::metrics {
namespace {

using grpc::experimental::ClientRpcInfo;
using grpc::experimental::InterceptionHookPoints;

RpcType TypeOf(ClientRpcInfo::Type type) {
  switch (type) {
    case ClientRpcInfo::Type::UNARY: return RpcType::kUnary;
    case ClientRpcInfo::Type::CLIENT_STREAMING: return RpcType::kClientStream;
    case ClientRpcInfo::Type::SERVER_STREAMING: return RpcType::kServerStream;
    case ClientRpcInfo::Type::BIDI_STREAMING: return RpcType::kBidiStream;
    default: return RpcType::kUnary;
  }
}

class Interceptor final : public grpc::experimental::Interceptor {
 public:
  explicit Interceptor(RpcMetrics* metrics) : metrics_(metrics) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      start_ = absl::Now();
      metrics_->Started();
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_MESSAGE)) {
      metrics_->Sent();
    }
    // A read that found the stream's end has no message.
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() != nullptr) {
      metrics_->Received();
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_STATUS)) {
      metrics_->Handled(static_cast<absl::StatusCode>(methods->GetRecvStatus()->error_code()),
                        absl::Now() - start_);
    }
    methods->Proceed();
  }

 private:
  RpcMetrics* const metrics_;
  absl::Time start_;
};

// One per channel. A channel calls few methods, each named by the same
// pointer on every call (the generated stub's string): the metrics of each
// are found by a scan of a short array read without a lock; a method seen
// for the first time takes the lock once.
class Factory final : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateClientInterceptor(ClientRpcInfo* info) override {
    return new Interceptor(&MetricsOf(info));
  }

 private:
  RpcMetrics& MetricsOf(ClientRpcInfo* info) {
    const char* name = info->method();
    const auto find = [&](int known) -> RpcMetrics* {
      for (int i = 0; i < known; ++i) {
        if (known_[i].name == name) return known_[i].metrics;
      }
      return nullptr;
    };
    if (RpcMetrics* metrics = find(size_.load(std::memory_order_acquire))) return *metrics;
    absl::MutexLock lock(&mu_);
    const int known = size_.load(std::memory_order_relaxed);
    if (RpcMetrics* metrics = find(known)) return *metrics;
    RpcMetrics& metrics = ClientRpc(name, TypeOf(info->type()));
    if (known < kMaxMethods) {  // more: found by name every time (correct, slower)
      known_[known] = {name, &metrics};
      size_.store(known + 1, std::memory_order_release);
    }
    return metrics;
  }

  static constexpr int kMaxMethods = 32;
  struct Known {
    const char* name = nullptr;
    RpcMetrics* metrics = nullptr;
  };
  std::array<Known, kMaxMethods> known_;  // [0, size_) written once, before size_ covers it
  std::atomic<int> size_{0};
  absl::Mutex mu_;  // serialises additions
};

}  // namespace

std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>>
ClientInterceptors() {
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> factories;
  factories.push_back(std::make_unique<Factory>());
  return factories;
}

}  // namespace kam::common::metrics
