#include "services/account/mysql_account_database.h"

#include "common/metrics/batch_sizes.h"
#include "services/account/accounts/mysql_account_sql.h"

namespace kam::account {

AccountIds::AccountIds(common::ConnectionPool* pool)
    : accounts(pool, "accounts"),
      contacts(pool, "contacts"),
      memberships(pool, "team_memberships"),
      stage_changes(pool, "stage_changes"),
      churn_events(pool, "churn_events"),
      tier_changes(pool, "tier_changes") {}

absl::StatusOr<std::vector<int64_t>> NextIds(common::IdAllocator& allocator, size_t count) {
  std::vector<int64_t> ids;
  ids.reserve(count);
  while (ids.size() < count) {
    absl::StatusOr<int64_t> id = allocator.Next();
    if (!id.ok()) return id.status();
    ids.push_back(*id);
  }
  return ids;
}

MySqlAccountDatabase::MySqlAccountDatabase(common::ConnectionPool* pool)
    : pool_(pool),
      ids_(pool),
      account_reads_(common::metrics::ObserveBatchSize(
                         "account_reads",
                         [this](const std::vector<const int64_t*>& ids) { return ReadBatch(ids); }),
                     accounts::kMaxReadBatch, accounts::kReadLanes),
      account_inserts_(common::metrics::ObserveBatchSize(
                           "account_inserts",
                           [this](const std::vector<const PendingInsert*>& inserts) {
                             return InsertBatch(inserts);
                           }),
                       accounts::kMaxInsertBatch, accounts::kInsertLanes) {}

absl::Status MySqlAccountDatabase::Transact(absl::string_view context,
                                            absl::FunctionRef<absl::Status(Transaction& tx)> fn) {
  return common::RunInTransaction(*pool_, context, [&](common::SqlConnection& connection) {
    MySqlTransaction tx(connection, context, &ids_);
    return fn(tx);
  });
}

}  // namespace kam::account
