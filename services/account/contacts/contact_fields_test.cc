#include "services/account/contacts/contact_fields.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/api/field_mask.h"
#include "gtest/gtest.h"
#include "kam/account/v1/account.pb.h"
#include "services/account/shared/field_rule_cases.h"

namespace kam::account::contacts {
namespace {

v1::Contact ValidContact() { return testing::Named<v1::Contact>("Zhang Wei"); }

TEST(ValidateContactFieldsTest, MinimalAndFullContactsAreValid) {
  EXPECT_TRUE(ValidateContactFields(ValidContact()).ok());
  v1::Contact c = ValidContact();
  c.set_title("CIO");
  c.set_department("IT");
  c.set_buying_role(v1::BUYING_ROLE_DECISION_MAKER);
  c.set_influence_weight(80);
  c.set_preferred_channel(v1::CONTACT_CHANNEL_VISIT);
  c.set_phone("+8613800138000");
  c.set_email("zhang.wei@example.com");
  c.set_do_not_call(true);
  c.set_time_zone("Asia/Shanghai");
  EXPECT_TRUE(ValidateContactFields(c).ok()) << ValidateContactFields(c);
}

// Each rule on one field, in the order of the fields in Contact: the value,
// and what the error must say ("": valid).
TEST(ValidateContactFieldsTest, EachFieldRule) {
  const std::string not_email = "must be an email address";
  const std::string not_zone = "IANA time zone";
  std::vector<testing::FieldCase> cases = {
      {"display_name", "", "is required"},
      {"display_name", " \t ", "must not contain control characters"},
      {"title", "C\x1bO", "control characters"},
      {"buying_role", v1::BUYING_ROLE_GATEKEEPER, ""},
      {"buying_role", 70, "must be a known BuyingRole"},
      {"preferred_channel", v1::CONTACT_CHANNEL_MESSAGE, ""},
      {"preferred_channel", 5, "must be a known ContactChannel"},
      {"phone", "+12025550123", ""},
      {"phone", "13800138000", "E.164"},
      {"phone", "+86 138 0013 8000", "E.164"},
      {"phone", "+0123456789", "E.164"},
      {"email", "a.b+c@mail.example.cn", ""},
      {"email", "zhang.example.com", not_email},
      {"email", "a@b@example.com", not_email},
      {"email", "a@localhost", not_email},
      {"time_zone", "UTC", ""},
      {"time_zone", "Mars/Olympus_Mons", not_zone},
      {"time_zone", "../../etc/passwd", not_zone},
      {"time_zone", "localtime", not_zone},
      {"org_level", v1::CONTACT_LEVEL_FRONT_LINE, ""},
      {"org_level", 4, "must be a known ContactLevel"},
  };
  testing::AddLengthCases(cases, "display_name", 200, "n");
  testing::AddLengthCases(cases, "title", 200, "t");
  testing::AddLengthCases(cases, "department", 200, testing::kHan);
  testing::AddRangeCases(cases, "influence_weight", 0, 100);
  testing::RunFieldCases(cases, ValidContact(), "contact.", ValidateContactFields);
}

// ---------------------------------------------------------------- update masks

TEST(ContactMaskRulesTest, UpdatableOutputOnlyAndUnknown) {
  testing::ExpectUpdatable<v1::Contact>(
      ContactMaskRules(), {"display_name", "title", "department", "buying_role", "influence_weight",
                           "preferred_channel", "phone", "email", "do_not_call", "time_zone",
                           "org_level", "reports_to"});
  testing::ExpectOutputOnly<v1::Contact>(
      ContactMaskRules(), {"name", "create_time", "update_time", "delete_time", "etag"});
  const v1::Contact patch;
  const absl::Status unknown =
      common::ResolveUpdateMask(testing::Mask({"stage"}), patch, ContactMaskRules()).status();
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(unknown.message(), "is not an updatable field")) << unknown;
}

TEST(ContactMaskRulesTest, EmptyMaskAndStar) {
  v1::Contact patch;
  patch.set_name("accounts/1/contacts/2");
  patch.set_email("a@example.com");
  patch.set_do_not_call(true);
  const absl::StatusOr<std::vector<std::string>> set =
      common::ResolveUpdateMask(testing::Mask({}), patch, ContactMaskRules());
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(*set, (std::vector<std::string>{"email", "do_not_call"}));

  const absl::StatusOr<std::vector<std::string>> all =
      common::ResolveUpdateMask(testing::Mask({"*"}), patch, ContactMaskRules());
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->size(), 12u);
}

}  // namespace
}  // namespace kam::account::contacts
