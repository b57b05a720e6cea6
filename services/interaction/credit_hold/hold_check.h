// The credit hold of one account as the steps of a transaction read it:
// the settings, the late invoices, the last lift, and the rules'
// decision (strikes.h). Used by BillingService at order time, inside its
// transaction after the account's billing lock, and by CreditHoldService.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/interaction/credit_hold/credit_hold_store.h"
#include "services/interaction/credit_hold/strikes.h"

namespace kam::interaction::credit_hold {

struct HoldState {
  StrikeSettings settings;
  std::vector<InvoiceDates> late;  // the candidates the decision was made from
  std::optional<Lift> last_lift;
  HoldDecision decision;
};

// The account's hold at `now`.
absl::StatusOr<HoldState> ReadHold(CreditHoldSteps& steps, int64_t account_id, absl::Time now);

// The hold once `lift` (at `now`) is recorded: decided again from the same
// invoices, without reading them again.
void WithLift(Lift lift, absl::Time now, HoldState* state);

// OK unless the account is on hold at `now`; FAILED_PRECONDITION naming the
// hold and the strike count otherwise (RefuseOnHold). For an order on
// credit only: a prepaid order skips it.
absl::Status CheckNotOnHold(CreditHoldSteps& steps, int64_t account_id, absl::Time now);

}  // namespace kam::interaction::credit_hold
