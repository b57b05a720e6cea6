// Who manages an account (docs/domain.md §9: one account manager at a time,
// the team around them): the account manager's membership follows the
// account's `owner`, and a change of account manager is a handover. These
// run inside the caller's transaction; the account row is the caller's to
// lock and write.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/api/idempotency.h"
#include "services/account/accounts/account_store.h"
#include "services/account/team/team_store.h"

namespace kam::account::team {

// Inserts `user`'s account-manager membership of `account_id` from `start`
// (created by `key`; an empty key for one that a create or update of the
// account makes). ABORTED when a concurrent call with the same request id
// inserted one.
absl::StatusOr<StoredMembership> StartAccountManager(TeamTx& tx, int64_t account_id,
                                                     const std::string& user, absl::Time start,
                                                     const std::string& actor,
                                                     const common::RequestKey& key);

// StartAccountManager for many new accounts at once (a batch create's):
// `owners[i]` is account `account_ids[i]`'s manager, empty for none.
absl::Status StartAccountManagers(TeamTx& tx, const std::vector<int64_t>& account_ids,
                                  const std::vector<std::string>& owners, absl::Time start,
                                  const std::string& actor);

// Makes `user` the account manager of `account` from `start` (no one when
// `user` is empty): ends the active manager's membership and starts a new
// one, sets the account's owner and counts a handover when the role passes
// from one person to another. Does not write `account`. ALREADY_EXISTS when
// `user` is the account manager already; INVALID_ARGUMENT (naming
// membership.start_time) when `start` is before the current manager's start.
absl::StatusOr<std::optional<StoredMembership>> HandOver(TeamTx& tx,
                                                         accounts::StoredAccount& account,
                                                         const std::string& user, absl::Time start,
                                                         const std::string& actor,
                                                         const common::RequestKey& key);

// ABORTED: a concurrent call with the same request id added the membership
// first; the caller may retry and get its result.
absl::Status ConcurrentRequest();

}  // namespace kam::account::team
