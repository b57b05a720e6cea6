// PolicyStore over MariaDB (schema kam_scoring): the only SQL of the
// policies. Prepared statements only.
#ifndef KAM_SERVICES_SCORING_POLICY_MYSQL_POLICY_STORE_H_
#define KAM_SERVICES_SCORING_POLICY_MYSQL_POLICY_STORE_H_

#include "common/db/id_allocator.h"
#include "common/db/mysql_pool.h"
#include "services/scoring/policy/policy_store.h"

namespace kam::scoring::policy {

class MySqlPolicyStore final : public PolicyStore {
 public:
  explicit MySqlPolicyStore(common::ConnectionPool* pool);

  absl::StatusOr<int64_t> NewPolicyId() override { return ids_.Next(); }
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
  common::ConnectionPool* pool_;
  common::IdAllocator ids_;
};

}  // namespace kam::scoring::policy

#endif  // KAM_SERVICES_SCORING_POLICY_MYSQL_POLICY_STORE_H_
