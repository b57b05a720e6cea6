// Reports over a rating run (issue 5): the pyramid summary, the Pareto curve
// (as data, as a sentence and as an SVG chart), customer equity, and tier
// movement between two runs with the key-account list changes. Pure: no I/O.
//
// Shared rules:
//
// Shares are in basis points (1% = 100). Sums of values are exact (128-bit)
//   and must fit int64 when reported; OUT_OF_RANGE otherwise.
//
// "Top x% of n accounts" is round-half-up(n * x / 10000) accounts, the same
//   rounding as the pyramid (tiering.h), so the top 1% of 1,000 is 10.
//
// Value shares are of the NET total (negative values included), and are
//   defined only when that total is positive. With loss-making accounts the
//   best ones then hold more than 100% of the value, which is docs/domain.md §1's
//   point ("their share of profit is higher still, because the other 80%
//   consume part of it"; the BZ customers of §2); a curve over positive
//   values only would hide them. For all-non-negative values this is the
//   classic Pareto curve. When the total is zero or negative (no accounts,
//   all zero, losses overall) there is no meaningful share: `defined` is
//   false and every value share is 0.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/numeric/int128.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "services/scoring/rules/tiering.h"

namespace kam::scoring::rules {

// --- Pyramid summary ----------------------------------------------------------

struct TierSummary {
  Tier tier = Tier::kD;
  int64_t count = 0;
  int64_t total_value = 0;
  // count / all accounts. 0 for every tier when there are no accounts.
  int32_t account_share_bp = 0;
  // total_value / total value of all tiers (net; see the file comment):
  // negative for a tier that loses value, above 10000 when others lose.
  // Saturates at the int64 limits (only for absurd ratios).
  int64_t value_share_bp = 0;
};

// Rounding: each share is floored, then the basis points still missing to
// make 10000 go one each to the tiers with the largest remainders (the better
// tier first on equal remainders): "largest remainder", so account shares
// always sum to exactly 10000 (when there are accounts) and value shares do
// too (when defined), each within 1 bp of the exact share.
struct PyramidSummary {
  std::array<TierSummary, kTierCount> tiers;  // A, B, C, D in that order
  int64_t account_count = 0;
  int64_t total_value = 0;
  bool value_shares_defined = false;  // total_value > 0
};

// Summarises a run: `assignments` as AssignTiers returned it for `accounts`
// (same length and order). Accounts not tiered (churned) are left out of
// every count, value and share: account_count is the pyramid's n.
//   INVALID_ARGUMENT: lengths differ, assignments[i].account_id is not
//     accounts[i].account_id, or a tier is not A-D.
//   OUT_OF_RANGE: a tier's total or the grand total does not fit int64.
absl::StatusOr<PyramidSummary> SummarizePyramid(absl::Span<const AccountValue> accounts,
                                                absl::Span<const TierAssignment> assignments);

// One tier's accounts and their total value, as a GROUP BY over a run's
// stored ratings gives them (so a report never loads a million ratings).
struct TierTotal {
  int64_t count = 0;
  int64_t total_value = 0;
};

// The same summary from per-tier totals: totals[0] is A ... totals[3] is D.
// Equals SummarizePyramid over the accounts the totals were made from.
//   INVALID_ARGUMENT: a count is negative ("totals[2].count must be >= 0").
//   OUT_OF_RANGE: the grand total does not fit int64.
absl::StatusOr<PyramidSummary> SummarizeTierTotals(const std::array<TierTotal, kTierCount>& totals);

// --- Pareto curve -------------------------------------------------------------

// 1, 5, 10, 20, 50, 80 and 100% of accounts.
inline constexpr int32_t kDefaultParetoTopSharesBp[] = {100, 500, 1000, 2000, 5000, 8000, 10000};

// 0%, 1%, ..., 100% (101 points): a smooth curve for the chart.
std::vector<int32_t> EveryPercentBp();

struct ParetoPoint {
  int32_t top_share_bp = 0;   // x: the best x% of accounts ...
  int64_t account_count = 0;  // ... which is this many accounts ...
  // ... hold this share of the net total value, round-half-up. In 0..10000
  // when no value is negative; may exceed 10000 otherwise (never below 0:
  // values are taken best first, so the running sum stays between 0 and its
  // peak). Saturates at INT64_MAX (only for absurd ratios).
  int64_t value_share_bp = 0;
};

struct ParetoCurve {
  std::vector<ParetoPoint> points;  // in the order the shares were asked for
  int64_t account_count = 0;
  int64_t total_value = 0;
  bool defined = false;  // total_value > 0; else every value_share_bp is 0
};

// The curve of `values` at each of `top_shares_bp`. O(n log n) (one sort).
//   INVALID_ARGUMENT: a share outside 0..10000 ("top_shares_bp[2] must be
//     from 0 to 10000 basis points (got 12000)").
//   OUT_OF_RANGE: the total value does not fit int64.
absl::StatusOr<ParetoCurve> ComputeParetoCurve(
    absl::Span<const int64_t> values,
    absl::Span<const int32_t> top_shares_bp = kDefaultParetoTopSharesBp);

// The same curve from sums a database computed (a run can have a million
// accounts; the store sums the best `counts[i]` values in SQL and never
// loads them). ParetoTopCounts gives the account count of each share
// (errors as ComputeParetoCurve); ParetoCurveFromTopSums makes the curve
// from `top_sums[i]`, the sum of the best `counts[i]` values, and equals
// ComputeParetoCurve over the values the sums were made from.
//   INVALID_ARGUMENT: a share outside 0..10000, account_count < 0, or
//     top_sums not one per share.
absl::StatusOr<std::vector<int64_t>> ParetoTopCounts(int64_t account_count,
                                                     absl::Span<const int32_t> top_shares_bp);
absl::StatusOr<ParetoCurve> ParetoCurveFromTopSums(int64_t account_count, int64_t total_value,
                                                   absl::Span<const int32_t> top_shares_bp,
                                                   absl::Span<const int64_t> top_sums);

// "top 20% hold 78%" for a defined point; "top 20% hold an undefined share
// (total value is not positive)" when the curve is not defined.
std::string DescribeParetoPoint(const ParetoPoint& point, bool defined = true);

// The sentence for one share of `values`, e.g. TopShareSentence(values, 2000)
// == "top 20% hold 35.84%" for values 1..100. Errors as ComputeParetoCurve.
absl::StatusOr<std::string> TopShareSentence(absl::Span<const int64_t> values,
                                             int32_t top_share_bp = 2000);

struct ParetoChartOptions {
  // Escaped; invalid UTF-8 and characters XML cannot hold become U+FFFD.
  std::string title = "Pareto curve";
  // The point given a marker and its sentence, when the curve has it.
  int32_t marker_top_share_bp = 2000;
};

// A self-contained SVG 1.1 document (480 x 360): x axis "share of accounts"
// 0-100%, y axis "share of value" 0-100% (or higher, in round steps, when a
// point exceeds 100%), gridlines every 20% (or the y step), a dashed equality
// diagonal, the curve as one <polyline> through the origin and the points in
// order of x, and a marker with its sentence at the marker point. Coordinates
// are computed in integers (tenths of a pixel), so output is byte-for-byte
// deterministic. When the curve is not defined it shows the axes and a note
// instead of a curve.
std::string ParetoChartSvg(const ParetoCurve& curve, const ParetoChartOptions& options = {});

// --- Customer equity ----------------------------------------------------------

// docs/domain.md §3: customer equity is the sum of all customers' CLVs (minor
// units). The sum is exact: running totals may pass the int64 limits as long
// as the result fits. Empty input is 0.
//   OUT_OF_RANGE: the sum does not fit int64 (an error, not a saturated
//     figure: a wrong sum of money must not look like a right one).
absl::StatusOr<int64_t> CustomerEquity(absl::Span<const int64_t> clvs);

// --- Tier movement between two runs ------------------------------------------

// An account's tier in one run.
struct RatedAccount {
  int64_t account_id = 0;
  Tier tier = Tier::kD;
};

enum class Movement {
  kNew,        // not in the previous run, in the current one
  kPromoted,   // a better tier than before (D -> C, B -> A, ...)
  kDemoted,    // a worse tier than before
  kUnchanged,  // the same tier
  kDropped,    // in the previous run, not in the current one
};
constexpr int kMovementCount = 5;

// "NEW", "PROMOTED", "DEMOTED", "UNCHANGED", "DROPPED"; "?" otherwise.
absl::string_view MovementName(Movement movement);

struct TierMove {
  int64_t account_id = 0;
  std::optional<Tier> from;  // nullopt: not in the previous run
  std::optional<Tier> to;    // nullopt: not in the current run
  Movement movement = Movement::kUnchanged;
};

// matrix[from][to]: index 0 is "unrated" (not in that run), 1..4 are A..D
// (the Tier's value). matrix[0][0] is always 0.
using MovementMatrix = std::array<std::array<int64_t, kTierCount + 1>, kTierCount + 1>;

// Index in MovementMatrix of a tier or of "unrated".
int MatrixIndex(std::optional<Tier> tier);

struct TierMovement {
  std::vector<TierMove> moves;  // every account in either run, by id ascending
  MovementMatrix matrix{};
  std::array<int64_t, kMovementCount> count_by_movement{};  // by Movement value
};

// Accounts per Movement in a matrix: the count_by_movement that CompareRuns
// would give for the accounts the matrix counts (a report builds the matrix
// with a GROUP BY and never sees the accounts).
std::array<int64_t, kMovementCount> CountMovements(const MovementMatrix& matrix);

// Compares the previous run with the current one. O(n log n).
//   INVALID_ARGUMENT: an id appears twice in one run ("current[4].account_id
//     duplicates current[1].account_id (42)"), or a tier is not A-D.
absl::StatusOr<TierMovement> CompareRuns(absl::Span<const RatedAccount> previous,
                                         absl::Span<const RatedAccount> current);

// An account that came onto or dropped off the key-account list (docs/domain.md
// §1: between ratings accounts are promoted onto or dropped off it). The
// from/to tiers are the "why".
struct KeyListChange {
  int64_t account_id = 0;
  std::optional<Tier> from;
  std::optional<Tier> to;
};

struct KeyListChanges {
  std::vector<KeyListChange> came_on;      // by id ascending
  std::vector<KeyListChange> dropped_off;  // by id ascending
};

// The key-account list is the accounts whose tier is in `key_tiers` (for
// example {A, B}). Came on: in a key tier now and not before (new, or up from
// a non-key tier). Dropped off: in a key tier before and not now (down to a
// non-key tier, or not in the current run). A move between key tiers (A -> B)
// is neither.
//   INVALID_ARGUMENT: a key tier is not A-D ("key_tiers[1] must be one of
//     A, B, C, D (got 7)"), or a move's tier is not ("movement.moves[3].to
//     ...": only a hand-built movement can have one).
absl::StatusOr<KeyListChanges> KeyAccountListChanges(const TierMovement& movement,
                                                     absl::Span<const Tier> key_tiers);

// "C -> B", "unrated -> A", "A -> unrated": the why of a change.
std::string DescribeChange(std::optional<Tier> from, std::optional<Tier> to);

// --- Group roll-ups -----------------------------------------------------------

// A score (0..100: health, churn risk) over a group's members weighted by
// their value: sum(score * weight) / sum(weight), where a member's weight is
// its value when positive and 0 otherwise (a loss-making member cannot make
// the others count less). When no member has a positive value, the plain
// average. Rounded half up (every term is non-negative); 0 for no members.
struct WeightedScoreSums {
  absl::int128 weighted = 0;  // sum of score * max(value, 0)
  absl::int128 weight = 0;    // sum of max(value, 0)
  int64_t plain_sum = 0;      // sum of score
  int64_t count = 0;          // members
};
int32_t ValueWeightedScore(const WeightedScoreSums& sums);

// a - b, saturating at the int64 limits (profit from gross profit and cost
// to serve, receivables not yet due from receivables and overdue).
int64_t SaturatingDifference(int64_t a, int64_t b);

// A group credit limit beside the members' exposure: limit - exposure
// (saturating), defined only when the limit is in the members' currency,
// or the members have no currency at all (no amounts, so no exposure).
struct CreditHeadroom {
  bool defined = false;
  int64_t minor = 0;
};
CreditHeadroom HeadroomOf(int64_t limit_minor, const std::string& limit_currency,
                          int64_t exposure_minor, const std::string& members_currency);

}  // namespace kam::scoring::rules
