// A message written in the proto's own text notation, for test fixtures and
// tables of cases: it spells the fields as the API does and says what is set
// in one place, e.g.
//   ParseTextProto<v1::Contact>(R"pb(display_name: "Zhang Wei" influence_weight: 70)pb")
// Test-only.
#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace kam::common::testing {

// The message `text` describes; the test fails (and gets what parsed) when
// `text` does not parse.
template <typename Message>
Message ParseTextProto(absl::string_view text) {
  Message message;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(std::string(text), &message)) << text;
  return message;
}

}  // namespace kam::common::testing
