#include "services/account/account_module.h"

#include <memory>

#include "common/server/service_methods.h"
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

using accounts::AccountService;
using contacts::ContactService;
using exports::ExportService;
using lifecycle::LifecycleService;
using team::TeamService;
using tiers::TierService;

// Every area's handlers on one MySqlAccountDatabase. The areas share one
// generated kam.account.v1.AccountService, so the list of what it serves,
// area by area, is here, in one place.
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
    // The methods of kam.account.v1.AccountService, area by area.
    auto serve = [&](auto* handlers, auto... methods) {
      common::ServeMethods(server, &service_, handlers, methods...);
    };
    serve(&accounts_, &AccountService::CreateAccount, &AccountService::BatchCreateAccounts,
          &AccountService::GetAccount, &AccountService::BatchGetAccounts,
          &AccountService::ListAccounts, &AccountService::UpdateAccount,
          &AccountService::DeleteAccount, &AccountService::UndeleteAccount,
          &AccountService::ListAccountAncestors, &AccountService::ListAccountDescendants,
          &AccountService::GetGroupSummary);
    serve(&contacts_, &ContactService::CreateContact, &ContactService::BatchCreateContacts,
          &ContactService::GetContact, &ContactService::ListContacts,
          &ContactService::UpdateContact, &ContactService::DeleteContact,
          &ContactService::UndeleteContact);
    serve(&team_, &TeamService::AddTeamMember, &TeamService::EndTeamMembership,
          &TeamService::ListTeamMemberships, &TeamService::ListTeamAccounts);
    serve(&lifecycle_, &LifecycleService::TransitionStage, &LifecycleService::ListStageHistory,
          &LifecycleService::GetStagePlaybook, &LifecycleService::GetStageSettings,
          &LifecycleService::UpdateStageSettings, &LifecycleService::MarkChurned,
          &LifecycleService::RecordWinBack, &LifecycleService::ListChurnHistory);
    serve(&tiers_, &TierService::SetAccountTiers, &TierService::ListTierHistory);
    // Its own generated service: kam.account.v1.AccountExportService.
    common::ServeMethods(server, &export_service_, &export_, &ExportService::ExportAccounts);
  }

 private:
  MySqlAccountDatabase db_;
  v1::AccountService::Service service_;
  v1::AccountExportService::Service export_service_;
  AccountService accounts_;
  ContactService contacts_;
  TeamService team_;
  LifecycleService lifecycle_;
  TierService tiers_;
  ExportService export_;
};

}  // namespace

absl::StatusOr<common::ServiceModules> BuildModules(common::ConnectionPool& pool) {
  common::ServiceModules modules;
  modules.push_back(std::make_unique<AccountModule>(&pool));
  return modules;
}

}  // namespace kam::account
