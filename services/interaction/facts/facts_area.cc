// The facts area: FactsService, read-only aggregates for the scoring
// service (facts.proto).
#include <memory>

#include "services/interaction/facts/facts_service.h"
#include "services/interaction/facts/facts_store.h"
#include "services/interaction/shared/area.h"

namespace kam::interaction {

std::unique_ptr<Area> MakeFactsArea(const AreaDeps& deps) {
  auto store = facts::NewMySqlFactsStore(deps.pool);
  auto service = std::make_unique<facts::FactsService>(store.get());
  return AreaOf(std::move(service), std::move(store));
}

}  // namespace kam::interaction
