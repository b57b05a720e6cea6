// SLA policies as data: one row per (priority, tier), TIER_UNSPECIFIED being
// the fallback for accounts not rated yet. Names, the shipped defaults and the
// rules a change must follow. Pure.
//
// Shipped defaults, minutes of running clock (first response / resolution):
//
//   priority   A          B          C           D           unrated
//   CRITICAL   15/240     30/480     60/1440     120/2880    60/1440
//   HIGH       60/1440    120/2880   240/4320    480/5760    240/4320
//   MEDIUM     240/2880   480/4320   720/7200    1440/10080  720/7200
//   LOW        480/4320   720/7200   1440/10080  1440/14400  1440/10080
//
// Why: the pyramid of docs/domain.md §2 exists to move effort to where value is,
// so a VIP (A) gets roughly twice the speed of a major (B) account, and so on
// down; an unrated account is served like an ordinary (C) one until it is
// rated. CRITICAL A is 15 minutes / 4 hours, LOW D 1 day / 10 days. The
// migration (0002_cases.sql) seeds the same values; a unit test holds them
// equal.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "kam/account/v1/account.pb.h"
#include "kam/interaction/v1/service_case.pb.h"

namespace kam::interaction::cases {

// 365 days.
inline constexpr int kMaxSlaMinutes = 525600;

struct SlaPolicyKey {
  interaction::v1::CasePriority priority = interaction::v1::CASE_PRIORITY_UNSPECIFIED;
  account::v1::Tier tier = account::v1::TIER_UNSPECIFIED;
  bool operator==(const SlaPolicyKey& o) const { return priority == o.priority && tier == o.tier; }
};

// "slaPolicies/critical-a", "slaPolicies/low-unrated".
std::string SlaPolicyName(const SlaPolicyKey& key);
// The inverse; INVALID_ARGUMENT naming `field` for anything else.
absl::StatusOr<SlaPolicyKey> ParseSlaPolicyName(absl::string_view field, absl::string_view name);

struct DefaultSlaPolicy {
  SlaPolicyKey key;
  int first_response_minutes;
  int resolution_minutes;
};
// All 20, priority then tier order (unrated first within a priority).
const std::vector<DefaultSlaPolicy>& DefaultSlaPolicies();

// A policy's targets: each 0 to kMaxSlaMinutes, resolution at least the
// first response. Fields are named "policy.first_response_minutes" and
// "policy.resolution_minutes".
absl::Status ValidateSlaTargets(int first_response_minutes, int resolution_minutes);

}  // namespace kam::interaction::cases
