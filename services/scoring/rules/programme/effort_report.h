// Effort against value (docs/domain.md §2: "tiers exist to move effort to
// where value is"): per tier of a rating run, the share of the activities
// done and of the cost to serve beside the share of the value, and which
// tiers take more (or less) effort than their value warrants. As data, as
// sentences and as an SVG chart. Pure: no I/O.
//
// Shares are basis points by the largest remainder method, exactly as the
// pyramid's (rules/reports.h: SummarizeTierTotals), so each kind of share
// sums to 10000 over the tiers when its total is positive. A kind whose
// total is not positive (no activities in the period, no cost recorded, no
// positive value) has no shares: its `defined` flag is false and every share
// is 0, and no tier is judged on it.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/scoring/rules/tiering.h"

namespace kam::scoring::rules {

// What a GROUP BY tier over a run's stored ratings gives for one tier.
struct TierEffortTotals {
  int64_t accounts = 0;
  int64_t value = 0;  // the policy's value measure, minor units
  int64_t activities = 0;
  int64_t cost_to_serve = 0;  // minor units
};

// How a tier's effort compares with its value.
enum class EffortBalance {
  kBalanced,     // within the tolerance, or not judged (shares undefined)
  kOverServed,   // activities or cost to serve exceed the value share by more
                 // than the tolerance
  kUnderServed,  // the value share exceeds both effort shares by more than it
};

struct TierEffort {
  Tier tier = Tier::kA;
  TierEffortTotals totals;
  int32_t account_share_bp = 0;
  int64_t value_share_bp = 0;  // net, as the pyramid's: may be < 0 or > 10000
  int32_t activity_share_bp = 0;
  int32_t cost_share_bp = 0;
  EffortBalance balance = EffortBalance::kBalanced;
  // "C holds 10% of the value and takes 60% of the activities and 55% of
  // the cost to serve: over-served".
  std::string sentence;
};

struct EffortReport {
  std::array<TierEffort, kTierCount> tiers;  // A, B, C, D
  TierEffortTotals totals;
  bool value_shares_defined = false;
  bool activity_shares_defined = false;
  bool cost_shares_defined = false;
  int32_t tolerance_bp = 0;
  // True when no tier is over- or under-served.
  bool effort_follows_value = true;
};

// The default tolerance: 10 percentage points.
inline constexpr int32_t kDefaultEffortToleranceBp = 1000;

// The report from per-tier totals (totals[0] is A ... totals[3] is D). A
// tier is over-served when its activity share or its cost share exceeds its
// value share by more than `tolerance_bp`; under-served when its value share
// exceeds both by more than it.
//   INVALID_ARGUMENT: a negative count, activities or cost
//     ("totals[2].activities must be >= 0"), tolerance outside 0..10000.
//   OUT_OF_RANGE: a grand total does not fit int64.
absl::StatusOr<EffortReport> ComputeEffortReport(
    const std::array<TierEffortTotals, kTierCount>& totals,
    int32_t tolerance_bp = kDefaultEffortToleranceBp);

// A self-contained SVG 1.1 document (480 x 360): for each tier a group of
// three bars, share of value, of activities and of cost to serve, each
// labelled with its percentage; a legend; the y axis 0-100% (or higher when
// a share is, as the Pareto chart's). A share that is undefined or negative
// draws no bar and is labelled as such. Byte-for-byte deterministic.
std::string EffortChartSvg(const EffortReport& report,
                           const std::string& title = "Effort against value");

}  // namespace kam::scoring::rules
