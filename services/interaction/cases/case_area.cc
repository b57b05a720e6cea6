// The service-case area: kam.interaction.v1.ServiceCaseService (cases, SLA
// policies, routing, the on-demand sweep) and
// kam.interaction.v1.SatisfactionService (surveys), plus the background SLA
// breach sweeper that runs every AreaDeps::sweep_interval.
#include <memory>

#include "services/interaction/shared/area.h"
#include "services/interaction/cases/case_service.h"
#include "services/interaction/cases/case_store.h"
#include "services/interaction/cases/sla_sweeper.h"
#include "services/interaction/satisfaction/survey_service.h"
#include "services/interaction/satisfaction/survey_store.h"

namespace kam::interaction {
namespace {

class CaseArea final : public Area {
 public:
  explicit CaseArea(const AreaDeps& deps)
      : case_store_(deps.pool),
        survey_store_(deps.pool),
        sweeper_(&case_store_, deps.sweep_interval),
        cases_(&case_store_, deps.accounts, &sweeper_),
        surveys_(&survey_store_, &case_store_, deps.accounts) {}

  void Register(common::GrpcServer& server) override {
    cases_.Register(server);
    surveys_.Register(server);
  }

  void StartBackground() override { sweeper_.Start(); }
  void StopBackground() override { sweeper_.Stop(); }

 private:
  cases::CaseStore case_store_;
  cases::SurveyStore survey_store_;
  cases::SlaSweeper sweeper_;
  cases::CaseService cases_;
  cases::SurveyService surveys_;
};

}  // namespace

std::unique_ptr<Area> MakeCaseArea(const AreaDeps& deps) {
  return std::make_unique<CaseArea>(deps);
}

}  // namespace kam::interaction
