#include "services/interaction/activity/fake_activity_store.h"

#include <utility>
#include <vector>

#include "common/base/status_macros.h"
#include "common/testing/fake_team_accounts.h"

namespace kam::interaction::activity {

std::map<int64_t, StoredActivity> FakeActivityStore::activities() const {
  return db_.Snapshot().activities.rows;
}

absl::StatusOr<common::InsertOutcome> FakeActivityStore::InsertActivity(
    const StoredActivity& row, const common::RequestKey& key) {
  return db_.Change<common::InsertOutcome>(
      "inserting an activity", [&](Data& data) -> absl::StatusOr<common::InsertOutcome> {
        const common::InsertOutcome outcome = data.activities.Insert(row, key);
        if (outcome == common::InsertOutcome::kInserted) ++data.writes;
        return outcome;
      });
}

absl::StatusOr<bool> FakeActivityStore::WriteActivityIfVersion(const StoredActivity& row,
                                                               int64_t expected_version, bool) {
  return db_.Change<bool>("writing an activity", [&](Data& data) -> absl::StatusOr<bool> {
    auto it = data.activities.rows.find(row.id);
    if (it == data.activities.rows.end() || it->second.version != expected_version) return false;
    it->second = row;
    ++data.writes;
    return true;
  });
}

absl::StatusOr<common::Page<StoredActivity>> FakeActivityStore::ListActivities(
    const common::FilterNode& filter, bool show_deleted,
    const std::optional<common::PageCursor>& cursor, int limit) {
  return db_.Read<common::Page<StoredActivity>>(
      "listing activities", [&](const Data& data) -> absl::StatusOr<common::Page<StoredActivity>> {
        std::vector<StoredActivity> rows;
        for (auto it = data.activities.rows.upper_bound(common::CursorId(cursor));
             it != data.activities.rows.end() && static_cast<int>(rows.size()) <= limit; ++it) {
          KAM_ASSIGN_OR_RETURN(
              bool matches, common::testing::MatchesAccountFilter(filter, it->second.account_id));
          if (matches && (show_deleted || !it->second.activity.has_delete_time())) {
            rows.push_back(it->second);
          }
        }
        return common::TrimPage(std::move(rows), limit);
      });
}

absl::StatusOr<StoredQuietHoursPolicy> FakeActivityStore::GetQuietHoursPolicy() {
  return db_.Read<StoredQuietHoursPolicy>("reading the quiet-hours policy",
                                          [](const Data& data) { return data.policy; });
}

absl::StatusOr<bool> FakeActivityStore::WriteQuietHoursPolicyIfVersion(
    const QuietHoursPolicy& policy, int64_t expected_version, absl::Time now,
    const std::string& actor) {
  return db_.Change<bool>("writing the quiet-hours policy",
                          [&](Data& data) -> absl::StatusOr<bool> {
                            if (data.policy.version != expected_version) return false;
                            data.policy = {policy, expected_version + 1, now, actor};
                            return true;
                          });
}

}  // namespace kam::interaction::activity
