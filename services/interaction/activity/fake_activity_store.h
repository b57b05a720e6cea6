// An in-memory ActivityStore for unit tests of the activity handlers: keeps
// activities by id and the quiet-hours policy. While the "database" is down
// every call is UNAVAILABLE.
#pragma once

#include <map>
#include <string>

#include "common/testing/fake_database.h"
#include "services/interaction/activity/activity_store.h"
#include "services/interaction/shared/fake_rows.h"

namespace kam::interaction::activity {

class FakeActivityStore final : public ActivityStore {
 public:
  // While down, every call is UNAVAILABLE.
  void SetDown(bool down) { db_.SetDown(down); }
  // How many activity rows were written (inserted or updated).
  int writes() const { return db_.Snapshot().writes; }
  // Every activity stored, by id.
  std::map<int64_t, StoredActivity> activities() const;

  // Ids 1, 2, 3, ...
  absl::StatusOr<int64_t> NewActivityId() override {
    return db_.NewId("allocating an activity id");
  }
  // Request ids are unique, as the real store's unique key makes them.
  absl::StatusOr<common::InsertOutcome> InsertActivity(const StoredActivity& row,
                                                       const common::RequestKey& key) override;
  // NOT_FOUND in the real store's words.
  absl::StatusOr<StoredActivity> GetActivity(int64_t id) override {
    return ReadRow(db_, &Data::activities, id);
  }
  absl::StatusOr<std::optional<common::CreatedByRequest<StoredActivity>>> FindActivityByRequest(
      const std::string& request_id) override {
    return ReadRowByRequest(db_, &Data::activities, request_id);
  }
  // The participants live on the row, so `participants_changed` is moot.
  absl::StatusOr<bool> WriteActivityIfVersion(const StoredActivity& row, int64_t expected_version,
                                              bool participants_changed) override;
  // The empty filter, or the account terms of a narrowed listing
  // (common::testing::MatchesAccountFilter; UNIMPLEMENTED otherwise).
  absl::StatusOr<common::Page<StoredActivity>> ListActivities(
      const common::FilterNode& filter, bool show_deleted,
      const std::optional<common::PageCursor>& cursor, int limit) override;
  // The migration's defaults (version 1) until written.
  absl::StatusOr<StoredQuietHoursPolicy> GetQuietHoursPolicy() override;
  absl::StatusOr<bool> WriteQuietHoursPolicyIfVersion(const QuietHoursPolicy& policy,
                                                      int64_t expected_version, absl::Time now,
                                                      const std::string& actor) override;

 private:
  struct Data {
    int writes = 0;
    common::testing::FakeTable<StoredActivity> activities{"activity activities/"};
    StoredQuietHoursPolicy policy = {QuietHoursPolicy{}, 1, absl::UnixEpoch(), "migration"};
  };
  common::testing::FakeDatabase<Data> db_;
};

}  // namespace kam::interaction::activity
