// Placeholder until the opportunity area is built: registers nothing.
#include "services/interaction/area.h"

namespace kam::interaction {
namespace {

class OpportunityArea final : public Area {
 public:
  void Register(common::GrpcServer&) override {}
  std::vector<std::string> ServiceNames() const override { return {}; }
};

}  // namespace

std::unique_ptr<Area> MakeOpportunityArea(const AreaDeps&) { return std::make_unique<OpportunityArea>(); }

}  // namespace kam::interaction
