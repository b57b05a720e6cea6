// The interaction service is seven gRPC services in one process (package
// kam.interaction.v1, port 50052), one per area: activities, service cases,
// satisfaction surveys, billing, opportunities, cooperation agreements and
// the facts stream for scoring. Each area has a folder of its own (activity/,
// cases/, satisfaction/, billing/, opportunity/, agreements/, facts/; the activity area's contact
// records and visit cadence have theirs too) with its handlers, store, pure
// rules and tests; the protos are in protos/kam/interaction/v1/, the tables
// in migrations/ (the facts stream owns none: it reads the others'). main.cc
// wires the areas through this interface.
#pragma once

#include <memory>
#include <tuple>
#include <utility>

#include "absl/time/time.h"
#include "common/db/mysql_pool.h"
#include "common/server/grpc_server.h"
#include "common/server/run_service.h"
#include "services/interaction/shared/account_client.h"

namespace kam::interaction {

// What every area gets from main.
struct AreaDeps {
  common::ConnectionPool* pool;  // kam_interaction
  AccountClient* accounts;       // the account service
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
std::unique_ptr<Area> MakeAgreementArea(const AreaDeps& deps);
std::unique_ptr<Area> MakeFactsArea(const AreaDeps& deps);

namespace internal {

template <typename Handlers, typename... Parts>
class HandlersArea final : public Area {
 public:
  HandlersArea(std::unique_ptr<Handlers> handlers, std::unique_ptr<Parts>... parts)
      : parts_(std::move(parts)...), handlers_(std::move(handlers)) {}

  void Register(common::GrpcServer& server) override { handlers_->Register(server); }

 private:
  std::tuple<std::unique_ptr<Parts>...> parts_;  // destroyed after the handlers
  std::unique_ptr<Handlers> handlers_;
};

}  // namespace internal

// An area without background work: one handler class (with
// Register(common::GrpcServer&)) and the parts it was built over (stores,
// lookups), which the area keeps alive as long as the handlers. The parts
// must not use each other when they are destroyed.
template <typename Handlers, typename... Parts>
std::unique_ptr<Area> AreaOf(std::unique_ptr<Handlers> handlers, std::unique_ptr<Parts>... parts) {
  return std::make_unique<internal::HandlersArea<Handlers, Parts...>>(std::move(handlers),
                                                                      std::move(parts)...);
}

// An area of one store and handlers built over it and the account client,
// Handlers(Store*, AccountClient*): the store lives as long as the handlers.
template <typename Handlers, typename Store>
std::unique_ptr<Area> StoreArea(std::unique_ptr<Store> store, const AreaDeps& deps) {
  auto handlers = std::make_unique<Handlers>(store.get(), deps.accounts);
  return AreaOf(std::move(handlers), std::move(store));
}

}  // namespace kam::interaction
