// The opportunity area: the key-account sales pipeline of docs/domain.md §6
// (kam.interaction.v1.OpportunityService). No background work.
#include <memory>

#include "services/interaction/opportunity/opportunity_service.h"
#include "services/interaction/opportunity/opportunity_store.h"
#include "services/interaction/shared/area.h"

namespace kam::interaction {

std::unique_ptr<Area> MakeOpportunityArea(const AreaDeps& deps) {
  auto store = opportunity::NewMySqlOpportunityStore(deps.pool);
  auto service = std::make_unique<opportunity::OpportunityService>(store.get(), deps.accounts);
  return AreaOf(std::move(service), std::move(store));
}

}  // namespace kam::interaction
