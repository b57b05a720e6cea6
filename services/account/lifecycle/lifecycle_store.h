// The lifecycle area's records: the history of an account's relationship
// stage (docs/domain.md §4) and its churn and win-back events (§5). The
// account row itself (stage, state) is written through accounts::AccountTx.
// No SQL here: mysql_lifecycle_store.cc has it (mysql_account_database.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/api/list_request.h"
#include "common/api/page_token.h"
#include "kam/account/v1/account.pb.h"
#include "services/account/shared/record.h"

namespace kam::account::lifecycle {

using StageChangeRow = Record<v1::StageChange>;
using ChurnEventRow = Record<v1::ChurnEvent>;

// The book's stage settings (one row, "stageSettings"): the band version the
// stage machine checks shares against, the row's write counter (its etag)
// and who changed it when (unset for the defaults).
struct StoredStageSettings {
  v1::StageBandVersion band_version = v1::STAGE_BAND_VERSION_V1;
  int64_t version = 1;
  std::string update_actor;
  std::optional<absl::Time> update_time;
};

// The lifecycle steps of a transaction (shared/transaction.h).
class LifecycleTx {
 public:
  virtual ~LifecycleTx() = default;

  // Give the row a new id and its name, and insert it (with its
  // measurement, when it has one).
  virtual absl::Status InsertStageChange(StageChangeRow* row) = 0;
  virtual absl::Status InsertChurnEvent(ChurnEventRow* row) = 0;

  // The stage settings; locked until the transaction ends when
  // `for_update`. The row always exists (migration 0006 inserts it).
  virtual absl::StatusOr<StoredStageSettings> ReadStageSettings(bool for_update) = 0;
  // Replaces the settings row.
  virtual absl::Status WriteStageSettings(const StoredStageSettings& settings) = 0;
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
