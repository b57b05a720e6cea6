// The Get and Update of a policy that exists once (a singleton resource:
// "quietHoursPolicy", "visitCadencePolicy"), kept as one versioned row and
// updated optimistically against the etag of the version read.
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/api/etag.h"
#include "common/api/validation.h"
#include "common/base/status_macros.h"
#include "services/interaction/shared/names.h"
#include "services/interaction/shared/optimistic_write.h"

namespace kam::interaction {

// A Get of the singleton `policy_name`: INVALID_ARGUMENT naming "name" unless
// `request.name()` is empty or `policy_name`; otherwise the error of `read()`,
// or OK with `*response = to_proto(stored row)`.
template <typename Request, typename Read, typename ToProto, typename Proto>
absl::Status GetSingletonPolicy(const Request& request, absl::string_view policy_name, Read read,
                                ToProto to_proto, Proto* response) {
  KAM_RETURN_IF_ERROR(CheckSingletonName("name", request.name(), policy_name));
  KAM_ASSIGN_OR_RETURN(auto stored, read());
  *response = to_proto(stored);
  return absl::OkStatus();
}

// An Update of the singleton `policy_name` by `request.policy()` (the patch):
// INVALID_ARGUMENT when the patch is missing ("policy"), names another
// resource ("policy.name") or `check(patch)` refuses it. Then, as one
// optimistic write (shared/optimistic_write.h, ABORTED "<what> kept changing
// ..."): `read()` the stored row (it has `version`), ABORTED when the patch's
// etag is not that version's, and `write(stored)`, which writes the new row
// and fills the response unless the row changed meanwhile (false).
template <typename Request, typename Check, typename Read, typename Write>
absl::Status UpdateSingletonPolicy(const Request& request, absl::string_view policy_name,
                                   absl::string_view what, Check check, Read read, Write write) {
  if (!request.has_policy()) return common::InvalidField("policy", "is required");
  const auto& patch = request.policy();
  KAM_RETURN_IF_ERROR(CheckSingletonName("policy.name", patch.name(), policy_name));
  KAM_RETURN_IF_ERROR(check(patch));
  return WriteOptimistically(what, [&]() -> absl::StatusOr<bool> {
    KAM_ASSIGN_OR_RETURN(auto stored, read());
    KAM_RETURN_IF_ERROR(common::CheckEtag(policy_name, stored.version, patch.etag()));
    return write(stored);
  });
}

}  // namespace kam::interaction
