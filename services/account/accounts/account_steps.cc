#include "services/account/accounts/account_steps.h"

#include "common/api/etag.h"
#include "common/base/status_macros.h"
#include "services/account/shared/account_names.h"

namespace kam::account::accounts {

absl::StatusOr<StoredAccount> LockForWrite(AccountTx& tx, int64_t id, absl::string_view etag) {
  KAM_ASSIGN_OR_RETURN(StoredAccount row, tx.LockAccount(id));
  KAM_RETURN_IF_ERROR(common::CheckEtag(row.account.name(), row.version, etag));
  return row;
}

absl::StatusOr<StoredAccount> LockLiveAccount(AccountTx& tx, int64_t id, absl::string_view etag) {
  absl::StatusOr<StoredAccount> row = LockForWrite(tx, id, etag);
  if (row.ok() && row->account.has_delete_time()) return DeletedAccount(row->account);
  return row;
}

absl::Status WriteStamped(AccountTx& tx, StoredAccount& row, absl::Time now) {
  common::StampWrite(&row.version, &row.account, now);
  return tx.WriteAccount(row);
}

}  // namespace kam::account::accounts
