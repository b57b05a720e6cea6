#include "services/interaction/cases/case_sla_policy.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/api/validation.h"
#include "common/base/status_macros.h"

namespace kam::interaction::cases {
namespace {

namespace iv1 = ::kam::interaction::v1;
namespace av1 = ::kam::account::v1;

const std::pair<iv1::CasePriority, const char*> kPriorities[] = {
    {iv1::CASE_PRIORITY_CRITICAL, "critical"},
    {iv1::CASE_PRIORITY_HIGH, "high"},
    {iv1::CASE_PRIORITY_MEDIUM, "medium"},
    {iv1::CASE_PRIORITY_LOW, "low"},
};

const std::pair<av1::Tier, const char*> kTiers[] = {
    {av1::TIER_UNSPECIFIED, "unrated"},
    {av1::TIER_A, "a"},
    {av1::TIER_B, "b"},
    {av1::TIER_C, "c"},
    {av1::TIER_D, "d"},
};

}  // namespace

std::string SlaPolicyName(const SlaPolicyKey& key) {
  std::string priority = absl::StrCat(static_cast<int>(key.priority));
  std::string tier = absl::StrCat(static_cast<int>(key.tier));
  for (const auto& [value, text] : kPriorities) {
    if (value == key.priority) priority = text;
  }
  for (const auto& [value, text] : kTiers) {
    if (value == key.tier) tier = text;
  }
  return absl::StrCat("slaPolicies/", priority, "-", tier);
}

absl::StatusOr<SlaPolicyKey> ParseSlaPolicyName(absl::string_view field, absl::string_view name) {
  if (name.empty()) return common::InvalidField(field, "is required");
  absl::string_view rest = name;
  if (absl::ConsumePrefix(&rest, "slaPolicies/")) {
    const size_t dash = rest.find('-');
    if (dash != absl::string_view::npos) {
      const absl::string_view priority = rest.substr(0, dash);
      const absl::string_view tier = rest.substr(dash + 1);
      SlaPolicyKey key;
      bool priority_ok = false;
      bool tier_ok = false;
      for (const auto& [value, text] : kPriorities) {
        if (priority == text) {
          key.priority = value;
          priority_ok = true;
        }
      }
      for (const auto& [value, text] : kTiers) {
        if (tier == text) {
          key.tier = value;
          tier_ok = true;
        }
      }
      if (priority_ok && tier_ok) return key;
    }
  }
  return common::InvalidField(field,
                              absl::StrCat("must look like slaPolicies/{critical|high|medium|low}-"
                                           "{a|b|c|d|unrated} (got \"",
                                           name.substr(0, 64), "\")"));
}

const std::vector<DefaultSlaPolicy>& DefaultSlaPolicies() {
  // minutes: first response / resolution, see the table in the header.
  constexpr int kHour = 60;
  constexpr int kDay = 24 * kHour;
  static const auto* policies = new std::vector<DefaultSlaPolicy>{
      {{iv1::CASE_PRIORITY_CRITICAL, av1::TIER_UNSPECIFIED}, kHour, kDay},
      {{iv1::CASE_PRIORITY_CRITICAL, av1::TIER_A}, 15, 4 * kHour},
      {{iv1::CASE_PRIORITY_CRITICAL, av1::TIER_B}, 30, 8 * kHour},
      {{iv1::CASE_PRIORITY_CRITICAL, av1::TIER_C}, kHour, kDay},
      {{iv1::CASE_PRIORITY_CRITICAL, av1::TIER_D}, 2 * kHour, 2 * kDay},
      {{iv1::CASE_PRIORITY_HIGH, av1::TIER_UNSPECIFIED}, 4 * kHour, 3 * kDay},
      {{iv1::CASE_PRIORITY_HIGH, av1::TIER_A}, kHour, kDay},
      {{iv1::CASE_PRIORITY_HIGH, av1::TIER_B}, 2 * kHour, 2 * kDay},
      {{iv1::CASE_PRIORITY_HIGH, av1::TIER_C}, 4 * kHour, 3 * kDay},
      {{iv1::CASE_PRIORITY_HIGH, av1::TIER_D}, 8 * kHour, 4 * kDay},
      {{iv1::CASE_PRIORITY_MEDIUM, av1::TIER_UNSPECIFIED}, 12 * kHour, 5 * kDay},
      {{iv1::CASE_PRIORITY_MEDIUM, av1::TIER_A}, 4 * kHour, 2 * kDay},
      {{iv1::CASE_PRIORITY_MEDIUM, av1::TIER_B}, 8 * kHour, 3 * kDay},
      {{iv1::CASE_PRIORITY_MEDIUM, av1::TIER_C}, 12 * kHour, 5 * kDay},
      {{iv1::CASE_PRIORITY_MEDIUM, av1::TIER_D}, kDay, 7 * kDay},
      {{iv1::CASE_PRIORITY_LOW, av1::TIER_UNSPECIFIED}, kDay, 7 * kDay},
      {{iv1::CASE_PRIORITY_LOW, av1::TIER_A}, 8 * kHour, 3 * kDay},
      {{iv1::CASE_PRIORITY_LOW, av1::TIER_B}, 12 * kHour, 5 * kDay},
      {{iv1::CASE_PRIORITY_LOW, av1::TIER_C}, kDay, 7 * kDay},
      {{iv1::CASE_PRIORITY_LOW, av1::TIER_D}, kDay, 10 * kDay},
  };
  return *policies;
}

absl::Status ValidateSlaTargets(int first_response_minutes, int resolution_minutes) {
  KAM_RETURN_IF_ERROR(common::CheckRange("policy.first_response_minutes", first_response_minutes, 0,
                                         kMaxSlaMinutes));
  KAM_RETURN_IF_ERROR(
      common::CheckRange("policy.resolution_minutes", resolution_minutes, 0, kMaxSlaMinutes));
  if (resolution_minutes < first_response_minutes) {
    return common::InvalidField(
        "policy.resolution_minutes",
        absl::StrCat("must be at least policy.first_response_minutes (", first_response_minutes,
                     "; got ", resolution_minutes, ")"));
  }
  return absl::OkStatus();
}

}  // namespace kam::interaction::cases
