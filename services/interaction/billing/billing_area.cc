// The billing area: orders, invoices, payments, the credit check,
// receivables ageing and collection figures (docs/domain.md §8), served as
// kam.interaction.v1.BillingService (protos/kam/interaction/v1/billing.proto).
#include <memory>

#include "services/interaction/billing/billing_service.h"
#include "services/interaction/billing/mysql_billing_store.h"
#include "services/interaction/shared/area.h"

namespace kam::interaction {
namespace {

class BillingArea final : public Area {
 public:
  explicit BillingArea(const AreaDeps& deps)
      : store_(deps.pool), service_(&store_, deps.accounts) {}

  void Register(common::GrpcServer& server) override { service_.Register(server); }

 private:
  billing::MySqlBillingStore store_;
  billing::BillingService service_;
};

}  // namespace

std::unique_ptr<Area> MakeBillingArea(const AreaDeps& deps) {
  return std::make_unique<BillingArea>(deps);
}

}  // namespace kam::interaction
