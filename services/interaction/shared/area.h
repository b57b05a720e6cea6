// The interaction service is five gRPC services in one process (package
// kam.interaction.v1, port 50052): activities, service cases (with
// satisfaction surveys), billing, opportunities and the facts stream for
// scoring. Each is an area: its own proto, handlers, store, pure rules,
// migration and tests. main.cc wires them through this interface.
#ifndef KAM_SERVICES_INTERACTION_SHARED_AREA_H_
#define KAM_SERVICES_INTERACTION_SHARED_AREA_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/db/mysql_pool.h"
#include "common/server/grpc_server.h"
#include "common/server/run_service.h"
#include "services/interaction/shared/account_client.h"

namespace kam::interaction {

// What every area gets from main.
struct AreaDeps {
  common::ConnectionPool* pool;    // kam_interaction
  AccountClient* accounts;         // the account service
  // How often background work (SLA breach escalation) runs.
  absl::Duration sweep_interval = absl::Seconds(10);
};

// An area is one part of the service process (common/server/run_service.h).
using Area = common::ServiceModule;

std::unique_ptr<Area> MakeActivityArea(const AreaDeps& deps);
std::unique_ptr<Area> MakeCaseArea(const AreaDeps& deps);
std::unique_ptr<Area> MakeSatisfactionArea(const AreaDeps& deps);
std::unique_ptr<Area> MakeBillingArea(const AreaDeps& deps);
std::unique_ptr<Area> MakeOpportunityArea(const AreaDeps& deps);
std::unique_ptr<Area> MakeFactsArea(const AreaDeps& deps);

}  // namespace kam::interaction

#endif  // KAM_SERVICES_INTERACTION_SHARED_AREA_H_
