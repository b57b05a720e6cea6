// The account handlers of kam.account.v1.AccountService: create, read, list,
// update, delete and undelete accounts (account_service.cc), and the group
// reads (hierarchy_service.cc: an account's ancestors and descendants, and
// the summary of the group it heads; docs/domain.md §1). Thin: validate
// (account_fields), apply the rules (hierarchy, stage_machine,
// team/handover) and the store's steps, map the results. An account
// manager's calls are narrowed to their accounts (shared/narrowing.h).
#pragma once

#include <cstddef>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/api/idempotency.h"
#include "common/server/grpc_server.h"
#include "kam/account/v1/account.grpc.pb.h"
#include "services/account/accounts/account_store.h"
#include "services/account/shared/handlers.h"

namespace kam::account::accounts {

class AccountService final : public Handlers<AccountStore> {
 public:
  using Handlers::Handlers;

  // Without a parent, owner or labels, one coalesced INSERT
  // (AccountStore::InsertAccount); otherwise one transaction that also
  // checks the parent and starts the owner's account-manager membership.
  absl::Status CreateAccount(const Ctx& ctx, const v1::CreateAccountRequest& request,
                             v1::Account* response);
  // All or nothing (AIP-233): every item checked as CreateAccount checks its
  // request, the look-up of earlier results by request id in one query, then
  // one transaction whose inserts are multi-row (CreateFresh). Errors name
  // the item (shared/batch_create.h).
  absl::Status BatchCreateAccounts(const Ctx& ctx, const v1::BatchCreateAccountsRequest& request,
                                   v1::BatchCreateAccountsResponse* response);
  absl::Status GetAccount(const Ctx& ctx, const v1::GetAccountRequest& request,
                          v1::Account* response);
  absl::Status BatchGetAccounts(const Ctx& ctx, const v1::BatchGetAccountsRequest& request,
                                v1::BatchGetAccountsResponse* response);
  absl::Status ListAccounts(const Ctx& ctx, const v1::ListAccountsRequest& request,
                            v1::ListAccountsResponse* response);
  // A new parent is checked against the hierarchy rules; a new owner is a
  // handover (team/handover.h), in the same transaction.
  absl::Status UpdateAccount(const Ctx& ctx, const v1::UpdateAccountRequest& request,
                             v1::Account* response);
  absl::Status DeleteAccount(const Ctx& ctx, const v1::DeleteAccountRequest& request,
                             v1::Account* response) {
    return SetDeleted(ctx, request.name(), request.etag(), /*deleted=*/true, response);
  }
  absl::Status UndeleteAccount(const Ctx& ctx, const v1::UndeleteAccountRequest& request,
                               v1::Account* response) {
    return SetDeleted(ctx, request.name(), request.etag(), /*deleted=*/false, response);
  }

  // Reads only.
  absl::Status ListAccountAncestors(const Ctx& ctx, const v1::ListAccountAncestorsRequest& request,
                                    v1::ListAccountAncestorsResponse* response);
  absl::Status ListAccountDescendants(const Ctx& ctx,
                                      const v1::ListAccountDescendantsRequest& request,
                                      v1::ListAccountDescendantsResponse* response);
  absl::Status GetGroupSummary(const Ctx& ctx, const v1::GetGroupSummaryRequest& request,
                               v1::GroupSummary* response);

 private:
  // BatchCreateAccounts' transaction: checks the parents of `rows` (once
  // each), inserts the rows with their `keys` and starts their owners'
  // memberships. `items[j]`: the index in the request of `rows[j]`, for
  // errors.
  absl::Status CreateFresh(Transaction& tx, const Ctx& ctx, const std::vector<size_t>& items,
                           const std::vector<StoredAccount>& rows,
                           const std::vector<common::RequestKey>& keys, absl::Time now);
  // DeleteAccount (`deleted`) and UndeleteAccount of account `name`.
  absl::Status SetDeleted(const Ctx& ctx, absl::string_view name, absl::string_view etag,
                          bool deleted, v1::Account* response);
};

}  // namespace kam::account::accounts
