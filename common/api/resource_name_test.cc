#include "common/api/resource_name.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace kam::common {
namespace {

// The status of a parse that must fail.
absl::Status ParseError(absl::string_view field, absl::string_view name,
                        std::initializer_list<absl::string_view> collections) {
  absl::StatusOr<std::vector<int64_t>> ids = ParseResourceName(field, name, collections);
  EXPECT_FALSE(ids.ok()) << name;
  return ids.status();
}

constexpr char kContactPattern[] =
    "contact.name must look like accounts/{account}/contacts/{contact} (got ";

// Expects ParseResourceName("contact.name", name, accounts/contacts) to fail
// with the "must look like" message.
void ExpectMalformedContact(absl::string_view name) {
  const absl::StatusOr<std::vector<int64_t>> ids =
      ParseResourceName("contact.name", name, {"accounts", "contacts"});
  ASSERT_FALSE(ids.ok()) << name;
  EXPECT_EQ(ids.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(ids.status().message(), kContactPattern)) << ids.status();
}

TEST(ParseResourceNameTest, ParsesOneLevel) {
  absl::StatusOr<std::vector<int64_t>> ids =
      ParseResourceName("account.name", "accounts/42", {"accounts"});
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_EQ(*ids, std::vector<int64_t>({42}));
}

TEST(ParseResourceNameTest, ParsesTwoLevels) {
  absl::StatusOr<std::vector<int64_t>> ids =
      ParseResourceName("contact.name", "accounts/42/contacts/7", {"accounts", "contacts"});
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_EQ(*ids, std::vector<int64_t>({42, 7}));
}

TEST(ParseResourceNameTest, AcceptsInt64Max) {
  absl::StatusOr<std::vector<int64_t>> ids =
      ParseResourceName("account.name", "accounts/9223372036854775807", {"accounts"});
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_EQ((*ids)[0], INT64_MAX);
}

TEST(ParseResourceNameTest, EmptyIsRequired) {
  const absl::Status status = ParseError("account.name", "", {"accounts"});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "account.name is required");
}

TEST(ParseResourceNameTest, PatternUsesSingularPlaceholders) {
  const absl::StatusOr<std::vector<int64_t>> ids =
      ParseResourceName("membership.name", "x", {"teams", "teamMemberships", "activities"});
  ASSERT_FALSE(ids.ok());
  EXPECT_TRUE(
      absl::StrContains(ids.status().message(),
                        "teams/{team}/teamMemberships/{teamMembership}/activities/{activity}"))
      << ids.status();
}

TEST(ParseResourceNameTest, RejectsWrongShape) {
  for (const char* name :
       {"accounts/42", "accounts/42/contacts", "accounts/42/contacts/", "accounts/42/contacts/7/",
        "/accounts/42/contacts/7", "accounts/42//contacts/7", "accounts/42/contacts/7/notes/1",
        "account/42/contacts/7", "Accounts/42/contacts/7", "accounts/42/contact/7",
        "contacts/7/accounts/42", "accounts", "//", "accounts/42/contacts/7?x=1",
        "https://kam.example.com/accounts/42/contacts/7"}) {
    ExpectMalformedContact(name);
  }
}

TEST(ParseResourceNameTest, RejectsNonCanonicalIds) {
  for (const char* id : {"0", "00", "07", "-7", "+7", " 7", "7 ", "7a", "0x7", "7.0", "1e3",
                         "\xef\xbc\x97",  // FULLWIDTH DIGIT SEVEN
                         ""}) {
    ExpectMalformedContact(std::string("accounts/42/contacts/") + id);
    ExpectMalformedContact(std::string("accounts/") + id + "/contacts/7");
  }
}

TEST(ParseResourceNameTest, RejectsIdsOutsideInt64) {
  // INT64_MAX + 1: 19 digits but does not fit.
  ExpectMalformedContact("accounts/9223372036854775808/contacts/7");
  ExpectMalformedContact("accounts/9999999999999999999/contacts/7");
  // 20 digits.
  ExpectMalformedContact("accounts/10000000000000000000/contacts/7");
  ExpectMalformedContact("accounts/42/contacts/18446744073709551616");
}

// The message shows the pattern and the input, cut to 64 bytes and escaped.
TEST(ParseResourceNameTest, MessageShowsPatternAndInput) {
  EXPECT_EQ(ParseError("account.name", "accounts/abc", {"accounts"}).message(),
            "account.name must look like accounts/{account} (got \"accounts/abc\")");
  const std::string name = "accounts/" + std::string(1000, '9');
  EXPECT_EQ(
      ParseError("account.name", name, {"accounts"}).message(),
      "account.name must look like accounts/{account} (got \"" + name.substr(0, 64) + "...\")");
  EXPECT_EQ(ParseError("account.name", "accounts/\xff\n", {"accounts"}).message(),
            "account.name must look like accounts/{account} (got \"accounts/\\xff\\n\")");
}

TEST(FormatResourceNameTest, FormatsPairs) {
  EXPECT_EQ(FormatResourceName({"accounts"}, {42}), "accounts/42");
  EXPECT_EQ(FormatResourceName({"accounts", "contacts"}, {42, 7}), "accounts/42/contacts/7");
  EXPECT_EQ(FormatResourceName({"accounts"}, {INT64_MAX}), "accounts/9223372036854775807");
  EXPECT_EQ(FormatResourceName({}, {}), "");
}

TEST(FormatResourceNameTest, RoundTripsThroughParse) {
  const std::string name = FormatResourceName({"accounts", "contacts"}, {123, 456789});
  absl::StatusOr<std::vector<int64_t>> ids =
      ParseResourceName("contact.name", name, {"accounts", "contacts"});
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_EQ(*ids, std::vector<int64_t>({123, 456789}));
}

}  // namespace
}  // namespace kam::common
