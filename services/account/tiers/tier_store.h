// The tiers area's records: the value tier the scoring service publishes
// onto each account (docs/domain.md §2) and the history of its changes. No
// SQL here: mysql_tier_store.cc has it (mysql_account_database.h).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/api/list_request.h"
#include "common/api/page_token.h"
#include "kam/account/v1/account.pb.h"
#include "services/account/shared/record.h"

namespace kam::account::tiers {

// One account's new tier in a SetAccountTiers batch.
struct TierUpdate {
  int64_t account_id = 0;
  v1::Tier from = v1::TIER_UNSPECIFIED;
  v1::Tier to = v1::TIER_UNSPECIFIED;
  const std::string* reason = nullptr;
};

// The tier an account holds before SetAccountTiers.
struct TierState {
  v1::Tier tier = v1::TIER_UNSPECIFIED;
  std::string rating_run;
};

using TierChangeRow = Record<v1::TierChange>;

// The tier steps of a transaction (shared/transaction.h).
class TierTx {
 public:
  virtual ~TierTx() = default;

  // Tier states of `ids` (1 to 1024 accounts), locked. NOT_FOUND naming the
  // first account of `ids` that does not exist.
  virtual absl::StatusOr<std::map<int64_t, TierState>> LockTierStates(
      const std::vector<int64_t>& ids) = 0;
  // Stamps every account of `updates` with the run, policy version and time,
  // sets its tier, and records a tier history row for each change of tier:
  // a handful of statements for a whole batch.
  virtual absl::Status SetTiers(const std::vector<TierUpdate>& updates,
                                const std::string& rating_run, const std::string& policy_version,
                                absl::Time now) = 0;
};

class TierStore {
 public:
  virtual ~TierStore() = default;

  // An account's tier history in id (so time) order after `cursor`.
  // NOT_FOUND when the account does not exist.
  virtual absl::StatusOr<common::Page<TierChangeRow>> ListTierChanges(
      int64_t account_id, const std::optional<common::PageCursor>& cursor, int limit) = 0;
};

}  // namespace kam::account::tiers
