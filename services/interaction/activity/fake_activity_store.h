// An in-memory ActivityStore for unit tests of the activity handlers: keeps
// activities by id (request ids unique, versions checked on write, NOT_FOUND
// as the real store words it) and the quiet-hours policy (the migration's
// defaults until written). While the "database" is down every call is
// UNAVAILABLE. ListActivities takes only an empty filter.
#ifndef KAM_SERVICES_INTERACTION_ACTIVITY_FAKE_ACTIVITY_STORE_H_
#define KAM_SERVICES_INTERACTION_ACTIVITY_FAKE_ACTIVITY_STORE_H_

#include <map>
#include <string>

#include "absl/synchronization/mutex.h"
#include "services/interaction/activity/activity_store.h"

namespace kam::interaction::activity {

class FakeActivityStore final : public ActivityStore {
 public:
  // While down, every call is UNAVAILABLE.
  void SetDown(bool down);
  // How many activity rows were written (inserted or updated).
  int writes() const;
  // Every activity stored, by id.
  std::map<int64_t, StoredActivity> activities() const;

  absl::StatusOr<int64_t> NewActivityId() override;
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
  absl::StatusOr<StoredQuietHoursPolicy> GetQuietHoursPolicy() override;
  absl::StatusOr<bool> WriteQuietHoursPolicyIfVersion(const QuietHoursPolicy& policy,
                                                      int64_t expected_version, absl::Time now,
                                                      const std::string& actor) override;

 private:
  absl::Status Answer() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  bool down_ ABSL_GUARDED_BY(mu_) = false;
  int writes_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t last_id_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<int64_t, StoredActivity> activities_ ABSL_GUARDED_BY(mu_);
  // request id -> (activity id, request hash)
  std::map<std::string, std::pair<int64_t, std::string>> requests_ ABSL_GUARDED_BY(mu_);
  StoredQuietHoursPolicy policy_ ABSL_GUARDED_BY(mu_) = {QuietHoursPolicy{}, 1, absl::UnixEpoch(),
                                                         "migration"};
};

}  // namespace kam::interaction::activity

#endif  // KAM_SERVICES_INTERACTION_ACTIVITY_FAKE_ACTIVITY_STORE_H_
