#include "services/interaction/activity/fake_activity_store.h"

#include <utility>
#include <vector>

#include "common/base/status_macros.h"

namespace kam::interaction::activity {

int FakeActivityStore::writes() const {
  absl::MutexLock lock(&mu_);
  return writes_;
}

std::map<int64_t, StoredActivity> FakeActivityStore::activities() const {
  absl::MutexLock lock(&mu_);
  return activities_.rows;
}

absl::StatusOr<int64_t> FakeActivityStore::NewActivityId() {
  absl::MutexLock lock(&mu_);
  KAM_RETURN_IF_ERROR(Reachable("database"));
  return ++last_id_;
}

absl::StatusOr<common::InsertOutcome> FakeActivityStore::InsertActivity(
    const StoredActivity& row, const common::RequestKey& key) {
  absl::MutexLock lock(&mu_);
  KAM_RETURN_IF_ERROR(Reachable("database"));
  const common::InsertOutcome outcome = activities_.Insert(row, key);
  if (outcome == common::InsertOutcome::kInserted) ++writes_;
  return outcome;
}

absl::StatusOr<StoredActivity> FakeActivityStore::GetActivity(int64_t id) {
  absl::MutexLock lock(&mu_);
  KAM_RETURN_IF_ERROR(Reachable("database"));
  return activities_.Get(id);
}

absl::StatusOr<std::optional<common::CreatedByRequest<StoredActivity>>>
FakeActivityStore::FindActivityByRequest(const std::string& request_id) {
  absl::MutexLock lock(&mu_);
  KAM_RETURN_IF_ERROR(Reachable("database"));
  return activities_.FindByRequest(request_id);
}

absl::StatusOr<bool> FakeActivityStore::WriteActivityIfVersion(const StoredActivity& row,
                                                               int64_t expected_version, bool) {
  absl::MutexLock lock(&mu_);
  KAM_RETURN_IF_ERROR(Reachable("database"));
  auto it = activities_.rows.find(row.id);
  if (it == activities_.rows.end() || it->second.version != expected_version) return false;
  it->second = row;
  ++writes_;
  return true;
}

absl::StatusOr<common::Page<StoredActivity>> FakeActivityStore::ListActivities(
    const common::FilterNode& filter, bool show_deleted,
    const std::optional<common::PageCursor>& cursor, int limit) {
  absl::MutexLock lock(&mu_);
  KAM_RETURN_IF_ERROR(Reachable("database"));
  if (filter.kind != common::FilterNode::Kind::kAnd || !filter.children.empty()) {
    return absl::UnimplementedError("not in the fake");
  }
  std::vector<StoredActivity> rows;
  for (auto it = activities_.rows.upper_bound(common::CursorId(cursor));
       it != activities_.rows.end() && static_cast<int>(rows.size()) <= limit; ++it) {
    if (show_deleted || !it->second.activity.has_delete_time()) rows.push_back(it->second);
  }
  return common::TrimPage(std::move(rows), limit);
}

absl::StatusOr<StoredQuietHoursPolicy> FakeActivityStore::GetQuietHoursPolicy() {
  absl::MutexLock lock(&mu_);
  KAM_RETURN_IF_ERROR(Reachable("database"));
  return policy_;
}

absl::StatusOr<bool> FakeActivityStore::WriteQuietHoursPolicyIfVersion(
    const QuietHoursPolicy& policy, int64_t expected_version, absl::Time now,
    const std::string& actor) {
  absl::MutexLock lock(&mu_);
  KAM_RETURN_IF_ERROR(Reachable("database"));
  if (policy_.version != expected_version) return false;
  policy_ = {policy, expected_version + 1, now, actor};
  return true;
}

}  // namespace kam::interaction::activity
