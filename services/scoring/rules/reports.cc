#include "services/scoring/rules/reports.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "common/api/validation.h"
#include "common/base/status_macros.h"
#include "services/scoring/rules/charts/svg.h"
#include "services/scoring/rules/evidence_text.h"
#include "services/scoring/rules/tiering.h"

namespace kam::scoring::rules {
namespace {

// Exact sums: a million values near the int64 limits need about 84 bits.
__extension__ typedef __int128 Int128;

constexpr int64_t kWholeBp = 10000;
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();

bool FitsInt64(Int128 x) { return x >= kInt64Min && x <= kInt64Max; }

int64_t SaturateToInt64(Int128 x) {
  if (x > kInt64Max) return kInt64Max;
  if (x < kInt64Min) return kInt64Min;
  return static_cast<int64_t>(x);
}

// Floor division for a positive divisor (C++ division truncates toward 0).
Int128 FloorDiv(Int128 a, Int128 b) {
  Int128 q = a / b;
  if (a % b != 0 && a < 0) --q;
  return q;
}

// round-half-up(a / b) for a >= 0, b > 0.
Int128 RoundHalfUpDiv(Int128 a, Int128 b) { return (2 * a + b) / (2 * b); }

absl::Status TotalOutOfRange(absl::string_view what) {
  return absl::OutOfRangeError(absl::StrCat(what, " does not fit a signed 64-bit integer"));
}

// Shares of `whole` (> 0) in basis points by the largest remainder method:
// floors first, then the missing basis points one each to the largest
// remainders, lower index (better tier) first on equal remainders. The parts
// must sum to `whole`, so the floors fall short of 10000 by less than the
// number of parts.
template <size_t N>
std::array<int64_t, N> LargestRemainderBp(const std::array<Int128, N>& parts, Int128 whole) {
  std::array<Int128, N> floors{};
  std::array<Int128, N> remainders{};
  Int128 missing = kWholeBp;
  for (size_t i = 0; i < N; ++i) {
    const Int128 scaled = parts[i] * kWholeBp;
    floors[i] = FloorDiv(scaled, whole);
    remainders[i] = scaled - floors[i] * whole;
    missing -= floors[i];
  }
  std::array<size_t, N> order{};
  for (size_t i = 0; i < N; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t x, size_t y) { return remainders[x] > remainders[y]; });
  for (size_t j = 0; j < N && missing > 0; ++j, --missing) ++floors[order[j]];
  std::array<int64_t, N> shares{};
  for (size_t i = 0; i < N; ++i) shares[i] = SaturateToInt64(floors[i]);
  return shares;
}

absl::Status CheckTier(const std::string& field, Tier tier) {
  if (IsValidTier(tier)) return absl::OkStatus();
  return common::InvalidField(
      field, absl::StrCat("must be one of A, B, C, D (got ", static_cast<int>(tier), ")"));
}

// --- Pareto ---------------------------------------------------------------------

// round-half-up(n * share / 10000): the pyramid's rounding (tiering.h).
int64_t TopCount(int64_t n, int32_t share_bp) { return (n * share_bp + kWholeBp / 2) / kWholeBp; }

// --- Tier movement --------------------------------------------------------------

// A run's accounts by id, each with its position for error messages;
// INVALID_ARGUMENT on a bad tier or a repeated id.
absl::StatusOr<std::vector<std::pair<int64_t, size_t>>> SortedRun(
    absl::string_view name, absl::Span<const RatedAccount> run) {
  std::vector<std::pair<int64_t, size_t>> sorted;
  sorted.reserve(run.size());
  for (size_t i = 0; i < run.size(); ++i) {
    KAM_RETURN_IF_ERROR(CheckTier(absl::StrCat(name, "[", i, "].tier"), run[i].tier));
    sorted.emplace_back(run[i].account_id, i);
  }
  std::sort(sorted.begin(), sorted.end());
  for (size_t j = 1; j < sorted.size(); ++j) {
    if (sorted[j].first != sorted[j - 1].first) continue;
    return common::InvalidField(absl::StrCat(name, "[", sorted[j].second, "].account_id"),
                                absl::StrCat("duplicates ", name, "[", sorted[j - 1].second,
                                             "].account_id (", sorted[j].first, ")"));
  }
  return sorted;
}

Movement Classify(std::optional<Tier> from, std::optional<Tier> to) {
  if (!from.has_value()) return Movement::kNew;
  if (!to.has_value()) return Movement::kDropped;
  if (*to == *from) return Movement::kUnchanged;
  // A is 1: a smaller number is a better tier.
  return static_cast<int>(*to) < static_cast<int>(*from) ? Movement::kPromoted : Movement::kDemoted;
}

// --- SVG ------------------------------------------------------------------------

using svg::Line;
using svg::Px;
using svg::Text;

// The Pareto chart's plot area (charts/svg.h has the frame), in pixels.
constexpr int64_t kPlotHeight = 260;
constexpr int64_t kBottom = kPlotTop + kPlotHeight;
constexpr int32_t kXStepBp = 2000;  // x gridlines every 20%

// Coordinates are kept in tenths of a pixel, in integers, so the output does
// not depend on floating-point formatting (charts/svg.h).
int64_t XTenths(int64_t x_bp) {
  return kPlotLeft * 10 +
         static_cast<int64_t>(RoundHalfUpDiv(Int128{x_bp} * kPlotWidth * 10, kWholeBp));
}

using YAxis = svg::ShareAxis;

YAxis ChooseYAxis(const ParetoCurve& curve) {
  int64_t highest = 0;
  for (const ParetoPoint& p : curve.points) highest = std::max(highest, p.value_share_bp);
  return svg::ShareAxisFor(highest);
}

// Pareto shares are never below 0 nor above the axis ChooseYAxis picks.
int64_t YTenths(int64_t share_bp, const YAxis& axis) {
  return svg::ShareYTenths(share_bp, axis, kBottom, kPlotHeight);
}

// Gridlines, axes, tick labels and axis titles.
std::string Frame(const YAxis& axis) {
  std::string out = "<g stroke=\"#dddddd\" stroke-width=\"1\">\n";
  for (int64_t x = kXStepBp; x <= kWholeBp; x += kXStepBp) {
    absl::StrAppend(&out, Line(XTenths(x), kPlotTop * 10, XTenths(x), kBottom * 10));
  }
  for (int64_t y = axis.step_bp; y <= axis.max_bp; y += axis.step_bp) {
    absl::StrAppend(&out,
                    Line(kPlotLeft * 10, YTenths(y, axis), kPlotRight * 10, YTenths(y, axis)));
  }
  absl::StrAppend(&out, "</g>\n<g stroke=\"#333333\" stroke-width=\"1\">\n",
                  Line(kPlotLeft * 10, kBottom * 10, kPlotRight * 10, kBottom * 10),
                  Line(kPlotLeft * 10, kPlotTop * 10, kPlotLeft * 10, kBottom * 10), "</g>\n");
  absl::StrAppend(&out, "<g text-anchor=\"middle\">\n");
  for (int64_t x = 0; x <= kWholeBp; x += kXStepBp) {
    absl::StrAppend(&out, Text(XTenths(x), (kBottom + 16) * 10, PercentFromBasisPoints(x)));
  }
  absl::StrAppend(&out, "</g>\n<g text-anchor=\"end\">\n");
  for (int64_t y = 0; y <= axis.max_bp; y += axis.step_bp) {
    absl::StrAppend(&out,
                    Text((kPlotLeft - 6) * 10, YTenths(y, axis) + 40, PercentFromBasisPoints(y)));
  }
  absl::StrAppend(&out, "</g>\n",
                  Text((kPlotLeft + kPlotWidth / 2) * 10, (kChartHeight - 14) * 10,
                       "share of accounts, best first", " text-anchor=\"middle\""),
                  Text(160, (kPlotTop + kPlotHeight / 2) * 10, "share of value",
                       " text-anchor=\"middle\" transform=\"rotate(-90 16 170)\""));
  return out;
}

// The curve from the origin through the points in order of x.
std::string Curve(const ParetoCurve& curve, const YAxis& axis) {
  std::vector<ParetoPoint> points = curve.points;
  std::stable_sort(points.begin(), points.end(), [](const ParetoPoint& a, const ParetoPoint& b) {
    return a.top_share_bp < b.top_share_bp;
  });
  std::string coordinates;
  if (points.empty() || points.front().top_share_bp != 0) {
    absl::StrAppend(&coordinates, Px(XTenths(0)), ",", Px(YTenths(0, axis)));
  }
  for (const ParetoPoint& p : points) {
    absl::StrAppend(&coordinates, coordinates.empty() ? "" : " ", Px(XTenths(p.top_share_bp)), ",",
                    Px(YTenths(p.value_share_bp, axis)));
  }
  return absl::StrCat("<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" points=\"",
                      coordinates, "\"/>\n");
}

// The marker and its sentence; the label sits on the side with more room.
std::string Marker(const ParetoCurve& curve, const YAxis& axis, int32_t marker_bp) {
  for (const ParetoPoint& p : curve.points) {
    if (p.top_share_bp != marker_bp) continue;
    const int64_t x = XTenths(p.top_share_bp);
    const int64_t y = YTenths(p.value_share_bp, axis);
    const bool left = p.top_share_bp > kWholeBp / 2;
    return absl::StrCat("<circle cx=\"", Px(x), "\" cy=\"", Px(y),
                        "\" r=\"4\" fill=\"#d62728\"/>\n",
                        Text(left ? x - 80 : x + 80, y + 160, DescribeParetoPoint(p),
                             left ? " text-anchor=\"end\"" : " text-anchor=\"start\""));
  }
  return "";
}

}  // namespace

// --- Pyramid summary ------------------------------------------------------------

absl::StatusOr<PyramidSummary> SummarizePyramid(absl::Span<const AccountValue> accounts,
                                                absl::Span<const TierAssignment> assignments) {
  if (assignments.size() != accounts.size()) {
    return common::InvalidField(
        "assignments", absl::StrCat("must have one entry per account (got ", assignments.size(),
                                    " for ", accounts.size(), " accounts)"));
  }
  std::array<Int128, kTierCount> counts{};
  std::array<Int128, kTierCount> totals{};
  Int128 grand_total = 0;
  int64_t tiered = 0;
  for (size_t i = 0; i < accounts.size(); ++i) {
    const TierAssignment& a = assignments[i];
    if (a.account_id != accounts[i].account_id) {
      return common::InvalidField(
          absl::StrCat("assignments[", i, "].account_id"),
          absl::StrCat("must equal accounts[", i, "].account_id (got ", a.account_id, ", want ",
                       accounts[i].account_id, ")"));
    }
    if (!a.tiered) continue;  // a churned account is in no tier and not in n
    KAM_RETURN_IF_ERROR(CheckTier(absl::StrCat("assignments[", i, "].tier"), a.tier));
    const int t = static_cast<int>(a.tier) - 1;
    ++tiered;
    ++counts[t];
    totals[t] += accounts[i].value;
    grand_total += accounts[i].value;
  }

  PyramidSummary summary;
  if (!FitsInt64(grand_total)) return TotalOutOfRange("the total value");
  summary.account_count = tiered;
  summary.total_value = static_cast<int64_t>(grand_total);
  summary.value_shares_defined = grand_total > 0;
  std::array<int64_t, kTierCount> account_shares{};
  if (tiered > 0) account_shares = LargestRemainderBp(counts, Int128(tiered));
  std::array<int64_t, kTierCount> value_shares{};
  if (summary.value_shares_defined) value_shares = LargestRemainderBp(totals, grand_total);
  for (int t = 0; t < kTierCount; ++t) {
    TierSummary& tier = summary.tiers[t];
    tier.tier = static_cast<Tier>(t + 1);
    if (!FitsInt64(totals[t])) {
      return TotalOutOfRange(absl::StrCat("the total value of tier ", TierName(tier.tier)));
    }
    tier.count = static_cast<int64_t>(counts[t]);
    tier.total_value = static_cast<int64_t>(totals[t]);
    tier.account_share_bp = static_cast<int32_t>(account_shares[t]);
    tier.value_share_bp = value_shares[t];
  }
  return summary;
}

absl::StatusOr<PyramidSummary> SummarizeTierTotals(
    const std::array<TierTotal, kTierCount>& totals) {
  std::array<Int128, kTierCount> counts{};
  std::array<Int128, kTierCount> values{};
  Int128 account_count = 0;
  Int128 grand_total = 0;
  for (int t = 0; t < kTierCount; ++t) {
    if (totals[t].count < 0) {
      return common::InvalidField(absl::StrCat("totals[", t, "].count"),
                                  absl::StrCat("must be >= 0 (got ", totals[t].count, ")"));
    }
    counts[t] = totals[t].count;
    values[t] = totals[t].total_value;
    account_count += totals[t].count;
    grand_total += totals[t].total_value;
  }
  if (!FitsInt64(account_count)) return TotalOutOfRange("the account count");
  if (!FitsInt64(grand_total)) return TotalOutOfRange("the total value");
  PyramidSummary summary;
  summary.account_count = static_cast<int64_t>(account_count);
  summary.total_value = static_cast<int64_t>(grand_total);
  summary.value_shares_defined = grand_total > 0;
  std::array<int64_t, kTierCount> account_shares{};
  if (account_count > 0) account_shares = LargestRemainderBp(counts, account_count);
  std::array<int64_t, kTierCount> value_shares{};
  if (summary.value_shares_defined) value_shares = LargestRemainderBp(values, grand_total);
  for (int t = 0; t < kTierCount; ++t) {
    TierSummary& tier = summary.tiers[t];
    tier.tier = static_cast<Tier>(t + 1);
    tier.count = totals[t].count;
    tier.total_value = totals[t].total_value;
    tier.account_share_bp = static_cast<int32_t>(account_shares[t]);
    tier.value_share_bp = value_shares[t];
  }
  return summary;
}

// --- Pareto curve ---------------------------------------------------------------

std::vector<int32_t> EveryPercentBp() {
  std::vector<int32_t> shares;
  for (int32_t bp = 0; bp <= kWholeBp; bp += 100) shares.push_back(bp);
  return shares;
}

absl::StatusOr<ParetoCurve> ComputeParetoCurve(absl::Span<const int64_t> values,
                                               absl::Span<const int32_t> top_shares_bp) {
  for (size_t i = 0; i < top_shares_bp.size(); ++i) {
    if (top_shares_bp[i] < 0 || top_shares_bp[i] > kWholeBp) {
      return common::InvalidField(
          absl::StrCat("top_shares_bp[", i, "]"),
          absl::StrCat("must be from 0 to 10000 basis points (got ", top_shares_bp[i], ")"));
    }
  }
  std::vector<int64_t> best_first(values.begin(), values.end());
  std::sort(best_first.begin(), best_first.end(), std::greater<int64_t>());
  Int128 total = 0;
  for (int64_t v : best_first) total += v;
  if (!FitsInt64(total)) return TotalOutOfRange("the total value");

  ParetoCurve curve;
  curve.account_count = static_cast<int64_t>(best_first.size());
  curve.total_value = static_cast<int64_t>(total);
  curve.defined = total > 0;
  curve.points.resize(top_shares_bp.size());
  // Visit the asked shares by account count so one pass sums every prefix.
  std::vector<std::pair<int64_t, size_t>> by_count;
  for (size_t i = 0; i < top_shares_bp.size(); ++i) {
    by_count.emplace_back(TopCount(curve.account_count, top_shares_bp[i]), i);
  }
  std::sort(by_count.begin(), by_count.end());
  Int128 prefix = 0;
  int64_t summed = 0;
  for (const auto& [count, i] : by_count) {
    for (; summed < count; ++summed) prefix += best_first[summed];
    ParetoPoint& point = curve.points[i];
    point.top_share_bp = top_shares_bp[i];
    point.account_count = count;
    // prefix >= 0 here: a best-first running sum is concave from 0 to total.
    if (curve.defined) {
      point.value_share_bp = SaturateToInt64(RoundHalfUpDiv(prefix * kWholeBp, total));
    }
  }
  return curve;
}

absl::StatusOr<std::vector<int64_t>> ParetoTopCounts(int64_t account_count,
                                                     absl::Span<const int32_t> top_shares_bp) {
  if (account_count < 0) {
    return common::InvalidField("account_count",
                                absl::StrCat("must be >= 0 (got ", account_count, ")"));
  }
  std::vector<int64_t> counts;
  counts.reserve(top_shares_bp.size());
  for (size_t i = 0; i < top_shares_bp.size(); ++i) {
    if (top_shares_bp[i] < 0 || top_shares_bp[i] > kWholeBp) {
      return common::InvalidField(
          absl::StrCat("top_shares_bp[", i, "]"),
          absl::StrCat("must be from 0 to 10000 basis points (got ", top_shares_bp[i], ")"));
    }
    // In 128 bits: n * 10000 overflows int64 for n above ~9e14.
    counts.push_back(
        static_cast<int64_t>((Int128(account_count) * top_shares_bp[i] + kWholeBp / 2) / kWholeBp));
  }
  return counts;
}

absl::StatusOr<ParetoCurve> ParetoCurveFromTopSums(int64_t account_count, int64_t total_value,
                                                   absl::Span<const int32_t> top_shares_bp,
                                                   absl::Span<const int64_t> top_sums) {
  KAM_ASSIGN_OR_RETURN(std::vector<int64_t> counts, ParetoTopCounts(account_count, top_shares_bp));
  if (top_sums.size() != top_shares_bp.size()) {
    return common::InvalidField(
        "top_sums", absl::StrCat("must have one entry per share (got ", top_sums.size(), " for ",
                                 top_shares_bp.size(), " shares)"));
  }
  ParetoCurve curve;
  curve.account_count = account_count;
  curve.total_value = total_value;
  curve.defined = total_value > 0;
  curve.points.resize(top_shares_bp.size());
  for (size_t i = 0; i < top_shares_bp.size(); ++i) {
    ParetoPoint& point = curve.points[i];
    point.top_share_bp = top_shares_bp[i];
    point.account_count = (counts)[i];
    if (curve.defined) {
      point.value_share_bp =
          SaturateToInt64(RoundHalfUpDiv(Int128(top_sums[i]) * kWholeBp, total_value));
    }
  }
  return curve;
}

std::string DescribeParetoPoint(const ParetoPoint& point, bool defined) {
  const std::string top =
      absl::StrCat("top ", PercentFromBasisPoints(point.top_share_bp), " hold ");
  if (!defined) return absl::StrCat(top, "an undefined share (total value is not positive)");
  return absl::StrCat(top, PercentFromBasisPoints(point.value_share_bp));
}

absl::StatusOr<std::string> TopShareSentence(absl::Span<const int64_t> values,
                                             int32_t top_share_bp) {
  const int32_t shares[] = {top_share_bp};
  KAM_ASSIGN_OR_RETURN(ParetoCurve curve, ComputeParetoCurve(values, shares));
  return DescribeParetoPoint(curve.points[0], curve.defined);
}

std::string ParetoChartSvg(const ParetoCurve& curve, const ParetoChartOptions& options) {
  const YAxis axis = ChooseYAxis(curve);
  std::string out = absl::StrCat(
      svg::Open(kChartWidth, kChartHeight, options.title),
      Text(kChartWidth / 2 * 10, 240, options.title, " text-anchor=\"middle\" font-size=\"14\""),
      Frame(axis));
  if (!curve.defined) {
    absl::StrAppend(&out,
                    Text((kPlotLeft + kPlotWidth / 2) * 10, (kPlotTop + kPlotHeight / 2) * 10,
                         "no positive total value: shares undefined", " text-anchor=\"middle\""));
  } else {
    // The equality diagonal: where the curve would be if every account were
    // worth the same.
    absl::StrAppend(&out,
                    Line(XTenths(0), YTenths(0, axis), XTenths(kWholeBp), YTenths(kWholeBp, axis),
                         " stroke=\"#999999\" stroke-dasharray=\"4 4\""),
                    Curve(curve, axis), Marker(curve, axis, options.marker_top_share_bp));
  }
  absl::StrAppend(&out, "</svg>\n");
  return out;
}

// --- Customer equity ------------------------------------------------------------

absl::StatusOr<int64_t> CustomerEquity(absl::Span<const int64_t> clvs) {
  Int128 sum = 0;
  for (int64_t clv : clvs) sum += clv;
  if (!FitsInt64(sum)) return TotalOutOfRange("customer equity (the sum of the CLVs)");
  return static_cast<int64_t>(sum);
}

// --- Tier movement --------------------------------------------------------------

absl::string_view MovementName(Movement movement) {
  switch (movement) {
    case Movement::kNew: return "NEW";
    case Movement::kPromoted: return "PROMOTED";
    case Movement::kDemoted: return "DEMOTED";
    case Movement::kUnchanged: return "UNCHANGED";
    case Movement::kDropped: return "DROPPED";
  }
  return "?";
}

int MatrixIndex(std::optional<Tier> tier) { return tier.has_value() ? static_cast<int>(*tier) : 0; }

std::array<int64_t, kMovementCount> CountMovements(const MovementMatrix& matrix) {
  std::array<int64_t, kMovementCount> counts{};
  for (int from = 0; from <= kTierCount; ++from) {
    for (int to = 0; to <= kTierCount; ++to) {
      if (from == 0 && to == 0) continue;  // not in either run: not an account
      const std::optional<Tier> f =
          from == 0 ? std::nullopt : std::optional<Tier>(static_cast<Tier>(from));
      const std::optional<Tier> t =
          to == 0 ? std::nullopt : std::optional<Tier>(static_cast<Tier>(to));
      counts[static_cast<int>(Classify(f, t))] += matrix[from][to];
    }
  }
  return counts;
}

absl::StatusOr<TierMovement> CompareRuns(absl::Span<const RatedAccount> previous,
                                         absl::Span<const RatedAccount> current) {
  absl::StatusOr<std::vector<std::pair<int64_t, size_t>>> before = SortedRun("previous", previous);
  if (!before.ok()) return before.status();
  absl::StatusOr<std::vector<std::pair<int64_t, size_t>>> after = SortedRun("current", current);
  if (!after.ok()) return after.status();

  TierMovement result;
  result.moves.reserve(std::max(before->size(), after->size()));
  size_t i = 0;
  size_t j = 0;
  // Merge the two id-sorted runs.
  while (i < before->size() || j < after->size()) {
    TierMove move;
    const bool take_before =
        i < before->size() && (j == after->size() || (*before)[i].first <= (*after)[j].first);
    const bool take_after =
        j < after->size() && (i == before->size() || (*after)[j].first <= (*before)[i].first);
    if (take_before) {
      move.account_id = (*before)[i].first;
      move.from = previous[(*before)[i++].second].tier;
    }
    if (take_after) {
      move.account_id = (*after)[j].first;
      move.to = current[(*after)[j++].second].tier;
    }
    move.movement = Classify(move.from, move.to);
    ++result.matrix[MatrixIndex(move.from)][MatrixIndex(move.to)];
    ++result.count_by_movement[static_cast<int>(move.movement)];
    result.moves.push_back(move);
  }
  return result;
}

absl::StatusOr<KeyListChanges> KeyAccountListChanges(const TierMovement& movement,
                                                     absl::Span<const Tier> key_tiers) {
  std::array<bool, kTierCount + 1> is_key{};  // by MatrixIndex; [0] (unrated) stays false
  for (size_t i = 0; i < key_tiers.size(); ++i) {
    KAM_RETURN_IF_ERROR(CheckTier(absl::StrCat("key_tiers[", i, "]"), key_tiers[i]));
    is_key[MatrixIndex(key_tiers[i])] = true;
  }
  KeyListChanges changes;
  for (size_t k = 0; k < movement.moves.size(); ++k) {
    const TierMove& move = movement.moves[k];
    // CompareRuns never builds a bad tier; a hand-built movement might.
    for (const auto& [side, tier] : {std::pair{"from", move.from}, std::pair{"to", move.to}}) {
      if (!tier.has_value()) continue;
      KAM_RETURN_IF_ERROR(CheckTier(absl::StrCat("movement.moves[", k, "].", side), *tier));
    }
    const bool was_key = is_key[MatrixIndex(move.from)];
    const bool is_key_now = is_key[MatrixIndex(move.to)];
    if (was_key == is_key_now) continue;
    (is_key_now ? changes.came_on : changes.dropped_off)
        .push_back({move.account_id, move.from, move.to});
  }
  return changes;
}

std::string DescribeChange(std::optional<Tier> from, std::optional<Tier> to) {
  const auto name = [](std::optional<Tier> tier) -> absl::string_view {
    return tier.has_value() ? TierName(*tier) : "unrated";
  };
  return absl::StrCat(name(from), " -> ", name(to));
}

int32_t ValueWeightedScore(const WeightedScoreSums& sums) {
  if (sums.count <= 0) return 0;
  absl::int128 numerator = sums.weighted;
  absl::int128 denominator = sums.weight;
  if (denominator <= 0) {
    numerator = sums.plain_sum;
    denominator = sums.count;
  }
  // Half up: floor((2n + d) / 2d) for n, d >= 0.
  const absl::int128 rounded = (2 * numerator + denominator) / (2 * denominator);
  return static_cast<int32_t>(std::clamp<absl::int128>(rounded, 0, 100));
}

int64_t SaturatingDifference(int64_t a, int64_t b) {
  const absl::int128 exact = absl::int128(a) - b;
  return static_cast<int64_t>(std::clamp<absl::int128>(exact, std::numeric_limits<int64_t>::min(),
                                                       std::numeric_limits<int64_t>::max()));
}

CreditHeadroom HeadroomOf(int64_t limit_minor, const std::string& limit_currency,
                          int64_t exposure_minor, const std::string& members_currency) {
  CreditHeadroom headroom;
  if (!members_currency.empty() && members_currency != limit_currency) return headroom;
  headroom.defined = true;
  headroom.minor = SaturatingDifference(limit_minor, exposure_minor);
  return headroom;
}

}  // namespace kam::scoring::rules
