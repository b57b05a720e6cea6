#include "common/server/call_gate.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

namespace kam::common {
namespace {

constexpr size_t kMaxMetadataValue = 256;

// The metadata value of `key`, whole (a token is longer than other values).
absl::string_view Metadata(grpc::ServerContextBase* context, const char* key) {
  const auto& metadata = context->client_metadata();
  auto it = metadata.find(key);
  if (it == metadata.end()) return {};
  return absl::string_view(it->second.data(), it->second.size());
}

std::string ShortMetadata(grpc::ServerContextBase* context, const char* key) {
  const absl::string_view value = Metadata(context, key);
  return std::string(value.substr(0, kMaxMetadataValue));
}

bool IsLowerHex(absl::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool AllZeros(absl::string_view text) {
  return text.find_first_not_of('0') == absl::string_view::npos;
}

// The request id, trace context and whether the id was made here.
void ReadRequestIds(grpc::ServerContextBase* server_context, CallContext* context) {
  const absl::string_view given = Metadata(server_context, kRequestIdHeader);
  if (IsValidRequestId(given)) {
    context->request_id.assign(given.data(), given.size());
  } else {
    context->request_id = NewRequestId();
    context->request_id_generated = true;
  }
  const absl::string_view traceparent = Metadata(server_context, kTraceparentHeader);
  if (traceparent.empty() || !IsValidTraceparent(traceparent)) return;
  context->traceparent.assign(traceparent.data(), traceparent.size());
  const absl::string_view tracestate = Metadata(server_context, kTracestateHeader);
  if (tracestate.size() <= kMaxTracestateLength &&
      std::all_of(tracestate.begin(), tracestate.end(),
                  [](char c) { return c >= 0x20 && c <= 0x7e; })) {
    context->tracestate.assign(tracestate.data(), tracestate.size());
  }
}

int RoleIndex(auth::Role role) {
  int index = 0;
  for (uint32_t bit = role; bit > 1; bit >>= 1) ++index;
  return index;
}

// The role whose rate applies to `principal`: its first known role in the
// order of kRolePrecedence.
const auth::RateLimit& LimitOf(const RoleRateLimits& limits, const auth::Principal& principal) {
  const auth::RoleSet roles = auth::RolesOf(principal.roles);
  for (auth::Role role : auth::kRolePrecedence) {
    if ((roles & role) != 0) return limits.Of(role);
  }
  return limits.other;
}

absl::Status Exhausted(grpc::ServerContextBase* server_context, absl::Duration wait,
                       absl::string_view what) {
  const int64_t ms =
      std::max<int64_t>(1, absl::ToInt64Milliseconds(absl::Ceil(wait, absl::Milliseconds(1))));
  server_context->AddTrailingMetadata(kRetryPushbackTrailer, std::to_string(ms));
  return absl::ResourceExhaustedError(absl::StrCat(what, "; retry after ", ms, " ms"));
}

std::string DescribeLimit(const auth::RateLimit& limit) {
  return absl::StrCat(limit.per_second, " calls/s, bursts of ", limit.burst);
}

}  // namespace

bool IsValidRequestId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdLength) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
           absl::string_view("-_.:/+=@").find(c) != absl::string_view::npos;
  });
}

std::string NewRequestId() {
  // splitmix64 over a per-thread counter: a bijection, so one thread never
  // repeats an id, and threads (and replicas) start at random points.
  thread_local uint64_t state = [] {
    std::random_device device;
    return (static_cast<uint64_t>(device()) << 32) ^ device();
  }();
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  static const char kHex[] = "0123456789abcdef";
  std::string id(16, '0');
  for (int i = 15; i >= 0; --i, z >>= 4) id[i] = kHex[z & 0xF];
  return id;
}

bool IsValidTraceparent(absl::string_view value) {
  // version "-" trace-id (32) "-" parent-id (16) "-" flags (2): 55 characters.
  constexpr size_t kLength = 55;
  if (value.size() < kLength || value.size() > kMaxMetadataValue) return false;
  const absl::string_view version = value.substr(0, 2);
  const absl::string_view trace_id = value.substr(3, 32);
  const absl::string_view parent_id = value.substr(36, 16);
  const absl::string_view flags = value.substr(53, 2);
  if (value[2] != '-' || value[35] != '-' || value[52] != '-') return false;
  if (!IsLowerHex(version) || !IsLowerHex(trace_id) || !IsLowerHex(parent_id) ||
      !IsLowerHex(flags)) {
    return false;
  }
  if (version == "ff" || AllZeros(trace_id) || AllZeros(parent_id)) return false;
  // Version 00 is exactly 55 characters; a later version may add fields
  // after another "-".
  if (version == "00") return value.size() == kLength;
  return value.size() == kLength || value[kLength] == '-';
}

auth::RateLimit& RoleRateLimits::Of(auth::Role role) { return by_role[RoleIndex(role)]; }
const auth::RateLimit& RoleRateLimits::Of(auth::Role role) const {
  return by_role[RoleIndex(role)];
}

RoleRateLimits RoleRateLimits::Defaults() {
  RoleRateLimits limits;
  limits.Of(auth::kAdmin) = {1000, 2000};
  limits.Of(auth::kAccountManager) = {200, 400};
  limits.Of(auth::kServiceAgent) = {200, 400};
  limits.Of(auth::kAnalyst) = {50, 100};
  limits.Of(auth::kScoringService) = {0, 0};
  limits.Of(auth::kInteractionService) = {0, 0};
  limits.other = {10, 20};
  return limits;
}

absl::Status RoleRateLimits::Apply(absl::string_view spec) {
  for (absl::string_view entry : absl::StrSplit(spec, ',', absl::SkipWhitespace())) {
    entry = absl::StripAsciiWhitespace(entry);
    const size_t equals = entry.rfind('=');
    if (equals == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("--rate_limits: \"", entry, "\" is not role=rate/burst"));
    }
    const absl::string_view name = entry.substr(0, equals);
    absl::StatusOr<auth::RateLimit> limit = auth::ParseRateLimit(entry.substr(equals + 1));
    if (!limit.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--rate_limits: ", name, ": ", limit.status().message()));
    }
    if (name == "other") {
      other = *limit;
    } else if (std::optional<auth::Role> role = auth::RoleOfName(name)) {
      Of(*role) = *limit;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("--rate_limits: unknown role \"", name,
                       "\" (admin, account_manager, service_agent, analyst, service:scoring, "
                       "service:interaction, other)"));
    }
  }
  return absl::OkStatus();
}

CallGate::CallGate(CallGateOptions options)
    : options_(std::move(options)),
      limiter_(options_.limiter),
      streams_(options_.max_streams_per_subject) {}

absl::Status CallGate::Admit(absl::string_view method, grpc::ServerContextBase* server_context,
                             CallContext* context) {
  context->server_context = server_context;
  ReadRequestIds(server_context, context);
  if (options_.verifier == nullptr) {
    context->actor = ShortMetadata(server_context, "x-kam-actor");
    if (context->actor.empty()) context->actor = "anonymous";
    return absl::OkStatus();
  }
  return Authenticate(method, server_context, context);
}

absl::Status CallGate::Authenticate(absl::string_view method,
                                    grpc::ServerContextBase* server_context, CallContext* context) {
  absl::string_view authorization = Metadata(server_context, "authorization");
  if (authorization.empty()) {
    return absl::UnauthenticatedError(
        "missing bearer token: send the metadata \"authorization: Bearer <token>\"");
  }
  constexpr absl::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size() ||
      !absl::EqualsIgnoreCase(authorization.substr(0, kScheme.size()), kScheme)) {
    return absl::UnauthenticatedError(
        "malformed authorization metadata: expected \"Bearer <token>\"");
  }
  absl::StatusOr<auth::Principal> principal =
      options_.verifier->Verify(absl::StripAsciiWhitespace(authorization.substr(kScheme.size())));
  if (!principal.ok()) return principal.status();
  // From here on the call has a subject: refusals below are audited.
  context->actor = principal->subject;

  const auth::RateLimit& limit = LimitOf(options_.rate_limits, *principal);
  if (const absl::Duration wait = limiter_.TryAcquire(principal->subject, limit);
      wait > absl::ZeroDuration()) {
    return Exhausted(server_context, wait,
                     absl::StrCat("rate limit of ", principal->subject, " exceeded (",
                                  DescribeLimit(limit), ")"));
  }
  absl::StatusOr<auth::Grant> grant = options_.policy->Authorize(method, *principal);
  if (!grant.ok()) return grant.status();
  context->grant = *std::move(grant);

  if (absl::StartsWith(principal->subject, "service:")) {
    const std::string original = ShortMetadata(server_context, kOnBehalfOfHeader);
    if (!original.empty()) {
      context->via = std::move(context->actor);
      context->actor = original;
    }
  }
  return absl::OkStatus();
}

absl::Status CallGate::OpenStream(const CallContext& context,
                                  grpc::ServerContextBase* server_context, StreamSlot* slot) {
  if (options_.verifier == nullptr) return absl::OkStatus();
  const std::string& subject = CredentialSubject(context);
  if (!streams_.TryOpen(subject)) {
    return Exhausted(server_context, absl::Seconds(1),
                     absl::StrCat(subject, " already holds ", streams_.limit(),
                                  " open streams (the limit); close one"));
  }
  *slot = StreamSlot(&streams_, subject);
  return absl::OkStatus();
}

void CallGate::Audit(absl::string_view method, const CallContext& context,
                     const google::protobuf::Message& request,
                     const google::protobuf::Message* response, const absl::Status& outcome) const {
  if (options_.audit == nullptr) return;
  if (options_.verifier != nullptr && context.actor.empty()) return;  // unauthenticated
  const auth::MethodAccess* entry = options_.policy->Find(method);
  if (entry == nullptr || entry->effect != auth::Effect::kWrites) return;
  AuditRecord record;
  record.time = absl::Now();
  record.subject = CredentialSubject(context);
  if (!context.via.empty()) record.on_behalf_of = context.actor;
  record.method = method;
  // The answer names exactly what was written (a create's new resource, not
  // its parent); a refusal or a stream has only the request.
  std::string resource = response != nullptr ? NameOf(*response) : "";
  if (resource.empty()) resource = ResourceOf(request);
  record.resource = resource;
  // The caller's x-request-id, else the body's request_id (a create's
  // idempotency key): either lets the write be traced back to its caller.
  // An id made here is in the request log, not the audit (as before ids
  // were made).
  record.request_id = context.request_id_generated ? RequestIdOf(request) : context.request_id;
  record.code = outcome.code();
  options_.audit->Write(record);
}

}  // namespace kam::common
