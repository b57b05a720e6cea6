// The accounts area's records: the account row (every field of the
// resource, its parent and version) and the group hierarchy over
// parent_id. No SQL here (the mysql_*.cc files of this folder have it; see
// mysql_account_database.h), so handlers and the fake compile without
// MySQL.
//
// Reads and the single-row create go through AccountStore; work that must
// be atomic runs in Transactions::Transact (shared/transaction.h), whose
// accounts() steps are AccountTx. Every method returns a status; none
// throws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/api/filter.h"
#include "common/api/idempotency.h"
#include "common/api/list_request.h"
#include "common/api/page_token.h"
#include "google/protobuf/map.h"
#include "kam/account/v1/account.pb.h"

namespace kam::account::accounts {

// An account row. `account` has every field filled, name and etag included.
struct StoredAccount {
  int64_t id = 0;
  int64_t parent_id = 0;  // 0: a group root
  int64_t version = 0;
  v1::Account account;
};

// ListAccounts ordering.
struct AccountOrder {
  enum class Key { kId, kDisplayName, kCreateTime, kUpdateTime, kTier };
  Key key = Key::kId;
  bool descending = false;
};

struct DescendantRow {
  StoredAccount account;
  int depth = 0;
};

// Subtree counts for the group view.
struct GroupCounts {
  int accounts = 0;
  int depth = 0;
  std::map<int, int> by_tier;   // Tier -> count
  std::map<int, int> by_stage;  // RelationshipStage -> count
  std::map<int, int> by_state;  // LifecycleState -> count
};

// Create request id -> the account that create made, with its request's
// hash (the batch create's look-up of earlier results).
using AccountsByRequest = std::map<std::string, common::CreatedByRequest<StoredAccount>>;

// The account steps of a transaction.
class AccountTx {
 public:
  virtual ~AccountTx() = default;

  // The account, locked until the transaction ends. NOT_FOUND ("account
  // accounts/42 not found").
  virtual absl::StatusOr<StoredAccount> LockAccount(int64_t id) = 0;
  // Writes every mutable column of `row` with its version as given (the
  // caller stamps it: common::StampWrite). ALREADY_EXISTS when the external
  // id is taken by another live account.
  virtual absl::Status WriteAccount(const StoredAccount& row) = 0;
  // Inserts a new account and its labels. ALREADY_EXISTS when the external
  // id is taken; kDuplicateRequest (nothing written) when key.id was used.
  virtual absl::StatusOr<common::InsertOutcome> InsertAccount(const StoredAccount& row,
                                                              const common::RequestKey& key) = 0;
  // The accounts of `ids` that exist, locked until the transaction ends (in
  // id order, so two batches never wait for each other in a circle); a
  // missing one is not in the map.
  virtual absl::StatusOr<std::map<int64_t, StoredAccount>> LockAccounts(
      const std::vector<int64_t>& ids) = 0;
  // Inserts new accounts and their labels, as InsertAccount each with its
  // key of `keys` (same size), in a few multi-row statements. When a row
  // cannot be inserted (ALREADY_EXISTS: its external id is taken, by an
  // account or an earlier row; ABORTED: its request id was taken since the
  // caller looked, by a concurrent call: RequestIdTakenMeanwhile), answers
  // that error with `*failed_row` its index, and the caller rolls back;
  // `*failed_row` stays rows.size() on other errors.
  virtual absl::Status InsertAccounts(const std::vector<StoredAccount>& rows,
                                      const std::vector<common::RequestKey>& keys,
                                      size_t* failed_row) = 0;
  // Makes the account's label rows (what label filters read) `labels`.
  virtual absl::Status ReplaceLabels(
      int64_t account_id, const google::protobuf::Map<std::string, std::string>& labels) = 0;

  // Serialises hierarchy changes (moves, creates under a parent, deletes,
  // undeletes): two concurrent moves can then never build a cycle. Taken
  // before any account row, the order every hierarchy change uses.
  virtual absl::Status LockHierarchy() = 0;
  // `id`, its parent, ..., the root. Empty when `id` does not exist.
  virtual absl::StatusOr<std::vector<int64_t>> AncestorChain(int64_t id) = 0;
  // Levels of live accounts below `id` (0 for a leaf).
  virtual absl::StatusOr<int> SubtreeHeight(int64_t id) = 0;
  virtual absl::StatusOr<int> CountLiveChildren(int64_t id) = 0;
};

class AccountStore {
 public:
  virtual ~AccountStore() = default;

  // A fresh account id (ids come from blocks: common/db/id_allocator.h).
  virtual absl::StatusOr<int64_t> NewAccountId() = 0;
  // `count` fresh account ids, in one step.
  virtual absl::StatusOr<std::vector<int64_t>> NewAccountIds(size_t count) = 0;

  // The single-row create (no labels, no parent, no owner) outside a
  // transaction; as AccountTx::InsertAccount otherwise. Concurrent calls
  // share multi-row INSERT statements (common/base/coalescer.h).
  virtual absl::StatusOr<common::InsertOutcome> InsertAccount(const StoredAccount& row,
                                                              const common::RequestKey& key) = 0;

  // NOT_FOUND as LockAccount. Concurrent calls share queries
  // (common/base/coalescer.h).
  virtual absl::StatusOr<StoredAccount> GetAccount(int64_t id) = 0;
  // In the order of `ids`; NOT_FOUND naming the first missing one.
  virtual absl::StatusOr<std::vector<StoredAccount>> GetAccounts(
      const std::vector<int64_t>& ids) = 0;
  // The account a create with `request_id` made, with that request's hash;
  // nullopt when none did.
  virtual absl::StatusOr<std::optional<common::CreatedByRequest<StoredAccount>>>
  FindAccountByRequest(const std::string& request_id) = 0;
  // As FindAccountByRequest for each of `request_ids` (at most
  // kMaxBatchCreate, none empty), in one query; ids no create used are not
  // in the map.
  virtual absl::StatusOr<AccountsByRequest> FindAccountsByRequest(
      const std::vector<std::string>& request_ids) = 0;

  // Accounts matching `filter` after `cursor` in `order`, at most `limit`;
  // with a non-empty `team_of`, only the accounts whose current team has that
  // user (filtered in the query, so pages stay full and cursors hold).
  // INVALID_ARGUMENT for filter fields, operators or values it cannot map,
  // and for a cursor that does not fit the order.
  virtual absl::StatusOr<common::Page<StoredAccount>> ListAccounts(
      const common::FilterNode& filter, const AccountOrder& order, bool show_deleted,
      const std::string& team_of, const std::optional<common::PageCursor>& cursor, int limit) = 0;

  // The ancestors of account `id`, parent first, up to the root. NOT_FOUND
  // when the account does not exist.
  virtual absl::StatusOr<std::vector<StoredAccount>> ListAncestors(int64_t id) = 0;
  // The live accounts below `id` at most `max_depth` levels down, by depth
  // then id, after `cursor` (whose key is the depth); with a non-empty
  // `team_of`, only those whose current team has that user. NOT_FOUND when
  // the account does not exist.
  virtual absl::StatusOr<common::Page<DescendantRow>> ListDescendants(
      int64_t id, int max_depth, const std::string& team_of,
      const std::optional<common::PageCursor>& cursor, int limit) = 0;
  // Counts over the live subtree of `root_id`, itself included (all 0 when
  // it is deleted); with a non-empty `team_of`, over the accounts of that
  // subtree whose current team has that user.
  virtual absl::StatusOr<GroupCounts> CountGroup(int64_t root_id, const std::string& team_of) = 0;
};

}  // namespace kam::account::accounts
