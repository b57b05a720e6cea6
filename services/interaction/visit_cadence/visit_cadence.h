// Visit cadence (docs/domain.md §7: regular visits and return visits, executives'
// visits included; §2: effort goes where the value is, so the cadence
// depends on the account's tier) and the overdue report built on it. Pure:
// the store gathers the facts, this file judges them.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace kam::interaction::visit_cadence {

// How often an account of one tier must be visited; 0 = no requirement.
struct TierCadence {
  int visit_interval_days = 0;
  int executive_visit_interval_days = 0;
};

inline constexpr int kMaxIntervalDays = 3650;

// Tiers are numbered as kam.account.v1.Tier: 0 unrated, 1..4 = A..D.
inline constexpr int kFirstTier = 1;
inline constexpr int kLastTier = 4;

struct VisitCadence {
  // Index: the tier number. Unrated accounts (index 0) have no requirement.
  std::array<TierCadence, kLastTier + 1> by_tier{};

  // The cadence of `tier`; no requirement for unrated or unknown tiers.
  TierCadence For(int tier) const {
    if (tier < kFirstTier || tier > kLastTier) return TierCadence{};
    return by_tier[tier];
  }
};

// A 30/180, B 60/365, C 90/0, D 0/0 (visit / executive visit, in days).
VisitCadence DefaultVisitCadence();

// INVALID_ARGUMENT naming `field` ("policy.tiers[0].visit_interval_days")
// unless 0 <= days <= kMaxIntervalDays.
absl::Status CheckIntervalDays(const char* field_prefix, int index, const char* name, int days);

// An activity that asked for a follow-up (status PLANNED or DONE, with a
// next_follow_up_time).
struct FollowUpCandidate {
  int64_t activity_id = 0;
  bool done = false;
  // actual_time when DONE, planned_time when PLANNED.
  absl::Time activity_time;
  absl::Time follow_up_time;
};

// What the overdue report knows about one account. Only DONE activities
// that took place by `as_of` count for the `last_*` times.
struct AccountActivityFacts {
  absl::Time account_create_time;
  int tier = 0;
  std::optional<absl::Time> last_visit;      // latest DONE VISIT
  std::optional<absl::Time> last_executive;  // latest DONE at EXECUTIVE level
  std::optional<absl::Time> last_done;       // latest DONE of any kind
  std::vector<FollowUpCandidate> follow_ups;
};

enum class OverdueKind { kVisit, kExecutiveVisit, kFollowUp };

struct OverdueItem {
  OverdueKind kind = OverdueKind::kVisit;
  absl::Time due_time;
  std::optional<absl::Time> last_time;
  int64_t activity_id = 0;  // kFollowUp only
  int interval_days = 0;    // kVisit and kExecutiveVisit
};

// The overdue items of one account at `as_of`, visit first, then executive
// visit, then follow-ups by due time (then activity id). An item is reported
// once `as_of` is after its due time:
// - visit: due `visit_interval_days` after the last DONE VISIT; an account
//   never visited is due that long after its creation (a new account gets one
//   full interval for its first visit);
// - executive visit: the same with DONE activities at EXECUTIVE level and
//   `executive_visit_interval_days`;
// - follow-up: due at an activity's next_follow_up_time, unless a DONE
//   activity of the account took place after that activity (a DONE activity
//   at the same time does not count as later). Days are 24-hour days.
std::vector<OverdueItem> FindOverdue(const VisitCadence& cadence, const AccountActivityFacts& facts,
                                     absl::Time as_of);

}  // namespace kam::interaction::visit_cadence
