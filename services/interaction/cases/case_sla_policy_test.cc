#include "services/interaction/cases/case_sla_policy.h"

#include <map>
#include <regex>
#include <string>
#include <tuple>

#include "absl/strings/match.h"
#include "common/db/migrator.h"
#include "gtest/gtest.h"

namespace kam::interaction {
const std::vector<common::Migration>& Migrations();
}  // namespace kam::interaction

namespace kam::interaction::cases {
namespace {

namespace iv1 = ::kam::interaction::v1;
namespace av1 = ::kam::account::v1;

TEST(SlaPolicyNameTest, RoundTripsEveryPolicy) {
  for (const DefaultSlaPolicy& p : DefaultSlaPolicies()) {
    const std::string name = SlaPolicyName(p.key);
    absl::StatusOr<SlaPolicyKey> parsed = ParseSlaPolicyName("name", name);
    ASSERT_TRUE(parsed.ok()) << name << ": " << parsed.status();
    EXPECT_TRUE(*parsed == p.key) << name;
  }
  EXPECT_EQ(SlaPolicyName({iv1::CASE_PRIORITY_CRITICAL, av1::TIER_A}), "slaPolicies/critical-a");
  EXPECT_EQ(SlaPolicyName({iv1::CASE_PRIORITY_LOW, av1::TIER_UNSPECIFIED}),
            "slaPolicies/low-unrated");
}

TEST(SlaPolicyNameTest, RefusesOtherNames) {
  for (const char* bad :
       {"slaPolicies/critical", "slaPolicies/urgent-a", "slaPolicies/low-e", "policies/low-a",
        "slaPolicies/LOW-A", "slaPolicies/low-a/x", "slaPolicies/-a"}) {
    absl::StatusOr<SlaPolicyKey> parsed = ParseSlaPolicyName("policy.name", bad);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_TRUE(absl::StartsWith(parsed.status().message(), "policy.name must look like"))
        << parsed.status();
  }
  EXPECT_EQ(ParseSlaPolicyName("name", "").status().message(), "name is required");
}

TEST(SlaPolicyDefaultsTest, TwentyPoliciesOnePerPriorityAndTier) {
  const auto& policies = DefaultSlaPolicies();
  ASSERT_EQ(policies.size(), 20u);
  std::map<std::pair<int, int>, int> seen;
  for (const DefaultSlaPolicy& p : policies) {
    ++seen[{p.key.priority, p.key.tier}];
    EXPECT_TRUE(ValidateSlaTargets(p.first_response_minutes, p.resolution_minutes).ok());
  }
  EXPECT_EQ(seen.size(), 20u);
}

TEST(SlaPolicyDefaultsTest, DocumentedCorners) {
  auto find = [](iv1::CasePriority priority, av1::Tier tier) {
    for (const DefaultSlaPolicy& p : DefaultSlaPolicies()) {
      if (p.key.priority == priority && p.key.tier == tier) return p;
    }
    return DefaultSlaPolicy{};
  };
  const DefaultSlaPolicy critical_a = find(iv1::CASE_PRIORITY_CRITICAL, av1::TIER_A);
  EXPECT_EQ(critical_a.first_response_minutes, 15);
  EXPECT_EQ(critical_a.resolution_minutes, 4 * 60);
  const DefaultSlaPolicy low_d = find(iv1::CASE_PRIORITY_LOW, av1::TIER_D);
  EXPECT_EQ(low_d.first_response_minutes, 24 * 60);
  EXPECT_EQ(low_d.resolution_minutes, 10 * 24 * 60);
  // Unrated accounts are served like tier C.
  for (iv1::CasePriority priority : {iv1::CASE_PRIORITY_CRITICAL, iv1::CASE_PRIORITY_HIGH,
                                     iv1::CASE_PRIORITY_MEDIUM, iv1::CASE_PRIORITY_LOW}) {
    const DefaultSlaPolicy unrated = find(priority, av1::TIER_UNSPECIFIED);
    const DefaultSlaPolicy c = find(priority, av1::TIER_C);
    EXPECT_EQ(unrated.first_response_minutes, c.first_response_minutes);
    EXPECT_EQ(unrated.resolution_minutes, c.resolution_minutes);
  }
  // A better tier or a higher priority never gets a slower target.
  for (const DefaultSlaPolicy& p : DefaultSlaPolicies()) {
    for (const DefaultSlaPolicy& q : DefaultSlaPolicies()) {
      if (p.key.tier == av1::TIER_UNSPECIFIED || q.key.tier == av1::TIER_UNSPECIFIED) continue;
      if (p.key.priority <= q.key.priority && p.key.tier <= q.key.tier) {
        EXPECT_LE(p.first_response_minutes, q.first_response_minutes);
        EXPECT_LE(p.resolution_minutes, q.resolution_minutes);
      }
    }
  }
}

// The migration seeds the table from the same numbers as the code.
TEST(SlaPolicyDefaultsTest, MigrationSeedsTheDefaults) {
  const common::Migration* cases = nullptr;
  for (const common::Migration& m : kam::interaction::Migrations()) {
    if (m.version == 2) cases = &m;
  }
  ASSERT_NE(cases, nullptr);
  const std::string sql(cases->sql);
  const size_t start = sql.find("INSERT IGNORE INTO sla_policies");
  ASSERT_NE(start, std::string::npos);
  const std::string seed = sql.substr(start, sql.find(';', start) - start);
  std::map<std::pair<int, int>, std::pair<int, int>> seeded;
  const std::regex row(R"(\((\d+), (\d+), (\d+), (\d+), 'default')");
  for (auto it = std::sregex_iterator(seed.begin(), seed.end(), row); it != std::sregex_iterator();
       ++it) {
    seeded[{std::stoi((*it)[1]), std::stoi((*it)[2])}] = {std::stoi((*it)[3]), std::stoi((*it)[4])};
  }
  ASSERT_EQ(seeded.size(), 20u);
  for (const DefaultSlaPolicy& p : DefaultSlaPolicies()) {
    const auto value = seeded[{p.key.priority, p.key.tier}];
    EXPECT_EQ(value.first, p.first_response_minutes) << SlaPolicyName(p.key);
    EXPECT_EQ(value.second, p.resolution_minutes) << SlaPolicyName(p.key);
  }
}

TEST(SlaTargetsTest, Validation) {
  EXPECT_TRUE(ValidateSlaTargets(0, 0).ok());
  EXPECT_TRUE(ValidateSlaTargets(15, 240).ok());
  EXPECT_TRUE(ValidateSlaTargets(kMaxSlaMinutes, kMaxSlaMinutes).ok());
  const absl::Status negative = ValidateSlaTargets(-1, 10);
  EXPECT_EQ(negative.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(negative.message(), "policy.first_response_minutes")) << negative;
  EXPECT_TRUE(absl::StartsWith(ValidateSlaTargets(10, kMaxSlaMinutes + 1).message(),
                               "policy.resolution_minutes"));
  EXPECT_EQ(ValidateSlaTargets(60, 30).message(),
            "policy.resolution_minutes must be at least policy.first_response_minutes (60; got "
            "30)");
}

}  // namespace
}  // namespace kam::interaction::cases
