// kam.interaction.v1.SatisfactionService: the gRPC handlers of survey
// responses and their summaries. A response references an account (and
// optionally a contact), so recording one asks the account service first;
// the case it follows is checked locally (same account).
#ifndef KAM_SERVICES_INTERACTION_SATISFACTION_SURVEY_SERVICE_H_
#define KAM_SERVICES_INTERACTION_SATISFACTION_SURVEY_SERVICE_H_

#include "absl/status/status.h"
#include "common/server/grpc_server.h"
#include "kam/interaction/v1/satisfaction.grpc.pb.h"
#include "services/interaction/shared/account_client.h"
#include "services/interaction/cases/case_store.h"
#include "services/interaction/satisfaction/survey_store.h"

namespace kam::interaction::cases {

class SurveyService final {
 public:
  SurveyService(SurveyStore* surveys, CaseStore* cases, AccountClient* accounts)
      : surveys_(surveys), cases_(cases), accounts_(accounts) {}

  // Registers the service and every method with `server` (before Start).
  void Register(common::GrpcServer& server);

  using Ctx = common::CallContext;
  absl::Status CreateSurveyResponse(const Ctx&, const v1::CreateSurveyResponseRequest&,
                                    v1::SurveyResponse*);
  absl::Status GetSurveyResponse(const Ctx&, const v1::GetSurveyResponseRequest&,
                                 v1::SurveyResponse*);
  absl::Status ListSurveyResponses(const Ctx&, const v1::ListSurveyResponsesRequest&,
                                   v1::ListSurveyResponsesResponse*);
  absl::Status GetSatisfactionSummary(const Ctx&, const v1::GetSatisfactionSummaryRequest&,
                                      v1::SatisfactionSummary*);

 private:
  v1::SatisfactionService::Service service_;
  SurveyStore* surveys_;
  CaseStore* cases_;
  AccountClient* accounts_;
};

}  // namespace kam::interaction::cases

#endif  // KAM_SERVICES_INTERACTION_SATISFACTION_SURVEY_SERVICE_H_
