// The lifecycle handlers of kam.account.v1.AccountService: the relationship
// stage (docs/domain.md §4: moves by the stage machine, their history and
// the playbook of each stage, the band version in force, moves supported by a
// share-of-wallet measurement) and churn (§5: churn events, win-back, their
// history). Each move or event and the account row it changes are written
// in one transaction.
#pragma once

#include "absl/status/status.h"
#include "common/server/grpc_server.h"
#include "kam/account/v1/account.grpc.pb.h"
#include "services/account/lifecycle/lifecycle_store.h"
#include "services/account/shared/handlers.h"

namespace kam::account::lifecycle {

class LifecycleService final : public Handlers<LifecycleStore> {
 public:
  using Handlers::Handlers;

  absl::Status TransitionStage(const Ctx& ctx, const v1::TransitionStageRequest& request,
                               v1::TransitionStageResponse* response);
  absl::Status ListStageHistory(const Ctx& ctx, const v1::ListStageHistoryRequest& request,
                                v1::ListStageHistoryResponse* response);
  absl::Status GetStagePlaybook(const Ctx& ctx, const v1::GetStagePlaybookRequest& request,
                                v1::StagePlaybook* response);
  // The book's stage settings ("stageSettings"): the band version of the
  // stage machine (docs/domain.md §4). Update is admin only (the access
  // table), ABORTED on a stale etag.
  absl::Status GetStageSettings(const Ctx& ctx, const v1::GetStageSettingsRequest& request,
                                v1::StageSettings* response);
  absl::Status UpdateStageSettings(const Ctx& ctx, const v1::UpdateStageSettingsRequest& request,
                                   v1::StageSettings* response);

  absl::Status MarkChurned(const Ctx& ctx, const v1::MarkChurnedRequest& request,
                           v1::MarkChurnedResponse* response);
  // A churned account comes back at DEVELOPMENT (docs/domain.md §5).
  absl::Status RecordWinBack(const Ctx& ctx, const v1::RecordWinBackRequest& request,
                             v1::RecordWinBackResponse* response);
  absl::Status ListChurnHistory(const Ctx& ctx, const v1::ListChurnHistoryRequest& request,
                                v1::ListChurnHistoryResponse* response);
};

}  // namespace kam::account::lifecycle
