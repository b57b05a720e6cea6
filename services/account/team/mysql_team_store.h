// The team area on MySQL: table team_memberships. Prepared statements only;
// database errors become statuses at Step / WithConnection.
#ifndef KAM_SERVICES_ACCOUNT_TEAM_MYSQL_TEAM_STORE_H_
#define KAM_SERVICES_ACCOUNT_TEAM_MYSQL_TEAM_STORE_H_

#include "common/db/id_allocator.h"
#include "common/db/mysql_pool.h"
#include "common/db/transaction.h"
#include "services/account/team/team_store.h"

namespace kam::account::team {

class MySqlTeamTx final : public common::StoreTx, public TeamTx {
 public:
  // Ids of new memberships come from `membership_ids`.
  MySqlTeamTx(common::SqlConnection& connection, absl::string_view context,
              common::IdAllocator* membership_ids)
      : StoreTx(connection, context), membership_ids_(membership_ids) {}

  absl::StatusOr<std::optional<common::CreatedByRequest<StoredMembership>>> FindMembershipByRequest(
      const std::string& request_id) override;
  absl::StatusOr<std::optional<StoredMembership>> LockActiveAccountManager(
      int64_t account_id) override;
  absl::StatusOr<StoredMembership> LockMembership(int64_t account_id,
                                                  int64_t membership_id) override;
  absl::StatusOr<bool> HasActiveMembership(int64_t account_id, const std::string& user,
                                           v1::TeamRole role) override;
  absl::StatusOr<common::InsertOutcome> InsertMembership(StoredMembership* row,
                                                         const common::RequestKey& key) override;
  absl::Status EndMembership(int64_t membership_id, absl::Time end_time, const std::string& reason,
                             bool handover) override;

 private:
  common::IdAllocator* membership_ids_;
};

class MySqlTeamStore final : public TeamStore {
 public:
  explicit MySqlTeamStore(common::ConnectionPool* pool)
      : pool_(pool), membership_ids_(pool, "team_memberships") {}

  // The steps of a transaction on `connection`.
  MySqlTeamTx Tx(common::SqlConnection& connection, absl::string_view context) {
    return MySqlTeamTx(connection, context, &membership_ids_);
  }

  absl::StatusOr<common::Page<StoredMembership>> ListMemberships(
      int64_t account_id, v1::TeamRole role, bool include_ended,
      const std::optional<common::PageCursor>& cursor, int limit) override;

 private:
  common::ConnectionPool* pool_;
  common::IdAllocator membership_ids_;
};

}  // namespace kam::account::team

#endif  // KAM_SERVICES_ACCOUNT_TEAM_MYSQL_TEAM_STORE_H_
