#include "common/server/grpc_server.h"

#include <signal.h>

#include <algorithm>
#include <climits>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "common/base/log.h"
#include "common/server/call_gate.h"
#include "common/server/status.h"
#include "grpc/grpc.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"

namespace kam::common {
namespace {

// The gate of a server given none: tokens off, no audit.
std::shared_ptr<CallGate> OpenGate() {
  CallGateOptions options;
  return std::make_shared<CallGate>(std::move(options));
}

absl::Status NotReady() {
  return absl::UnavailableError("the service is starting: its database is not ready yet");
}

}  // namespace

absl::Status ShuttingDownError() { return absl::UnavailableError("the server is shutting down"); }

void BlockShutdownSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

void GrpcServer::WaitForShutdownSignal() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  int received = 0;
  sigwait(&signals, &received);
  Log(LogLevel::kInfo, "shutdown signal received", {{"signal", received}});
}

absl::Time CallerDeadline(const grpc::ServerContextBase& server_context) {
  const std::chrono::system_clock::time_point deadline = server_context.deadline();
  // gRPC's "no deadline" is the clock's largest time; a year past 2262.
  if (deadline == std::chrono::system_clock::time_point::max()) return absl::InfiniteFuture();
  return absl::FromChrono(deadline);
}

GrpcServer::GrpcServer(Options options)
    : options_(std::move(options)), gate_(options_.gate != nullptr ? options_.gate : OpenGate()) {
  // Abseil's mutex deadlock detection builds a lock graph on every
  // acquisition (a measurable share of each call); our lock order is simple
  // and covered by tests, so production servers run without it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
}

GrpcServer::~GrpcServer() {
  if (Shutdown()) return;
  // Abandoned handlers still use the server and its queues: leave them be;
  // the process is about to exit (see Shutdown).
  for (std::thread& thread : threads_) thread.detach();
  (void)server_.release();
  for (auto& queue : queues_) (void)queue.release();
}

absl::Status GrpcServer::Start() {
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(
      options_.listen,
      options_.credentials != nullptr ? options_.credentials : grpc::InsecureServerCredentials(),
      &port_);
  if (options_.max_connection_age > absl::ZeroDuration()) {
    // Milliseconds as an int; INT_MAX (what an infinite duration becomes) is
    // gRPC's "no limit".
    const auto ms = [](absl::Duration d) {
      return static_cast<int>(std::min<int64_t>(absl::ToInt64Milliseconds(d), INT_MAX));
    };
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS, ms(options_.max_connection_age));
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS,
                               ms(options_.max_connection_age_grace));
  }
  builder.RegisterService(&health_);
  for (grpc::Service* service : services_) builder.RegisterService(service);
  for (auto& method : methods_) {
    for (const auto& [request_type, prefetch] : prefetches_) {
      if (request_type == method->request_type()) method->prefetch = &prefetch;
    }
  }
  // One queue shared by every worker thread: a call waits only while all of
  // them are busy, and the thread that polled an event usually handles it
  // itself (measured: fewer wake-ups than a queue per core).
  if (!methods_.empty()) queues_.push_back(builder.AddCompletionQueue());
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    server_.reset();
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options_.listen, " (address in use or invalid)"));
  }
  SetServing(false);
  // "liveness" answers SERVING while the process works, whatever the
  // database does: a liveness probe on it restarts a wedged process, not
  // every replica during a database outage.
  health_.SetStatus(std::string(kLivenessHealthName), true);
  {
    absl::MutexLock lock(&arm_mu_);
    accepting_ = true;
  }
  if (!queues_.empty()) {
    grpc::ServerCompletionQueue* cq = queues_.front().get();
    // As many waiting calls per method as threads, so a burst of one method
    // can keep every thread busy without waiting for calls to be re-armed.
    for (auto& method : methods_) {
      for (int i = 0; i < options_.threads; ++i) method->Arm(this, cq);
    }
    for (int i = 0; i < options_.threads; ++i) threads_.emplace_back([this, cq] { Work(cq); });
  }
  Log(LogLevel::kInfo, "serving",
      {{"listen", options_.listen},
       {"port", port_},
       {"threads", options_.threads},
       {"transport", options_.transport_mode},
       {"tokens", gate_->tokens_required() ? "required" : "off"},
       {"audit", gate_->audits()}});
  return absl::OkStatus();
}

void GrpcServer::Work(grpc::ServerCompletionQueue* cq) {
  if (options_.thread_init) options_.thread_init();
  void* tag = nullptr;
  bool ok = false;
  while (cq->Next(&tag, &ok)) static_cast<Tag*>(tag)->Proceed(ok);
  if (options_.thread_end) options_.thread_end();
}

namespace {

// Runs the server's per-thread set-up once on each gRPC thread that runs a
// sync handler (those threads are gRPC's, not ours), and the tear-down when
// the thread exits.
class ThreadSetup {
 public:
  void Ensure(const std::function<void()>& init, const std::function<void()>& end) {
    if (done_) return;
    done_ = true;
    if (init) init();
    end_ = end;
  }
  ~ThreadSetup() {
    if (end_) end_();
  }

 private:
  bool done_ = false;
  std::function<void()> end_;
};

}  // namespace

grpc::Status GrpcServer::RunSync(const std::string& full_name, metrics::RpcMetrics& metrics,
                                 grpc::ServerContext* server_context,
                                 const google::protobuf::Message& request,
                                 absl::FunctionRef<absl::Status(const CallContext&)> handler) {
  thread_local ThreadSetup setup;
  setup.Ensure(options_.thread_init, options_.thread_end);
  CallStarted();
  const absl::Time start = absl::Now();
  metrics.StartedWithRequest();
  const CallScope scope(CallerDeadline(*server_context));
  CallContext context;
  CallGate::StreamSlot slot;
  absl::Status status = Admit(full_name, server_context, &context);
  const LogScope log_scope(context.request_id, context.traceparent);
  if (status.ok() && stopping()) status = ShuttingDownError();
  if (status.ok()) status = gate_->OpenStream(context, server_context, &slot);
  if (status.ok()) status = handler(context);
  // A stream cut by the end of the grace period (its writes fail) is
  // answered UNAVAILABLE like the unary calls still running then.
  if (!status.ok() && past_grace()) status = ShuttingDownError();
  Complete(full_name, context, request, /*response=*/nullptr, status, start, metrics);
  last_stream_return_ns_.store(absl::ToUnixNanos(absl::Now()), std::memory_order_release);
  CallFinished();
  return status.ok() ? grpc::Status::OK
                     : grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                                    std::string(status.message()));
}

absl::Status GrpcServer::Admit(const std::string& method, grpc::ServerContextBase* server_context,
                               CallContext* context) {
  absl::Status admitted = gate_->Admit(method, server_context, context);
  // Every answer names its call, refusals too, so a caller can quote it
  // (sent with the first message, or with the status of a failure).
  server_context->AddInitialMetadata(kRequestIdHeader, context->request_id);
  if (!admitted.ok()) return admitted;
  return ready() ? absl::OkStatus() : NotReady();
}

void GrpcServer::Complete(const std::string& method, const CallContext& context,
                          const google::protobuf::Message& request,
                          const google::protobuf::Message* response, const absl::Status& status,
                          absl::Time start, metrics::RpcMetrics& metrics) {
  const absl::Duration latency = absl::Now() - start;
  if (response != nullptr) metrics.Sent();
  metrics.Handled(status.code(), latency);
  gate_->Audit(method, context, request, response, status);
  if (options_.log_requests) LogRequest(method, context, status, latency);
}

void GrpcServer::RegisterService(grpc::Service* service, const std::string& health_name) {
  if (std::find(services_.begin(), services_.end(), service) == services_.end()) {
    services_.push_back(service);
  }
  if (std::find(health_service_names_.begin(), health_service_names_.end(), health_name) ==
      health_service_names_.end()) {
    health_service_names_.push_back(health_name);
  }
}

bool GrpcServer::Arm(Method* method, grpc::ServerCompletionQueue* cq) {
  absl::ReaderMutexLock lock(&arm_mu_);
  if (!accepting_) return false;
  method->Arm(this, cq);
  return true;
}

void GrpcServer::SetServing(bool serving) {
  if (server_ == nullptr) return;
  // Serialised with BeginShutdown: once stopping, health stays NOT_SERVING
  // whatever the readiness monitor saw last.
  absl::MutexLock lock(&health_mu_);
  if (serving && stopping()) return;
  health_.SetStatus("", serving);
  for (const std::string& name : health_service_names_) health_.SetStatus(name, serving);
}

void GrpcServer::LogRequest(const std::string& method, const CallContext& context,
                            const absl::Status& status, absl::Duration latency) {
  const std::string peer = context.server_context->peer();
  // "request_id" and "traceparent" come from the LogScope the call runs in.
  absl::InlinedVector<LogField, 8> fields = {{"method", method},
                                             {"code", StatusCodeName(status.code())},
                                             {"latency_us", absl::ToInt64Microseconds(latency)},
                                             {"peer", peer},
                                             {"actor", context.actor}};
  // "via" only on calls a service made for someone else, "error" only on
  // failures: most lines stay short.
  if (!context.via.empty()) fields.emplace_back("via", context.via);
  if (!status.ok()) fields.emplace_back("error", status.message());
  Log(LogLevel::kInfo, "request", fields);
}

bool GrpcServer::Enter(Running* call) {
  absl::MutexLock lock(&running_mu_);
  if (stopping()) return false;
  running_.insert(call);
  return true;
}

bool GrpcServer::Leave(Running* call) {
  absl::MutexLock lock(&running_mu_);
  return running_.erase(call) > 0;
}

void GrpcServer::BeginShutdown() {
  if (server_ == nullptr || stopping()) return;
  grace_end_ = absl::Now() + options_.shutdown_grace;
  {
    absl::MutexLock lock(&running_mu_);  // no handler enters after this
    stopping_.store(true, std::memory_order_release);
  }
  SetServing(false);
  // The core server is not told yet: gRPC 1.51 marks itself shut down when it
  // sends the GOAWAY and from then on cancels (CANCELLED, which clients do
  // not retry) every call that reaches it before its client has read the
  // GOAWAY. Until Shutdown() closes the connections, calls keep being taken
  // off them and answered UNAVAILABLE here instead.
  Log(LogLevel::kInfo, "shutting down: no new calls",
      {{"in_flight", in_flight_.load(std::memory_order_acquire)},
       {"grace_ms", absl::ToInt64Milliseconds(options_.shutdown_grace)}});
}

bool GrpcServer::WaitForCalls(absl::Time until) {
  for (;;) {
    if (in_flight_.load(std::memory_order_acquire) == 0) return true;
    if (absl::Now() >= until) return false;
    absl::SleepFor(absl::Milliseconds(1));
  }
}

void GrpcServer::EndGrace() {
  absl::MutexLock lock(&running_mu_);
  past_grace_.store(true, std::memory_order_release);
  Log(LogLevel::kWarning, "grace period over: answering calls still running UNAVAILABLE",
      {{"unary", static_cast<int>(running_.size())},
       {"in_flight", in_flight_.load(std::memory_order_acquire)}});
  for (Running* call : running_) call->AnswerShuttingDown();
  running_.clear();
}

bool GrpcServer::Shutdown() {
  if (shut_down_ || server_ == nullptr) return !abandoned_;
  shut_down_ = true;
  BeginShutdown();
  if (!WaitForCalls(grace_end_)) {
    EndGrace();
    // A handler may still be blocked in the database (a lock wait); its
    // caller has its answer now. It gets a moment to return, then it is
    // abandoned: the process exits, the database connection closes and its
    // uncommitted transaction rolls back.
    WaitForCalls(absl::Now() + kHandlerDrain);
  }
  // Health watches end now (they are not counted in flight).
  health_.Shutdown();
  // A stream's handler has returned but gRPC's thread may not have sent its
  // status yet; cancelling now would replace it with "Cancelling all calls".
  const absl::Time streams_sent =
      absl::FromUnixNanos(last_stream_return_ns_.load(std::memory_order_acquire)) +
      kStatusSendDrain;
  if (const absl::Time now = absl::Now(); streams_sent > now) absl::SleepFor(streams_sent - now);
  // Every caller has its answer: close the connections now (with a GOAWAY),
  // before the core server is shut down, so that a call racing with the
  // close fails UNAVAILABLE on its client rather than CANCELLED. Left to
  // themselves idle connections close only when their clients do (5 s or
  // more each).
  grpc_server_cancel_all_calls(server_->c_server());
  {
    absl::MutexLock lock(&arm_mu_);
    accepting_ = false;
  }
  if (const int running = in_flight_.load(std::memory_order_acquire); running > 0) {
    Log(LogLevel::kWarning, "abandoning handlers still running after the grace period",
        {{"handlers", running}});
    FlushLogs();
    abandoned_ = true;
    return false;
  }
  // Stops listening and fails the calls still armed; nothing is in flight,
  // so the deadline (now) cuts nothing.
  server_->Shutdown(absl::ToChronoTime(absl::Now()));
  for (auto& queue : queues_) queue->Shutdown();
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
  Log(LogLevel::kInfo, "server stopped");
  FlushLogs();
  return true;
}

}  // namespace kam::common
