// kam.scoring.v1.DesignationService: designating accounts as key accounts
// besides their tier (designation.proto). The rating runner reads the
// designations (RunDesignations); this only records them.
#pragma once

#include <utility>

#include "absl/status/status.h"
#include "common/client/team_narrowing.h"
#include "common/server/grpc_server.h"
#include "kam/scoring/v1/designation.grpc.pb.h"
#include "services/scoring/designations/account_check.h"
#include "services/scoring/designations/designation_store.h"

namespace kam::scoring::designations {

class DesignationService final {
 public:
  using Ctx = common::CallContext;

  // `accounts` checks the designated account exists and is not deleted.
  // `teams` narrows an account manager to their accounts
  // (common/client/team_narrowing.h): another's account or designation
  // answers as a missing one, lists hold only theirs.
  DesignationService(DesignationStore* store, AccountCheck accounts,
                     common::TeamAccountsSource* teams)
      : store_(store), accounts_(std::move(accounts)), teams_(teams) {}

  // The caller's identity is required (it is decided_by). A retry with the
  // same request_id answers the first designation before anything else.
  absl::Status CreateDesignation(const Ctx& ctx, const v1::CreateDesignationRequest& request,
                                 v1::Designation* response);
  absl::Status ListDesignations(const Ctx& ctx, const v1::ListDesignationsRequest& request,
                                v1::ListDesignationsResponse* response);
  // The caller's identity is required (it is ended_by).
  absl::Status EndDesignation(const Ctx& ctx, const v1::EndDesignationRequest& request,
                              v1::Designation* response);
  absl::Status GetDesignation(const Ctx& ctx, const v1::GetDesignationRequest& request,
                              v1::Designation* response);

  void Register(common::GrpcServer& server);

 private:
  // The designation, when the caller may see it (NOT_FOUND otherwise).
  absl::StatusOr<StoredDesignation> Visible(const Ctx& ctx, int64_t id);

  v1::DesignationService::Service service_;
  DesignationStore* store_;
  AccountCheck accounts_;
  common::TeamAccountsSource* teams_;
};

}  // namespace kam::scoring::designations
