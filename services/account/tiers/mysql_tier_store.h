// The tiers area on MySQL: the tier columns of accounts and table
// tier_changes. Prepared statements only; database errors become statuses
// at Step / WithConnection.
#ifndef KAM_SERVICES_ACCOUNT_TIERS_MYSQL_TIER_STORE_H_
#define KAM_SERVICES_ACCOUNT_TIERS_MYSQL_TIER_STORE_H_

#include "common/db/id_allocator.h"
#include "common/db/mysql_pool.h"
#include "common/db/transaction.h"
#include "services/account/tiers/tier_store.h"

namespace kam::account::tiers {

class MySqlTierTx final : public common::StoreTx, public TierTx {
 public:
  // Ids of new history rows come from `tier_change_ids`.
  MySqlTierTx(common::SqlConnection& connection, absl::string_view context,
              common::IdAllocator* tier_change_ids)
      : StoreTx(connection, context), tier_change_ids_(tier_change_ids) {}

  absl::StatusOr<std::map<int64_t, TierState>> LockTierStates(
      const std::vector<int64_t>& ids) override;
  absl::Status SetTiers(const std::vector<TierUpdate>& updates, const std::string& rating_run,
                        const std::string& policy_version, absl::Time now) override;

 private:
  common::IdAllocator* tier_change_ids_;
};

class MySqlTierStore final : public TierStore {
 public:
  explicit MySqlTierStore(common::ConnectionPool* pool)
      : pool_(pool), tier_change_ids_(pool, "tier_changes") {}

  // The steps of a transaction on `connection`.
  MySqlTierTx Tx(common::SqlConnection& connection, absl::string_view context) {
    return MySqlTierTx(connection, context, &tier_change_ids_);
  }

  absl::StatusOr<common::Page<TierChangeRow>> ListTierChanges(
      int64_t account_id, const std::optional<common::PageCursor>& cursor, int limit) override;

 private:
  common::ConnectionPool* pool_;
  common::IdAllocator tier_change_ids_;
};

}  // namespace kam::account::tiers

#endif  // KAM_SERVICES_ACCOUNT_TIERS_MYSQL_TIER_STORE_H_
