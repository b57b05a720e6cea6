// Test-only helpers for the field-rule tests of the areas
// (accounts/account_fields_test.cc, contacts/contact_fields_test.cc): a
// table of rule cases, each a change to a valid resource and the field the
// error must name, and the masks and texts those tables use.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/field_mask.pb.h"
#include "gtest/gtest.h"

namespace kam::account::testing {

// U+4E2D (中): three bytes, one character.
inline constexpr char kHan[] = "\xe4\xb8\xad";

inline std::string Repeat(absl::string_view unit, size_t times) {
  std::string out;
  for (size_t i = 0; i < times; ++i) out.append(unit.data(), unit.size());
  return out;
}

// One rule: a change to a valid resource, and the field path the error must
// start with (empty: the change is valid).
template <typename Message>
struct Case {
  std::string name;
  std::function<void(Message*)> change;
  std::string field;          // "" when valid
  std::string rule_fragment;  // part of the rule text, when invalid
};

template <typename Message>
void RunCases(const std::vector<Case<Message>>& cases, Message (*valid)(),
              absl::Status (*validate)(const Message&)) {
  for (const Case<Message>& c : cases) {
    Message m = valid();
    c.change(&m);
    const absl::Status status = validate(m);
    if (c.field.empty()) {
      EXPECT_TRUE(status.ok()) << c.name << ": " << status;
      continue;
    }
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.name << ": " << status;
    EXPECT_TRUE(absl::StartsWith(status.message(), absl::StrCat(c.field, " ")))
        << c.name << ": " << status << " (want field " << c.field << ")";
    EXPECT_TRUE(absl::StrContains(status.message(), c.rule_fragment))
        << c.name << ": " << status << " (want \"" << c.rule_fragment << "\")";
  }
}

// A FieldMask of `paths`.
inline google::protobuf::FieldMask Mask(std::vector<std::string> paths) {
  google::protobuf::FieldMask mask;
  for (const std::string& p : paths) mask.add_paths(p);
  return mask;
}

}  // namespace kam::account::testing
