// The service-case area: kam.interaction.v1.ServiceCaseService (cases, SLA
// policies, routing, the on-demand sweep) and the background SLA breach
// sweeper that runs every AreaDeps::sweep_interval.
#include <memory>

#include "services/interaction/cases/case_service.h"
#include "services/interaction/cases/case_sla_sweeper.h"
#include "services/interaction/cases/case_store.h"
#include "services/interaction/shared/area.h"

namespace kam::interaction {
namespace {

class CaseArea final : public Area {
 public:
  explicit CaseArea(const AreaDeps& deps)
      : store_(cases::NewMySqlCaseStore(deps.pool)),
        sweeper_(store_.get(), deps.sweep_interval),
        service_(store_.get(), deps.accounts, &sweeper_) {}

  void Register(common::GrpcServer& server) override { service_.Register(server); }
  void StartBackground() override { sweeper_.Start(); }
  void StopBackground() override { sweeper_.Stop(); }

 private:
  std::unique_ptr<cases::CaseStore> store_;
  cases::SlaSweeper sweeper_;
  cases::CaseService service_;
};

}  // namespace

std::unique_ptr<Area> MakeCaseArea(const AreaDeps& deps) {
  return std::make_unique<CaseArea>(deps);
}

}  // namespace kam::interaction
