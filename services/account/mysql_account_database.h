// The account service on MySQL (schema kam_account), in two classes whose
// methods each area's mysql_*.cc file defines for its own tables:
//
//   MySqlAccountDatabase  every area's store (reads and single-row writes
//                         over the connection pool), and Transact;
//   MySqlTransaction      every area's transaction steps, on the connection
//                         of one transaction (shared/transaction.h), so that
//                         steps of several areas commit or roll back together.
//
// Prepared statements only; every value is bound, never spliced into the
// text. Every method returns a status: statements run inside
// common::StoreTx::Step or common::WithConnection, where a Connector/C++
// exception becomes a status.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/base/coalescer.h"
#include "common/db/id_allocator.h"
#include "common/db/mysql_pool.h"
#include "common/db/transaction.h"
#include "services/account/accounts/account_store.h"
#include "services/account/contacts/contact_store.h"
#include "services/account/exports/export_store.h"
#include "services/account/lifecycle/lifecycle_store.h"
#include "services/account/shared/transaction.h"
#include "services/account/team/team_store.h"
#include "services/account/tiers/tier_store.h"

namespace kam::account {

// The id sequences of the schema's tables (common/db/id_allocator.h).
struct AccountIds {
  explicit AccountIds(common::ConnectionPool* pool);

  common::IdAllocator accounts;
  common::IdAllocator contacts;
  common::IdAllocator memberships;
  common::IdAllocator stage_changes;
  common::IdAllocator churn_events;
  common::IdAllocator tier_changes;
};

// `count` ids of `allocator` (a batch create's, in one step).
absl::StatusOr<std::vector<int64_t>> NextIds(common::IdAllocator& allocator, size_t count);

class MySqlTransaction final : public common::StoreTx,
                               public Transaction,
                               public accounts::AccountTx,
                               public contacts::ContactTx,
                               public team::TeamTx,
                               public lifecycle::LifecycleTx,
                               public tiers::TierTx {
 public:
  // Ids of new rows come from `ids`.
  MySqlTransaction(common::SqlConnection& connection, absl::string_view context, AccountIds* ids)
      : StoreTx(connection, context), ids_(ids) {}

  accounts::AccountTx& accounts() override { return *this; }
  contacts::ContactTx& contacts() override { return *this; }
  team::TeamTx& team() override { return *this; }
  lifecycle::LifecycleTx& lifecycle() override { return *this; }
  tiers::TierTx& tiers() override { return *this; }

  // accounts/mysql_account_tx.cc
  absl::StatusOr<accounts::StoredAccount> LockAccount(int64_t id) override;
  absl::Status WriteAccount(const accounts::StoredAccount& row) override;
  absl::StatusOr<common::InsertOutcome> InsertAccount(const accounts::StoredAccount& row,
                                                      const common::RequestKey& key) override;
  absl::StatusOr<std::map<int64_t, accounts::StoredAccount>> LockAccounts(
      const std::vector<int64_t>& ids) override;
  absl::Status InsertAccounts(const std::vector<accounts::StoredAccount>& rows,
                              const std::vector<common::RequestKey>& keys,
                              size_t* failed_row) override;
  absl::Status ReplaceLabels(
      int64_t account_id, const google::protobuf::Map<std::string, std::string>& labels) override;
  // accounts/mysql_hierarchy.cc
  absl::Status LockHierarchy() override;
  absl::StatusOr<std::vector<int64_t>> AncestorChain(int64_t id) override;
  absl::StatusOr<int> SubtreeHeight(int64_t id) override;
  absl::StatusOr<int> CountLiveChildren(int64_t id) override;

  // contacts/mysql_contact_store.cc
  absl::StatusOr<std::optional<common::CreatedByRequest<contacts::StoredContact>>>
  FindContactByRequest(const std::string& request_id) override;
  absl::StatusOr<contacts::StoredContact> LockContact(int64_t account_id,
                                                      int64_t contact_id) override;
  absl::StatusOr<common::InsertOutcome> InsertContact(const contacts::StoredContact& row,
                                                      const common::RequestKey& key) override;
  absl::Status InsertContacts(const std::vector<contacts::StoredContact>& rows,
                              const std::vector<common::RequestKey>& keys,
                              size_t* failed_row) override;
  absl::Status WriteContact(const contacts::StoredContact& row) override;
  absl::StatusOr<std::vector<contacts::ChainLink>> ReportingChain(int64_t account_id,
                                                                  int64_t contact_id,
                                                                  int limit) override;
  absl::Status AddToContactCount(int64_t account_id,
                                 const contacts::ContactCountDelta& delta) override;
  absl::Status AddToContactCounts(
      const std::map<int64_t, contacts::ContactCountDelta>& deltas) override;

  // team/mysql_team_store.cc
  absl::StatusOr<std::optional<common::CreatedByRequest<team::StoredMembership>>>
  FindMembershipByRequest(const std::string& request_id) override;
  absl::StatusOr<std::optional<team::StoredMembership>> LockActiveAccountManager(
      int64_t account_id) override;
  absl::StatusOr<team::StoredMembership> LockMembership(int64_t account_id,
                                                        int64_t membership_id) override;
  absl::StatusOr<bool> HasActiveMembership(int64_t account_id, const std::string& user,
                                           v1::TeamRole role) override;
  absl::StatusOr<common::InsertOutcome> InsertMembership(team::StoredMembership* row,
                                                         const common::RequestKey& key) override;
  absl::Status InsertMemberships(std::vector<team::StoredMembership>* rows) override;
  absl::Status EndMembership(int64_t membership_id, absl::Time end_time, const std::string& reason,
                             bool handover) override;

  // lifecycle/mysql_lifecycle_store.cc
  absl::Status InsertStageChange(lifecycle::StageChangeRow* row) override;
  absl::Status InsertChurnEvent(lifecycle::ChurnEventRow* row) override;

  // tiers/mysql_tier_store.cc
  absl::StatusOr<std::map<int64_t, tiers::TierState>> LockTierStates(
      const std::vector<int64_t>& ids) override;
  absl::Status SetTiers(const std::vector<tiers::TierUpdate>& updates,
                        const std::string& rating_run, const std::string& policy_version,
                        absl::Time now) override;

 private:
  AccountIds* ids_;
};

class MySqlAccountDatabase final : public Transactions,
                                   public accounts::AccountStore,
                                   public contacts::ContactStore,
                                   public team::TeamStore,
                                   public lifecycle::LifecycleStore,
                                   public tiers::TierStore,
                                   public exports::ExportStore {
 public:
  explicit MySqlAccountDatabase(common::ConnectionPool* pool);

  // common::RunInTransaction over a MySqlTransaction: retried whole on
  // deadlock.
  absl::Status Transact(absl::string_view context,
                        absl::FunctionRef<absl::Status(Transaction& tx)> fn) override;

  // accounts/mysql_account_store.cc
  absl::StatusOr<int64_t> NewAccountId() override { return ids_.accounts.Next(); }
  absl::StatusOr<std::vector<int64_t>> NewAccountIds(size_t count) override {
    return NextIds(ids_.accounts, count);
  }
  absl::StatusOr<common::InsertOutcome> InsertAccount(const accounts::StoredAccount& row,
                                                      const common::RequestKey& key) override;
  absl::StatusOr<accounts::StoredAccount> GetAccount(int64_t id) override;
  absl::StatusOr<std::vector<accounts::StoredAccount>> GetAccounts(
      const std::vector<int64_t>& ids) override;
  absl::StatusOr<std::optional<common::CreatedByRequest<accounts::StoredAccount>>>
  FindAccountByRequest(const std::string& request_id) override;
  absl::StatusOr<accounts::AccountsByRequest> FindAccountsByRequest(
      const std::vector<std::string>& request_ids) override;
  absl::StatusOr<common::Page<accounts::StoredAccount>> ListAccounts(
      const common::FilterNode& filter, const accounts::AccountOrder& order, bool show_deleted,
      const std::string& team_of, const std::optional<common::PageCursor>& cursor,
      int limit) override;
  // accounts/mysql_hierarchy.cc
  absl::StatusOr<std::vector<accounts::StoredAccount>> ListAncestors(int64_t id) override;
  absl::StatusOr<common::Page<accounts::DescendantRow>> ListDescendants(
      int64_t id, int max_depth, const std::string& team_of,
      const std::optional<common::PageCursor>& cursor, int limit) override;
  absl::StatusOr<accounts::GroupCounts> CountGroup(int64_t root_id,
                                                   const std::string& team_of) override;

  // contacts/mysql_contact_store.cc
  absl::StatusOr<int64_t> NewContactId() override { return ids_.contacts.Next(); }
  absl::StatusOr<std::vector<int64_t>> NewContactIds(size_t count) override {
    return NextIds(ids_.contacts, count);
  }
  absl::StatusOr<contacts::StoredContact> GetContact(int64_t account_id,
                                                     int64_t contact_id) override;
  absl::StatusOr<std::optional<common::CreatedByRequest<contacts::StoredContact>>>
  FindContactByRequest(const std::string& request_id) override;
  absl::StatusOr<contacts::ContactsByRequest> FindContactsByRequest(
      const std::vector<std::string>& request_ids) override;
  absl::StatusOr<common::Page<contacts::StoredContact>> ListContacts(
      int64_t account_id, bool show_deleted, const std::optional<common::PageCursor>& cursor,
      int limit) override;

  // team/mysql_team_store.cc
  absl::StatusOr<absl::flat_hash_set<int64_t>> AccountsOnTeam(
      const std::string& user, const std::vector<int64_t>& ids) override;
  absl::StatusOr<common::Page<int64_t>> ListTeamAccounts(
      const std::string& user, const std::optional<common::PageCursor>& cursor, int limit) override;
  absl::StatusOr<common::Page<team::StoredMembership>> ListMemberships(
      int64_t account_id, v1::TeamRole role, bool include_ended,
      const std::optional<common::PageCursor>& cursor, int limit) override;

  // lifecycle/mysql_lifecycle_store.cc
  absl::StatusOr<common::Page<lifecycle::StageChangeRow>> ListStageChanges(
      int64_t account_id, const std::optional<common::PageCursor>& cursor, int limit) override;
  absl::StatusOr<common::Page<lifecycle::ChurnEventRow>> ListChurnEvents(
      int64_t account_id, const std::optional<common::PageCursor>& cursor, int limit) override;

  // tiers/mysql_tier_store.cc
  absl::StatusOr<common::Page<tiers::TierChangeRow>> ListTierChanges(
      int64_t account_id, const std::optional<common::PageCursor>& cursor, int limit) override;

  // exports/mysql_export_store.cc: three statements on one connection, the
  // page, then both counts over the page's id range.
  absl::StatusOr<std::vector<v1::AccountSnapshot>> ExportPage(int64_t after_id, int limit,
                                                              bool include_deleted,
                                                              absl::Time window_start,
                                                              absl::Time window_end) override;

 private:
  // GetAccount and the single-row CreateAccount share statements between
  // concurrent calls (common/base/coalescer.h; accounts/mysql_account_store.cc).
  struct PendingInsert {
    const accounts::StoredAccount* row;
    const common::RequestKey* key;
  };
  using ReadResult = absl::StatusOr<std::optional<accounts::StoredAccount>>;
  std::vector<ReadResult> ReadBatch(const std::vector<const int64_t*>& ids);
  std::vector<absl::StatusOr<common::InsertOutcome>> InsertBatch(
      const std::vector<const PendingInsert*>& inserts);
  // The rows of `ids` (at most 1024; repeats allowed) into `rows`.
  absl::Status FetchAccounts(const std::vector<int64_t>& ids,
                             std::map<int64_t, accounts::StoredAccount>* rows);

  common::ConnectionPool* pool_;
  AccountIds ids_;
  common::Coalescer<int64_t, ReadResult> account_reads_;
  common::Coalescer<PendingInsert, absl::StatusOr<common::InsertOutcome>> account_inserts_;
};

}  // namespace kam::account
