// The team handlers of kam.account.v1.AccountService (docs/domain.md §9):
// add a member, end a membership, list the team. A new account manager is
// a handover (handover.h); ending the account manager's membership clears
// the account's owner.
#pragma once

#include "absl/status/status.h"
#include "common/server/grpc_server.h"
#include "kam/account/v1/account.grpc.pb.h"
#include "services/account/shared/handlers.h"
#include "services/account/team/team_store.h"

namespace kam::account::team {

class TeamService final : public Handlers<TeamStore> {
 public:
  using Handlers::Handlers;

  absl::Status AddTeamMember(const Ctx& ctx, const v1::AddTeamMemberRequest& request,
                             v1::TeamMembership* response);
  absl::Status EndTeamMembership(const Ctx& ctx, const v1::EndTeamMembershipRequest& request,
                                 v1::TeamMembership* response);
  absl::Status ListTeamMemberships(const Ctx& ctx, const v1::ListTeamMembershipsRequest& request,
                                   v1::ListTeamMembershipsResponse* response);
  // For the interaction and scoring services (access table): not narrowed.
  absl::Status ListTeamAccounts(const Ctx& ctx, const v1::ListTeamAccountsRequest& request,
                                v1::ListTeamAccountsResponse* response);
};

}  // namespace kam::account::team
