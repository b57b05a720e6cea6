// ReportService.GetAccountTrend: one account's value, churn risk and health
// across the rating runs that rated it, each series with its least-squares
// trend and a sparkline (rules/trend/series_trend.h). The points are read
// from the stored ratings (report_store.h); nothing is recomputed.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/validation.h"
#include "common/base/status_macros.h"
#include "services/scoring/names.h"
#include "services/scoring/reports/report_service.h"
#include "services/scoring/rules/trend/series_trend.h"

namespace kam::scoring::reports {
namespace {

// The API's direction of each rules::TrendDirection, in its order.
constexpr v1::TrendDirection kApiDirections[] = {
    v1::TREND_DIRECTION_UNDETERMINED, v1::TREND_DIRECTION_DECLINING, v1::TREND_DIRECTION_STABLE,
    v1::TREND_DIRECTION_RISING};

void SetTrend(const rules::SeriesTrend& trend, const std::vector<int64_t>& points,
              rules::SparklineScale scale, const std::string& title, v1::SeriesTrend* out) {
  out->set_slope_hundredths(trend.slope_hundredths);
  out->set_tolerance_hundredths(trend.tolerance_hundredths);
  out->set_direction(kApiDirections[static_cast<int>(trend.direction)]);
  out->set_svg(rules::SparklineSvg(points, scale, title));
}

// The runs named in `runs`, checked: each a run name, none twice.
absl::StatusOr<std::vector<int64_t>> NamedRuns(const v1::GetAccountTrendRequest& request) {
  if (request.runs_size() > kMaxTrendRuns) {
    return common::InvalidField("runs", absl::StrCat("must name at most ", kMaxTrendRuns,
                                                     " runs (got ", request.runs_size(), ")"));
  }
  std::vector<int64_t> ids;
  for (int i = 0; i < request.runs_size(); ++i) {
    const std::string field = absl::StrCat("runs[", i, "]");
    KAM_ASSIGN_OR_RETURN(int64_t id, ParseRunName(field, request.runs(i)));
    for (size_t j = 0; j < ids.size(); ++j) {
      if (ids[j] == id) {
        return common::InvalidField(field, absl::StrCat("must not repeat runs[", j, "] (",
                                                        request.runs(i), ")"));
      }
    }
    ids.push_back(id);
  }
  return ids;
}

}  // namespace

absl::Status ReportService::GetAccountTrend(const common::CallContext& ctx,
                                            const v1::GetAccountTrendRequest& request,
                                            v1::AccountTrend* response) {
  KAM_ASSIGN_OR_RETURN(TrendRef ref, ParseAccountTrendName("name", request.name()));
  KAM_RETURN_IF_ERROR(common::CheckRange("run_count", request.run_count(), 0, kMaxTrendRuns));
  KAM_ASSIGN_OR_RETURN(std::vector<int64_t> run_ids, NamedRuns(request));
  if (!run_ids.empty() && request.run_count() != 0) {
    return common::InvalidField("run_count", "must be 0 when runs are named");
  }
  if (run_ids.empty() && ref.policy == 0) {
    return common::InvalidField("name", "may say policies/- only when runs are named");
  }
  const std::string account = AccountName(ref.account);
  // Another's account reads as one no run rated.
  const absl::Status not_rated = absl::NotFoundError(absl::StrCat(
      account, " was not rated by any run of ",
      ref.policy == 0 ? "those named" : PolicyName(ref.policy), " that has SUCCEEDED"));
  KAM_RETURN_IF_ERROR(
      common::CheckOwnAccount(*teams_, ctx, ref.account, [&] { return not_rated; }));

  std::vector<TrendRow> rows;
  if (run_ids.empty()) {
    const int count = request.run_count() == 0 ? kDefaultTrendRuns : request.run_count();
    KAM_ASSIGN_OR_RETURN(rows, reports_->NewestRatingsOf(ref.account, ref.policy, count));
    if (rows.empty()) return not_rated;
  } else {
    for (size_t i = 0; i < run_ids.size(); ++i) {
      const std::string field = absl::StrCat("runs[", i, "]");
      KAM_ASSIGN_OR_RETURN(rating::StoredRun run, SucceededRunById(field, run_ids[i]));
      if (ref.policy != 0 && run.policy_id != ref.policy) {
        return common::InvalidField(
            field, absl::StrCat("must be a run of ", PolicyName(ref.policy), " (",
                                request.runs(i), " is a run of ", PolicyName(run.policy_id), ")"));
      }
    }
    KAM_ASSIGN_OR_RETURN(rows, reports_->RatingsInRuns(ref.account, run_ids));
    for (size_t i = 0; i < run_ids.size(); ++i) {
      bool rated = false;
      for (const TrendRow& row : rows) rated = rated || row.run_id == run_ids[i];
      if (!rated) {
        return absl::NotFoundError(
            absl::StrCat("runs[", i, "]: ", account, " was not rated by ", request.runs(i)));
      }
    }
  }

  std::vector<int64_t> values, risks, healths;
  std::vector<std::string> currencies;
  for (const TrendRow& row : rows) {
    v1::TrendPoint* point = response->add_points();
    point->set_rating_run(RunName(row.run_id));
    *point->mutable_as_of() = row.as_of;
    point->mutable_value()->set_minor_units(row.value);
    point->mutable_value()->set_currency_code(row.currency);
    point->set_churn_risk(row.churn_risk);
    point->set_health(row.health);
    point->set_tier(static_cast<account::v1::Tier>(row.tier));
    values.push_back(row.value);
    risks.push_back(row.churn_risk);
    healths.push_back(row.health);
    if (!row.currency.empty() &&
        std::find(currencies.begin(), currencies.end(), row.currency) == currencies.end()) {
      currencies.push_back(row.currency);
    }
  }
  response->set_name(AccountTrendName(ref.policy, ref.account));
  const std::string runs = absl::StrCat(" of ", account, " over ", rows.size(), " runs");
  // Money is never compared across currencies: no value trend then.
  if (currencies.size() > 1) values.clear();
  SetTrend(rules::ValueTrend(values), values, rules::SparklineScale::kRange,
           absl::StrCat("Value", runs), response->mutable_value());
  SetTrend(rules::ScoreTrend(risks), risks, rules::SparklineScale::kScore,
           absl::StrCat("Churn risk", runs), response->mutable_churn_risk());
  SetTrend(rules::ScoreTrend(healths), healths, rules::SparklineScale::kScore,
           absl::StrCat("Health", runs), response->mutable_health());
  return absl::OkStatus();
}

}  // namespace kam::scoring::reports
