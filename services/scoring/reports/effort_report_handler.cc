// ReportService.GetEffortReport: effort against value over a finished run
// (rules/programme/effort_report.h), from the per-tier sums the pyramid
// report reads as well.
#include <array>

#include "absl/strings/str_cat.h"
#include "common/api/validation.h"
#include "common/base/status_macros.h"
#include "services/scoring/reports/report_service.h"
#include "services/scoring/rules/programme/effort_report.h"

namespace kam::scoring::reports {
namespace {

v1::EffortBalance ApiBalance(rules::EffortBalance balance) {
  switch (balance) {
    case rules::EffortBalance::kBalanced: return v1::EFFORT_BALANCE_BALANCED;
    case rules::EffortBalance::kOverServed: return v1::EFFORT_BALANCE_OVER_SERVED;
    case rules::EffortBalance::kUnderServed: return v1::EFFORT_BALANCE_UNDER_SERVED;
  }
  return v1::EFFORT_BALANCE_UNSPECIFIED;
}

}  // namespace

absl::Status ProgrammeReports::GetEffortReport(const common::CallContext&,
                                               const v1::GetEffortReportRequest& request,
                                               v1::EffortReport* response) {
  int32_t tolerance = rules::kDefaultEffortToleranceBp;
  if (request.has_tolerance_bp()) {
    KAM_RETURN_IF_ERROR(common::CheckRange("tolerance_bp", request.tolerance_bp(), 0, 10000));
    tolerance = request.tolerance_bp();
  }
  KAM_ASSIGN_OR_RETURN(RunTierTotals totals, checks_.SucceededRunTotals("run", request.run()));
  std::array<rules::TierEffortTotals, rules::kTierCount> effort{};
  for (int i = 0; i < rules::kTierCount; ++i) {
    effort[i] = {totals.value[i].count, totals.value[i].total_value, totals.activities[i],
                 totals.cost_to_serve[i]};
  }
  KAM_ASSIGN_OR_RETURN(rules::EffortReport report, rules::ComputeEffortReport(effort, tolerance));
  response->set_run(request.run());
  for (const rules::TierEffort& tier : report.tiers) {
    v1::TierEffort* out = response->add_tiers();
    v1::PyramidTier* pyramid = out->mutable_pyramid();
    pyramid->set_tier(static_cast<account::v1::Tier>(tier.tier));
    pyramid->set_account_count(tier.totals.accounts);
    pyramid->set_total_value_minor(tier.totals.value);
    pyramid->set_account_share_bp(tier.account_share_bp);
    pyramid->set_value_share_bp(tier.value_share_bp);
    out->set_activity_count(tier.totals.activities);
    out->set_cost_to_serve_minor(tier.totals.cost_to_serve);
    out->set_activity_share_bp(tier.activity_share_bp);
    out->set_cost_share_bp(tier.cost_share_bp);
    out->set_balance(ApiBalance(tier.balance));
    out->set_summary(tier.sentence);
  }
  response->set_effort_follows_value(report.effort_follows_value);
  response->set_tolerance_bp(report.tolerance_bp);
  response->set_value_shares_defined(report.value_shares_defined);
  response->set_activity_shares_defined(report.activity_shares_defined);
  response->set_cost_shares_defined(report.cost_shares_defined);
  response->set_svg(
      rules::EffortChartSvg(report, absl::StrCat("Effort against value of ", request.run())));
  response->set_currency_code(totals.currency);
  return absl::OkStatus();
}

}  // namespace kam::scoring::reports
