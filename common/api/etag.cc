#include "common/api/etag.h"

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/base/fingerprint.h"

namespace kam::common {

std::string MakeEtag(absl::string_view resource_name, int64_t version) {
  // The name is part of the input so that an etag copied from one resource
  // never matches another resource that happens to be at the same version.
  const std::string version_text = absl::StrCat(version);
  return FingerprintHex(Fingerprint64({resource_name, version_text}));
}

absl::Status CheckEtag(absl::string_view resource_name, int64_t current_version,
                       absl::string_view etag) {
  if (etag.empty() || etag == MakeEtag(resource_name, current_version)) {
    return absl::OkStatus();
  }
  // ABORTED even for text that could never be an etag: to the caller both
  // mean "what you read is not what is stored now", and AIP-154 asks for
  // ABORTED so that clients re-read and retry instead of giving up.
  return absl::AbortedError(absl::StrCat("etag does not match the current version of ",
                                         resource_name, "; read it again and retry"));
}

}  // namespace kam::common
