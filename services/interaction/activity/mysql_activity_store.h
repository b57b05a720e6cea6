// ActivityStore on MariaDB: all SQL on the activities tables (activities,
// activity_contacts, activity_team_members) and the quiet_hours_policy row
// (migrations/0001_activities.sql). Prepared statements only; every value is
// bound, never spliced into the text.
#ifndef KAM_SERVICES_INTERACTION_ACTIVITY_MYSQL_ACTIVITY_STORE_H_
#define KAM_SERVICES_INTERACTION_ACTIVITY_MYSQL_ACTIVITY_STORE_H_

#include <string>
#include <vector>

#include "common/base/coalescer.h"
#include "common/db/id_allocator.h"
#include "common/db/mysql_pool.h"
#include "services/interaction/activity/activity_store.h"

namespace kam::interaction::activity {

// The statement CreateActivity inserts an activity row with, for the
// benchmark's raw-database baseline (interaction_bench). It binds, in order:
// id, account_id, kind, subject, level, status, planned_time, actual_time,
// outcome, next_follow_up_time, cost_minor, cost_currency, contact_ids_text,
// team_members_text, version, update_time, delete_time, creator,
// create_time, create_request_id, create_request_hash.
const std::string& InsertActivitySql();

class MySqlActivityStore final : public ActivityStore {
 public:
  explicit MySqlActivityStore(common::ConnectionPool* pool);

  absl::StatusOr<int64_t> NewActivityId() override { return ids_.Next(); }
  // Concurrent calls share multi-row INSERT statements
  // (common/base/coalescer.h).
  absl::StatusOr<common::InsertOutcome> InsertActivity(const StoredActivity& row,
                                                       const common::RequestKey& key) override;
  absl::StatusOr<StoredActivity> GetActivity(int64_t id) override;
  absl::StatusOr<std::optional<common::CreatedByRequest<StoredActivity>>> FindActivityByRequest(
      const std::string& request_id) override;
  absl::StatusOr<bool> WriteActivityIfVersion(const StoredActivity& row, int64_t expected_version,
                                              bool participants_changed) override;
  absl::StatusOr<common::Page<StoredActivity>> ListActivities(
      const common::FilterNode& filter, bool show_deleted,
      const std::optional<common::PageCursor>& cursor, int limit) override;

  // mysql_quiet_hours_store.cc
  absl::StatusOr<StoredQuietHoursPolicy> GetQuietHoursPolicy() override;
  absl::StatusOr<bool> WriteQuietHoursPolicyIfVersion(const QuietHoursPolicy& policy,
                                                      int64_t expected_version, absl::Time now,
                                                      const std::string& actor) override;

 private:
  struct PendingInsert {
    const StoredActivity* row;
    const common::RequestKey* key;
  };
  using InsertResult = absl::StatusOr<common::InsertOutcome>;
  std::vector<InsertResult> InsertBatch(const std::vector<const PendingInsert*>& inserts);
  // One activity in its own transaction.
  InsertResult InsertOne(const StoredActivity& row, const common::RequestKey& key);

  common::ConnectionPool* pool_;
  common::Coalescer<PendingInsert, InsertResult> inserts_;
  common::IdAllocator ids_;
};

}  // namespace kam::interaction::activity

#endif  // KAM_SERVICES_INTERACTION_ACTIVITY_MYSQL_ACTIVITY_STORE_H_
