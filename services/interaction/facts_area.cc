// The facts area: FactsService, read-only aggregates for the scoring
// service (facts.proto).
#include <memory>

#include "services/interaction/area.h"
#include "services/interaction/facts_service.h"
#include "services/interaction/facts_store.h"

namespace kam::interaction {
namespace {

class FactsArea final : public Area {
 public:
  explicit FactsArea(const AreaDeps& deps) : store_(deps.pool) {}

  void Register(common::GrpcServer& server) override {
    service_ = std::make_unique<facts::FactsService>(&store_, &server);
    server.RegisterService(service_.get());
  }
  std::vector<std::string> ServiceNames() const override {
    return {"kam.interaction.v1.FactsService"};
  }

 private:
  facts::FactsStore store_;
  std::unique_ptr<facts::FactsService> service_;
};

}  // namespace

std::unique_ptr<Area> MakeFactsArea(const AreaDeps& deps) {
  return std::make_unique<FactsArea>(deps);
}

}  // namespace kam::interaction
