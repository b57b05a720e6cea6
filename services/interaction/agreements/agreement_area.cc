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
  return StoreArea<agreements::AgreementService>(agreements::NewMySqlAgreementStore(deps.pool), deps);
}

}  // namespace kam::interaction
