// kam.scoring.v1.ReportService: the pyramid, the Pareto curve (data, words
// and an SVG chart), customer equity, tier movement and group roll-ups over
// finished rating runs, an account's trend across runs
// (account_trend_handler.cc), and (ProgrammeReports, programme_reports.h) effort
// against value and the account managers' appraisal. The figures come from
// rules/ over SQL aggregates (report_store.h).
#pragma once

#include "absl/status/status.h"
#include "common/client/team_narrowing.h"
#include "common/server/grpc_server.h"
#include "kam/scoring/v1/report.grpc.pb.h"
#include "services/scoring/rating/rating_store.h"
#include "services/scoring/reports/programme_reports.h"
#include "services/scoring/reports/report_store.h"

namespace kam::scoring::reports {

class ReportService final {
 public:
  // `teams` (the account service) narrows an account manager's trends to
  // their accounts.
  ReportService(rating::RatingStore* runs, ReportStore* reports, common::TeamAccountsSource* teams)
      : runs_(runs), reports_(reports), teams_(teams) {}

  void Register(common::GrpcServer& server);

  // The roll-up of a group (docs/domain.md, "Group roll-ups").
  absl::Status GetGroupRollup(const common::CallContext&, const v1::GetGroupRollupRequest&,
                              v1::GroupRollup*);

  // An account's value, churn risk and health across runs, with their
  // trends (docs/domain.md, "Health over time").
  absl::Status GetAccountTrend(const common::CallContext&, const v1::GetAccountTrendRequest&,
                               v1::AccountTrend*);

  using Ctx = common::CallContext;
  absl::Status GetPyramidReport(const Ctx&, const v1::GetPyramidReportRequest&, v1::PyramidReport*);
  absl::Status GetParetoReport(const Ctx&, const v1::GetParetoReportRequest&, v1::ParetoReport*);
  absl::Status GetCustomerEquity(const Ctx&, const v1::GetCustomerEquityRequest&,
                                 v1::CustomerEquity*);
  absl::Status CompareRatingRuns(const Ctx&, const v1::CompareRatingRunsRequest&,
                                 v1::TierMovementReport*);

  // The checks every report handler makes first (ProgrammeReports' too).
  // The id of the run named in `field`, which must exist (NOT_FOUND) and
  // have SUCCEEDED (FAILED_PRECONDITION naming the run and its state: a
  // report over a run still rating, publishing, failed or cancelled would
  // describe tiers that never took effect).
  absl::StatusOr<int64_t> SucceededRun(absl::string_view field, const std::string& name);
  // The same check on run `id`, and the run.
  absl::StatusOr<rating::StoredRun> SucceededRunById(absl::string_view field, int64_t id);
  // The per-tier totals of that run.
  absl::StatusOr<RunTierTotals> SucceededRunTotals(absl::string_view field,
                                                   const std::string& name);

 private:
  v1::ReportService::Service service_;
  rating::RatingStore* runs_;
  ReportStore* reports_;
  common::TeamAccountsSource* teams_;
  ProgrammeReports programme_{*this, runs_, reports_};
};

// At most this many top shares per GetParetoReport (the curve is bounded:
// one window query returns one row per point).
inline constexpr int kMaxParetoShares = 100;

// At most this many accounts per GetGroupRollup (FAILED_PRECONDITION above:
// a roll-up is one statement over the subtree, and this keeps it within a
// second or two; the largest groups of a book are far smaller).
inline constexpr int64_t kMaxRollupMembers = 100000;

// GetAccountTrend reads the newest 12 runs unless asked for another count,
// and at most 100 (the points are one indexed read per run of the policy).
inline constexpr int kDefaultTrendRuns = 12;
inline constexpr int kMaxTrendRuns = 100;

}  // namespace kam::scoring::reports
