// An in-memory CaseStore for unit tests of the case handlers and the
// sweeper: seeded with the shipped SLA policies and routes (as the
// migration seeds them), unique create request ids, versions as stored,
// NOT_FOUND as the real store says it, transactions that keep nothing when
// they fail, and a switch that makes every call UNAVAILABLE like a database
// that is down. ListCases is not in the fake.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "common/testing/fake_database.h"
#include "services/interaction/cases/case_store.h"
#include "services/interaction/shared/fake_rows.h"

namespace kam::interaction::cases {

class FakeCaseStore final : public CaseStore {
 public:
  FakeCaseStore();

  // While down, every call is UNAVAILABLE.
  void SetDown(bool down) { db_.SetDown(down); }

  // Adds or replaces a case as it is (tests that need one in a given state).
  void PutCase(const StoredCase& row);
  // How many cases and audit rows there are.
  int case_count() const;
  int event_count() const;

  absl::Status Transact(absl::string_view context,
                        const std::function<absl::Status(CaseTx&)>& fn) override;
  absl::StatusOr<StoredCase> GetCase(int64_t id) override { return ReadRow(db_, &Data::cases, id); }
  absl::StatusOr<int64_t> NewCaseId() override;
  absl::StatusOr<std::optional<common::CreatedByRequest<StoredCase>>> FindCaseByRequest(
      const std::string& request_id) override {
    return ReadRowByRequest(db_, &Data::cases, request_id);
  }
  absl::StatusOr<common::Page<v1::CaseEvent>> ListEvents(
      int64_t case_id, const std::optional<common::PageCursor>& cursor, int limit) override;
  absl::StatusOr<common::Page<v1::SlaPolicyChange>> ListPolicyChanges(
      const std::optional<SlaPolicyKey>& key, const std::optional<common::PageCursor>& cursor,
      int limit) override;
  absl::StatusOr<StoredPolicy> GetPolicy(const SlaPolicyKey& key) override;
  absl::StatusOr<std::vector<StoredPolicy>> ListPolicies() override;
  absl::StatusOr<std::vector<StoredRoute>> ListRoutes() override;
  absl::StatusOr<common::Page<StoredCase>> ListCases(const common::FilterNode&, const CaseOrder&,
                                                     absl::Time,
                                                     const std::optional<common::PageCursor>&,
                                                     int) override {
    return absl::UnimplementedError("not in the fake");
  }

  // Everything the store holds; a transaction works on a copy.
  struct Data {
    common::testing::FakeTable<StoredCase> cases{"case cases/"};
    std::map<int64_t, CaseEventRow> events;  // by event id
    std::map<std::pair<int, int>, StoredPolicy> policies;
    std::map<int64_t, v1::SlaPolicyChange> policy_changes;  // by change id
    std::map<v1::CaseType, StoredRoute> routes;
    int64_t next_id = 1;  // one sequence for every kind of row
  };

 private:
  common::testing::FakeDatabase<Data> db_;
};

}  // namespace kam::interaction::cases
