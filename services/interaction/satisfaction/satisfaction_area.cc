// The satisfaction area: kam.interaction.v1.SatisfactionService (survey
// responses and their summaries).
#include <memory>

#include "services/interaction/cases/case_store.h"
#include "services/interaction/satisfaction/satisfaction_cases.h"
#include "services/interaction/satisfaction/satisfaction_service.h"
#include "services/interaction/satisfaction/satisfaction_store.h"
#include "services/interaction/shared/area.h"

namespace kam::interaction {

std::unique_ptr<Area> MakeSatisfactionArea(const AreaDeps& deps) {
  auto store = satisfaction::NewMySqlSatisfactionStore(deps.pool);
  // Read only: the case a response follows (its id allocators stay unused).
  auto case_store = cases::NewMySqlCaseStore(deps.pool);
  auto cases = std::make_unique<satisfaction::CaseStoreLookup>(case_store.get());
  auto service =
      std::make_unique<satisfaction::SatisfactionService>(store.get(), deps.accounts, cases.get());
  return AreaOf(std::move(service), std::move(store), std::move(case_store), std::move(cases));
}

}  // namespace kam::interaction
