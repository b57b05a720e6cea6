// kam-account: the account service process. Wiring only: the store and the
// two gRPC services (account_service.h, account_export_service.h);
// common::RunService does the rest.
#include <memory>

#include "common/server/run_service.h"
#include "services/account/account_export_service.h"
#include "services/account/account_service.h"
#include "services/account/account_store.h"

namespace kam::account {
namespace {

class AccountModule final : public common::ServiceModule {
 public:
  explicit AccountModule(common::ConnectionPool* pool)
      : store_(pool), accounts_(&store_), export_(&store_) {}

  void Register(common::GrpcServer& server) override {
    accounts_.Register(server);
    export_.Register(server);
  }

 private:
  AccountStore store_;
  AccountService accounts_;
  AccountExportService export_;
};

absl::StatusOr<common::ServiceModules> Build(common::ConnectionPool& pool) {
  common::ServiceModules modules;
  modules.push_back(std::make_unique<AccountModule>(&pool));
  return modules;
}

}  // namespace
}  // namespace kam::account

int main(int argc, char** argv) {
  return kam::common::RunService(argc, argv,
                                 {.program = "kam-account",
                                  .defaults = {.env_prefix = "KAM_ACCOUNT",
                                               .listen = "127.0.0.1:50051",
                                               .db_name = "kam_account",
                                               .db_user = "kam_account"},
                                  .extra_flags = {},
                                  .migrations = &kam::account::Migrations(),
                                  .build = kam::account::Build});
}
