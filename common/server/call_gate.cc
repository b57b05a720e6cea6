#include "common/server/call_gate.h"

#include <algorithm>
#include <cmath>

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
  context->request_id = ShortMetadata(server_context, "x-request-id");
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
  record.request_id = context.request_id.empty() ? RequestIdOf(request) : context.request_id;
  record.code = outcome.code();
  options_.audit->Write(record);
}

}  // namespace kam::common
