// What the visit-cadence handlers read and write
// (migrations/0001_activities.sql): the visit_cadence_policy row, and the
// facts about accounts' activities that the overdue report judges. Handlers
// depend on this interface; the MySQL store (NewMySqlVisitCadenceStore below,
// mysql_visit_cadence_store.cc) holds the SQL. No SQL here.
//
// The policy is read fresh by every call that needs it (no cache: an update
// takes effect on the next call, on every replica) and updated optimistically
// (shared/optimistic_write.h): written only if the version read is still
// current. While the database is down every method is UNAVAILABLE.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/interaction/shared/connection_pool_fwd.h"
#include "services/interaction/visit_cadence/visit_cadence.h"

namespace kam::interaction::visit_cadence {

struct StoredVisitCadence {
  VisitCadence cadence;
  int64_t version = 0;
  absl::Time update_time;
  std::string updated_by;
};

// What the overdue report needs about one account's activities (see
// VisitCadenceStore::LoadOverdueFacts).
struct OverdueFacts {
  std::optional<absl::Time> last_visit;
  std::optional<absl::Time> last_executive;
  std::optional<absl::Time> last_done;
  std::vector<FollowUpCandidate> follow_ups;
};

class VisitCadenceStore {
 public:
  virtual ~VisitCadenceStore() = default;

  // INTERNAL when the row is missing (the migration inserts the defaults;
  // only a hand edit can remove it).
  virtual absl::StatusOr<StoredVisitCadence> GetVisitCadence() = 0;
  // Writes `cadence` with version `expected_version + 1` if the stored
  // version is still `expected_version`; false (nothing written) otherwise.
  virtual absl::StatusOr<bool> WriteVisitCadenceIfVersion(const VisitCadence& cadence,
                                                          int64_t expected_version, absl::Time now,
                                                          const std::string& actor) = 0;

  // What the overdue report needs about each of `account_ids` (at most
  // 1000) at `as_of`: the latest DONE visit, DONE executive activity and
  // DONE activity that took place by `as_of`, and the live PLANNED or DONE
  // activities whose follow-up time is before `as_of` and after which no
  // DONE activity took place. Accounts with no activities are absent.
  virtual absl::StatusOr<std::map<int64_t, OverdueFacts>> LoadOverdueFacts(
      const std::vector<int64_t>& account_ids, absl::Time as_of) = 0;
};

// The real store, over MySQL (mysql_visit_cadence_store.cc). `pool`
// outlives it.
std::unique_ptr<VisitCadenceStore> NewMySqlVisitCadenceStore(common::ConnectionPool* pool);

}  // namespace kam::interaction::visit_cadence
