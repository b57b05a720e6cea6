// The satisfaction area: kam.interaction.v1.SatisfactionService (survey
// responses and their summaries).
#include <memory>

#include "services/interaction/cases/mysql_case_store.h"
#include "services/interaction/satisfaction/mysql_satisfaction_store.h"
#include "services/interaction/satisfaction/satisfaction_cases.h"
#include "services/interaction/satisfaction/satisfaction_service.h"
#include "services/interaction/shared/area.h"

namespace kam::interaction {
namespace {

class SatisfactionArea final : public Area {
 public:
  SatisfactionArea(common::ConnectionPool* pool, AccountClient* accounts)
      : store_(pool),
        case_store_(pool),
        cases_(&case_store_),
        service_(&store_, &cases_, accounts) {}

  void Register(common::GrpcServer& server) override { service_.Register(server); }

 private:
  satisfaction::MySqlSatisfactionStore store_;
  // Read only: the case a response follows (its id allocators stay unused).
  cases::MySqlCaseStore case_store_;
  satisfaction::CaseStoreLookup cases_;
  satisfaction::SatisfactionService service_;
};

}  // namespace

std::unique_ptr<Area> MakeSatisfactionArea(const AreaDeps& deps) {
  return std::make_unique<SatisfactionArea>(deps.pool, deps.accounts);
}

}  // namespace kam::interaction
