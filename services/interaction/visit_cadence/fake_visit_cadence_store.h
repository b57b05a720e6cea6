// An in-memory VisitCadenceStore for unit tests of the visit-cadence
// handlers: the default cadence (version 1) until written, versions checked
// on write, and the overdue facts a test puts in. While the "database" is
// down every call is UNAVAILABLE.
#pragma once

#include "common/testing/fake_database.h"
#include "services/interaction/visit_cadence/visit_cadence_store.h"

namespace kam::interaction::visit_cadence {

class FakeVisitCadenceStore final : public VisitCadenceStore {
 public:
  // While down, every call is UNAVAILABLE.
  void SetDown(bool down) { db_.SetDown(down); }
  void PutFacts(int64_t account_id, OverdueFacts facts);
  StoredVisitCadence cadence() const;

  absl::StatusOr<StoredVisitCadence> GetVisitCadence() override;
  absl::StatusOr<bool> WriteVisitCadenceIfVersion(const VisitCadence& cadence,
                                                  int64_t expected_version, absl::Time now,
                                                  const std::string& actor) override;
  absl::StatusOr<std::map<int64_t, OverdueFacts>> LoadOverdueFacts(
      const std::vector<int64_t>& account_ids, absl::Time as_of) override;

 private:
  struct Data {
    StoredVisitCadence cadence = {DefaultVisitCadence(), 1, absl::UnixEpoch(), "migration"};
    std::map<int64_t, OverdueFacts> facts;
  };
  common::testing::FakeDatabase<Data> db_;
};

}  // namespace kam::interaction::visit_cadence
