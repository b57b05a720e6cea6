// The activity area's records (migrations/0001_activities.sql): activities
// with their participants, and the quiet-hours policy (one row). Handlers
// depend on this interface; the MySQL store (NewMySqlActivityStore below,
// mysql_activity_store.cc) holds the SQL and FakeActivityStore
// (fake_activity_store.h) stands in for it in unit tests.
//
// Writes are optimistic (shared/optimistic_write.h): the service reads a row,
// asks the account service what it needs (never inside a transaction), then
// writes only if the row's version is still the one it read
// (Write...IfVersion). Every method is one statement or one transaction of
// its own, so there is no Transact(). While the database is down every method
// is UNAVAILABLE.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/api/filter.h"
#include "common/api/idempotency.h"
#include "common/api/list_request.h"
#include "common/api/page_token.h"
#include "kam/interaction/v1/activity.pb.h"
#include "services/interaction/activity/quiet_hours.h"
#include "services/interaction/shared/connection_pool_fwd.h"

namespace kam::interaction::activity {

// An activity row. `activity` has every field filled, name and etag
// included.
struct StoredActivity {
  int64_t id = 0;
  int64_t account_id = 0;
  int64_t version = 0;
  v1::Activity activity;
};

struct StoredQuietHoursPolicy {
  QuietHoursPolicy policy;
  int64_t version = 0;
  absl::Time update_time;
  std::string updated_by;
};

class ActivityStore {
 public:
  virtual ~ActivityStore() = default;

  virtual absl::StatusOr<int64_t> NewActivityId() = 0;

  // Inserts the activity and its participants, all or nothing, with the
  // create's request id and hash (none when key.id is empty).
  // kDuplicateRequest (nothing written) when key.id was used before.
  virtual absl::StatusOr<common::InsertOutcome> InsertActivity(const StoredActivity& row,
                                                               const common::RequestKey& key) = 0;

  // NOT_FOUND "activity activities/{id} not found".
  virtual absl::StatusOr<StoredActivity> GetActivity(int64_t id) = 0;

  // The activity a create with `request_id` made; nullopt when none did.
  virtual absl::StatusOr<std::optional<common::CreatedByRequest<StoredActivity>>>
  FindActivityByRequest(const std::string& request_id) = 0;

  // Writes every mutable column of `row` (version, times and delete_time as
  // given) if the stored version is still `expected_version`; replaces the
  // participants when `participants_changed`. False, and nothing written,
  // when the row changed meanwhile.
  virtual absl::StatusOr<bool> WriteActivityIfVersion(const StoredActivity& row,
                                                      int64_t expected_version,
                                                      bool participants_changed) = 0;

  // Activities matching `filter` after `cursor` in id order, at most
  // `limit`. INVALID_ARGUMENT for filter fields, operators or values it
  // cannot map (see ListActivitiesRequest.filter).
  virtual absl::StatusOr<common::Page<StoredActivity>> ListActivities(
      const common::FilterNode& filter, bool show_deleted,
      const std::optional<common::PageCursor>& cursor, int limit) = 0;

  // Read fresh by every call that needs it (no cache: a policy update takes
  // effect on the next call, on every replica). INTERNAL when the row is
  // missing or holds text the rules cannot read (the migration inserts the
  // defaults; only a hand edit can break it).
  virtual absl::StatusOr<StoredQuietHoursPolicy> GetQuietHoursPolicy() = 0;
  // Writes `policy` with version `expected_version + 1` if the stored
  // version is still `expected_version`; false (nothing written) otherwise.
  virtual absl::StatusOr<bool> WriteQuietHoursPolicyIfVersion(const QuietHoursPolicy& policy,
                                                              int64_t expected_version,
                                                              absl::Time now,
                                                              const std::string& actor) = 0;
};

// The real store, over MySQL (mysql_activity_store.cc): concurrent
// InsertActivity calls share multi-row INSERT statements
// (common/base/coalescer.h). `pool` outlives it.
std::unique_ptr<ActivityStore> NewMySqlActivityStore(common::ConnectionPool* pool);

// The statement the real store inserts an activity row with, for the
// benchmark's raw-database baseline (interaction_bench). It binds, in order:
// id, account_id, kind, subject, level, status, planned_time, actual_time,
// outcome, next_follow_up_time, cost_minor, cost_currency, contact_ids_text,
// team_members_text, version, update_time, delete_time, creator,
// create_time, create_request_id, create_request_hash.
const std::string& InsertActivitySql();

}  // namespace kam::interaction::activity
