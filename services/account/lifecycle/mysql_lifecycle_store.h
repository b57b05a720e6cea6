// The lifecycle area on MySQL: tables stage_changes and churn_events.
// Prepared statements only; database errors become statuses at Step /
// WithConnection.
#ifndef KAM_SERVICES_ACCOUNT_LIFECYCLE_MYSQL_LIFECYCLE_STORE_H_
#define KAM_SERVICES_ACCOUNT_LIFECYCLE_MYSQL_LIFECYCLE_STORE_H_

#include "common/db/id_allocator.h"
#include "common/db/mysql_pool.h"
#include "common/db/transaction.h"
#include "services/account/lifecycle/lifecycle_store.h"

namespace kam::account::lifecycle {

class MySqlLifecycleTx final : public common::StoreTx, public LifecycleTx {
 public:
  // Ids of new rows come from `stage_change_ids` and `churn_event_ids`.
  MySqlLifecycleTx(common::SqlConnection& connection, absl::string_view context,
                   common::IdAllocator* stage_change_ids, common::IdAllocator* churn_event_ids)
      : StoreTx(connection, context),
        stage_change_ids_(stage_change_ids),
        churn_event_ids_(churn_event_ids) {}

  absl::Status InsertStageChange(StageChangeRow* row) override;
  absl::Status InsertChurnEvent(ChurnEventRow* row) override;

 private:
  common::IdAllocator* stage_change_ids_;
  common::IdAllocator* churn_event_ids_;
};

class MySqlLifecycleStore final : public LifecycleStore {
 public:
  explicit MySqlLifecycleStore(common::ConnectionPool* pool)
      : pool_(pool),
        stage_change_ids_(pool, "stage_changes"),
        churn_event_ids_(pool, "churn_events") {}

  // The steps of a transaction on `connection`.
  MySqlLifecycleTx Tx(common::SqlConnection& connection, absl::string_view context) {
    return MySqlLifecycleTx(connection, context, &stage_change_ids_, &churn_event_ids_);
  }

  absl::StatusOr<common::Page<StageChangeRow>> ListStageChanges(
      int64_t account_id, const std::optional<common::PageCursor>& cursor, int limit) override;
  absl::StatusOr<common::Page<ChurnEventRow>> ListChurnEvents(
      int64_t account_id, const std::optional<common::PageCursor>& cursor, int limit) override;

 private:
  common::ConnectionPool* pool_;
  common::IdAllocator stage_change_ids_;
  common::IdAllocator churn_event_ids_;
};

}  // namespace kam::account::lifecycle

#endif  // KAM_SERVICES_ACCOUNT_LIFECYCLE_MYSQL_LIFECYCLE_STORE_H_
