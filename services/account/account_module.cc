#include "services/account/account_module.h"

#include <memory>

#include "kam/account/v1/account.grpc.pb.h"
#include "services/account/accounts/account_service.h"
#include "services/account/contacts/contact_service.h"
#include "services/account/exports/export_service.h"
#include "services/account/lifecycle/lifecycle_service.h"
#include "services/account/mysql_account_database.h"
#include "services/account/team/team_service.h"
#include "services/account/tiers/tier_service.h"

namespace kam::account {
namespace {

class AccountModule final : public common::ServiceModule {
 public:
  explicit AccountModule(common::ConnectionPool* pool)
      : db_(pool),
        accounts_(&db_, &db_),
        contacts_(&db_, &db_),
        team_(&db_, &db_),
        lifecycle_(&db_, &db_),
        tiers_(&db_, &db_),
        export_(&db_) {}

  void Register(common::GrpcServer& server) override {
    accounts_.Register(server, &service_);
    contacts_.Register(server, &service_);
    team_.Register(server, &service_);
    lifecycle_.Register(server, &service_);
    tiers_.Register(server, &service_);
    export_.Register(server);
  }

 private:
  MySqlAccountDatabase db_;
  v1::AccountService::Service service_;
  accounts::AccountService accounts_;
  contacts::ContactService contacts_;
  team::TeamService team_;
  lifecycle::LifecycleService lifecycle_;
  tiers::TierService tiers_;
  exports::ExportService export_;
};

}  // namespace

absl::StatusOr<common::ServiceModules> BuildModules(common::ConnectionPool& pool) {
  common::ServiceModules modules;
  modules.push_back(std::make_unique<AccountModule>(&pool));
  return modules;
}

}  // namespace kam::account
