// The accounts area on MySQL (schema kam_account): tables accounts,
// account_labels and the 'hierarchy' row of kam_locks. Prepared statements
// only; every value is bound, never spliced into the text. Database errors
// become statuses at common::StoreTx::Step / common::WithConnection.
#ifndef KAM_SERVICES_ACCOUNT_ACCOUNTS_MYSQL_ACCOUNT_STORE_H_
#define KAM_SERVICES_ACCOUNT_ACCOUNTS_MYSQL_ACCOUNT_STORE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/base/coalescer.h"
#include "common/db/id_allocator.h"
#include "common/db/mysql_pool.h"
#include "common/db/transaction.h"
#include "services/account/accounts/account_store.h"

namespace kam::account::accounts {

// The statements behind GetAccount and the single-row CreateAccount, public so
// the benchmark's raw Connector/C++ baseline runs exactly the same SQL.
// GetAccountSql binds the id; InsertAccountSql binds, in order: id,
// display_name, external_id, industry, region, category, parent_id, owner,
// stage, share_of_wallet, stage_update_time, credit_limit_minor,
// credit_currency, payment_terms_days, credit_risk, state, labels_text,
// version, create_time, update_time, create_request_id, create_request_hash.
const std::string& GetAccountSql();
const std::string& InsertAccountSql();

class MySqlAccountTx final : public common::StoreTx, public AccountTx {
 public:
  MySqlAccountTx(common::SqlConnection& connection, absl::string_view context)
      : StoreTx(connection, context) {}

  absl::StatusOr<StoredAccount> LockAccount(int64_t id) override;
  absl::Status WriteAccount(const StoredAccount& row) override;
  absl::StatusOr<common::InsertOutcome> InsertAccount(const StoredAccount& row,
                                                      const common::RequestKey& key) override;
  absl::Status ReplaceLabels(
      int64_t account_id, const google::protobuf::Map<std::string, std::string>& labels) override;

  // Hierarchy steps (mysql_hierarchy.cc).
  absl::Status LockHierarchy() override;
  absl::StatusOr<std::vector<int64_t>> AncestorChain(int64_t id) override;
  absl::StatusOr<int> SubtreeHeight(int64_t id) override;
  absl::StatusOr<int> CountLiveChildren(int64_t id) override;
};

class MySqlAccountStore final : public AccountStore {
 public:
  explicit MySqlAccountStore(common::ConnectionPool* pool);

  absl::StatusOr<int64_t> NewAccountId() override { return account_ids_.Next(); }
  absl::StatusOr<common::InsertOutcome> InsertAccount(const StoredAccount& row,
                                                      const common::RequestKey& key) override;
  absl::StatusOr<StoredAccount> GetAccount(int64_t id) override;
  absl::StatusOr<std::vector<StoredAccount>> GetAccounts(const std::vector<int64_t>& ids) override;
  absl::StatusOr<std::optional<common::CreatedByRequest<StoredAccount>>> FindAccountByRequest(
      const std::string& request_id) override;
  absl::StatusOr<common::Page<StoredAccount>> ListAccounts(
      const common::FilterNode& filter, const AccountOrder& order, bool show_deleted,
      const std::optional<common::PageCursor>& cursor, int limit) override;

  // Group reads (mysql_hierarchy.cc).
  absl::StatusOr<std::vector<StoredAccount>> ListAncestors(int64_t id) override;
  absl::StatusOr<common::Page<DescendantRow>> ListDescendants(
      int64_t id, int max_depth, const std::optional<common::PageCursor>& cursor,
      int limit) override;
  absl::StatusOr<GroupCounts> CountGroup(int64_t root_id) override;

 private:
  // The rows of `ids` (at most 1024; repeats allowed) into `rows`.
  absl::Status FetchAccounts(const std::vector<int64_t>& ids,
                             std::map<int64_t, StoredAccount>* rows);

  struct PendingInsert {
    const StoredAccount* row;
    const common::RequestKey* key;
  };
  using ReadResult = absl::StatusOr<std::optional<StoredAccount>>;
  std::vector<ReadResult> ReadBatch(const std::vector<const int64_t*>& ids);
  std::vector<absl::StatusOr<common::InsertOutcome>> InsertBatch(
      const std::vector<const PendingInsert*>& inserts);

  common::ConnectionPool* pool_;
  common::Coalescer<int64_t, ReadResult> account_reads_;
  common::Coalescer<PendingInsert, absl::StatusOr<common::InsertOutcome>> account_inserts_;
  common::IdAllocator account_ids_;
};

}  // namespace kam::account::accounts

#endif  // KAM_SERVICES_ACCOUNT_ACCOUNTS_MYSQL_ACCOUNT_STORE_H_
