// Etags for optimistic concurrency (AIP-154). Each stored row keeps a version
// counter that every write increments; the etag is a fingerprint of the
// resource name and that version, so it is opaque to callers, differs between
// resources and changes on every write.
#ifndef KAM_COMMON_API_ETAG_H_
#define KAM_COMMON_API_ETAG_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace kam::common {

// The etag of `resource_name` at `version`: 16 hex digits.
std::string MakeEtag(absl::string_view resource_name, int64_t version);

// OK when `etag` is empty (the caller skipped the check) or equals the
// current etag; otherwise ABORTED, telling the caller to re-read and retry.
absl::Status CheckEtag(absl::string_view resource_name, int64_t current_version,
                       absl::string_view etag);

}  // namespace kam::common

#endif  // KAM_COMMON_API_ETAG_H_
