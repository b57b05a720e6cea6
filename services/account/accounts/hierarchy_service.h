// The group handlers of kam.account.v1.AccountService: an account's
// ancestors and descendants, and the summary of the group it heads
// (docs/domain.md §1: group customers whose subsidiaries roll up). Reads
// only.
#ifndef KAM_SERVICES_ACCOUNT_ACCOUNTS_HIERARCHY_SERVICE_H_
#define KAM_SERVICES_ACCOUNT_ACCOUNTS_HIERARCHY_SERVICE_H_

#include "absl/status/status.h"
#include "common/server/grpc_server.h"
#include "kam/account/v1/account.grpc.pb.h"
#include "services/account/accounts/account_store.h"

namespace kam::account::accounts {

class HierarchyService final {
 public:
  using Ctx = common::CallContext;

  explicit HierarchyService(AccountStore* store) : store_(store) {}

  // Serves these methods of `service` (shared with the other areas).
  void Register(common::GrpcServer& server, v1::AccountService::Service* service);

  absl::Status ListAccountAncestors(const Ctx& ctx, const v1::ListAccountAncestorsRequest& request,
                                    v1::ListAccountAncestorsResponse* response);
  absl::Status ListAccountDescendants(const Ctx& ctx,
                                      const v1::ListAccountDescendantsRequest& request,
                                      v1::ListAccountDescendantsResponse* response);
  absl::Status GetGroupSummary(const Ctx& ctx, const v1::GetGroupSummaryRequest& request,
                               v1::GroupSummary* response);

 private:
  AccountStore* store_;
};

}  // namespace kam::account::accounts

#endif  // KAM_SERVICES_ACCOUNT_ACCOUNTS_HIERARCHY_SERVICE_H_
