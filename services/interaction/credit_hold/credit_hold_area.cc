// The credit hold area: reading and lifting an account's credit hold
// (docs/domain.md §8, three strikes), served as
// kam.interaction.v1.CreditHoldService (protos/kam/interaction/v1/
// billing.proto) over a billing store of its own: its transactions take
// the billing area's account lock and read the billing area's invoices.
#include <memory>

#include "services/interaction/billing/billing_store.h"
#include "services/interaction/credit_hold/credit_hold_service.h"
#include "services/interaction/shared/area.h"

namespace kam::interaction {

std::unique_ptr<Area> MakeCreditHoldArea(const AreaDeps& deps) {
  return StoreArea<credit_hold::CreditHoldService>(billing::NewMySqlBillingStore(deps.pool), deps);
}

}  // namespace kam::interaction
