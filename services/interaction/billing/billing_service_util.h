// Small helpers shared by the billing handlers (billing_service*.cc): request
// fingerprints for request_id, page cursors. Internal to the billing area.
#ifndef KAM_SERVICES_INTERACTION_BILLING_BILLING_SERVICE_UTIL_H_
#define KAM_SERVICES_INTERACTION_BILLING_BILLING_SERVICE_UTIL_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/api/page_token.h"
#include "common/base/fingerprint.h"

namespace kam::interaction::billing {

// The fingerprint of a create request without its request id: a retry must
// match it exactly.
template <typename Request>
std::string RequestHash(const Request& request) {
  Request copy = request;
  copy.clear_request_id();
  return common::FingerprintHex(common::MessageFingerprint(copy));
}

inline absl::Status RequestIdReused(absl::string_view request_id, absl::string_view method) {
  return absl::AlreadyExistsError(absl::StrCat("request_id \"", request_id,
                                               "\" was already used by a different ", method,
                                               " request"));
}

// A concurrent call with the same request id took the id, then rolled back.
inline absl::Status ConcurrentRetryRolledBack() {
  return absl::AbortedError("the request that used this request_id was rolled back; retry");
}

// Empty token: the first page.
inline absl::StatusOr<std::optional<common::PageCursor>> DecodeCursor(const std::string& token,
                                                                      uint64_t query) {
  if (token.empty()) return std::optional<common::PageCursor>();
  absl::StatusOr<common::PageCursor> cursor = common::DecodePageToken(token, query);
  if (!cursor.ok()) return cursor.status();
  return std::optional<common::PageCursor>(*std::move(cursor));
}

}  // namespace kam::interaction::billing

#endif  // KAM_SERVICES_INTERACTION_BILLING_BILLING_SERVICE_UTIL_H_
