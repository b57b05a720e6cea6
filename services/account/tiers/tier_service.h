// The tier handlers of kam.account.v1.AccountService: SetAccountTiers, by
// which the scoring service publishes a rating run's tiers (docs/domain.md
// §2), and the tier history of an account.
#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/server/grpc_server.h"
#include "kam/account/v1/account.grpc.pb.h"
#include "services/account/shared/handlers.h"
#include "services/account/tiers/tier_store.h"

namespace kam::account::tiers {

// Whether `stamped` (the run whose tier an account holds) is a later run
// than `run`. Run names order by their trailing number when the rest is the
// same ("ratingRuns/10" is later than "ratingRuns/9": the scoring service
// numbers runs in the order they were started); names that do not compare
// so have no order, and the run publishing now wins, as it always did.
bool IsLaterRun(absl::string_view stamped, absl::string_view run);

class TierService final : public Handlers<TierStore> {
 public:
  using Handlers::Handlers;

  // One transaction per batch. Idempotent per rating run: an account the
  // run already tiered is counted as already applied and not written again.
  // Never lets an older run overwrite a newer one (IsLaterRun): an account
  // a later run already tiered is left alone and counted as already applied
  // too, so a run that finishes after a newer one (two scoring replicas)
  // changes nothing the newer one published.
  absl::Status SetAccountTiers(const Ctx& ctx, const v1::SetAccountTiersRequest& request,
                               v1::SetAccountTiersResponse* response);
  absl::Status ListTierHistory(const Ctx& ctx, const v1::ListTierHistoryRequest& request,
                               v1::ListTierHistoryResponse* response);
};

}  // namespace kam::account::tiers
