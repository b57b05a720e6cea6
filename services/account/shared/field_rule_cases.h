// Test-only helpers for the field-rule tests of the areas
// (accounts/account_fields_test.cc, contacts/contact_fields_test.cc): tables
// of rule cases, each a change to a valid resource and what validating it
// must answer, the masks and texts those tables use, and the update-mask
// checks both areas make (ExpectUpdatable, ExpectOutputOnly).
//
//   FieldCase  one field set to one value (the common case: a table row
//              names the field as the API spells it);
//   Case       any other change, written as a function (map fields, several
//              fields at once).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/api/field_mask.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/message.h"
#include "gtest/gtest.h"

namespace kam::account::testing {

// U+4E2D (中): three bytes, one character.
inline constexpr char kHan[] = "\xe4\xb8\xad";

inline std::string Repeat(absl::string_view unit, size_t times) {
  std::string out;
  for (size_t i = 0; i < times; ++i) out.append(unit.data(), unit.size());
  return out;
}

// What validating a changed resource must answer: OK when `field` is empty,
// otherwise INVALID_ARGUMENT whose message starts with `field` and contains
// `rule_fragment`. `name` says which case failed.
inline void ExpectAnswer(const std::string& name, const absl::Status& status,
                         const std::string& field, const std::string& rule_fragment) {
  if (field.empty()) {
    EXPECT_TRUE(status.ok()) << name << ": " << status;
    return;
  }
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << name << ": " << status;
  EXPECT_TRUE(absl::StartsWith(status.message(), absl::StrCat(field, " ")))
      << name << ": " << status << " (want field " << field << ")";
  EXPECT_TRUE(absl::StrContains(status.message(), rule_fragment))
      << name << ": " << status << " (want \"" << rule_fragment << "\")";
}

// A value for a field: text for a string field, a number for an integer or
// enum field (any number, so a case may set an enum value the API lacks).
using FieldValue = std::variant<std::string, int64_t>;

// Sets `path` of `message` ("credit.credit_limit.currency_code": through
// sub-messages, which it creates) to `value`.
inline void SetField(google::protobuf::Message& message, absl::string_view path,
                     const FieldValue& value) {
  using google::protobuf::FieldDescriptor;
  google::protobuf::Message* m = &message;
  const std::vector<std::string> names = absl::StrSplit(path, '.');
  for (size_t i = 0; i < names.size(); ++i) {
    const FieldDescriptor* field = m->GetDescriptor()->FindFieldByName(names[i]);
    ASSERT_NE(field, nullptr) << path;
    const google::protobuf::Reflection* reflection = m->GetReflection();
    if (i + 1 < names.size()) {
      m = reflection->MutableMessage(m, field);
      continue;
    }
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        reflection->SetString(m, field, std::get<std::string>(value));
        break;
      case FieldDescriptor::CPPTYPE_INT32:
        reflection->SetInt32(m, field, static_cast<int32_t>(std::get<int64_t>(value)));
        break;
      case FieldDescriptor::CPPTYPE_INT64:
        reflection->SetInt64(m, field, std::get<int64_t>(value));
        break;
      case FieldDescriptor::CPPTYPE_ENUM:
        reflection->SetEnumValue(m, field, static_cast<int>(std::get<int64_t>(value)));
        break;
      default: FAIL() << path << " is not a text, integer or enum field";
    }
  }
}

// One rule on one field: `path` of a valid resource set to `value`, and the
// part of the rule's text the error must hold ("" when the value is valid).
// The error names `prefix` + `path`, or `prefix` + `error_path` when the
// rule is about another field.
struct FieldCase {
  std::string path;
  FieldValue value;
  std::string rule_fragment;
  std::string error_path = "";
};

// The two cases of a text field of at most `max` characters: `max` times
// `unit` (one character) is valid, one more is too long.
inline void AddLengthCases(std::vector<FieldCase>& cases, const std::string& path, size_t max,
                           absl::string_view unit) {
  cases.push_back({path, Repeat(unit, max), ""});
  cases.push_back({path, Repeat(unit, max + 1),
                   absl::StrCat("must be at most ", max, " characters (got ", max + 1, ")")});
}

// The four cases of an integer field from `min` to `max`: both ends are
// valid, one past either end is not.
inline void AddRangeCases(std::vector<FieldCase>& cases, const std::string& path, int64_t min,
                          int64_t max) {
  for (int64_t value : {min, max, max + 1, min - 1}) {
    const bool in_range = value >= min && value <= max;
    cases.push_back(
        {path, value,
         in_range ? ""
                  : absl::StrCat("must be between ", min, " and ", max, " (got ", value, ")")});
  }
}

// A resource whose one field is `display_name`, the field every resource of
// these tables must have: the valid resource the cases change.
template <typename Message>
Message Named(absl::string_view display_name) {
  Message message;
  SetField(message, "display_name", std::string(display_name));
  return message;
}

template <typename Message>
void RunFieldCases(const std::vector<FieldCase>& cases, const Message& valid,
                   absl::string_view prefix, absl::Status (*validate)(const Message&)) {
  for (const FieldCase& c : cases) {
    Message m = valid;
    SetField(m, c.path, c.value);
    const std::string name = absl::StrCat(
        c.path, " = ", std::visit([](const auto& v) { return absl::StrCat(v); }, c.value));
    const bool valid_value = c.rule_fragment.empty();
    const std::string field =
        valid_value ? "" : absl::StrCat(prefix, c.error_path.empty() ? c.path : c.error_path);
    ExpectAnswer(name, validate(m), field, c.rule_fragment);
  }
}

// Any other rule: a change to a valid resource, and the field path the
// error must start with (empty: the change is valid).
template <typename Message>
struct Case {
  std::string name;
  std::function<void(Message*)> change;
  std::string field;          // "" when valid
  std::string rule_fragment;  // part of the rule text, when invalid
};

template <typename Message>
void RunCases(const std::vector<Case<Message>>& cases, const Message& valid,
              absl::Status (*validate)(const Message&)) {
  for (const Case<Message>& c : cases) {
    Message m = valid;
    c.change(&m);
    ExpectAnswer(c.name, validate(m), c.field, c.rule_fragment);
  }
}

// A FieldMask of `paths`.
inline google::protobuf::FieldMask Mask(std::vector<std::string> paths) {
  google::protobuf::FieldMask mask;
  for (const std::string& p : paths) mask.add_paths(p);
  return mask;
}

// Each of `paths`, alone in an update mask, resolves under `rules` to
// itself: an updatable field of `Message`.
template <typename Message>
void ExpectUpdatable(const common::UpdateMaskRules& rules, std::vector<std::string> paths) {
  for (const std::string& path : paths) {
    const absl::StatusOr<std::vector<std::string>> resolved =
        common::ResolveUpdateMask(Mask({path}), Message(), rules);
    ASSERT_TRUE(resolved.ok()) << path << ": " << resolved.status();
    EXPECT_EQ(*resolved, std::vector<std::string>{path});
  }
}

// Each of `paths`, alone in an update mask, is refused under `rules`:
// INVALID_ARGUMENT `update_mask path "<path>" names an output-only field`.
template <typename Message>
void ExpectOutputOnly(const common::UpdateMaskRules& rules, std::vector<std::string> paths) {
  for (const std::string& path : paths) {
    const absl::Status status = common::ResolveUpdateMask(Mask({path}), Message(), rules).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << path;
    EXPECT_EQ(status.message(),
              absl::StrCat("update_mask path \"", path, "\" names an output-only field"));
  }
}

}  // namespace kam::account::testing
