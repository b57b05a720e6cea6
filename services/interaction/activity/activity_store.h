// All SQL on the activities tables (activities, activity_contacts,
// activity_team_members; migrations/0001_activities.sql). Prepared
// statements only; every value is bound, never spliced into the text.
//
// Writes are optimistic: the service reads a row, asks the account service
// what it needs (never inside a transaction), then writes only if the row's
// version is still the one it read (WriteActivityIfVersion), and otherwise
// starts over.
#ifndef KAM_SERVICES_INTERACTION_ACTIVITY_ACTIVITY_STORE_H_
#define KAM_SERVICES_INTERACTION_ACTIVITY_ACTIVITY_STORE_H_

#include <cstdint>
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
#include "common/db/mysql_pool.h"
#include "kam/interaction/v1/activity.pb.h"
#include "services/interaction/activity/visit_cadence.h"

namespace kam::interaction::activity {

namespace v1 = ::kam::interaction::v1;

// An activity row. `activity` has every field filled, name and etag
// included.
struct StoredActivity {
  int64_t id = 0;
  int64_t account_id = 0;
  int64_t version = 0;
  v1::Activity activity;
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

// One page of a listing: at most `limit` rows, and whether more follow.
template <typename Row>
struct Page {
  std::vector<Row> rows;
  bool more = false;
};

// The statement CreateActivity inserts an activity row with, for the
// benchmark's raw-database baseline (interaction_bench). It binds, in order:
// id, account_id, kind, subject, level, status, planned_time, actual_time,
// outcome, next_follow_up_time, cost_minor, cost_currency, contact_ids_text,
// team_members_text, version, update_time, delete_time, creator,
// create_time, create_request_id, create_request_hash.
const std::string& InsertActivitySql();

class ActivityStore {
 public:
  explicit ActivityStore(common::ConnectionPool* pool);

  absl::StatusOr<int64_t> NewActivityId() { return ids_.Next(); }

  // Inserts the activity and its participants, all or nothing.
  // kDuplicateRequest (nothing written) when `request_id` was used before.
  // Concurrent calls share multi-row INSERT statements (common/base/coalescer.h).
  absl::StatusOr<InsertOutcome> InsertActivity(const StoredActivity& row,
                                               const std::string& request_id,
                                               const std::string& request_hash);

  // NOT_FOUND naming the activity.
  absl::StatusOr<StoredActivity> GetActivity(int64_t id);

  // The activity a create with `request_id` made; nullopt when none did.
  absl::StatusOr<std::optional<CreatedByRequest<StoredActivity>>> FindActivityByRequest(
      const std::string& request_id);

  // Writes every mutable column of `row` (version, times and delete_time as
  // given) if the stored version is still `expected_version`; replaces the
  // participants when `participants_changed`. False, and nothing written,
  // when the row changed meanwhile.
  absl::StatusOr<bool> WriteActivityIfVersion(const StoredActivity& row, int64_t expected_version,
                                              bool participants_changed);

  // Activities matching `filter` after `cursor` in id order, at most
  // `limit`. INVALID_ARGUMENT for filter fields, operators or values it
  // cannot map (see ListActivitiesRequest.filter).
  absl::StatusOr<Page<StoredActivity>> ListActivities(
      const common::FilterNode& filter, bool show_deleted,
      const std::optional<common::PageCursor>& cursor, int limit);

  // What the overdue report needs about each of `account_ids` (at most
  // 1000) at `as_of`: the latest DONE visit, DONE executive activity and
  // DONE activity that took place by `as_of`, and the live PLANNED or DONE
  // activities whose follow-up time is before `as_of` and after which no
  // DONE activity took place. Two statements for the whole list (one
  // grouped), whatever its length. Accounts with no activities are absent.
  struct OverdueFacts {
    std::optional<absl::Time> last_visit;
    std::optional<absl::Time> last_executive;
    std::optional<absl::Time> last_done;
    std::vector<FollowUpCandidate> follow_ups;
  };
  absl::StatusOr<std::map<int64_t, OverdueFacts>> LoadOverdueFacts(
      const std::vector<int64_t>& account_ids, absl::Time as_of);

 private:
  struct PendingInsert {
    const StoredActivity* row;
    const std::string* request_id;
    const std::string* request_hash;
  };
  std::vector<absl::StatusOr<InsertOutcome>> InsertBatch(
      const std::vector<const PendingInsert*>& inserts);
  // One activity in its own transaction.
  absl::StatusOr<InsertOutcome> InsertOne(const StoredActivity& row, const std::string& request_id,
                                          const std::string& request_hash);

  common::ConnectionPool* pool_;
  common::Coalescer<PendingInsert, absl::StatusOr<InsertOutcome>> inserts_;
  common::IdAllocator ids_;
};

}  // namespace kam::interaction::activity

#endif  // KAM_SERVICES_INTERACTION_ACTIVITY_ACTIVITY_STORE_H_
