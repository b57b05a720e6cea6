// An in-memory FactsStore for unit tests of the facts stream: the facts a
// test puts in, by account id, whatever the period. While the "database" is
// down every call is UNAVAILABLE.
#pragma once

#include <map>

#include "absl/synchronization/mutex.h"
#include "common/testing/fake_database.h"
#include "services/interaction/facts/facts_store.h"

namespace kam::interaction::facts {

class FakeFactsStore final : public FactsStore, public common::testing::FakeOutage {
 public:
  // The facts of account `id` ("accounts/<id>"), with `activity_count` set
  // so tests can tell accounts apart.
  void Put(int64_t id, int32_t activity_count = 1);
  // How many Range calls were made.
  int ranges() const;

  absl::StatusOr<int64_t> MaxAccountId() override;
  absl::StatusOr<std::map<int64_t, v1::AccountFacts>> Range(int64_t first, int64_t last,
                                                            const FactsPeriod& period) override;

 private:
  mutable absl::Mutex mu_;
  int ranges_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<int64_t, v1::AccountFacts> facts_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kam::interaction::facts
