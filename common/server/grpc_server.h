// The gRPC server every service runs on: unary handlers executed by a fixed
// set of worker threads, health (grpc.health.v1) and reflection, one JSON log
// line per request, and graceful shutdown on SIGTERM/SIGINT (BeginShutdown,
// Shutdown; docs/operations.md).
//
// Why the async API with our own threads: handlers block on the database, so
// they need threads of their own; the sync server's thread pool grows and
// shrinks with load (handing each call from a poller to a worker thread) and
// the callback API's threads must not block. Here each worker thread takes a
// call off a completion queue and runs the handler to the end itself: no hand
// off, a stable set of threads, and a connection leased per call.
//
// A handler is a plain function of (context, request, response*) returning
// absl::Status; this file converts it to a grpc::Status in one place.
//
// A handler blocks while it waits on the database (Connector/C++ has no
// other way), which is what the threads are for. It does not block on other
// services where it matters: a method given a prefetch (SetPrefetch,
// prefetch.h) has its look-ups started when the call arrives, and the
// handler runs only once their answers are in, so no thread waits on
// another service, however slow it is.
//
// Before any handler runs, the server's CallGate (call_gate.h) reads the
// call's metadata and, with tokens on, authenticates, rate-limits and
// authorises it; a refused call never reaches its handler.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth/access_policy.h"
#include "common/base/call_scope.h"
#include "common/base/log.h"
#include "common/metrics/rpc_metrics.h"
#include "common/server/health_service.h"
#include "common/server/prefetch.h"
#include "google/protobuf/message.h"
#include "grpcpp/alarm.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/impl/service_type.h"

namespace kam::common {

// What a handler knows about its call besides the request, filled by the
// CallGate before the handler runs. Made for every call, so kept small.
struct CallContext {
  grpc::ServerContextBase* server_context = nullptr;
  // Who the call is for, recorded as the actor of history rows. With tokens
  // on: the verified token's subject, or, when a service identity relays a
  // call, the original caller it names in `x-kam-on-behalf-of`. With tokens
  // off: the `x-kam-actor` metadata as given ("anonymous" if none).
  // Calls to other services forward it (rpc_client.h).
  std::string actor;
  // The caller's `x-request-id`, or one made for the call when it sent none
  // or a bad one (call_gate.h); returned to the caller, in every log line
  // written while the handler runs, and forwarded. Empty only in contexts
  // made outside the server (tests, background work).
  std::string request_id;
  // The members below come last and have initialisers, so contexts written
  // as {server_context, actor, request_id} (handler tests) stay complete.
  //
  // The service identity ("service:interaction") that relayed the call on
  // behalf of `actor`; empty for a direct call. In the request log.
  std::string via = {};
  // With tokens on, what the access table granted: the role the call runs
  // under and, for an account manager on an account-scoped method, whose
  // accounts it is narrowed to. Empty with tokens off.
  std::optional<auth::Grant> grant = std::nullopt;
  // What the method's prefetch fetched before the handler ran (prefetch.h);
  // null when it has none.
  const Prefetched* prefetched = nullptr;
  // True when request_id was made here (the audit then records the body's).
  bool request_id_generated = false;
  // The caller's W3C trace context when well formed (call_gate.h), else
  // empty; logged and forwarded unchanged.
  std::string traceparent = {};
  std::string tracestate = {};
};

class CallGate;

// What a call answers that a stopping server will not run, or that was still
// running when the shutdown's grace period ended: UNAVAILABLE, so that
// clients retry it elsewhere (with the same request id).
absl::Status ShuttingDownError();

template <typename Request, typename Response>
using UnaryHandler = std::function<absl::Status(const CallContext&, const Request&, Response*)>;

// Starts, without blocking, the look-ups the handler of a call will need
// (prefetch.h), writes their answers to `into`, and calls `done` once, from
// any thread, when they are in (or failed: the handler then sees the
// failure, or asks again).
template <typename Request>
using PrefetchFor = std::function<void(const CallContext&, const Request&, Prefetched* into,
                                       std::function<void()> done)>;
using Prefetch = PrefetchFor<google::protobuf::Message>;

// Health service name that reports SERVING for as long as the process runs
// (for liveness probes); "" and the service names follow the database.
inline constexpr absl::string_view kLivenessHealthName = "liveness";

// The deadline the caller gave the call; InfiniteFuture when it gave none.
absl::Time CallerDeadline(const grpc::ServerContextBase& server_context);

// Blocks SIGTERM and SIGINT in the calling thread and every thread it
// creates later, so WaitForShutdownSignal() receives them. Call first thing
// in main, before any thread exists.
void BlockShutdownSignals();

class GrpcServer {
 public:
  struct Options {
    std::string listen = "127.0.0.1:0";
    int threads = 8;
    absl::Duration shutdown_grace = absl::Seconds(20);
    // A connection this old (gRPC adds +/-10% jitter) is sent GOAWAY: its
    // client dials again, re-resolving the name, so a caller balancing
    // round_robin over a headless Service reaches pods added since. Calls in
    // flight keep running for up to `max_connection_age_grace` (infinite: as
    // long as they take). Zero: connections live as long as their client.
    absl::Duration max_connection_age = absl::ZeroDuration();
    absl::Duration max_connection_age_grace = absl::InfiniteDuration();
    // Run at the start and end of every worker thread (the MySQL driver's
    // per-thread set-up).
    std::function<void()> thread_init;
    std::function<void()> thread_end;
    // One log line per request (off only for the transport benchmark's echo).
    bool log_requests = true;
    // How to listen (transport.h: MakeServerTransport); null: plaintext.
    std::shared_ptr<grpc::ServerCredentials> credentials;
    // The transport's mode, for the start-up log line.
    std::string transport_mode = "plaintext loopback";
    // Who may call what (call_gate.h); null: a gate with tokens off.
    std::shared_ptr<CallGate> gate;
  };

  explicit GrpcServer(Options options);
  ~GrpcServer();

  GrpcServer(const GrpcServer&) = delete;
  GrpcServer& operator=(const GrpcServer&) = delete;

  // Registers a generated service before Start() (once, however often it is
  // called), and reports `health_name` (its full name, e.g.
  // "kam.account.v1.AccountService") in health. Use ServeMethods
  // (service_methods.h) rather than this and AddUnary directly.
  void RegisterService(grpc::Service* service, const std::string& health_name);

  // Adds the handler of unary method number `index` of a registered service,
  // which the caller has marked async. `full_name` is
  // "/package.Service/Method", for the request log.
  template <typename Request, typename Response>
  void AddUnary(grpc::Service* service, int index, std::string full_name,
                UnaryHandler<Request, Response> handler);

  // Gives every unary method whose request is a `Request` the prefetch
  // `prefetch`; before Start().
  template <typename Request>
  void SetPrefetch(PrefetchFor<Request> prefetch) {
    prefetches_.emplace_back(
        Request::descriptor(),
        [prefetch = std::move(prefetch)](const CallContext& context,
                                         const google::protobuf::Message& request, Prefetched* into,
                                         std::function<void()> done) {
          prefetch(context, static_cast<const Request&>(request), into, std::move(done));
        });
  }

  // Binds and starts the worker threads. Health starts NOT_SERVING; the
  // service calls SetServing(true) once its schema is migrated and the
  // database answers.
  absl::Status Start();

  // The port bound (useful with port 0).
  int port() const { return port_; }

  // Health status of "" and every health service name.
  void SetServing(bool serving);

  // Until this is called every call is answered UNAVAILABLE ("starting"):
  // the schema may not exist yet.
  void MarkReady() { ready_.store(true, std::memory_order_release); }
  bool ready() const { return ready_.load(std::memory_order_acquire); }

  // Blocks until SIGTERM or SIGINT (see BlockShutdownSignals).
  static void WaitForShutdownSignal();

  // The first step of a shutdown, at once and without waiting: health turns
  // NOT_SERVING (and stays so) and no handler starts any more (a call that
  // arrives answers UNAVAILABLE "the server is shutting down", nothing
  // done). Handlers already running go on. Idempotent.
  void BeginShutdown();

  // BeginShutdown(), then waits until no call is in flight or the grace
  // period (counted from BeginShutdown) ends. A call still running then is
  // answered UNAVAILABLE at once ("the server is shutting down"), never
  // CANCELLED: a client may retry it (with its request id). Then closes the
  // connections (GOAWAY), stops listening and stops the threads. Returns as
  // soon as nothing is in flight: an idle server returns at once whatever
  // connections are open. Idempotent. Returns false when a handler was
  // still blocked (in the database) a moment after the grace period: its
  // caller has been answered, and the process should exit now (std::_Exit)
  // rather than wait for it.
  bool Shutdown();

  // True from BeginShutdown on.
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  // True once the grace period has ended: a stream still open should stop
  // writing and return (RunSync answers it UNAVAILABLE).
  bool past_grace() const { return past_grace_.load(std::memory_order_acquire); }

  // Runs the handler of a call on one of gRPC's own threads (a server
  // stream, see ServeMethods) with the same per-call machinery as unary
  // calls: per-thread set-up, the gate (and a stream slot of the caller's),
  // the readiness check, one request log line, the method's metrics and
  // the status mapping. A long stream must stop when a Write fails (the
  // caller went away or the server is stopping).
  grpc::Status RunSync(const std::string& full_name, metrics::RpcMetrics& metrics,
                       grpc::ServerContext* server_context,
                       const google::protobuf::Message& request,
                       absl::FunctionRef<absl::Status(const CallContext&)> handler);

  // --- used by the per-call machinery ---
  class Method;
  bool Arm(Method* method, grpc::ServerCompletionQueue* cq);
  // The gate's decision (call_gate.h), then readiness: OK when the handler
  // may run.
  absl::Status Admit(const std::string& method, grpc::ServerContextBase* server_context,
                     CallContext* context);
  // After the call: its audit line (for a write), its request log line and
  // its metrics (`metrics`: the method's). `response`: what a unary call
  // answers (null for a stream or a failure).
  void Complete(const std::string& method, const CallContext& context,
                const google::protobuf::Message& request, const google::protobuf::Message* response,
                const absl::Status& status, absl::Time start, metrics::RpcMetrics& metrics);
  void CallStarted() { in_flight_.fetch_add(1, std::memory_order_relaxed); }
  void CallFinished() { in_flight_.fetch_sub(1, std::memory_order_release); }

  // A unary call whose handler runs, which the server can answer itself
  // when the grace period ends.
  class Running {
   public:
    virtual ~Running() = default;
    // Sends UNAVAILABLE "the server is shutting down" to the caller; called
    // at most once, instead of the handler's answer.
    virtual void AnswerShuttingDown() = 0;
  };
  // Before a handler runs: false when the server is stopping (answer
  // ShuttingDownError() instead of running it).
  bool Enter(Running* call);
  // After the handler: true when the caller answers the call, false when
  // the server has answered it already (AnswerShuttingDown).
  bool Leave(Running* call);

  // A tag on a completion queue.
  using Tag = CompletionTag;

  // A registered method: arms calls waiting for requests on a queue.
  class Method {
   public:
    virtual ~Method() = default;
    virtual void Arm(GrpcServer* server, grpc::ServerCompletionQueue* cq) = 0;
    virtual const google::protobuf::Descriptor* request_type() const = 0;
    // Set by Start() from SetPrefetch; null: the handler runs at once.
    const Prefetch* prefetch = nullptr;
  };

 private:
  void Work(grpc::ServerCompletionQueue* cq);
  // Waits until nothing is in flight or `until`; true when nothing is.
  bool WaitForCalls(absl::Time until);
  // The grace period is over: answers every running unary call UNAVAILABLE
  // and tells streams to stop.
  void EndGrace();
  void LogRequest(const std::string& method, const CallContext& context, const absl::Status& status,
                  absl::Duration latency);

  Options options_;
  std::shared_ptr<CallGate> gate_;
  std::vector<grpc::Service*> services_;
  HealthService health_;
  // Reported by the health service besides "" (the whole server).
  std::vector<std::string> health_service_names_;
  std::vector<std::unique_ptr<Method>> methods_;
  std::vector<std::pair<const google::protobuf::Descriptor*, Prefetch>> prefetches_;
  std::vector<std::unique_ptr<grpc::ServerCompletionQueue>> queues_;
  std::unique_ptr<grpc::Server> server_;
  std::vector<std::thread> threads_;
  int port_ = 0;
  // Calls from the request's arrival until their answer is sent (unary) or
  // their handler returns (stream).
  std::atomic<int> in_flight_{0};
  // When the last stream handler returned (absl::ToUnixNanos). gRPC's sync
  // thread sends the stream's status after that; Shutdown waits
  // kStatusSendDrain past it before cancelling what is left.
  std::atomic<int64_t> last_stream_return_ns_{0};
  std::atomic<bool> ready_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> past_grace_{false};
  absl::Time grace_end_;  // set by BeginShutdown
  absl::Mutex arm_mu_;    // held shared while arming; exclusively to stop arming
  bool accepting_ ABSL_GUARDED_BY(arm_mu_) = false;
  absl::Mutex health_mu_;  // orders SetServing with BeginShutdown
  absl::Mutex running_mu_;
  absl::flat_hash_set<Running*> running_ ABSL_GUARDED_BY(running_mu_);
  bool shut_down_ = false;
  bool abandoned_ = false;
  // How long handlers may run on after the grace period before they are
  // abandoned.
  static constexpr absl::Duration kHandlerDrain = absl::Milliseconds(500);
  // Ample for a status already handed to gRPC to reach the wire, also on a
  // loaded machine; a shutdown pays it only right after a stream ended.
  static constexpr absl::Duration kStatusSendDrain = absl::Milliseconds(200);
};

namespace internal {

// Reaches the protected members of grpc::Service that the generated
// WithAsyncMethod_X and WithSplitStreamingMethod_X classes call, so a method
// can be served by its index in the service (a pointer to a protected member
// formed in a derived class may be used on any object of the base).
class ServiceAccess : public grpc::Service {
 public:
  template <typename Request>
  static void RequestUnary(grpc::Service* service, int index, grpc::ServerContext* context,
                           Request* request, grpc::internal::ServerAsyncStreamingInterface* stream,
                           grpc::ServerCompletionQueue* cq, void* tag) {
    using RequestFn = void (grpc::Service::*)(
        int, grpc::ServerContext*, Request*, grpc::internal::ServerAsyncStreamingInterface*,
        grpc::CompletionQueue*, grpc::ServerCompletionQueue*, void*);
    const RequestFn request_call = &ServiceAccess::RequestAsyncUnary<Request>;
    (service->*request_call)(index, context, request, stream, cq, cq, tag);
  }
  static void MarkAsync(grpc::Service* service, int index) {
    void (grpc::Service::*mark)(int) = &ServiceAccess::MarkMethodAsync;
    (service->*mark)(index);
  }
  static void MarkStreamed(grpc::Service* service, int index,
                           grpc::internal::MethodHandler* handler) {
    void (grpc::Service::*mark)(int, grpc::internal::MethodHandler*) =
        &ServiceAccess::MarkMethodStreamed;
    (service->*mark)(index, handler);
  }
};

template <typename Request, typename Response>
class UnaryMethod final : public GrpcServer::Method {
 public:
  UnaryMethod(grpc::Service* service, int index, std::string full_name,
              UnaryHandler<Request, Response> handler)
      : service_(service),
        index_(index),
        full_name_(std::move(full_name)),
        handler_(std::move(handler)),
        metrics_(metrics::ServerRpc(full_name_, metrics::RpcType::kUnary)) {}

  void Arm(GrpcServer* server, grpc::ServerCompletionQueue* cq) override;
  const google::protobuf::Descriptor* request_type() const override {
    return Request::descriptor();
  }

  grpc::Service* service_;
  int index_;
  std::string full_name_;
  UnaryHandler<Request, Response> handler_;
  metrics::RpcMetrics& metrics_;  // resolved once: a call records without a look-up
};

// One call: waits for a request, runs the handler (after the method's
// prefetch, if it has one), sends the answer, and deletes itself when the
// answer is sent and the handler has returned (or when no call comes: the
// server shuts down). At the end of a shutdown's grace period the server may
// answer it (UNAVAILABLE) while its handler still runs or its prefetch still
// waits: the handler's answer is then dropped, or the handler never runs.
template <typename Request, typename Response>
class UnaryCall final : public GrpcServer::Tag, public GrpcServer::Running {
 public:
  UnaryCall(GrpcServer* server, UnaryMethod<Request, Response>* method,
            grpc::ServerCompletionQueue* cq)
      : server_(server), method_(method), cq_(cq), responder_(&server_context_), prefetched_(cq) {
    ServiceAccess::RequestUnary(method->service_, method->index_, &server_context_, &request_,
                                &responder_, cq, this);
  }

  void Proceed(bool ok) override {
    if (started_) {  // an answer was sent
      Release();
      return;
    }
    if (!ok) {  // no call will come (shutdown)
      delete this;
      return;
    }
    started_ = true;
    server_->CallStarted();
    server_->Arm(method_, cq_);  // keep a call waiting for the next request
    start_ = absl::Now();
    method_->metrics_.StartedWithRequest();
    const CallScope scope(CallerDeadline(server_context_));
    absl::Status status = server_->Admit(method_->full_name_, &server_context_, &context_);
    if (status.ok()) {
      entered_ = server_->Enter(this);
      if (!entered_) status = ShuttingDownError();
    }
    if (status.ok() && method_->prefetch != nullptr) {
      // The thread goes back to the queue; the answers' arrival puts the
      // call back on it (Resume). Nothing of this call may be touched after
      // the prefetch starts: another thread may already run it.
      context_.prefetched = &prefetched_;
      resume_.call = this;
      alarm_.emplace();
      // An alarm already past puts the call on the queue from the thread
      // that calls done(). One set to "now" rounds up to the next
      // millisecond: gRPC's timer thread is woken to fire it, two thread
      // wake-ups and up to a millisecond per call (measured).
      (*method_->prefetch)(context_, request_, &prefetched_, [this] {
        alarm_->Set(cq_, gpr_inf_past(GPR_CLOCK_MONOTONIC), &resume_);
      });
      return;
    }
    Run(status);
  }

  void AnswerShuttingDown() override {
    responder_.FinishWithError(ToGrpcStatus(ShuttingDownError()), this);
  }

 private:
  // Runs the handler (when `status` is OK) and answers.
  void Run(absl::Status status) {
    // Here rather than around Proceed: with a prefetch the handler runs on
    // whichever thread takes the answers (Resume). The scope outlives the
    // call when Release deletes it, but reads nothing after.
    const LogScope log_scope(context_.request_id, context_.traceparent);
    if (status.ok()) status = method_->handler_(context_, request_, &response_);
    // The audit and request log record what the handler did, also when the
    // server has answered for it.
    server_->Complete(method_->full_name_, context_, request_, status.ok() ? &response_ : nullptr,
                      status, start_, method_->metrics_);
    if (!entered_ || server_->Leave(this)) {
      if (status.ok()) {
        responder_.Finish(response_, grpc::Status::OK, this);
      } else {
        responder_.FinishWithError(ToGrpcStatus(status), this);
      }
    }
    Release();
  }

  // The prefetch is done: run the handler, unless the shutdown's grace
  // period ended meanwhile (the caller has its UNAVAILABLE: do nothing).
  void Resume() {
    const CallScope scope(CallerDeadline(server_context_));
    Run(server_->past_grace() ? ShuttingDownError() : absl::OkStatus());
  }

  struct ResumeTag final : GrpcServer::Tag {
    void Proceed(bool) override { call->Resume(); }
    UnaryCall* call = nullptr;
  };

  static grpc::Status ToGrpcStatus(const absl::Status& status) {
    return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                        std::string(status.message()));
  }

  // Two holds once the call has come: the handler's and the answer's (its
  // completion on the queue); the last one released deletes the call.
  void Release() {
    GrpcServer* const server = server_;
    if (holds_.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    delete this;
    server->CallFinished();
  }

  GrpcServer* server_;
  UnaryMethod<Request, Response>* method_;
  grpc::ServerCompletionQueue* cq_;
  grpc::ServerContext server_context_;
  Request request_;
  Response response_;
  grpc::ServerAsyncResponseWriter<Response> responder_;
  CallContext context_;
  absl::Time start_;
  bool started_ = false;
  bool entered_ = false;
  std::atomic<int> holds_{2};
  // Only for a method with a prefetch.
  Prefetched prefetched_;
  ResumeTag resume_;
  std::optional<grpc::Alarm> alarm_;
};

template <typename Request, typename Response>
void UnaryMethod<Request, Response>::Arm(GrpcServer* server, grpc::ServerCompletionQueue* cq) {
  new UnaryCall<Request, Response>(server, this, cq);
}

}  // namespace internal

template <typename Request, typename Response>
void GrpcServer::AddUnary(grpc::Service* service, int index, std::string full_name,
                          UnaryHandler<Request, Response> handler) {
  methods_.push_back(std::make_unique<internal::UnaryMethod<Request, Response>>(
      service, index, std::move(full_name), std::move(handler)));
}

}  // namespace kam::common
