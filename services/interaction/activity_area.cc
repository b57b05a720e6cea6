// Placeholder until the activity area is built: registers nothing.
#include "services/interaction/area.h"

namespace kam::interaction {
namespace {

class ActivityArea final : public Area {
 public:
  void Register(common::GrpcServer&) override {}
  std::vector<std::string> ServiceNames() const override { return {}; }
};

}  // namespace

std::unique_ptr<Area> MakeActivityArea(const AreaDeps&) { return std::make_unique<ActivityArea>(); }

}  // namespace kam::interaction
