#include "services/scoring/reports/report_service.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api/validation.h"
#include "common/base/status_macros.h"
#include "common/server/service_methods.h"
#include "services/scoring/names.h"
#include "services/scoring/rules/reports.h"
#include "services/scoring/rules/risk.h"

namespace kam::scoring::reports {
namespace {

using rules::kTierCount;
using rules::MovementMatrix;
using rules::ParetoCurve;
using rules::ParetoPoint;
using rules::PyramidSummary;
using rules::TierSummary;
using rules::TierTotal;

account::v1::Tier ApiTier(int index) {  // MatrixIndex: 0 unrated, 1..4 A..D
  return static_cast<account::v1::Tier>(index);
}

}  // namespace

void ReportService::Register(common::GrpcServer& server) {
  common::ServeMethods(server, &service_, this, &ReportService::GetPyramidReport,
                       &ReportService::GetParetoReport, &ReportService::GetCustomerEquity,
                       &ReportService::CompareRatingRuns, &ReportService::GetGroupRollup,
                       &ReportService::GetAccountTrend);
  common::ServeMethods(server, &service_, &programme_, &ProgrammeReports::GetEffortReport,
                       &ProgrammeReports::ListManagerAppraisals);
}

absl::StatusOr<int64_t> ReportService::SucceededRun(absl::string_view field,
                                                    const std::string& name) {
  KAM_ASSIGN_OR_RETURN(int64_t id, ParseRunName(field, name));
  KAM_RETURN_IF_ERROR(SucceededRunById(field, id).status());
  return id;
}

absl::StatusOr<rating::StoredRun> ReportService::SucceededRunById(absl::string_view field,
                                                                  int64_t id) {
  KAM_ASSIGN_OR_RETURN(rating::StoredRun run, runs_->GetRun(id));
  const v1::RunState state = run.run.state();
  if (state != v1::RUN_STATE_SUCCEEDED) {
    return absl::FailedPreconditionError(absl::StrCat(field, ": ", run.run.name(), " is ",
                                                      v1::RunState_Name(state),
                                                      "; reports need a run that has SUCCEEDED"));
  }
  return run;
}

absl::StatusOr<RunTierTotals> ReportService::SucceededRunTotals(absl::string_view field,
                                                                const std::string& name) {
  KAM_ASSIGN_OR_RETURN(int64_t run, SucceededRun(field, name));
  return reports_->TierTotals(run);
}

absl::Status ReportService::GetPyramidReport(const Ctx&, const v1::GetPyramidReportRequest& request,
                                             v1::PyramidReport* response) {
  KAM_ASSIGN_OR_RETURN(RunTierTotals totals, SucceededRunTotals("run", request.run()));
  KAM_ASSIGN_OR_RETURN(PyramidSummary summary, rules::SummarizeTierTotals(totals.value));
  response->set_run(request.run());
  for (const TierSummary& tier : summary.tiers) {
    v1::PyramidTier* out = response->add_tiers();
    out->set_tier(static_cast<account::v1::Tier>(tier.tier));
    out->set_account_count(tier.count);
    out->set_total_value_minor(tier.total_value);
    out->set_account_share_bp(tier.account_share_bp);
    out->set_value_share_bp(tier.value_share_bp);
  }
  response->set_account_count(summary.account_count);
  response->set_total_value_minor(summary.total_value);
  response->set_currency_code(totals.currency);
  return absl::OkStatus();
}

absl::Status ReportService::GetParetoReport(const Ctx&, const v1::GetParetoReportRequest& request,
                                            v1::ParetoReport* response) {
  if (request.top_shares_bp_size() > kMaxParetoShares) {
    return common::InvalidField(
        "top_shares_bp", absl::StrCat("must have at most ", kMaxParetoShares, " entries (got ",
                                      request.top_shares_bp_size(), ")"));
  }
  for (int i = 0; i < request.top_shares_bp_size(); ++i) {
    KAM_RETURN_IF_ERROR(common::CheckRange(absl::StrCat("top_shares_bp[", i, "]"),
                                           request.top_shares_bp(i), 1, 10000));
  }
  KAM_ASSIGN_OR_RETURN(int64_t run, SucceededRun("run", request.run()));
  std::vector<int32_t> asked(request.top_shares_bp().begin(), request.top_shares_bp().end());
  if (asked.empty()) {
    asked.assign(std::begin(rules::kDefaultParetoTopSharesBp),
                 std::end(rules::kDefaultParetoTopSharesBp));
  }
  // The chart draws every whole percent plus the asked points (sorted, one
  // each); the 20% point, always among them, gives the summary and marker.
  std::vector<int32_t> chart = rules::EveryPercentBp();
  chart.insert(chart.end(), asked.begin(), asked.end());
  std::sort(chart.begin(), chart.end());
  chart.erase(std::unique(chart.begin(), chart.end()), chart.end());
  std::vector<int32_t> all = asked;
  all.insert(all.end(), chart.begin(), chart.end());

  KAM_ASSIGN_OR_RETURN(RunTierTotals totals, reports_->TierTotals(run));
  KAM_ASSIGN_OR_RETURN(PyramidSummary summary, rules::SummarizeTierTotals(totals.value));
  KAM_ASSIGN_OR_RETURN(std::vector<int64_t> counts,
                       rules::ParetoTopCounts(summary.account_count, all));
  KAM_ASSIGN_OR_RETURN(std::vector<int64_t> sums, reports_->TopValueSums(run, counts));
  KAM_ASSIGN_OR_RETURN(
      ParetoCurve curve,
      rules::ParetoCurveFromTopSums(summary.account_count, summary.total_value, all, sums));

  ParetoCurve chart_curve = curve;
  chart_curve.points.erase(chart_curve.points.begin(),
                           chart_curve.points.begin() + static_cast<ptrdiff_t>(asked.size()));
  response->set_run(request.run());
  for (size_t i = 0; i < asked.size(); ++i) {
    const ParetoPoint& point = curve.points[i];
    v1::ParetoPoint* out = response->add_points();
    out->set_top_share_bp(point.top_share_bp);
    out->set_account_count(point.account_count);
    out->set_value_share_bp(point.value_share_bp);
  }
  for (const ParetoPoint& point : chart_curve.points) {
    if (point.top_share_bp == 2000) {
      response->set_summary(rules::DescribeParetoPoint(point, curve.defined));
    }
  }
  rules::ParetoChartOptions options;
  options.title = absl::StrCat("Pareto curve of ", request.run());
  response->set_svg(rules::ParetoChartSvg(chart_curve, options));
  response->set_defined(curve.defined);
  return absl::OkStatus();
}

absl::Status ReportService::GetCustomerEquity(const Ctx&,
                                              const v1::GetCustomerEquityRequest& request,
                                              v1::CustomerEquity* response) {
  KAM_ASSIGN_OR_RETURN(RunTierTotals totals, SucceededRunTotals("run", request.run()));
  KAM_ASSIGN_OR_RETURN(int64_t equity, rules::CustomerEquity(totals.clv));
  int64_t count = 0;
  for (const TierTotal& t : totals.value) count += t.count;
  response->set_run(request.run());
  response->set_equity_minor(equity);
  response->set_account_count(count);
  response->set_currency_code(totals.currency);
  for (int64_t clv : totals.clv) response->add_equity_minor_by_tier(clv);
  return absl::OkStatus();
}

absl::Status ReportService::CompareRatingRuns(const Ctx&,
                                              const v1::CompareRatingRunsRequest& request,
                                              v1::TierMovementReport* response) {
  KAM_ASSIGN_OR_RETURN(int64_t from, SucceededRun("from_run", request.from_run()));
  KAM_ASSIGN_OR_RETURN(int64_t to, SucceededRun("to_run", request.to_run()));
  KAM_ASSIGN_OR_RETURN(MovementMatrix matrix, reports_->MovementBetween(from, to));
  response->set_from_run(request.from_run());
  response->set_to_run(request.to_run());
  for (int f = 0; f <= kTierCount; ++f) {
    for (int t = 0; t <= kTierCount; ++t) {
      if ((matrix)[f][t] == 0) continue;
      v1::TierMove* move = response->add_moves();
      move->set_from_tier(ApiTier(f));
      move->set_to_tier(ApiTier(t));
      move->set_count((matrix)[f][t]);
    }
  }
  const std::array<int64_t, rules::kMovementCount> counts = rules::CountMovements(matrix);
  response->set_promoted(counts[static_cast<int>(rules::Movement::kPromoted)]);
  response->set_demoted(counts[static_cast<int>(rules::Movement::kDemoted)]);
  response->set_unchanged(counts[static_cast<int>(rules::Movement::kUnchanged)]);
  response->set_new_accounts(counts[static_cast<int>(rules::Movement::kNew)]);
  response->set_dropped_accounts(counts[static_cast<int>(rules::Movement::kDropped)]);
  return absl::OkStatus();
}

absl::Status ReportService::GetGroupRollup(const Ctx&, const v1::GetGroupRollupRequest& request,
                                           v1::GroupRollup* response) {
  KAM_ASSIGN_OR_RETURN(RatingRef ref, ParseGroupRollupName("name", request.name()));
  KAM_ASSIGN_OR_RETURN(rating::StoredRun run, SucceededRunById("name", ref.run));
  KAM_ASSIGN_OR_RETURN(GroupRollupSums sums, reports_->GroupRollup(ref.run, ref.account));
  if (sums.member_count > kMaxRollupMembers) {
    return absl::FailedPreconditionError(
        absl::StrCat(request.name(), ": the group has ", sums.member_count,
                     " accounts; a roll-up covers at most ", kMaxRollupMembers,
                     " (roll up its sub-groups instead)"));
  }
  if (sums.currencies.size() > 1) {
    return absl::FailedPreconditionError(absl::StrCat(
        request.name(), ": the group's accounts have amounts in ",
        absl::StrJoin(sums.currencies, ", "),
        "; a roll-up adds amounts of one currency (roll up the sub-groups of one currency)"));
  }
  const std::string currency = sums.currencies.empty() ? "" : sums.currencies[0];
  response->set_name(GroupRollupName(ref.run, ref.account));
  response->set_rating_run(RunName(ref.run));
  response->set_account(AccountName(ref.account));
  *response->mutable_as_of() = run.run.as_of();
  response->set_member_count(sums.member_count);
  response->set_currency_code(currency);
  response->set_revenue_minor(sums.revenue);
  response->set_gross_profit_minor(sums.gross_profit);
  response->set_cost_to_serve_minor(sums.cost_to_serve);
  response->set_profit_minor(rules::SaturatingDifference(sums.gross_profit, sums.cost_to_serve));
  response->set_lifetime_value_minor(sums.clv);
  response->set_value_minor(sums.value);
  v1::ReceivablesAgeing* ageing = response->mutable_receivables();
  ageing->set_receivables_minor(sums.receivables);
  ageing->set_overdue_minor(sums.overdue);
  ageing->set_current_minor(rules::SaturatingDifference(sums.receivables, sums.overdue));
  ageing->set_days_1_30_minor(sums.overdue_buckets[0]);
  ageing->set_days_31_60_minor(sums.overdue_buckets[1]);
  ageing->set_days_61_90_minor(sums.overdue_buckets[2]);
  ageing->set_days_over_90_minor(sums.overdue_buckets[3]);
  v1::GroupCredit* credit = response->mutable_credit();
  credit->set_exposure_minor(sums.credit_exposure);
  if (sums.group_credit_limit.has_value()) {
    credit->set_has_limit(true);
    credit->set_limit_minor(*sums.group_credit_limit);
    credit->set_limit_currency_code(sums.group_credit_currency);
    const rules::CreditHeadroom headroom = rules::HeadroomOf(
        *sums.group_credit_limit, sums.group_credit_currency, sums.credit_exposure, currency);
    credit->set_headroom_defined(headroom.defined);
    credit->set_headroom_minor(headroom.minor);
  }
  response->set_open_pipeline_minor(sums.open_pipeline);
  response->set_weighted_pipeline_minor(sums.weighted_pipeline);
  response->set_open_case_count(sums.open_cases);
  response->set_sla_breach_count(sums.sla_breaches);
  response->set_complaint_count(sums.complaints);
  response->set_activity_count(sums.activities);
  response->set_csat_count(sums.csat_count);
  response->set_csat_average_hundredths(
      rules::CsatAverage(sums.csat_count, sums.csat_sum).average_hundredths);
  response->set_health(rules::ValueWeightedScore(sums.health));
  response->set_churn_risk(rules::ValueWeightedScore(sums.churn_risk));
  v1::TierCounts* tiers = response->mutable_tier_counts();
  tiers->set_a(sums.tier_counts[0]);
  tiers->set_b(sums.tier_counts[1]);
  tiers->set_c(sums.tier_counts[2]);
  tiers->set_d(sums.tier_counts[3]);
  response->set_not_tiered_count(sums.not_tiered);
  return absl::OkStatus();
}

}  // namespace kam::scoring::reports
