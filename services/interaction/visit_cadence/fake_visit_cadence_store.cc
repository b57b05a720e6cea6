#include "services/interaction/visit_cadence/fake_visit_cadence_store.h"

#include <utility>

namespace kam::interaction::visit_cadence {
void FakeVisitCadenceStore::PutFacts(int64_t account_id, OverdueFacts facts) {
  db_.Write("putting facts",
            [&](Data& data) {
              data.facts[account_id] = std::move(facts);
              return absl::OkStatus();
            })
      .IgnoreError();  // tests put facts while the fake is up
}

StoredVisitCadence FakeVisitCadenceStore::cadence() const { return db_.Snapshot().cadence; }

absl::StatusOr<StoredVisitCadence> FakeVisitCadenceStore::GetVisitCadence() {
  return db_.Read<StoredVisitCadence>("reading the visit cadence",
                                      [](const Data& data) { return data.cadence; });
}

absl::StatusOr<bool> FakeVisitCadenceStore::WriteVisitCadenceIfVersion(const VisitCadence& cadence,
                                                                       int64_t expected_version,
                                                                       absl::Time now,
                                                                       const std::string& actor) {
  return db_.Change<bool>("writing the visit cadence", [&](Data& data) -> absl::StatusOr<bool> {
    if (data.cadence.version != expected_version) return false;
    data.cadence = {cadence, expected_version + 1, now, actor};
    return true;
  });
}

absl::StatusOr<std::map<int64_t, OverdueFacts>> FakeVisitCadenceStore::LoadOverdueFacts(
    const std::vector<int64_t>& account_ids, absl::Time) {
  return db_.Read<std::map<int64_t, OverdueFacts>>("loading overdue facts", [&](const Data& data) {
    std::map<int64_t, OverdueFacts> found;
    for (int64_t id : account_ids) {
      if (auto it = data.facts.find(id); it != data.facts.end()) found.insert(*it);
    }
    return found;
  });
}

}  // namespace kam::interaction::visit_cadence
