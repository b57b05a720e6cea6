// The team area's records: memberships of people in an account's team
// (account manager, sales, technical, service), current and ended. No SQL
// here: mysql_team_store.cc has it (mysql_account_database.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/api/idempotency.h"
#include "common/api/list_request.h"
#include "common/api/page_token.h"
#include "kam/account/v1/account.pb.h"
#include "services/account/shared/record.h"

namespace kam::account::team {

using StoredMembership = Record<v1::TeamMembership>;

// The team steps of a transaction (shared/transaction.h).
class TeamTx {
 public:
  virtual ~TeamTx() = default;

  // The membership a create with this request id made, with that request's
  // hash; nullopt when none did. Read in this transaction: the account row
  // lock serialises the team's changes, so a concurrent retry sees it here.
  virtual absl::StatusOr<std::optional<common::CreatedByRequest<StoredMembership>>>
  FindMembershipByRequest(const std::string& request_id) = 0;
  // The active account manager's membership, locked; nullopt if none.
  virtual absl::StatusOr<std::optional<StoredMembership>> LockActiveAccountManager(
      int64_t account_id) = 0;
  // NOT_FOUND ("team membership accounts/1/teamMemberships/2 not found").
  virtual absl::StatusOr<StoredMembership> LockMembership(int64_t account_id,
                                                          int64_t membership_id) = 0;
  virtual absl::StatusOr<bool> HasActiveMembership(int64_t account_id, const std::string& user,
                                                   v1::TeamRole role) = 0;
  // Gives `row` a new id and its name, and inserts it; kDuplicateRequest
  // (nothing written) when key.id was used (an empty key.id never is).
  virtual absl::StatusOr<common::InsertOutcome> InsertMembership(StoredMembership* row,
                                                                 const common::RequestKey& key) = 0;
  // InsertMembership of each of `rows` with no request id (the managers of
  // new accounts: a batch create's), in a few multi-row statements.
  virtual absl::Status InsertMemberships(std::vector<StoredMembership>* rows) = 0;
  // Ends a membership at `end_time`. `handover`: ended because another
  // account manager took over (the export counts these).
  virtual absl::Status EndMembership(int64_t membership_id, absl::Time end_time,
                                     const std::string& reason, bool handover) = 0;
};

class TeamStore {
 public:
  virtual ~TeamStore() = default;

  // The memberships of an account by start time, then id (the cursor's key
  // is the start time), of `role` (all roles when unspecified), ended ones
  // only with `include_ended`. NOT_FOUND when the account does not exist.
  virtual absl::StatusOr<common::Page<StoredMembership>> ListMemberships(
      int64_t account_id, v1::TeamRole role, bool include_ended,
      const std::optional<common::PageCursor>& cursor, int limit) = 0;
  // The ids of the accounts whose current team (memberships not ended, any
  // role) has `user`, in id order, after the cursor's id: the same
  // memberships as Transactions::AccountsOnTeam reads.
  virtual absl::StatusOr<common::Page<int64_t>> ListTeamAccounts(
      const std::string& user, const std::optional<common::PageCursor>& cursor, int limit) = 0;
};

}  // namespace kam::account::team
