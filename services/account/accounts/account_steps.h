// What every area does to the account row inside its transactions: lock it
// for a write that the caller's etag allows, and write it back with the
// next version. Pure over AccountTx: no SQL.
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/account/accounts/account_store.h"

namespace kam::account::accounts {

// Locks account `id` and checks `etag` against it: NOT_FOUND, or ABORTED
// when the etag is stale (common::CheckEtag; an empty etag skips the check).
absl::StatusOr<StoredAccount> LockForWrite(AccountTx& tx, int64_t id, absl::string_view etag);

// As LockForWrite, and FAILED_PRECONDITION when the account is deleted.
absl::StatusOr<StoredAccount> LockLiveAccount(AccountTx& tx, int64_t id, absl::string_view etag);

// Gives `row` its next version, update time `now` and etag
// (common::StampWrite), and writes it.
absl::Status WriteStamped(AccountTx& tx, StoredAccount& row, absl::Time now);

}  // namespace kam::account::accounts
