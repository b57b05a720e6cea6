// All SQL on the activity area's two policies, each one row
// (migrations/0001_activities.sql): the quiet hours and the visit cadence.
// Read fresh by every call that needs them (no cache: a policy update takes
// effect on the next call, on every replica). Updates are optimistic, like
// activities: write only if the version read is still current.
#ifndef KAM_SERVICES_INTERACTION_ACTIVITY_ACTIVITY_POLICY_STORE_H_
#define KAM_SERVICES_INTERACTION_ACTIVITY_ACTIVITY_POLICY_STORE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/mysql_pool.h"
#include "services/interaction/activity/quiet_hours.h"
#include "services/interaction/activity/visit_cadence.h"

namespace kam::interaction::activity {

struct StoredQuietHoursPolicy {
  QuietHoursPolicy policy;
  int64_t version = 0;
  absl::Time update_time;
  std::string updated_by;
};

struct StoredVisitCadence {
  VisitCadence cadence;
  int64_t version = 0;
  absl::Time update_time;
  std::string updated_by;
};

class ActivityPolicyStore {
 public:
  explicit ActivityPolicyStore(common::ConnectionPool* pool) : pool_(pool) {}

  // INTERNAL when the row is missing or holds text the rules cannot read
  // (the migration inserts the defaults; only a hand edit can break it).
  absl::StatusOr<StoredQuietHoursPolicy> GetQuietHoursPolicy();
  // Writes `policy` with version `expected_version + 1` if the stored
  // version is still `expected_version`; false (nothing written) otherwise.
  absl::StatusOr<bool> WriteQuietHoursPolicyIfVersion(const QuietHoursPolicy& policy,
                                                      int64_t expected_version, absl::Time now,
                                                      const std::string& actor);

  absl::StatusOr<StoredVisitCadence> GetVisitCadence();
  absl::StatusOr<bool> WriteVisitCadenceIfVersion(const VisitCadence& cadence,
                                                  int64_t expected_version, absl::Time now,
                                                  const std::string& actor);

 private:
  common::ConnectionPool* pool_;
};

}  // namespace kam::interaction::activity

#endif  // KAM_SERVICES_INTERACTION_ACTIVITY_ACTIVITY_POLICY_STORE_H_
