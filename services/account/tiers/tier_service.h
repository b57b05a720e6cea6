// The tier handlers of kam.account.v1.AccountService: SetAccountTiers, by
// which the scoring service publishes a rating run's tiers (docs/domain.md
// §2), and the tier history of an account.
#pragma once

#include "absl/status/status.h"
#include "common/server/grpc_server.h"
#include "kam/account/v1/account.grpc.pb.h"
#include "services/account/shared/transaction.h"
#include "services/account/tiers/tier_store.h"

namespace kam::account::tiers {

class TierService final {
 public:
  using Ctx = common::CallContext;

  TierService(TierStore* store, Transactions* transactions)
      : store_(store), transactions_(transactions) {}

  // Serves these methods of `service` (shared with the other areas).
  void Register(common::GrpcServer& server, v1::AccountService::Service* service);

  // One transaction per batch. Idempotent per rating run: an account the
  // run already tiered is counted as already applied and not written again.
  absl::Status SetAccountTiers(const Ctx& ctx, const v1::SetAccountTiersRequest& request,
                               v1::SetAccountTiersResponse* response);
  absl::Status ListTierHistory(const Ctx& ctx, const v1::ListTierHistoryRequest& request,
                               v1::ListTierHistoryResponse* response);

 private:
  TierStore* store_;
  Transactions* transactions_;
};

}  // namespace kam::account::tiers
