// kam.interaction.v1.CreditHoldService: reading and lifting an account's
// credit hold (docs/domain.md §8, payment discipline). The hold is computed
// from the invoices and the lifts (hold_check.h, strikes.h) in a billing
// transaction: a lift takes the account's billing lock first, as an order
// does, so the two see each other's commits one at a time.
#pragma once

#include "absl/status/status.h"
#include "common/server/grpc_server.h"
#include "kam/interaction/v1/billing.grpc.pb.h"
#include "services/interaction/billing/billing_store.h"
#include "services/interaction/credit_hold/credit_hold_store.h"
#include "services/interaction/shared/handlers.h"

namespace kam::interaction::credit_hold {

class CreditHoldService final : public Handlers<billing::BillingStore> {
 public:
  using Handlers::Handlers;

  // Registers the service and every method with `server` (before Start).
  void Register(common::GrpcServer& server);

  absl::Status GetCreditHold(const Ctx&, const v1::GetCreditHoldRequest&, v1::CreditHold*);
  absl::Status LiftCreditHold(const Ctx&, const v1::LiftCreditHoldRequest&, v1::CreditHold*);
  absl::Status GetCreditHoldPolicy(const Ctx&, const v1::GetCreditHoldPolicyRequest&,
                                   v1::CreditHoldPolicy*);
  absl::Status UpdateCreditHoldPolicy(const Ctx&, const v1::UpdateCreditHoldPolicyRequest&,
                                      v1::CreditHoldPolicy*);

 private:
  // The settings row, read in a transaction of its own.
  absl::StatusOr<StoredHoldPolicy> ReadPolicy();

  v1::CreditHoldService::Service service_;
};

}  // namespace kam::interaction::credit_hold
