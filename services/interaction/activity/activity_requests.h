// Small request helpers shared by the activity area's handlers: request-id
// fingerprints, page cursors and the optimistic-write retry limit.
#ifndef KAM_SERVICES_INTERACTION_ACTIVITY_ACTIVITY_REQUESTS_H_
#define KAM_SERVICES_INTERACTION_ACTIVITY_ACTIVITY_REQUESTS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/api/page_token.h"
#include "common/base/fingerprint.h"

namespace kam::interaction::activity {

// How many times a write re-reads and retries when the row changed between
// its read and its write (only without an etag: with one, the change is
// ABORTED at once).
inline constexpr int kMaxWriteAttempts = 5;

// The fingerprint of a create request without its request id: a retry must
// match it exactly.
template <typename Request>
std::string RequestHash(const Request& request) {
  Request copy = request;
  copy.clear_request_id();
  return common::FingerprintHex(common::MessageFingerprint(copy));
}

inline absl::Status RequestIdReused(absl::string_view request_id, absl::string_view method) {
  return absl::AlreadyExistsError(absl::StrCat(
      "request_id \"", request_id, "\" was already used by a different ", method, " request"));
}

inline absl::Status ConcurrentRequest() {
  return absl::AbortedError(
      "a concurrent request with the same request_id has not finished; retry");
}

// Empty token: the first page.
inline absl::StatusOr<std::optional<common::PageCursor>> DecodeCursor(const std::string& token,
                                                                      uint64_t query) {
  if (token.empty()) return std::optional<common::PageCursor>();
  absl::StatusOr<common::PageCursor> cursor = common::DecodePageToken(token, query);
  if (!cursor.ok()) return cursor.status();
  return std::optional<common::PageCursor>(*std::move(cursor));
}

}  // namespace kam::interaction::activity

// Registers handler `Method` of the enclosing class for the generated
// kam.interaction.v1.ActivityService method of the same name, the way
// AccountService::Register does. Needs `server` (common::GrpcServer&) and
// `async` (v1::ActivityService::AsyncService*) in scope.
#define KAM_ACTIVITY_METHOD(Method)                                                               \
  server.AddUnary(async, &::kam::interaction::v1::ActivityService::AsyncService::Request##Method, \
                  "/kam.interaction.v1.ActivityService/" #Method,                                 \
                  [this](const ::kam::common::CallContext& context, const auto& request,          \
                         auto* response) { return Method(context, request, response); })

#endif  // KAM_SERVICES_INTERACTION_ACTIVITY_ACTIVITY_REQUESTS_H_
