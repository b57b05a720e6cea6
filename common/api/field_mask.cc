#include "common/api/field_mask.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/field_mask_util.h"

namespace kam::common {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

bool Contains(const std::vector<std::string>& list, absl::string_view path) {
  return std::find(list.begin(), list.end(), path) != list.end();
}

bool IsSet(const Message& message, const FieldDescriptor* field) {
  const Reflection* reflection = message.GetReflection();
  if (field->is_repeated()) return reflection->FieldSize(message, field) > 0;
  return reflection->HasField(message, field);  // proto3 scalars: non-default
}

bool IsTopLevel(absl::string_view path) { return path.find('.') == absl::string_view::npos; }

}  // namespace

absl::StatusOr<std::vector<std::string>> ResolveUpdateMask(const google::protobuf::FieldMask& mask,
                                                           const Message& patch,
                                                           const UpdateMaskRules& rules) {
  std::vector<std::string> paths;
  if (mask.paths_size() == 0) {
    for (const std::string& path : rules.updatable) {
      if (!IsTopLevel(path)) continue;
      const FieldDescriptor* field = patch.GetDescriptor()->FindFieldByName(path);
      if (field != nullptr && IsSet(patch, field)) paths.push_back(path);
    }
    if (paths.empty()) {
      return absl::InvalidArgumentError(
          "update_mask is empty and the request sets no updatable field; nothing to update");
    }
    return paths;
  }
  for (const std::string& path : mask.paths()) {
    if (path == "*") {
      if (mask.paths_size() != 1) {
        return absl::InvalidArgumentError("update_mask \"*\" must be the only path");
      }
      for (const std::string& p : rules.updatable) {
        if (IsTopLevel(p)) paths.push_back(p);
      }
      return paths;
    }
    if (Contains(rules.output_only, path)) {
      return absl::InvalidArgumentError(
          absl::StrCat("update_mask path \"", path, "\" names an output-only field"));
    }
    if (auto it = rules.use_method.find(path); it != rules.use_method.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("update_mask path \"", path, "\" cannot be updated here; use ", it->second));
    }
    if (!Contains(rules.updatable, path)) {
      std::vector<std::string> allowed = rules.updatable;
      return absl::InvalidArgumentError(
          absl::StrCat("update_mask path \"", path.substr(0, 64),
                       "\" is not an updatable field; use one of: ", absl::StrJoin(allowed, ", ")));
    }
    if (!Contains(paths, path)) paths.push_back(path);
  }
  return paths;
}

void ApplyUpdateMask(const std::vector<std::string>& paths, const Message& patch, Message* target) {
  google::protobuf::FieldMask mask;
  for (const std::string& path : paths) mask.add_paths(path);
  google::protobuf::util::FieldMaskUtil::MergeOptions options;
  options.set_replace_message_fields(true);
  options.set_replace_repeated_fields(true);
  google::protobuf::util::FieldMaskUtil::MergeMessageTo(patch, mask, options, target);
}

}  // namespace kam::common
