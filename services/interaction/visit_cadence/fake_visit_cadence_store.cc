#include "services/interaction/visit_cadence/fake_visit_cadence_store.h"

#include <utility>

#include "common/base/status_macros.h"

namespace kam::interaction::visit_cadence {
void FakeVisitCadenceStore::PutFacts(int64_t account_id, OverdueFacts facts) {
  absl::MutexLock lock(&mu_);
  facts_[account_id] = std::move(facts);
}

StoredVisitCadence FakeVisitCadenceStore::cadence() const {
  absl::MutexLock lock(&mu_);
  return cadence_;
}

absl::StatusOr<StoredVisitCadence> FakeVisitCadenceStore::GetVisitCadence() {
  absl::MutexLock lock(&mu_);
  KAM_RETURN_IF_ERROR(Reachable("database"));
  return cadence_;
}

absl::StatusOr<bool> FakeVisitCadenceStore::WriteVisitCadenceIfVersion(const VisitCadence& cadence,
                                                                       int64_t expected_version,
                                                                       absl::Time now,
                                                                       const std::string& actor) {
  absl::MutexLock lock(&mu_);
  KAM_RETURN_IF_ERROR(Reachable("database"));
  if (cadence_.version != expected_version) return false;
  cadence_ = {cadence, expected_version + 1, now, actor};
  return true;
}

absl::StatusOr<std::map<int64_t, OverdueFacts>> FakeVisitCadenceStore::LoadOverdueFacts(
    const std::vector<int64_t>& account_ids, absl::Time) {
  absl::MutexLock lock(&mu_);
  KAM_RETURN_IF_ERROR(Reachable("database"));
  std::map<int64_t, OverdueFacts> found;
  for (int64_t id : account_ids) {
    if (auto it = facts_.find(id); it != facts_.end()) found.insert(*it);
  }
  return found;
}

}  // namespace kam::interaction::visit_cadence
