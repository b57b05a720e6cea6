#include "services/scoring/designations/fake_designation_store.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"

namespace kam::scoring::designations {

absl::StatusOr<int64_t> FakeDesignationStore::NewId() {
  absl::MutexLock lock(&mu_);
  return next_id_++;
}

absl::StatusOr<common::InsertOutcome> FakeDesignationStore::Create(
    const StoredDesignation& d, const common::RequestKey& key,
    std::optional<StoredDesignation>* conflict) {
  absl::MutexLock lock(&mu_);
  if (!key.id.empty() && requests_.count(key.id) > 0) {
    return common::InsertOutcome::kDuplicateRequest;
  }
  for (const auto& [id, other] : rows_) {
    if (other.account_id == d.account_id && other.kind == d.kind &&
        other.start_time < d.end_time && d.start_time < other.end_time) {
      *conflict = other;
      return common::InsertOutcome::kInserted;
    }
  }
  rows_[d.id] = d;
  if (!key.id.empty()) requests_[key.id] = {d.id, key.hash};
  return common::InsertOutcome::kInserted;
}

absl::StatusOr<std::optional<common::CreatedByRequest<StoredDesignation>>>
FakeDesignationStore::FindByRequest(const std::string& request_id) {
  absl::MutexLock lock(&mu_);
  auto it = requests_.find(request_id);
  if (it == requests_.end()) return std::nullopt;
  return common::CreatedByRequest<StoredDesignation>{rows_.at(it->second.first),
                                                     it->second.second};
}

absl::StatusOr<StoredDesignation> FakeDesignationStore::Get(int64_t id) {
  absl::MutexLock lock(&mu_);
  auto it = rows_.find(id);
  if (it == rows_.end()) return DesignationNotFound(id);
  return it->second;
}

absl::StatusOr<std::vector<StoredDesignation>> FakeDesignationStore::List(
    const common::FilterNode& filter, absl::Time now, int64_t before_id, int limit) {
  // The handler tests list unfiltered; the filters are SQL's
  // (tests/scoring/designation_test.cc).
  if (filter.kind != common::FilterNode::Kind::kAnd || !filter.children.empty()) {
    return absl::UnimplementedError("filters are not in the fake");
  }
  absl::MutexLock lock(&mu_);
  std::vector<StoredDesignation> out;
  for (auto it = rows_.rbegin(); it != rows_.rend() && static_cast<int>(out.size()) <= limit;
       ++it) {
    const StoredDesignation& d = it->second;
    if (before_id != 0 && d.id >= before_id) continue;
    out.push_back(d);
  }
  return out;
}

absl::StatusOr<StoredDesignation> FakeDesignationStore::End(int64_t id, absl::Time at,
                                                            const std::string& by,
                                                            const std::string& reason) {
  absl::MutexLock lock(&mu_);
  auto it = rows_.find(id);
  if (it == rows_.end()) return DesignationNotFound(id);
  KAM_RETURN_IF_ERROR(EndEarly(at, by, reason, &it->second));
  return it->second;
}

absl::StatusOr<std::vector<StoredDesignation>> FakeDesignationStore::Around(absl::Time since,
                                                                            absl::Time as_of) {
  absl::MutexLock lock(&mu_);
  std::vector<StoredDesignation> out;
  for (const auto& [id, d] : rows_) {
    if (d.start_time <= as_of && d.end_time > since) out.push_back(d);
  }
  return out;
}

}  // namespace kam::scoring::designations
