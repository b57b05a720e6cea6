#include "common/api/idempotency.h"

#include "absl/strings/str_cat.h"

namespace kam::common {

absl::Status RequestIdReused(const RequestKey& key) {
  return absl::AlreadyExistsError(absl::StrCat(
      "request_id \"", key.id, "\" was already used by a different ", key.method, " request"));
}

absl::Status ConcurrentRetryRolledBack() {
  return absl::AbortedError("the request that used this request_id was rolled back; retry");
}

}  // namespace kam::common
