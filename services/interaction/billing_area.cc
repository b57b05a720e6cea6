// Placeholder until the billing area is built: registers nothing.
#include "services/interaction/area.h"

namespace kam::interaction {
namespace {

class BillingArea final : public Area {
 public:
  void Register(common::GrpcServer&) override {}
  std::vector<std::string> ServiceNames() const override { return {}; }
};

}  // namespace

std::unique_ptr<Area> MakeBillingArea(const AreaDeps&) { return std::make_unique<BillingArea>(); }

}  // namespace kam::interaction
