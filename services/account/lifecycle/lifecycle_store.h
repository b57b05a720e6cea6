// The lifecycle area's records: the history of an account's relationship
// stage (docs/domain.md §4) and its churn and win-back events (§5). The
// account row itself (stage, state) is written through accounts::AccountTx.
// No SQL here: mysql_lifecycle_store.cc has it (mysql_account_database.h).
#pragma once

#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/api/list_request.h"
#include "common/api/page_token.h"
#include "kam/account/v1/account.pb.h"
#include "services/account/shared/record.h"

namespace kam::account::lifecycle {

using StageChangeRow = Record<v1::StageChange>;
using ChurnEventRow = Record<v1::ChurnEvent>;

// The lifecycle steps of a transaction (shared/transaction.h).
class LifecycleTx {
 public:
  virtual ~LifecycleTx() = default;

  // Give the row a new id and its name, and insert it.
  virtual absl::Status InsertStageChange(StageChangeRow* row) = 0;
  virtual absl::Status InsertChurnEvent(ChurnEventRow* row) = 0;
};

class LifecycleStore {
 public:
  virtual ~LifecycleStore() = default;

  // An account's history in id (so time) order after `cursor`. NOT_FOUND
  // when the account does not exist.
  virtual absl::StatusOr<common::Page<StageChangeRow>> ListStageChanges(
      int64_t account_id, const std::optional<common::PageCursor>& cursor, int limit) = 0;
  virtual absl::StatusOr<common::Page<ChurnEventRow>> ListChurnEvents(
      int64_t account_id, const std::optional<common::PageCursor>& cursor, int limit) = 0;
};

}  // namespace kam::account::lifecycle
