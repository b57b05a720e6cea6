// FieldMask handling for Update methods (AIP-134), shared by every resource.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/message.h"

namespace kam::common {

// Which paths of a resource an Update method accepts.
struct UpdateMaskRules {
  // Paths a caller may update ("display_name", "credit", "credit.risk_level").
  std::vector<std::string> updatable;
  // Paths that are output only; naming one is INVALID_ARGUMENT.
  std::vector<std::string> output_only;
  // Paths changed by a dedicated method instead: path -> the method's name.
  std::map<std::string, std::string> use_method;
};

// The paths to update, in request order, duplicates dropped:
// - an empty mask means every updatable top-level field that is set in
//   `patch` (non-default scalar, present message, non-empty map or list);
// - "*" means every updatable top-level field;
// - otherwise each path must be updatable. An output-only path, a path with
//   its own method, or an unknown path is INVALID_ARGUMENT naming
//   `update_mask` and the path.
absl::StatusOr<std::vector<std::string>> ResolveUpdateMask(const google::protobuf::FieldMask& mask,
                                                           const google::protobuf::Message& patch,
                                                           const UpdateMaskRules& rules);

// Copies the fields at `paths` from `patch` into `target` (same message
// type); message, map and repeated fields are replaced, not merged.
void ApplyUpdateMask(const std::vector<std::string>& paths, const google::protobuf::Message& patch,
                     google::protobuf::Message* target);

}  // namespace kam::common
