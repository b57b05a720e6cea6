// All SQL of the account service (schema kam_account). Prepared statements
// only; every value is bound, never spliced into the text.
//
// Simple reads and the single-row create run on their own (autocommit). Work
// that must be atomic runs in Transact(), whose AccountTx offers the row-level
// steps; the service composes them with the pure rules (stage machine,
// hierarchy). AccountTx methods throw sql::SQLException on database errors;
// Transact turns those into statuses (common/db/transaction.h) and rolls back.
#ifndef KAM_SERVICES_ACCOUNT_ACCOUNT_STORE_H_
#define KAM_SERVICES_ACCOUNT_ACCOUNT_STORE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/api/filter.h"
#include "common/api/page_token.h"
#include "common/base/coalescer.h"
#include "common/db/id_allocator.h"
#include "common/db/migrator.h"
#include "common/db/mysql_pool.h"
#include "kam/account/v1/account.pb.h"

namespace kam::account {

// The embedded migrations (services/account/migrations).
const std::vector<common::Migration>& Migrations();

// The statements behind GetAccount and the single-row CreateAccount, public so
// the benchmark's raw Connector/C++ baseline runs exactly the same SQL.
// GetAccountSql binds the id; InsertAccountSql binds, in order: id,
// display_name, external_id, industry, region, category, parent_id, owner,
// stage, share_of_wallet, stage_update_time, credit_limit_minor,
// credit_currency, payment_terms_days, credit_risk, state, labels_text,
// version, create_time, update_time, create_request_id, create_request_hash.
const std::string& GetAccountSql();
const std::string& InsertAccountSql();

// An account row. `account` has every field filled, name and etag included.
struct StoredAccount {
  int64_t id = 0;
  int64_t parent_id = 0;  // 0: a group root
  int64_t version = 0;
  v1::Account account;
};

struct StoredContact {
  int64_t id = 0;
  int64_t account_id = 0;
  int64_t version = 0;
  v1::Contact contact;
};

struct StoredMembership {
  int64_t id = 0;
  int64_t account_id = 0;
  v1::TeamMembership membership;
};

// Result of an insert that carries a client request id.
enum class InsertOutcome { kInserted, kDuplicateRequest };

// A row found by its create request id, with the fingerprint of the request
// that created it.
template <typename Row>
struct CreatedByRequest {
  Row row;
  std::string request_hash;
};

// ListAccounts ordering.
struct AccountOrder {
  enum class Key { kId, kDisplayName, kCreateTime, kUpdateTime, kTier };
  Key key = Key::kId;
  bool descending = false;
};

// One page of a listing: at most `limit` rows, and whether more follow.
template <typename Row>
struct Page {
  std::vector<Row> rows;
  bool more = false;
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

struct StageChangeRow {
  int64_t account_id = 0;
  v1::StageChange change;  // name is filled on insert
};

struct ChurnEventRow {
  int64_t account_id = 0;
  v1::ChurnEvent event;  // name is filled on insert
};

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

class AccountTx {
 public:
  explicit AccountTx(common::SqlConnection& connection, class AccountStore& store)
      : connection_(connection), store_(store) {}

  // The account, locked until the transaction ends. NOT_FOUND.
  absl::StatusOr<StoredAccount> LockAccount(int64_t id);
  // Writes every mutable column of `row` (its version as given: the caller
  // increments it). ALREADY_EXISTS when the external id is taken.
  absl::Status WriteAccount(const StoredAccount& row);
  // Inserts a new account (and its labels). ALREADY_EXISTS when the external
  // id is taken; kDuplicateRequest when the request id was used before.
  absl::StatusOr<InsertOutcome> InsertAccount(const StoredAccount& row,
                                              const std::string& request_id,
                                              const std::string& request_hash);
  void ReplaceLabels(int64_t account_id, const google::protobuf::Map<std::string, std::string>& labels);

  // Serialises hierarchy changes (moves, creates under a parent, deletes,
  // undeletes): two concurrent moves can then never build a cycle.
  void LockHierarchy();
  // `id`, its parent, ..., the root. Empty when `id` does not exist.
  std::vector<int64_t> AncestorChain(int64_t id);
  // Levels of live accounts below `id` (0 for a leaf).
  int SubtreeHeight(int64_t id);
  int CountLiveChildren(int64_t id);

  // The row a create with this request id made, read in this transaction
  // (ABORTED when none did). Inside a transaction use these, not the
  // store's: a second pooled connection taken while this one holds a lock
  // can wait for ever when every connection waits on that lock.
  absl::StatusOr<CreatedByRequest<StoredContact>> FindContactByRequest(
      const std::string& request_id);
  absl::StatusOr<CreatedByRequest<StoredMembership>> FindMembershipByRequest(
      const std::string& request_id);

  absl::StatusOr<StoredContact> LockContact(int64_t account_id, int64_t contact_id);
  absl::StatusOr<InsertOutcome> InsertContact(const StoredContact& row,
                                              const std::string& request_id,
                                              const std::string& request_hash);
  void WriteContact(const StoredContact& row);
  void AddToContactCount(int64_t account_id, int delta);

  // The active account manager's membership, locked; nullopt if none.
  std::optional<StoredMembership> LockActiveAccountManager(int64_t account_id);
  absl::StatusOr<StoredMembership> LockMembership(int64_t account_id, int64_t membership_id);
  bool HasActiveMembership(int64_t account_id, const std::string& user, v1::TeamRole role);
  // Fills row->id and the membership's name.
  absl::StatusOr<InsertOutcome> InsertMembership(StoredMembership* row,
                                                 const std::string& request_id,
                                                 const std::string& request_hash);
  // `handover`: ended because another account manager took over (counted
  // by the export).
  void EndMembership(int64_t membership_id, absl::Time end_time, const std::string& reason,
                     bool handover = false);

  // Fill the row's id-based name.
  absl::Status InsertStageChange(StageChangeRow* row);
  absl::Status InsertChurnEvent(ChurnEventRow* row);

  // Tier states of `ids` (all must exist), locked.
  absl::StatusOr<std::map<int64_t, TierState>> LockTierStates(const std::vector<int64_t>& ids);
  // Stamps every account of `updates` with the run, policy version and time,
  // sets its tier, and records a tier history row for each change of tier:
  // a handful of statements for a whole batch.
  absl::Status SetTiers(const std::vector<TierUpdate>& updates, const std::string& rating_run,
                        const std::string& policy_version, absl::Time now);

 private:
  common::SqlConnection& connection_;
  AccountStore& store_;
};

class AccountStore {
 public:
  explicit AccountStore(common::ConnectionPool* pool);

  // Runs `fn` in one transaction (see common::RunInTransaction: retried
  // whole on deadlock).
  absl::Status Transact(absl::string_view context,
                        const std::function<absl::Status(AccountTx&)>& fn);

  // A fresh account id (ids come from blocks; see common/db/id_allocator.h).
  absl::StatusOr<int64_t> NewAccountId() { return account_ids_.Next(); }
  absl::StatusOr<int64_t> NewContactId() { return contact_ids_.Next(); }

  // Single-row create (no labels, no parent, no owner). Concurrent calls
  // share multi-row INSERT statements (common/base/coalescer.h).
  absl::StatusOr<InsertOutcome> InsertAccount(const StoredAccount& row,
                                              const std::string& request_id,
                                              const std::string& request_hash);

  // Concurrent calls share queries (common/base/coalescer.h).
  absl::StatusOr<StoredAccount> GetAccount(int64_t id);
  // In the order of `ids`; NOT_FOUND naming the first missing one.
  absl::StatusOr<std::vector<StoredAccount>> GetAccounts(const std::vector<int64_t>& ids);
  absl::StatusOr<CreatedByRequest<StoredAccount>> FindAccountByRequest(
      const std::string& request_id);

  // Accounts matching `filter` after `cursor`, at most `limit`.
  // INVALID_ARGUMENT for filter fields, operators or values it cannot map.
  absl::StatusOr<Page<StoredAccount>> ListAccounts(const common::FilterNode& filter,
                                                   const AccountOrder& order, bool show_deleted,
                                                   const std::optional<common::PageCursor>& cursor,
                                                   int limit);
  // The key values a cursor after `row` holds for `order`.
  static std::vector<std::string> CursorKeys(const StoredAccount& row, const AccountOrder& order);

  // Parent first, up to the root.
  absl::StatusOr<std::vector<StoredAccount>> ListAncestors(int64_t id);
  absl::StatusOr<Page<DescendantRow>> ListDescendants(int64_t id, int max_depth,
                                                      const std::optional<common::PageCursor>& cursor,
                                                      int limit);
  absl::StatusOr<GroupCounts> CountGroup(int64_t root_id);

  absl::StatusOr<StoredContact> GetContact(int64_t account_id, int64_t contact_id);
  absl::StatusOr<CreatedByRequest<StoredContact>> FindContactByRequest(
      const std::string& request_id);
  absl::StatusOr<Page<StoredContact>> ListContacts(int64_t account_id, bool show_deleted,
                                                   const std::optional<common::PageCursor>& cursor,
                                                   int limit);

  absl::StatusOr<CreatedByRequest<StoredMembership>> FindMembershipByRequest(
      const std::string& request_id);
  absl::StatusOr<Page<StoredMembership>> ListMemberships(
      int64_t account_id, v1::TeamRole role, bool include_ended,
      const std::optional<common::PageCursor>& cursor, int limit);

  absl::StatusOr<Page<v1::StageChange>> ListStageChanges(
      int64_t account_id, const std::optional<common::PageCursor>& cursor, int limit);
  absl::StatusOr<Page<v1::ChurnEvent>> ListChurnEvents(
      int64_t account_id, const std::optional<common::PageCursor>& cursor, int limit);
  absl::StatusOr<Page<v1::TierChange>> ListTierChanges(
      int64_t account_id, const std::optional<common::PageCursor>& cursor, int limit);

  // One page of the export: accounts with id > `after_id` in id order, at
  // most `limit`, with handovers and business-churn events counted in
  // (window_start, window_end].
  absl::StatusOr<std::vector<v1::AccountSnapshot>> ExportPage(int64_t after_id, int limit,
                                                              bool include_deleted,
                                                              absl::Time window_start,
                                                              absl::Time window_end);

  // True if the account exists (deleted or not).
  absl::StatusOr<bool> AccountExists(int64_t id);

  // For the health check: a round trip to the database.
  absl::Status Ping();

 private:
  friend class AccountTx;
  // The rows of `ids` (at most 1024; repeats allowed) into `rows`.
  absl::Status FetchAccounts(const std::vector<int64_t>& ids,
                             std::map<int64_t, StoredAccount>* rows);

  struct PendingInsert {
    const StoredAccount* row;
    const std::string* request_id;
    const std::string* request_hash;
  };
  using ReadResult = absl::StatusOr<std::optional<StoredAccount>>;
  std::vector<ReadResult> ReadBatch(const std::vector<const int64_t*>& ids);
  std::vector<absl::StatusOr<InsertOutcome>> InsertBatch(
      const std::vector<const PendingInsert*>& inserts);

  common::ConnectionPool* pool_;
  common::Coalescer<int64_t, ReadResult> account_reads_;
  common::Coalescer<PendingInsert, absl::StatusOr<InsertOutcome>> account_inserts_;
  common::IdAllocator account_ids_;
  common::IdAllocator contact_ids_;
  common::IdAllocator membership_ids_;
  common::IdAllocator stage_change_ids_;
  common::IdAllocator churn_event_ids_;
  common::IdAllocator tier_change_ids_;
};

}  // namespace kam::account

#endif  // KAM_SERVICES_ACCOUNT_ACCOUNT_STORE_H_
