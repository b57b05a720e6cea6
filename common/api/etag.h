// Etags for optimistic concurrency (AIP-154). Each stored row keeps a version
// counter that every write increments; the etag is a fingerprint of the
// resource name and that version, so it is opaque to callers, differs between
// resources and changes on every write.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/base/proto_time.h"

namespace kam::common {

// The etag of `resource_name` at `version`: 16 hex digits.
std::string MakeEtag(absl::string_view resource_name, int64_t version);

// OK when `etag` is empty (the caller skipped the check) or equals the
// current etag; otherwise ABORTED, telling the caller to re-read and retry.
absl::Status CheckEtag(absl::string_view resource_name, int64_t current_version,
                       absl::string_view etag);

// Every write of a versioned resource: the next version, and the update time
// and etag that go with it. `Resource` is a message with name, update_time
// and etag fields.
template <typename Resource>
void StampWrite(int64_t* version, Resource* resource, absl::Time now) {
  ++*version;
  *resource->mutable_update_time() = ToProtoTimestamp(now);
  resource->set_etag(MakeEtag(resource->name(), *version));
}

// The etag of a resource created at version 1 (create_time = update_time =
// `now`).
template <typename Resource>
void StampCreate(int64_t* version, Resource* resource, absl::Time now) {
  *version = 1;
  *resource->mutable_create_time() = ToProtoTimestamp(now);
  *resource->mutable_update_time() = resource->create_time();
  resource->set_etag(MakeEtag(resource->name(), *version));
}

}  // namespace kam::common
