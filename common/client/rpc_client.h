// Calls from one service to another: every call has a deadline, carries the
// caller's identity, and maps the answer onto what the calling service tells
// its own caller. A dependency that is down or too slow is UNAVAILABLE (the
// caller may retry; nothing was written), never a hang.
//
// Identity on the wire (configured once at start-up by RunService from the
// --dependency_* flags, see ConfigureDependencies): channels use TLS when a
// CA is given (checking the server's certificate and name, and presenting
// the service's own client certificate for mutual TLS); every call carries
// the service's own token (`authorization: Bearer`, from a file re-read when
// it changes) and the original caller's subject in `x-kam-on-behalf-of`,
// which a server honours only from a service identity (call_gate.h). The
// caller is also sent as `x-kam-actor`, which servers with tokens off use.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/base/call_scope.h"
#include "common/server/grpc_server.h"
#include "common/server/transport.h"
#include "grpcpp/grpcpp.h"

namespace kam::common {

// The service config of every channel to another service: gRPC retries a
// call the server did not act on (UNAVAILABLE: every service answers it only
// when nothing was written) up to 5 attempts in all, with backoff, within the
// call's deadline; the metadata, and so the request id, stay the same.
// Calls are spread round_robin over every address the name resolves to: an
// address `dns:///kam-account-headless:50051` (a headless Service) yields
// one per ready pod, re-resolved when a server's max connection age sends
// GOAWAY (deploy/README.md, "Load spread"); a plain host:port is one address.
inline constexpr char kDependencyServiceConfig[] = R"json({
  "loadBalancingConfig": [{"round_robin": {}}],
  "methodConfig": [{
    "name": [{}],
    "retryPolicy": {
      "maxAttempts": 5,
      "initialBackoff": "0.05s",
      "maxBackoff": "0.5s",
      "backoffMultiplier": 2,
      "retryableStatusCodes": ["UNAVAILABLE"]
    }
  }]
})json";

// Isolation per dependency: at most `max_in_flight` calls wait on one other
// service at once. One more waits a moment (`max_wait`: a healthy service
// frees a slot within milliseconds, so a burst is served) and then fails
// with UNAVAILABLE rather than holding another of the server's threads, so
// calls that do not need that service keep their threads (and their
// latency) while it is slow.
class DependencyLimit {
 public:
  // Held while a call is in flight; leaves on destruction.
  class Slot {
   public:
    Slot(Slot&& other) noexcept : limit_(std::exchange(other.limit_, nullptr)) {}
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot();

   private:
    friend class DependencyLimit;
    explicit Slot(DependencyLimit* limit) : limit_(limit) {}
    DependencyLimit* limit_;
  };

  // `dependency` names it in errors ("account service").
  DependencyLimit(std::string dependency, int max_in_flight,
                  absl::Duration max_wait = absl::Milliseconds(50));

  // A slot, or UNAVAILABLE "<dependency> unavailable (N calls already
  // waiting for it); retry later" when none came free within max_wait.
  absl::StatusOr<Slot> Enter();
  // A slot if one is free now, without waiting (for a thread that must not
  // block); else the error Enter would give.
  absl::StatusOr<Slot> TryEnter();
  int max_in_flight() const { return max_in_flight_; }

 private:
  void Leave();
  absl::Status Full() const;

  const std::string dependency_;
  const int max_in_flight_;
  const absl::Duration max_wait_;
  absl::Mutex mu_;
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
};

struct DependencyOptions {
  ClientTlsOptions tls;    // off (plaintext) unless a CA file is given
  std::string token_file;  // the service's own bearer token; empty: none sent
};

// Sets how DependencyChannel and PrepareDependencyCall reach other services.
// Call once, before any channel is made (RunService does). INVALID_ARGUMENT
// naming the flag when a file cannot be read or parsed. Without a call:
// plaintext, no token.
absl::Status ConfigureDependencies(const DependencyOptions& options);

// A channel to `address` ("host:port") with the configured credentials.
std::shared_ptr<grpc::Channel> DependencyChannel(const std::string& address);

// Sets `context`'s deadline (`deadline` from now, or the caller's own when
// sooner: base/call_scope.h) and metadata for a call made while serving
// `caller` (may be null: background work, which acts as the service
// itself): the service's token, `x-kam-on-behalf-of` and `x-kam-actor` with
// the caller's actor, its `x-request-id` (without a caller or an id: the
// thread's LogScope's, base/log.h, else a new one) and its `traceparent`
// and `tracestate` (unchanged). For calls that do not go through
// CallDependency (server streams).
void PrepareDependencyCall(grpc::ClientContext* context, const CallContext* caller,
                           absl::Duration deadline);

// The status a service returns when a call to `dependency` ("account
// service") failed with `status`:
//   DEADLINE_EXCEEDED after the caller's own deadline -> DEADLINE_EXCEEDED
//   UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED, RESOURCE_EXHAUSTED, UNKNOWN
//     -> UNAVAILABLE "<dependency> unavailable ..."
//   NOT_FOUND, INVALID_ARGUMENT, FAILED_PRECONDITION, ALREADY_EXISTS,
//   ABORTED, PERMISSION_DENIED, UNAUTHENTICATED -> the same code and message
//   anything else -> INTERNAL "<dependency> failed"
absl::Status DependencyError(absl::string_view dependency, const grpc::Status& status);

// Calls `method` on `stub` with `deadline`, with the metadata of
// PrepareDependencyCall.
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> CallDependency(Stub& stub,
                                        grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                                     const Request&, Response*),
                                        const Request& request, const CallContext* caller,
                                        absl::Duration deadline, absl::string_view dependency) {
  if (absl::Status waiting = CallScope::CallerWaiting("the call to another service");
      !waiting.ok()) {
    return waiting;
  }
  grpc::ClientContext context;
  PrepareDependencyCall(&context, caller, deadline);
  Response response;
  grpc::Status status = (stub.*method)(&context, request, &response);
  if (!status.ok()) return DependencyError(dependency, status);
  return response;
}

}  // namespace kam::common
