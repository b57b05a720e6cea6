// The account service on MySQL (schema kam_account): every area's store
// over one connection pool, and the transactions that offer every area's
// steps on one connection (shared/transaction.h).
#ifndef KAM_SERVICES_ACCOUNT_MYSQL_ACCOUNT_DATABASE_H_
#define KAM_SERVICES_ACCOUNT_MYSQL_ACCOUNT_DATABASE_H_

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/db/mysql_pool.h"
#include "services/account/accounts/mysql_account_store.h"
#include "services/account/contacts/mysql_contact_store.h"
#include "services/account/exports/mysql_export_store.h"
#include "services/account/lifecycle/mysql_lifecycle_store.h"
#include "services/account/shared/transaction.h"
#include "services/account/team/mysql_team_store.h"
#include "services/account/tiers/mysql_tier_store.h"

namespace kam::account {

class MySqlAccountDatabase final : public Transactions {
 public:
  explicit MySqlAccountDatabase(common::ConnectionPool* pool);

  accounts::AccountStore& accounts() { return accounts_; }
  contacts::ContactStore& contacts() { return contacts_; }
  team::TeamStore& team() { return team_; }
  lifecycle::LifecycleStore& lifecycle() { return lifecycle_; }
  tiers::TierStore& tiers() { return tiers_; }
  exports::ExportStore& exports() { return exports_; }

  // common::RunInTransaction: retried whole on deadlock.
  absl::Status Transact(absl::string_view context,
                        absl::FunctionRef<absl::Status(Transaction& tx)> fn) override;

 private:
  common::ConnectionPool* pool_;
  accounts::MySqlAccountStore accounts_;
  contacts::MySqlContactStore contacts_;
  team::MySqlTeamStore team_;
  lifecycle::MySqlLifecycleStore lifecycle_;
  tiers::MySqlTierStore tiers_;
  exports::MySqlExportStore exports_;
};

}  // namespace kam::account

#endif  // KAM_SERVICES_ACCOUNT_MYSQL_ACCOUNT_DATABASE_H_
