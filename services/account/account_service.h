// kam.account.v1.AccountService: the gRPC handlers. Each handler checks its
// request, applies the pure rules (account_fields, stage_machine, hierarchy)
// and the store's steps, and returns an absl::Status that common/grpc_server
// turns into the gRPC status.
#ifndef KAM_SERVICES_ACCOUNT_ACCOUNT_SERVICE_H_
#define KAM_SERVICES_ACCOUNT_ACCOUNT_SERVICE_H_

#include "absl/status/status.h"
#include "common/server/grpc_server.h"
#include "kam/account/v1/account.grpc.pb.h"
#include "services/account/account_store.h"

namespace kam::account {

class AccountService final {
 public:
  explicit AccountService(AccountStore* store) : store_(store) {}

  // Registers the service and every method with `server` (before Start).
  void Register(common::GrpcServer& server);

  using Ctx = common::CallContext;
  absl::Status CreateAccount(const Ctx&, const v1::CreateAccountRequest&, v1::Account*);
  absl::Status GetAccount(const Ctx&, const v1::GetAccountRequest&, v1::Account*);
  absl::Status BatchGetAccounts(const Ctx&, const v1::BatchGetAccountsRequest&,
                                v1::BatchGetAccountsResponse*);
  absl::Status ListAccounts(const Ctx&, const v1::ListAccountsRequest&,
                            v1::ListAccountsResponse*);
  absl::Status UpdateAccount(const Ctx&, const v1::UpdateAccountRequest&, v1::Account*);
  absl::Status DeleteAccount(const Ctx&, const v1::DeleteAccountRequest&, v1::Account*);
  absl::Status UndeleteAccount(const Ctx&, const v1::UndeleteAccountRequest&, v1::Account*);

  absl::Status ListAccountAncestors(const Ctx&, const v1::ListAccountAncestorsRequest&,
                                    v1::ListAccountAncestorsResponse*);
  absl::Status ListAccountDescendants(const Ctx&, const v1::ListAccountDescendantsRequest&,
                                      v1::ListAccountDescendantsResponse*);
  absl::Status GetGroupSummary(const Ctx&, const v1::GetGroupSummaryRequest&,
                               v1::GroupSummary*);

  absl::Status CreateContact(const Ctx&, const v1::CreateContactRequest&, v1::Contact*);
  absl::Status GetContact(const Ctx&, const v1::GetContactRequest&, v1::Contact*);
  absl::Status ListContacts(const Ctx&, const v1::ListContactsRequest&,
                            v1::ListContactsResponse*);
  absl::Status UpdateContact(const Ctx&, const v1::UpdateContactRequest&, v1::Contact*);
  absl::Status DeleteContact(const Ctx&, const v1::DeleteContactRequest&, v1::Contact*);
  absl::Status UndeleteContact(const Ctx&, const v1::UndeleteContactRequest&, v1::Contact*);

  absl::Status AddTeamMember(const Ctx&, const v1::AddTeamMemberRequest&, v1::TeamMembership*);
  absl::Status EndTeamMembership(const Ctx&, const v1::EndTeamMembershipRequest&,
                                 v1::TeamMembership*);
  absl::Status ListTeamMemberships(const Ctx&, const v1::ListTeamMembershipsRequest&,
                                   v1::ListTeamMembershipsResponse*);

  absl::Status TransitionStage(const Ctx&, const v1::TransitionStageRequest&,
                               v1::TransitionStageResponse*);
  absl::Status ListStageHistory(const Ctx&, const v1::ListStageHistoryRequest&,
                                v1::ListStageHistoryResponse*);
  absl::Status GetStagePlaybook(const Ctx&, const v1::GetStagePlaybookRequest&,
                                v1::StagePlaybook*);

  absl::Status MarkChurned(const Ctx&, const v1::MarkChurnedRequest&, v1::MarkChurnedResponse*);
  absl::Status RecordWinBack(const Ctx&, const v1::RecordWinBackRequest&,
                             v1::RecordWinBackResponse*);
  absl::Status ListChurnHistory(const Ctx&, const v1::ListChurnHistoryRequest&,
                                v1::ListChurnHistoryResponse*);

  absl::Status SetAccountTiers(const Ctx&, const v1::SetAccountTiersRequest&,
                               v1::SetAccountTiersResponse*);
  absl::Status ListTierHistory(const Ctx&, const v1::ListTierHistoryRequest&,
                               v1::ListTierHistoryResponse*);

 private:
  v1::AccountService::Service service_;
  AccountStore* store_;
};

}  // namespace kam::account

#endif  // KAM_SERVICES_ACCOUNT_ACCOUNT_SERVICE_H_
