// The tier handlers of kam.account.v1.AccountService: SetAccountTiers, by
// which the scoring service publishes a rating run's tiers (docs/domain.md
// §2), and the tier history of an account.
#pragma once

#include "absl/status/status.h"
#include "common/server/grpc_server.h"
#include "kam/account/v1/account.grpc.pb.h"
#include "services/account/shared/handlers.h"
#include "services/account/tiers/tier_store.h"

namespace kam::account::tiers {

class TierService final : public Handlers<TierStore> {
 public:
  using Handlers::Handlers;

  // One transaction per batch. Idempotent per rating run: an account the
  // run already tiered is counted as already applied and not written again.
  absl::Status SetAccountTiers(const Ctx& ctx, const v1::SetAccountTiersRequest& request,
                               v1::SetAccountTiersResponse* response);
  absl::Status ListTierHistory(const Ctx& ctx, const v1::ListTierHistoryRequest& request,
                               v1::ListTierHistoryResponse* response);
};

}  // namespace kam::account::tiers
