// The key-account programme's reports on kam.scoring.v1.ReportService:
// effort against value (effort_report_handler.cc) and the account managers'
// appraisal (manager_appraisal_handler.cc), over finished rating runs. A
// handler class of its own beside ReportService, which owns it, registers
// its methods and lends it the run checks every report makes first.
#pragma once

#include "absl/status/status.h"
#include "common/server/grpc_server.h"
#include "kam/scoring/v1/report.pb.h"
#include "services/scoring/rating/rating_store.h"
#include "services/scoring/reports/report_store.h"

namespace kam::scoring::reports {

class ReportService;

class ProgrammeReports final {
 public:
  ProgrammeReports(ReportService& checks, rating::RatingStore* runs, ReportStore* reports)
      : checks_(checks), runs_(runs), reports_(reports) {}

  absl::Status GetEffortReport(const common::CallContext&, const v1::GetEffortReportRequest&,
                               v1::EffortReport*);
  absl::Status ListManagerAppraisals(const common::CallContext&,
                                     const v1::ListManagerAppraisalsRequest&,
                                     v1::ListManagerAppraisalsResponse*);

 private:
  ReportService& checks_;
  rating::RatingStore* runs_;
  ReportStore* reports_;
};

}  // namespace kam::scoring::reports
