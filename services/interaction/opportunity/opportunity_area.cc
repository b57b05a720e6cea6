// The opportunity area: the key-account sales pipeline of docs/domain.md §6
// (kam.interaction.v1.OpportunityService). No background work.
#include <memory>
#include <string>
#include <vector>

#include "services/interaction/opportunity/mysql_opportunity_store.h"
#include "services/interaction/opportunity/opportunity_service.h"
#include "services/interaction/shared/area.h"

namespace kam::interaction {
namespace {

class OpportunityArea final : public Area {
 public:
  explicit OpportunityArea(const AreaDeps& deps)
      : store_(deps.pool), service_(&store_, deps.accounts) {}

  void Register(common::GrpcServer& server) override { service_.Register(server); }

 private:
  opportunity::MySqlOpportunityStore store_;
  opportunity::OpportunityService service_;
};

}  // namespace

std::unique_ptr<Area> MakeOpportunityArea(const AreaDeps& deps) {
  return std::make_unique<OpportunityArea>(deps);
}

}  // namespace kam::interaction
