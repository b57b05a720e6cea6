// Who may make a call, decided before its handler runs: the server's one
// interceptor, applied by GrpcServer to every method served through it, unary
// and streaming (health and reflection are gRPC's own services and do not
// pass through it; docs/security.md says why they stay open).
//
// With tokens on (a TokenVerifier is given), for each call, in this order:
//   1. authenticate: the `authorization: Bearer <jwt>` metadata is verified;
//      none, another scheme or a bad token is UNAUTHENTICATED with the
//      verifier's reason ("token expired at ...", "wrong audience: ...");
//   2. rate limit: one call from the subject's token bucket, at the rate of
//      its role; over it, RESOURCE_EXHAUSTED "... retry after N ms" and the
//      `grpc-retry-pushback-ms: N` trailer;
//   3. authorise: the access table by full method name; a role that may not
//      is PERMISSION_DENIED (a method missing from the table too);
//   4. on behalf of: when the verified subject is a service identity
//      ("service:..."), an `x-kam-on-behalf-of` header names the original
//      caller, who becomes the actor; the service is kept as `via`. From
//      anybody else the header is ignored (the actor stays the subject).
// A refused call never reaches its handler, so nothing is written.
// `x-kam-actor` is ignored: the actor is the verified subject.
//
// With tokens off the actor is `x-kam-actor` as given ("anonymous" when
// absent), as before issue 11, and there are no limits.
//
// Either way the call's request id and trace context are read (below), and
// calls of methods the table marks as
// writes get an audit line (audit_log.h) when an audit log is given: every
// outcome of an authenticated call, refusals included (an unauthenticated
// call has no subject to record and stays in the request log only).
//
// Request ids (docs/operations.md, "Following a request"): `x-request-id`
// is used as given when it is 1 to 128 characters, each a letter, a digit
// or one of "-_.:/+=@" (UUIDs, hex, base64 and "run-42-facts" all are);
// otherwise (absent, too long, other characters) the call gets a new id and
// is served as usual: an id only helps to find a call, so a bad one is no
// reason to refuse it. The id is returned to the caller (grpc_server.cc),
// refusals included. W3C `traceparent` is kept when well formed (version
// 00 exactly, or a later one whose first 55 characters have its form;
// lowercase hex, ids not all zeros), with its `tracestate`; a malformed one is dropped with its
// tracestate, never an error.
#pragma once

#include <array>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/auth/access_policy.h"
#include "common/auth/rate_limiter.h"
#include "common/auth/token_verifier.h"
#include "common/server/audit_log.h"
#include "common/server/grpc_server.h"
#include "google/protobuf/message.h"

namespace kam::common {

inline constexpr char kOnBehalfOfHeader[] = "x-kam-on-behalf-of";
inline constexpr char kRetryPushbackTrailer[] = "grpc-retry-pushback-ms";
inline constexpr char kRequestIdHeader[] = "x-request-id";
inline constexpr char kTraceparentHeader[] = "traceparent";
inline constexpr char kTracestateHeader[] = "tracestate";
inline constexpr size_t kMaxRequestIdLength = 128;
inline constexpr size_t kMaxTracestateLength = 512;

// Whether a caller's `x-request-id` is used as given (see the top of this file).
bool IsValidRequestId(absl::string_view id);
// A new request id: 16 lowercase hex characters (64 bits) from a generator
// of the calling thread's own (no lock), seeded from std::random_device.
std::string NewRequestId();
// Whether `value` is a W3C traceparent this suite passes on (see the top).
bool IsValidTraceparent(absl::string_view value);

// A rate per role, and one for callers with none the suite knows (they are
// refused by the table anyway, but their calls still cost a verification).
struct RoleRateLimits {
  // Indexed by the role's bit (kAdmin = 0, ...); see Of().
  std::array<auth::RateLimit, 6> by_role;
  auth::RateLimit other;

  auth::RateLimit& Of(auth::Role role);
  const auth::RateLimit& Of(auth::Role role) const;

  // The defaults of --rate_limits (docs/security.md): people get room for a
  // busy screen and scripts, the services none (they are limited where their
  // own callers enter).
  static RoleRateLimits Defaults();
  // Applies "role=rate/burst,..." (role names as in tokens, or "other") on
  // top of the current values. INVALID_ARGUMENT naming the entry.
  absl::Status Apply(absl::string_view spec);
};

struct CallGateOptions {
  // Null: tokens off (see the top of this file).
  std::unique_ptr<auth::TokenVerifier> verifier;
  // Required: who may call what, and which methods write (for the audit).
  std::shared_ptr<const auth::AccessPolicy> policy;
  RoleRateLimits rate_limits = RoleRateLimits::Defaults();
  auth::RateLimiter::Options limiter;
  // Open server streams per subject.
  int max_streams_per_subject = 16;
  // Null: no audit log.
  std::unique_ptr<AuditLog> audit;
};

class CallGate {
 public:
  explicit CallGate(CallGateOptions options);

  bool tokens_required() const { return options_.verifier != nullptr; }
  bool audits() const { return options_.audit != nullptr; }

  // Fills `context` from the call's metadata and decides whether its handler
  // may run (see the top of this file). `method` is "/package.Service/Method".
  absl::Status Admit(absl::string_view method, grpc::ServerContextBase* server_context,
                     CallContext* context);

  // A server stream's place in its subject's count; given back when
  // destroyed. Empty (and unlimited) with tokens off.
  class StreamSlot {
   public:
    StreamSlot() = default;
    StreamSlot(auth::StreamLimiter* limiter, std::string subject)
        : limiter_(limiter), subject_(std::move(subject)) {}
    StreamSlot(StreamSlot&& other) noexcept
        : limiter_(other.limiter_), subject_(std::move(other.subject_)) {
      other.limiter_ = nullptr;
    }
    StreamSlot& operator=(StreamSlot&& other) noexcept {
      if (this != &other) {
        Release();
        limiter_ = other.limiter_;
        subject_ = std::move(other.subject_);
        other.limiter_ = nullptr;
      }
      return *this;
    }
    ~StreamSlot() { Release(); }

   private:
    void Release() {
      if (limiter_ != nullptr) limiter_->Close(subject_);
      limiter_ = nullptr;
    }

    auth::StreamLimiter* limiter_ = nullptr;
    std::string subject_;
  };

  // After Admit, for a server stream: RESOURCE_EXHAUSTED (with the retry
  // trailer) when the caller already holds max_streams_per_subject.
  absl::Status OpenStream(const CallContext& context, grpc::ServerContextBase* server_context,
                          StreamSlot* slot);

  // After the handler (or a refusal): the audit line when `method` writes.
  // `response` (null when there is none) names what a create made.
  void Audit(absl::string_view method, const CallContext& context,
             const google::protobuf::Message& request, const google::protobuf::Message* response,
             const absl::Status& outcome) const;

 private:
  absl::Status Authenticate(absl::string_view method, grpc::ServerContextBase* server_context,
                            CallContext* context);

  CallGateOptions options_;
  auth::RateLimiter limiter_;
  auth::StreamLimiter streams_;
};

// The subject the call's credentials belong to: `via` when a service relays
// the call, else the actor.
inline const std::string& CredentialSubject(const CallContext& context) {
  return context.via.empty() ? context.actor : context.via;
}

}  // namespace kam::common
