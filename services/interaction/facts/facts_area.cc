// The facts area: FactsService, read-only aggregates for the scoring
// service (facts.proto).
#include <memory>

#include "services/interaction/facts/facts_service.h"
#include "services/interaction/facts/mysql_facts_store.h"
#include "services/interaction/shared/area.h"

namespace kam::interaction {
namespace {

class FactsArea final : public Area {
 public:
  explicit FactsArea(const AreaDeps& deps) : store_(deps.pool), service_(&store_) {}

  void Register(common::GrpcServer& server) override { service_.Register(server); }

 private:
  facts::MySqlFactsStore store_;
  facts::FactsService service_;
};

}  // namespace

std::unique_ptr<Area> MakeFactsArea(const AreaDeps& deps) {
  return std::make_unique<FactsArea>(deps);
}

}  // namespace kam::interaction
