// What the update-mask tests of the interaction areas ask of a resource's
// common::UpdateMaskRules, in one call. Test-only.
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/api/field_mask.h"
#include "google/protobuf/field_mask.pb.h"

namespace kam::interaction {

// The paths an update mask of `paths` resolves to for `patch` under `rules`
// (common::ResolveUpdateMask), or its error.
template <typename Message>
absl::StatusOr<std::vector<std::string>> ResolvePaths(const common::UpdateMaskRules& rules,
                                                      std::initializer_list<const char*> paths,
                                                      const Message& patch = Message()) {
  google::protobuf::FieldMask mask;
  for (const char* path : paths) mask.add_paths(path);
  return common::ResolveUpdateMask(mask, patch, rules);
}

}  // namespace kam::interaction
