#include "services/account/contacts/org_chart.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace kam::account::contacts {
namespace {

TEST(ContactCountDeltaTest, LevelsCountOnlyWhenRecorded) {
  v1::Contact executive;
  executive.set_org_level(v1::CONTACT_LEVEL_EXECUTIVE);
  ContactCountDelta delta;
  delta.Add(executive, +1);
  delta.Add(v1::Contact(), +1);  // no level: a live contact covering none
  EXPECT_EQ(delta.live, 2);
  EXPECT_EQ(delta.by_level, (std::array<int, 4>{0, 1, 0, 0}));

  delta.MoveLevel(v1::CONTACT_LEVEL_EXECUTIVE, v1::CONTACT_LEVEL_FRONT_LINE);
  delta.MoveLevel(v1::CONTACT_LEVEL_UNSPECIFIED, v1::CONTACT_LEVEL_MANAGEMENT);
  EXPECT_EQ(delta.by_level, (std::array<int, 4>{0, 0, 1, 1}));
  EXPECT_EQ(delta.live, 2);  // a move changes no head count

  ContactCountDelta none;
  none.MoveLevel(v1::CONTACT_LEVEL_MANAGEMENT, v1::CONTACT_LEVEL_MANAGEMENT);
  EXPECT_TRUE(none.empty());
  none.Add(executive, -1);
  EXPECT_EQ(none.by_level[v1::CONTACT_LEVEL_EXECUTIVE], -1);
  EXPECT_FALSE(none.empty());
}

TEST(OrgChartTest, OrgLevelMustBeKnown) {
  EXPECT_TRUE(CheckOrgLevel(v1::CONTACT_LEVEL_UNSPECIFIED).ok());
  EXPECT_TRUE(CheckOrgLevel(v1::CONTACT_LEVEL_FRONT_LINE).ok());
  const absl::Status unknown = CheckOrgLevel(9);
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(unknown.message(), "contact.org_level must be a known ContactLevel");
}

TEST(OrgChartTest, ReportsToNamesAContactOfTheSameAccount) {
  EXPECT_EQ(ParseReportsTo(7, "").value(), 0);
  EXPECT_EQ(ParseReportsTo(7, "accounts/7/contacts/12").value(), 12);
  for (const char* malformed :
       {"contacts/12", "accounts/7/contacts/", "accounts/7/members/12", "accounts/7/contacts/x"}) {
    const absl::Status status = ParseReportsTo(7, malformed).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << malformed;
    EXPECT_TRUE(absl::StartsWith(status.message(), "contact.reports_to")) << status;
  }
  const absl::Status other = ParseReportsTo(7, "accounts/8/contacts/12").status();
  EXPECT_EQ(other.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(other.message(),
            "contact.reports_to must name a contact of the same account accounts/7 (got "
            "accounts/8/contacts/12)");
}

// Contact 1 of account 7 reporting to the manager whose chain (as the store
// reads it) is given.
TEST(OrgChartTest, CheckReportsTo) {
  struct Case {
    const char* what;
    int64_t manager;
    std::vector<ChainLink> chain;
    absl::StatusCode code;
    std::string message;  // "" when OK
  };
  std::vector<ChainLink> deep;
  for (int64_t id = 100; id < 100 + kMaxReportingDepth + 1; ++id) deep.push_back({id, false});
  std::vector<ChainLink> deepest_allowed(deep.begin(), deep.begin() + kMaxReportingDepth);
  const std::vector<Case> cases = {
      {"a manager at the top", 2, {{2, false}}, absl::StatusCode::kOk, ""},
      {"a manager with a line above",
       2,
       {{2, false}, {3, false}, {4, true}},
       absl::StatusCode::kOk,
       ""},
      {"16 above", 100, deepest_allowed, absl::StatusCode::kOk, ""},
      {"not found",
       2,
       {},
       absl::StatusCode::kNotFound,
       "contact.reports_to accounts/7/contacts/2 not found"},
      {"deleted",
       2,
       {{2, true}},
       absl::StatusCode::kFailedPrecondition,
       "contact.reports_to accounts/7/contacts/2 is deleted"},
      {"itself",
       1,
       {{1, false}},
       absl::StatusCode::kFailedPrecondition,
       "contact.reports_to: accounts/7/contacts/1 cannot report to itself"},
      {"a cycle",
       3,
       {{3, false}, {2, false}, {1, false}},
       absl::StatusCode::kFailedPrecondition,
       "contact.reports_to: accounts/7/contacts/1 reporting to accounts/7/contacts/3 would make "
       "a cycle: accounts/7/contacts/3 already reports to accounts/7/contacts/1, directly or "
       "through others"},
      {"17 above", 100, deep, absl::StatusCode::kFailedPrecondition,
       "contact.reports_to: accounts/7/contacts/1 reporting to accounts/7/contacts/100 would put "
       "more than 16 contacts above it"},
  };
  for (const Case& c : cases) {
    const absl::Status status = CheckReportsTo(7, 1, c.manager, c.chain);
    EXPECT_EQ(status.code(), c.code) << c.what << ": " << status;
    EXPECT_EQ(status.message(), c.message) << c.what;
  }
}

}  // namespace
}  // namespace kam::account::contacts
