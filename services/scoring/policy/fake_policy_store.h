// An in-memory PolicyStore for unit tests of the policy and rating handlers:
// unique create request ids, versions frozen once used, revisions and etags
// as MySqlPolicyStore keeps them, and SetDown() for a database that is down.
// Methods no test needs answer UNIMPLEMENTED.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/testing/fake_database.h"
#include "services/scoring/policy/policy_store.h"

namespace kam::scoring::policy {

class FakePolicyStore final : public PolicyStore {
 public:
  struct Policy {
    std::vector<StoredPolicy> versions;  // versions[v - 1] is version v
    int latest = 1;
    std::string request_id;
    std::string request_hash;
  };
  struct Data {
    std::map<int64_t, Policy> policies;
  };

  void SetDown(bool down) { db_.SetDown(down); }
  Data Snapshot() const { return db_.Snapshot(); }
  // Stores a new policy at version 1 with `settings`; its id.
  int64_t PutPolicy(const v1::ScoringPolicy& settings);

  absl::StatusOr<int64_t> NewPolicyId() override { return db_.NewId("allocating policy id"); }
  absl::Status Transact(absl::string_view context,
                        absl::FunctionRef<absl::Status(PolicyTx&)> fn) override;
  absl::StatusOr<std::optional<common::CreatedByRequest<StoredPolicy>>> FindPolicyByRequest(
      const std::string& request_id) override;
  absl::StatusOr<StoredPolicy> GetPolicy(int64_t id, int version) override;
  absl::StatusOr<std::vector<StoredPolicy>> ListPolicies(int64_t after_id, int limit) override;
  absl::StatusOr<std::vector<StoredPolicy>> ListVersions(int64_t id, int before_version,
                                                         int limit) override;
  absl::Status MarkVersionUsed(int64_t id, int version) override;

 private:
  common::testing::FakeDatabase<Data> db_;
};

}  // namespace kam::scoring::policy
