// kam.scoring.v1.ReportService: the pyramid, the Pareto curve (data, words
// and an SVG chart), customer equity and tier movement over finished rating
// runs. The figures come from reports.h over SQL aggregates (report_store.h).
#ifndef KAM_SERVICES_SCORING_REPORT_SERVICE_H_
#define KAM_SERVICES_SCORING_REPORT_SERVICE_H_

#include "absl/status/status.h"
#include "common/server/grpc_server.h"
#include "kam/scoring/v1/report.grpc.pb.h"
#include "services/scoring/report_store.h"
#include "services/scoring/scoring_store.h"

namespace kam::scoring {

class ReportService final {
 public:
  ReportService(ScoringStore* runs, ReportStore* reports) : runs_(runs), reports_(reports) {}

  void Register(common::GrpcServer& server);

  using Ctx = common::CallContext;
  absl::Status GetPyramidReport(const Ctx&, const v1::GetPyramidReportRequest&,
                                v1::PyramidReport*);
  absl::Status GetParetoReport(const Ctx&, const v1::GetParetoReportRequest&, v1::ParetoReport*);
  absl::Status GetCustomerEquity(const Ctx&, const v1::GetCustomerEquityRequest&,
                                 v1::CustomerEquity*);
  absl::Status CompareRatingRuns(const Ctx&, const v1::CompareRatingRunsRequest&,
                                 v1::TierMovementReport*);

 private:
  // The id of the run named in `field`, which must exist (NOT_FOUND) and
  // have SUCCEEDED (FAILED_PRECONDITION naming the run and its state: a
  // report over a run still rating, publishing, failed or cancelled would
  // describe tiers that never took effect).
  absl::StatusOr<int64_t> SucceededRun(absl::string_view field, const std::string& name);

  v1::ReportService::Service service_;
  ScoringStore* runs_;
  ReportStore* reports_;
};

// At most this many top shares per GetParetoReport (the curve is bounded:
// one window query returns one row per point).
inline constexpr int kMaxParetoShares = 100;

}  // namespace kam::scoring

#endif  // KAM_SERVICES_SCORING_REPORT_SERVICE_H_
