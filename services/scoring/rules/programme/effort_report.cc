#include "services/scoring/rules/programme/effort_report.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/api/validation.h"
#include "common/base/status_macros.h"
#include "services/scoring/rules/charts/svg.h"
#include "services/scoring/rules/evidence_text.h"
#include "services/scoring/rules/reports.h"

namespace kam::scoring::rules {
namespace {

// The shares of one kind of figure: SummarizeTierTotals with the figure as
// the "value", so the rounding is the pyramid's.
absl::StatusOr<PyramidSummary> SharesOf(const std::array<TierEffortTotals, kTierCount>& totals,
                                        int64_t TierEffortTotals::*figure) {
  std::array<TierTotal, kTierCount> as_values{};
  for (int i = 0; i < kTierCount; ++i) {
    as_values[i].count = totals[i].accounts;
    as_values[i].total_value = totals[i].*figure;
  }
  return SummarizeTierTotals(as_values);
}

absl::Status CheckNonNegative(const std::array<TierEffortTotals, kTierCount>& totals) {
  for (int i = 0; i < kTierCount; ++i) {
    const auto check = [&](const char* name, int64_t x) -> absl::Status {
      if (x >= 0) return absl::OkStatus();
      return common::InvalidField(absl::StrCat("totals[", i, "].", name),
                                  absl::StrCat("must be >= 0 (got ", x, ")"));
    };
    KAM_RETURN_IF_ERROR(check("accounts", totals[i].accounts));
    KAM_RETURN_IF_ERROR(check("activities", totals[i].activities));
    KAM_RETURN_IF_ERROR(check("cost_to_serve", totals[i].cost_to_serve));
  }
  return absl::OkStatus();
}

EffortBalance Judge(const TierEffort& tier, const EffortReport& report) {
  if (!report.value_shares_defined) return EffortBalance::kBalanced;
  const int64_t value = tier.value_share_bp;
  const int64_t limit = report.tolerance_bp;
  const bool activities_over =
      report.activity_shares_defined && tier.activity_share_bp - value > limit;
  const bool cost_over = report.cost_shares_defined && tier.cost_share_bp - value > limit;
  if (activities_over || cost_over) return EffortBalance::kOverServed;
  // Under-served only on evidence: at least one effort share is defined, and
  // every defined one falls short.
  const bool any_effort = report.activity_shares_defined || report.cost_shares_defined;
  const bool activities_under =
      !report.activity_shares_defined || value - tier.activity_share_bp > limit;
  const bool cost_under = !report.cost_shares_defined || value - tier.cost_share_bp > limit;
  if (any_effort && activities_under && cost_under) return EffortBalance::kUnderServed;
  return EffortBalance::kBalanced;
}

std::string Sentence(const TierEffort& tier, const EffortReport& report) {
  const std::string value = report.value_shares_defined
                                ? PercentFromBasisPoints(tier.value_share_bp)
                                : std::string("an undefined share");
  const std::string activities = report.activity_shares_defined
                                     ? PercentFromBasisPoints(tier.activity_share_bp)
                                     : std::string("no share (none recorded)");
  const std::string cost = report.cost_shares_defined ? PercentFromBasisPoints(tier.cost_share_bp)
                                                      : std::string("no share (none recorded)");
  std::string out =
      absl::StrCat(TierName(tier.tier), " holds ", value, " of the value and takes ", activities,
                   " of the activities and ", cost, " of the cost to serve");
  switch (tier.balance) {
    case EffortBalance::kOverServed: absl::StrAppend(&out, ": over-served"); break;
    case EffortBalance::kUnderServed: absl::StrAppend(&out, ": under-served"); break;
    case EffortBalance::kBalanced: break;
  }
  return out;
}

}  // namespace

absl::StatusOr<EffortReport> ComputeEffortReport(
    const std::array<TierEffortTotals, kTierCount>& totals, int32_t tolerance_bp) {
  if (tolerance_bp < 0 || tolerance_bp > 10000) {
    return common::InvalidField(
        "tolerance_bp",
        absl::StrCat("must be from 0 to 10000 basis points (got ", tolerance_bp, ")"));
  }
  KAM_RETURN_IF_ERROR(CheckNonNegative(totals));
  KAM_ASSIGN_OR_RETURN(PyramidSummary values, SharesOf(totals, &TierEffortTotals::value));
  KAM_ASSIGN_OR_RETURN(PyramidSummary activities, SharesOf(totals, &TierEffortTotals::activities));
  KAM_ASSIGN_OR_RETURN(PyramidSummary costs, SharesOf(totals, &TierEffortTotals::cost_to_serve));

  EffortReport report;
  report.tolerance_bp = tolerance_bp;
  report.value_shares_defined = values.value_shares_defined;
  report.activity_shares_defined = activities.value_shares_defined;
  report.cost_shares_defined = costs.value_shares_defined;
  report.totals.accounts = values.account_count;
  report.totals.value = values.total_value;
  report.totals.activities = activities.total_value;
  report.totals.cost_to_serve = costs.total_value;
  for (int i = 0; i < kTierCount; ++i) {
    TierEffort& tier = report.tiers[i];
    tier.tier = static_cast<Tier>(i + 1);
    tier.totals = totals[i];
    tier.account_share_bp = static_cast<int32_t>(values.tiers[i].account_share_bp);
    tier.value_share_bp = values.tiers[i].value_share_bp;
    // Non-negative parts of a positive whole: 0..10000.
    tier.activity_share_bp = static_cast<int32_t>(activities.tiers[i].value_share_bp);
    tier.cost_share_bp = static_cast<int32_t>(costs.tiers[i].value_share_bp);
    tier.balance = Judge(tier, report);
    tier.sentence = Sentence(tier, report);
    if (tier.balance != EffortBalance::kBalanced) report.effort_follows_value = false;
  }
  return report;
}

// --- The chart -------------------------------------------------------------------

namespace {

// The plot area (charts/svg.h has the frame), in pixels: lower than the
// Pareto chart's, for two lines of labels under the bars.
constexpr int64_t kPlotHeight = 240;
constexpr int64_t kBottom = kPlotTop + kPlotHeight;
// Each tier has a 100 px slot: three 24 px bars with 4 px between them,
// centred (a 10 px margin each side).
constexpr int64_t kSlot = kPlotWidth / kTierCount;
constexpr int64_t kBar = 24;
constexpr int64_t kGap = 4;
constexpr int64_t kMargin = (kSlot - 3 * kBar - 2 * kGap) / 2;

struct Series {
  const char* label;
  const char* colour;
};
constexpr Series kSeries[3] = {
    {"value", "#1f77b4"}, {"activities", "#ff7f0e"}, {"cost to serve", "#2ca02c"}};

int64_t YTenths(int64_t share_bp, const svg::ShareAxis& axis) {
  return svg::ShareYTenths(share_bp, axis, kBottom, kPlotHeight);
}

std::string Frame(const svg::ShareAxis& axis) {
  std::string out = "<g stroke=\"#dddddd\" stroke-width=\"1\">\n";
  for (int64_t y = axis.step_bp; y <= axis.max_bp; y += axis.step_bp) {
    absl::StrAppend(&out,
                    svg::Line(kPlotLeft * 10, YTenths(y, axis), kPlotRight * 10, YTenths(y, axis)));
  }
  absl::StrAppend(&out, "</g>\n<g stroke=\"#333333\" stroke-width=\"1\">\n",
                  svg::Line(kPlotLeft * 10, kBottom * 10, kPlotRight * 10, kBottom * 10),
                  svg::Line(kPlotLeft * 10, kPlotTop * 10, kPlotLeft * 10, kBottom * 10), "</g>\n",
                  "<g text-anchor=\"end\">\n");
  for (int64_t y = 0; y <= axis.max_bp; y += axis.step_bp) {
    absl::StrAppend(
        &out, svg::Text((kPlotLeft - 6) * 10, YTenths(y, axis) + 40, PercentFromBasisPoints(y)));
  }
  absl::StrAppend(&out, "</g>\n",
                  svg::Text(160, (kPlotTop + kPlotHeight / 2) * 10, "share of the run's total",
                            " text-anchor=\"middle\" transform=\"rotate(-90 16 160)\""));
  return out;
}

std::string Legend() {
  std::string out;
  for (int s = 0; s < 3; ++s) {
    const int64_t x = (kPlotLeft - 20 + s * 140) * 10;
    const int64_t y = (kChartHeight - 12) * 10;
    absl::StrAppend(
        &out, svg::Rect(x, y - 100, 100, 100, absl::StrCat(" fill=\"", kSeries[s].colour, "\"")),
        svg::Text(x + 140, y, absl::StrCat("share of ", kSeries[s].label)));
  }
  return out;
}

std::string Bars(const EffortReport& report, const svg::ShareAxis& axis) {
  std::string out;
  for (int i = 0; i < kTierCount; ++i) {
    const TierEffort& tier = report.tiers[i];
    const int64_t slot_left = kPlotLeft + i * kSlot;
    const bool defined[3] = {report.value_shares_defined, report.activity_shares_defined,
                             report.cost_shares_defined};
    const int64_t shares[3] = {tier.value_share_bp, tier.activity_share_bp, tier.cost_share_bp};
    for (int s = 0; s < 3; ++s) {
      const int64_t x = (slot_left + kMargin + s * (kBar + kGap)) * 10;
      const int64_t centre = x + kBar * 5;
      if (!defined[s]) {
        absl::StrAppend(&out, svg::Text(centre, (kBottom - 4) * 10, "n/a",
                                        " text-anchor=\"middle\" font-size=\"9\""));
        continue;
      }
      const int64_t top = YTenths(shares[s], axis);
      if (shares[s] > 0) {
        absl::StrAppend(&out, svg::Rect(x, top, kBar * 10, kBottom * 10 - top,
                                        absl::StrCat(" fill=\"", kSeries[s].colour, "\"")));
      }
      absl::StrAppend(&out, svg::Text(centre, top - 30, PercentFromBasisPoints(shares[s]),
                                      " text-anchor=\"middle\" font-size=\"9\""));
    }
    const int64_t centre = (slot_left + kSlot / 2) * 10;
    absl::StrAppend(&out, svg::Text(centre, (kBottom + 16) * 10, TierName(tier.tier),
                                    " text-anchor=\"middle\" font-weight=\"bold\""));
    const char* verdict = tier.balance == EffortBalance::kOverServed    ? "over-served"
                          : tier.balance == EffortBalance::kUnderServed ? "under-served"
                                                                        : "";
    if (*verdict != '\0') {
      absl::StrAppend(&out, svg::Text(centre, (kBottom + 30) * 10, verdict,
                                      " text-anchor=\"middle\" font-size=\"10\""));
    }
  }
  return out;
}

}  // namespace

std::string EffortChartSvg(const EffortReport& report, const std::string& title) {
  int64_t highest = 0;
  for (const TierEffort& tier : report.tiers) {
    if (report.value_shares_defined) highest = std::max(highest, tier.value_share_bp);
  }
  const svg::ShareAxis axis = svg::ShareAxisFor(highest);
  return absl::StrCat(
      svg::Open(kChartWidth, kChartHeight, title),
      svg::Text(kChartWidth / 2 * 10, 240, title, " text-anchor=\"middle\" font-size=\"14\""),
      Frame(axis), Bars(report, axis), Legend(), "</svg>\n");
}

}  // namespace kam::scoring::rules
