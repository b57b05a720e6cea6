#include "services/interaction/credit_hold/hold_check.h"

#include <utility>
#include <vector>

#include "common/base/status_macros.h"
#include "services/interaction/shared/names.h"

namespace kam::interaction::credit_hold {

absl::StatusOr<HoldState> ReadHold(CreditHoldSteps& steps, int64_t account_id, absl::Time now) {
  HoldState state;
  KAM_ASSIGN_OR_RETURN(StoredHoldPolicy policy, steps.Settings());
  state.settings = policy.settings;
  KAM_ASSIGN_OR_RETURN(
      state.late,
      steps.LateInvoices(account_id, now - absl::Hours(24) * state.settings.strike_days,
                         state.settings));
  KAM_ASSIGN_OR_RETURN(state.last_lift, steps.LastLift(account_id));
  state.decision = DecideHold(state.late, state.settings, state.last_lift, now);
  return state;
}

void WithLift(Lift lift, absl::Time now, HoldState* state) {
  state->last_lift = std::move(lift);
  state->decision = DecideHold(state->late, state->settings, state->last_lift, now);
}

absl::Status CheckNotOnHold(CreditHoldSteps& steps, int64_t account_id, absl::Time now) {
  KAM_ASSIGN_OR_RETURN(HoldState state, ReadHold(steps, account_id, now));
  return RefuseOnHold(AccountName(account_id), state.decision, state.settings);
}

}  // namespace kam::interaction::credit_hold
