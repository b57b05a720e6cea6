// kam.interaction.v1.OpportunityService: the gRPC handlers of the sales
// pipeline. Each handler checks its request, asks the account service where
// a write depends on the account (before any transaction), applies the pure
// rules (opportunity_fields, opportunity_stages, opportunity_qualification,
// opportunity_pipeline) and the store's steps, and returns an absl::Status
// that common/grpc_server turns into the gRPC status.
//
// Everything of the area lives in kam::interaction::opportunity.
#pragma once

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/server/grpc_server.h"
#include "kam/interaction/v1/opportunity.grpc.pb.h"
#include "services/interaction/opportunity/opportunity_store.h"
#include "services/interaction/shared/handlers.h"

namespace kam::interaction::opportunity {

class OpportunityService final : public Handlers<OpportunityStore> {
 public:
  using Handlers::Handlers;

  // Registers the service and every method with `server` (before Start).
  void Register(common::GrpcServer& server);

  absl::Status CreateOpportunity(const Ctx&, const v1::CreateOpportunityRequest&, v1::Opportunity*);
  absl::Status GetOpportunity(const Ctx&, const v1::GetOpportunityRequest&, v1::Opportunity*);
  absl::Status ListOpportunities(const Ctx&, const v1::ListOpportunitiesRequest&,
                                 v1::ListOpportunitiesResponse*);
  absl::Status UpdateOpportunity(const Ctx&, const v1::UpdateOpportunityRequest&, v1::Opportunity*);
  absl::Status DeleteOpportunity(const Ctx&, const v1::DeleteOpportunityRequest&, v1::Opportunity*);
  absl::Status UndeleteOpportunity(const Ctx&, const v1::UndeleteOpportunityRequest&,
                                   v1::Opportunity*);
  absl::Status MoveOpportunityStage(const Ctx&, const v1::MoveOpportunityStageRequest&,
                                    v1::MoveOpportunityStageResponse*);
  absl::Status CloseOpportunity(const Ctx&, const v1::CloseOpportunityRequest&,
                                v1::CloseOpportunityResponse*);
  absl::Status ReopenOpportunity(const Ctx&, const v1::ReopenOpportunityRequest&,
                                 v1::ReopenOpportunityResponse*);
  absl::Status ListOpportunityStageHistory(const Ctx&,
                                           const v1::ListOpportunityStageHistoryRequest&,
                                           v1::ListOpportunityStageHistoryResponse*);
  absl::Status GetStageProbabilities(const Ctx&, const v1::GetStageProbabilitiesRequest&,
                                     v1::OpportunityStageProbabilities*);
  absl::Status UpdateStageProbabilities(const Ctx&, const v1::UpdateStageProbabilitiesRequest&,
                                        v1::OpportunityStageProbabilities*);
  absl::Status GetWeightedPipeline(const Ctx&, const v1::GetWeightedPipelineRequest&,
                                   v1::WeightedPipeline*);

 private:
  // The opportunity `id` as the store reads it; NOT_FOUND as for a missing
  // one when the call is narrowed (shared/narrowing.h) and it is another's.
  absl::StatusOr<StoredOpportunity> ReadOpportunity(const Ctx& ctx, int64_t id);

  // Changes opportunity `id` in one transaction: locks it, checks `etag`
  // (ABORTED when stale), lets `change` edit it (its error rolls back), then
  // writes it at its next version (StampWrite) and returns it as written.
  // Another's, for a narrowed call, answers as a missing one.
  absl::StatusOr<StoredOpportunity> ChangeOpportunity(
      const Ctx& ctx, absl::string_view context, int64_t id, absl::string_view etag, absl::Time now,
      absl::FunctionRef<absl::Status(OpportunityTx&, StoredOpportunity&)> change);

  // DeleteOpportunity (`deleted`) and UndeleteOpportunity: sets or clears
  // delete_time; FAILED_PRECONDITION when it is so already.
  absl::Status SetDeleted(const Ctx& ctx, absl::string_view name, absl::string_view etag,
                          bool deleted, v1::Opportunity* response);

  // A change of stage or state (MoveOpportunityStage, CloseOpportunity,
  // ReopenOpportunity) and its history row, in one ChangeOpportunity: a
  // deleted opportunity is FAILED_PRECONDITION; `plan` checks the change and
  // fills in the history row (which starts as the opportunity is now, by
  // ctx.actor at `now`), the row is recorded, and `apply` changes the
  // opportunity. Both go to `*opportunity` and `*move`.
  absl::Status RecordStageMove(
      const Ctx& ctx, absl::string_view context, int64_t id, absl::string_view etag, absl::Time now,
      absl::FunctionRef<absl::Status(const v1::Opportunity&, v1::OpportunityStageMove*)> plan,
      absl::FunctionRef<void(v1::Opportunity&, const v1::OpportunityStageMove&)> apply,
      v1::Opportunity* opportunity, v1::OpportunityStageMove* move);

  v1::OpportunityService::Service service_;
};

}  // namespace kam::interaction::opportunity
