#include "services/account/mysql_account_database.h"

#include "common/db/transaction.h"

namespace kam::account {
namespace {

// Every area's steps on one connection: one transaction.
class MySqlTransaction final : public Transaction {
 public:
  MySqlTransaction(common::SqlConnection& connection, absl::string_view context,
                   team::MySqlTeamStore& team, lifecycle::MySqlLifecycleStore& lifecycle,
                   tiers::MySqlTierStore& tiers)
      : accounts_(connection, context),
        contacts_(connection, context),
        team_(team.Tx(connection, context)),
        lifecycle_(lifecycle.Tx(connection, context)),
        tiers_(tiers.Tx(connection, context)) {}

  accounts::AccountTx& accounts() override { return accounts_; }
  contacts::ContactTx& contacts() override { return contacts_; }
  team::TeamTx& team() override { return team_; }
  lifecycle::LifecycleTx& lifecycle() override { return lifecycle_; }
  tiers::TierTx& tiers() override { return tiers_; }

 private:
  accounts::MySqlAccountTx accounts_;
  contacts::MySqlContactTx contacts_;
  team::MySqlTeamTx team_;
  lifecycle::MySqlLifecycleTx lifecycle_;
  tiers::MySqlTierTx tiers_;
};

}  // namespace

MySqlAccountDatabase::MySqlAccountDatabase(common::ConnectionPool* pool)
    : pool_(pool),
      accounts_(pool),
      contacts_(pool),
      team_(pool),
      lifecycle_(pool),
      tiers_(pool),
      exports_(pool) {}

absl::Status MySqlAccountDatabase::Transact(absl::string_view context,
                                            absl::FunctionRef<absl::Status(Transaction& tx)> fn) {
  return common::RunInTransaction(*pool_, context, [&](common::SqlConnection& connection) {
    MySqlTransaction tx(connection, context, team_, lifecycle_, tiers_);
    return fn(tx);
  });
}

}  // namespace kam::account
