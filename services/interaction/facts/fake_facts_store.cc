#include "services/interaction/facts/fake_facts_store.h"

#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"

namespace kam::interaction::facts {

void FakeFactsStore::Put(int64_t id, int32_t activity_count) {
  absl::MutexLock lock(&mu_);
  v1::AccountFacts& f = facts_[id];
  f.set_account(absl::StrCat("accounts/", id));
  f.set_activity_count(activity_count);
}

int FakeFactsStore::ranges() const {
  absl::MutexLock lock(&mu_);
  return ranges_;
}

absl::StatusOr<int64_t> FakeFactsStore::MaxAccountId() {
  absl::MutexLock lock(&mu_);
  KAM_RETURN_IF_ERROR(Reachable("database"));
  return facts_.empty() ? 0 : facts_.rbegin()->first;
}

absl::StatusOr<std::map<int64_t, v1::AccountFacts>> FakeFactsStore::Range(int64_t first,
                                                                          int64_t last,
                                                                          const FactsPeriod&) {
  absl::MutexLock lock(&mu_);
  ++ranges_;
  KAM_RETURN_IF_ERROR(Reachable("database"));
  return std::map<int64_t, v1::AccountFacts>(facts_.lower_bound(first), facts_.upper_bound(last));
}

}  // namespace kam::interaction::facts
