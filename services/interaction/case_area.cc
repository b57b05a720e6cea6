// Placeholder until the case area is built: registers nothing.
#include "services/interaction/area.h"

namespace kam::interaction {
namespace {

class CaseArea final : public Area {
 public:
  void Register(common::GrpcServer&) override {}
  std::vector<std::string> ServiceNames() const override { return {}; }
};

}  // namespace

std::unique_ptr<Area> MakeCaseArea(const AreaDeps&) { return std::make_unique<CaseArea>(); }

}  // namespace kam::interaction
