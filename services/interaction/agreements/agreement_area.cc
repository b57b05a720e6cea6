// The agreements area: cooperation agreements of key accounts
// (kam.interaction.v1.AgreementService, docs/domain.md §6a). No background
// work: states are computed on read, and alerts before an agreement ends
// come from the scoring service's runs (through the facts stream).
#include <memory>

#include "services/interaction/agreements/agreement_service.h"
#include "services/interaction/agreements/agreement_store.h"
#include "services/interaction/shared/area.h"

namespace kam::interaction {

std::unique_ptr<Area> MakeAgreementArea(const AreaDeps& deps) {
  auto store = agreements::NewMySqlAgreementStore(deps.pool);
  auto service = std::make_unique<agreements::AgreementService>(store.get(), deps.accounts);
  return AreaOf(std::move(service), std::move(store));
}

}  // namespace kam::interaction
