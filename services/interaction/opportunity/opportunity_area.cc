// The opportunity area: the key-account sales pipeline of docs/domain.md §6
// (kam.interaction.v1.OpportunityService). No background work.
#include <memory>

#include "services/interaction/opportunity/opportunity_service.h"
#include "services/interaction/opportunity/opportunity_store.h"
#include "services/interaction/shared/area.h"

namespace kam::interaction {

std::unique_ptr<Area> MakeOpportunityArea(const AreaDeps& deps) {
  return StoreArea<opportunity::OpportunityService>(opportunity::NewMySqlOpportunityStore(deps.pool), deps);
}

}  // namespace kam::interaction
