// kam-interaction: the interaction service process. Wiring only: its flags,
// the account client and the seven areas (shared/area.h); common::RunService
// does the rest.
#include <memory>
#include <vector>

#include "absl/flags/flag.h"
#include "common/db/migrator.h"
#include "common/server/run_service.h"
#include "services/interaction/shared/account_client.h"
#include "services/interaction/shared/area.h"

ABSL_FLAG(std::string, account_service, "127.0.0.1:50051", "the account service's address");
ABSL_FLAG(absl::Duration, account_deadline, absl::Seconds(2),
          "deadline of each call to the account service");
ABSL_FLAG(int, account_max_in_flight, 6,
          "calls that may wait on the account service at once holding a thread (look-ups not "
          "fetched ahead of the handler); more fail at once with UNAVAILABLE. Keep it below "
          "--threads, so calls that need no account keep threads while the account service is "
          "slow");
ABSL_FLAG(int, account_max_prefetching, 256,
          "creates whose account is being fetched from the account service at once (they "
          "hold no thread while they wait); more fail at once with UNAVAILABLE");
ABSL_FLAG(absl::Duration, sweep_interval, absl::Seconds(10),
          "how often background work (SLA breach escalation) runs");

namespace kam::interaction {
const std::vector<common::Migration>& Migrations();

namespace {

// A module of its own so that it outlives the areas that use it (modules are
// destroyed in reverse order).
class AccountClientModule final : public common::ServiceModule {
 public:
  AccountClientModule()
      : client(NewGrpcAccountClient(absl::GetFlag(FLAGS_account_service),
                                    absl::GetFlag(FLAGS_account_deadline),
                                    absl::GetFlag(FLAGS_account_max_in_flight),
                                    absl::GetFlag(FLAGS_account_max_prefetching))) {}
  void Register(common::GrpcServer& server) override {
    PrefetchAccountsOfCreates(server, client.get());
  }
  std::unique_ptr<AccountClient> client;
};

absl::StatusOr<common::ServiceModules> Build(common::ConnectionPool& pool) {
  common::ServiceModules modules;
  auto accounts = std::make_unique<AccountClientModule>();
  const AreaDeps deps{&pool, accounts->client.get(), absl::GetFlag(FLAGS_sweep_interval)};
  modules.push_back(std::move(accounts));
  modules.push_back(MakeActivityArea(deps));
  modules.push_back(MakeCaseArea(deps));
  modules.push_back(MakeSatisfactionArea(deps));
  modules.push_back(MakeBillingArea(deps));
  modules.push_back(MakeOpportunityArea(deps));
  modules.push_back(MakeAgreementArea(deps));
  modules.push_back(MakeFactsArea(deps));
  return modules;
}

}  // namespace
}  // namespace kam::interaction

int main(int argc, char** argv) {
  kam::common::ServiceDefinition service = kam::common::StandardService("interaction", 50052);
  service.extra_flags = {"account_service", "account_deadline", "account_max_in_flight",
                         "account_max_prefetching", "sweep_interval"};
  service.migrations = &kam::interaction::Migrations();
  service.build = kam::interaction::Build;
  return kam::common::RunService(argc, argv, service);
}
