// kam.interaction.v1.SatisfactionService: the gRPC handlers of survey
// responses and their summaries. A response references an account (and
// optionally a contact), so recording one asks the account service first;
// the case it follows is checked locally (CaseLookup: same account).
#pragma once

#include "absl/status/status.h"
#include "common/server/grpc_server.h"
#include "kam/interaction/v1/satisfaction.grpc.pb.h"
#include "services/interaction/satisfaction/satisfaction_cases.h"
#include "services/interaction/satisfaction/satisfaction_store.h"
#include "services/interaction/shared/handlers.h"

namespace kam::interaction::satisfaction {

class SatisfactionService final : public Handlers<SatisfactionStore> {
 public:
  // The store, the account client and the case lookup must outlive the
  // service.
  SatisfactionService(SatisfactionStore* store, AccountClient* accounts, CaseLookup* cases)
      : Handlers(store, accounts), cases_(cases) {}

  // Idempotent by request_id; the account (and contact) must be live.
  absl::Status CreateSurveyResponse(const Ctx&, const v1::CreateSurveyResponseRequest&,
                                    v1::SurveyResponse*);
  absl::Status GetSurveyResponse(const Ctx&, const v1::GetSurveyResponseRequest&,
                                 v1::SurveyResponse*);
  absl::Status ListSurveyResponses(const Ctx&, const v1::ListSurveyResponsesRequest&,
                                   v1::ListSurveyResponsesResponse*);
  // CSAT and NPS figures of one account or one case (satisfaction_scores.h).
  absl::Status GetSatisfactionSummary(const Ctx&, const v1::GetSatisfactionSummaryRequest&,
                                      v1::SatisfactionSummary*);

  // Registers the service and every method with `server` (before Start).
  void Register(common::GrpcServer& server);

 private:
  v1::SatisfactionService::Service service_;
  CaseLookup* const cases_;
};

}  // namespace kam::interaction::satisfaction
