// kam.scoring.v1.ScoringPolicyService: versioned scoring policies.
#pragma once

#include "absl/status/status.h"
#include "common/server/grpc_server.h"
#include "kam/scoring/v1/policy.grpc.pb.h"
#include "services/scoring/policy/policy_store.h"

namespace kam::scoring::policy {

class PolicyService final {
 public:
  explicit PolicyService(PolicyStore* store) : store_(store) {}

  void Register(common::GrpcServer& server);

  using Ctx = common::CallContext;
  // A retry with the same request_id answers version 1 as it was created.
  absl::Status CreateScoringPolicy(const Ctx&, const v1::CreateScoringPolicyRequest&,
                                   v1::ScoringPolicy*);
  absl::Status GetScoringPolicy(const Ctx&, const v1::GetScoringPolicyRequest&, v1::ScoringPolicy*);
  absl::Status ListScoringPolicies(const Ctx&, const v1::ListScoringPoliciesRequest&,
                                   v1::ListScoringPoliciesResponse*);
  // Changes the latest version in place while no run has used it, else adds
  // the next version. A stale etag is ABORTED, changing nothing.
  absl::Status UpdateScoringPolicy(const Ctx&, const v1::UpdateScoringPolicyRequest&,
                                   v1::ScoringPolicy*);
  absl::Status ListScoringPolicyVersions(const Ctx&, const v1::ListScoringPolicyVersionsRequest&,
                                         v1::ListScoringPolicyVersionsResponse*);

 private:
  v1::ScoringPolicyService::Service service_;
  PolicyStore* store_;
};

}  // namespace kam::scoring::policy
