// The billing area: orders, invoices, payments, the credit check,
// receivables ageing and collection figures (docs/domain.md §8), served as
// kam.interaction.v1.BillingService (protos/kam/interaction/v1/billing.proto).
#include <memory>

#include "services/interaction/billing/billing_service.h"
#include "services/interaction/billing/billing_store.h"
#include "services/interaction/shared/area.h"

namespace kam::interaction {

std::unique_ptr<Area> MakeBillingArea(const AreaDeps& deps) {
  auto store = billing::NewMySqlBillingStore(deps.pool);
  auto figures = billing::NewMySqlBillingFigures(deps.pool);
  auto service =
      std::make_unique<billing::BillingService>(store.get(), deps.accounts, figures.get());
  return AreaOf(std::move(service), std::move(store), std::move(figures));
}

}  // namespace kam::interaction
