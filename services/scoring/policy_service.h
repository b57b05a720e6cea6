// kam.scoring.v1.ScoringPolicyService: versioned scoring policies.
#ifndef KAM_SERVICES_SCORING_POLICY_SERVICE_H_
#define KAM_SERVICES_SCORING_POLICY_SERVICE_H_

#include "absl/status/status.h"
#include "common/server/grpc_server.h"
#include "kam/scoring/v1/policy.grpc.pb.h"
#include "services/scoring/scoring_store.h"

namespace kam::scoring {

class PolicyService final {
 public:
  explicit PolicyService(ScoringStore* store) : store_(store) {}

  void Register(common::GrpcServer& server);

  using Ctx = common::CallContext;
  absl::Status CreateScoringPolicy(const Ctx&, const v1::CreateScoringPolicyRequest&,
                                   v1::ScoringPolicy*);
  absl::Status GetScoringPolicy(const Ctx&, const v1::GetScoringPolicyRequest&,
                                v1::ScoringPolicy*);
  absl::Status ListScoringPolicies(const Ctx&, const v1::ListScoringPoliciesRequest&,
                                   v1::ListScoringPoliciesResponse*);
  absl::Status UpdateScoringPolicy(const Ctx&, const v1::UpdateScoringPolicyRequest&,
                                   v1::ScoringPolicy*);
  absl::Status ListScoringPolicyVersions(const Ctx&, const v1::ListScoringPolicyVersionsRequest&,
                                         v1::ListScoringPolicyVersionsResponse*);

 private:
  v1::ScoringPolicyService::Service service_;
  ScoringStore* store_;
};

// "policies/{policy}" or "policies/{policy}/versions/{version}" -> {id,
// version (0 = latest)}; INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<std::pair<int64_t, int>> ParsePolicyName(absl::string_view field,
                                                        absl::string_view name);

}  // namespace kam::scoring

#endif  // KAM_SERVICES_SCORING_POLICY_SERVICE_H_
