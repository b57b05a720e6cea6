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

v1::Contact ValidContact() {
  v1::Contact c;
  c.set_display_name("Zhang Wei");
  return c;
}

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

TEST(ValidateContactFieldsTest, EachRule) {
  testing::RunCases<v1::Contact>(
      {
          {"name 200", [](v1::Contact* c) { c->set_display_name(std::string(200, 'n')); }, "", ""},
          {"name empty", [](v1::Contact* c) { c->clear_display_name(); }, "contact.display_name",
           "is required"},
          {"name blank", [](v1::Contact* c) { c->set_display_name(" \t "); },
           "contact.display_name", ""},
          {"name 201", [](v1::Contact* c) { c->set_display_name(std::string(201, 'n')); },
           "contact.display_name", "must be at most 200 characters (got 201)"},
          {"title 200", [](v1::Contact* c) { c->set_title(std::string(200, 't')); }, "", ""},
          {"title 201", [](v1::Contact* c) { c->set_title(std::string(201, 't')); },
           "contact.title", "must be at most 200 characters (got 201)"},
          {"title control", [](v1::Contact* c) { c->set_title("C\x1bO"); }, "contact.title",
           "control characters"},
          {"department 200", [](v1::Contact* c) { c->set_department(testing::Repeat(testing::kHan, 200)); }, "", ""},
          {"department 201", [](v1::Contact* c) { c->set_department(testing::Repeat(testing::kHan, 201)); },
           "contact.department", "must be at most 200 characters (got 201)"},
          {"influence 0", [](v1::Contact* c) { c->set_influence_weight(0); }, "", ""},
          {"influence 100", [](v1::Contact* c) { c->set_influence_weight(100); }, "", ""},
          {"influence 101", [](v1::Contact* c) { c->set_influence_weight(101); },
           "contact.influence_weight", "must be between 0 and 100 (got 101)"},
          {"influence -1", [](v1::Contact* c) { c->set_influence_weight(-1); },
           "contact.influence_weight", "must be between 0 and 100 (got -1)"},
          {"phone ok", [](v1::Contact* c) { c->set_phone("+12025550123"); }, "", ""},
          {"phone without plus", [](v1::Contact* c) { c->set_phone("13800138000"); },
           "contact.phone", "E.164"},
          {"phone with spaces", [](v1::Contact* c) { c->set_phone("+86 138 0013 8000"); },
           "contact.phone", "E.164"},
          {"phone leading zero", [](v1::Contact* c) { c->set_phone("+0123456789"); },
           "contact.phone", "E.164"},
          {"email ok", [](v1::Contact* c) { c->set_email("a.b+c@mail.example.cn"); }, "", ""},
          {"email no at", [](v1::Contact* c) { c->set_email("zhang.example.com"); },
           "contact.email", "must be an email address"},
          {"email two ats", [](v1::Contact* c) { c->set_email("a@b@example.com"); },
           "contact.email", "must be an email address"},
          {"email no tld", [](v1::Contact* c) { c->set_email("a@localhost"); }, "contact.email",
           "must be an email address"},
          {"time zone UTC", [](v1::Contact* c) { c->set_time_zone("UTC"); }, "", ""},
          {"time zone unknown", [](v1::Contact* c) { c->set_time_zone("Mars/Olympus_Mons"); },
           "contact.time_zone", "IANA time zone"},
          {"time zone path", [](v1::Contact* c) { c->set_time_zone("../../etc/passwd"); },
           "contact.time_zone", "IANA time zone"},
          {"time zone localtime", [](v1::Contact* c) { c->set_time_zone("localtime"); },
           "contact.time_zone", "IANA time zone"},
          {"buying role gatekeeper",
           [](v1::Contact* c) { c->set_buying_role(v1::BUYING_ROLE_GATEKEEPER); }, "", ""},
          {"buying role unknown",
           [](v1::Contact* c) { c->set_buying_role(static_cast<v1::BuyingRole>(70)); },
           "contact.buying_role", "must be a known BuyingRole"},
          {"channel message",
           [](v1::Contact* c) { c->set_preferred_channel(v1::CONTACT_CHANNEL_MESSAGE); }, "", ""},
          {"channel unknown",
           [](v1::Contact* c) { c->set_preferred_channel(static_cast<v1::ContactChannel>(5)); },
           "contact.preferred_channel", "must be a known ContactChannel"},
      },
      ValidContact, ValidateContactFields);
}

// ---------------------------------------------------------------- update masks

TEST(ContactMaskRulesTest, UpdatableOutputOnlyAndUnknown) {
  const v1::Contact patch;
  for (const char* path : {"display_name", "title", "department", "buying_role", "influence_weight",
                           "preferred_channel", "phone", "email", "do_not_call", "time_zone"}) {
    const absl::StatusOr<std::vector<std::string>> paths =
        common::ResolveUpdateMask(testing::Mask({path}), patch, ContactMaskRules());
    ASSERT_TRUE(paths.ok()) << path << ": " << paths.status();
    EXPECT_EQ(*paths, std::vector<std::string>{path});
  }
  for (const char* path : {"name", "create_time", "update_time", "delete_time", "etag"}) {
    const absl::Status status =
        common::ResolveUpdateMask(testing::Mask({path}), patch, ContactMaskRules()).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << path;
    EXPECT_TRUE(absl::StrContains(status.message(), "output-only")) << status;
  }
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
  EXPECT_EQ(all->size(), 10u);
}

}  // namespace
}  // namespace kam::account::contacts
