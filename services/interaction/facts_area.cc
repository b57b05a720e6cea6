// Placeholder until the facts area is built: registers nothing.
#include "services/interaction/area.h"

namespace kam::interaction {
namespace {

class FactsArea final : public Area {
 public:
  void Register(common::GrpcServer&) override {}
  std::vector<std::string> ServiceNames() const override { return {}; }
};

}  // namespace

std::unique_ptr<Area> MakeFactsArea(const AreaDeps&) { return std::make_unique<FactsArea>(); }

}  // namespace kam::interaction
