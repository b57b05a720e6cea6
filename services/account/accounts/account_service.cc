#include "services/account/accounts/account_service.h"

#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "common/api/field_mask.h"
#include "common/api/idempotency.h"
#include "common/api/list_request.h"
#include "common/api/validation.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "services/account/accounts/account_fields.h"
#include "services/account/accounts/account_steps.h"
#include "services/account/accounts/hierarchy.h"
#include "services/account/lifecycle/stage_machine.h"
#include "services/account/shared/account_names.h"
#include "services/account/shared/batch_create.h"
#include "services/account/shared/narrowing.h"
#include "services/account/shared/requests.h"
#include "services/account/team/handover.h"

namespace kam::account::accounts {
namespace {

using common::InsertOutcome;

// A new account as CreateAccount stores it: version 1, stage DEVELOPMENT
// unless the request names one, active.
StoredAccount NewAccount(int64_t id, int64_t parent_id, const v1::Account& in, absl::Time now) {
  StoredAccount row;
  row.id = id;
  row.parent_id = parent_id;
  v1::Account& a = row.account;
  a.set_name(AccountName(id));
  a.set_display_name(in.display_name());
  a.set_external_id(in.external_id());
  a.set_industry(in.industry());
  a.set_region(in.region());
  a.set_category(in.category());
  if (parent_id != 0) a.set_parent_account(AccountName(parent_id));
  a.set_owner(in.owner());
  a.set_stage(in.stage() == v1::RELATIONSHIP_STAGE_UNSPECIFIED ? v1::RELATIONSHIP_STAGE_DEVELOPMENT
                                                               : in.stage());
  a.set_share_of_wallet_percent(in.share_of_wallet_percent());
  *a.mutable_stage_update_time() = common::ToProtoTimestamp(now);
  if (in.has_credit()) *a.mutable_credit() = in.credit();
  DropEmptyCredit(a);
  a.set_state(v1::LIFECYCLE_STATE_ACTIVE);
  *a.mutable_labels() = in.labels();
  common::StampCreate(&row.version, &a, now);
  return row;
}

// What CreateAccount (and each item of BatchCreateAccounts) checks of a
// request before it touches the store, and what it reads from it.
struct NewAccountRequest {
  common::RequestKey key;
  int64_t parent_id = 0;  // 0: none
};
absl::StatusOr<NewAccountRequest> CheckCreateAccount(const v1::CreateAccountRequest& request) {
  KAM_RETURN_IF_ERROR(common::CheckPresent("account", request.has_account()));
  const v1::Account& in = request.account();
  NewAccountRequest checked;
  KAM_ASSIGN_OR_RETURN(checked.key, common::RequestKeyOf(request, "CreateAccount"));
  KAM_RETURN_IF_ERROR(ValidateAccountFields(in));
  KAM_RETURN_IF_ERROR(lifecycle::CheckInitialStage(in.stage(), in.share_of_wallet_percent()));
  if (!in.parent_account().empty()) {
    KAM_ASSIGN_OR_RETURN(checked.parent_id,
                         ParseAccountName("account.parent_account", in.parent_account()));
  }
  return checked;
}

// The fields of a CreateAccountRequest its errors may start with (ItemError).
constexpr std::initializer_list<absl::string_view> kAccountItemFields = {"account", "request_id"};

// The parent checks shared by create and move: the parent exists and is live,
// and the account with `subtree_height` levels below it fits under it.
absl::Status CheckNewParent(AccountTx& tx, int64_t account_id, int64_t parent_id,
                            int subtree_height) {
  absl::StatusOr<StoredAccount> parent = tx.LockAccount(parent_id);
  if (!parent.ok()) {
    if (parent.status().code() == absl::StatusCode::kNotFound) {
      return absl::NotFoundError(
          absl::StrCat("account.parent_account ", AccountName(parent_id), " not found"));
    }
    return parent.status();
  }
  if (parent->account.has_delete_time()) {
    return absl::FailedPreconditionError(
        absl::StrCat("account.parent_account ", AccountName(parent_id), " is deleted"));
  }
  KAM_ASSIGN_OR_RETURN(std::vector<int64_t> chain, tx.AncestorChain(parent_id));
  return CheckParentMove(account_id, parent_id, chain, subtree_height);
}

// A deleted account may not leave live children behind.
absl::Status CheckNoLiveChildren(AccountTx& tx, const StoredAccount& row) {
  KAM_ASSIGN_OR_RETURN(int children, tx.CountLiveChildren(row.id));
  if (children == 0) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat("account ", row.account.name(), " has ",
                                                    children,
                                                    " live child account(s); move or delete them "
                                                    "first"));
}

// Undeleting puts the account back under its parent (if it has one): the
// parent must be live, and the tree must still fit the depth limit.
absl::Status CheckUndeleteUnderParent(AccountTx& tx, const StoredAccount& row) {
  if (row.parent_id == 0) return absl::OkStatus();
  absl::StatusOr<StoredAccount> parent = tx.LockAccount(row.parent_id);
  if (!parent.ok() && parent.status().code() != absl::StatusCode::kNotFound) {
    return parent.status();
  }
  if (parent.ok() && parent->account.has_delete_time()) {
    return absl::FailedPreconditionError(absl::StrCat("the parent account ", parent->account.name(),
                                                      " is deleted; undelete it first"));
  }
  // A move checks only the live subtree, so the parent may have moved
  // deeper while this account was deleted: check the depth limit again.
  KAM_ASSIGN_OR_RETURN(std::vector<int64_t> chain, tx.AncestorChain(row.parent_id));
  KAM_ASSIGN_OR_RETURN(int height, tx.SubtreeHeight(row.id));
  const int levels = static_cast<int>(chain.size()) + 1 + height;
  if (levels > kMaxHierarchyDepth) {
    return absl::FailedPreconditionError(absl::StrCat(
        "undeleting ", row.account.name(), " would make the hierarchy ", levels,
        " levels deep; the limit is ", kMaxHierarchyDepth, "; move its parent up first"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status AccountService::CreateAccount(const Ctx& ctx, const v1::CreateAccountRequest& request,
                                           v1::Account* response) {
  KAM_ASSIGN_OR_RETURN(const NewAccountRequest checked, CheckCreateAccount(request));
  const common::RequestKey& key = checked.key;
  const int64_t parent_id = checked.parent_id;
  const v1::Account& in = request.account();
  KAM_ASSIGN_OR_RETURN(int64_t id, store_->NewAccountId());
  const absl::Time now = common::NowMicros();
  StoredAccount row = NewAccount(id, parent_id, in, now);

  InsertOutcome outcome = InsertOutcome::kInserted;
  if (parent_id == 0 && in.owner().empty() && in.labels().empty()) {
    // The common case is one INSERT: no transaction round trips.
    KAM_ASSIGN_OR_RETURN(InsertOutcome inserted, store_->InsertAccount(row, key));
    outcome = inserted;
  } else {
    absl::Status status = transactions_->Transact("creating account", [&](Transaction& tx) {
      AccountTx& accounts = tx.accounts();
      if (parent_id != 0) {
        KAM_RETURN_IF_ERROR(accounts.LockHierarchy());
        KAM_RETURN_IF_ERROR(CheckNewParent(accounts, row.id, parent_id, 0));
      }
      KAM_ASSIGN_OR_RETURN(InsertOutcome inserted, accounts.InsertAccount(row, key));
      outcome = inserted;
      if (outcome == InsertOutcome::kDuplicateRequest || in.owner().empty()) {
        return absl::OkStatus();
      }
      return team::StartAccountManager(tx.team(), row.id, in.owner(), now, ctx.actor,
                                       common::RequestKey{})
          .status();
    });
    if (!status.ok()) {
      // The parent may have been deleted or moved since a first, successful
      // call with this request id: a retry still gets that call's result.
      if (key.id.empty()) return status;
      auto first = store_->FindAccountByRequest(key.id);
      if (!first.ok() || !first->has_value()) return status;
      outcome = InsertOutcome::kDuplicateRequest;
    }
  }
  if (outcome == InsertOutcome::kDuplicateRequest) {
    KAM_ASSIGN_OR_RETURN(row, common::AnswerRetry(key, store_->FindAccountByRequest(key.id)));
  }
  *response = std::move(row.account);
  return absl::OkStatus();
}

absl::Status AccountService::BatchCreateAccounts(const Ctx& ctx,
                                                 const v1::BatchCreateAccountsRequest& request,
                                                 v1::BatchCreateAccountsResponse* response) {
  KAM_RETURN_IF_ERROR(CheckBatchCreateSize(request.requests_size()));
  std::vector<int64_t> parent_ids;
  std::vector<common::RequestKey> keys;
  for (int i = 0; i < request.requests_size(); ++i) {
    absl::StatusOr<NewAccountRequest> checked = CheckCreateAccount(request.requests(i));
    if (!checked.ok()) return ItemError(i, checked.status(), kAccountItemFields);
    parent_ids.push_back(checked->parent_id);
    keys.push_back(std::move(checked->key));
  }
  KAM_ASSIGN_OR_RETURN(
      std::vector<StoredAccount> rows,
      CreateBatch<StoredAccount>(
          keys, kAccountItemFields,
          [&](const std::vector<std::string>& ids) { return store_->FindAccountsByRequest(ids); },
          [&](size_t count) { return store_->NewAccountIds(count); },
          [&](size_t i, int64_t id, absl::Time now) {
            return NewAccount(id, parent_ids[i], request.requests(i).account(), now);
          },
          [&](const std::vector<size_t>& items, const std::vector<StoredAccount>& fresh,
              const std::vector<common::RequestKey>& fresh_keys, absl::Time now) {
            return transactions_->Transact("creating accounts", [&](Transaction& tx) {
              return CreateFresh(tx, ctx, items, fresh, fresh_keys, now);
            });
          }));
  for (StoredAccount& row : rows) *response->add_accounts() = std::move(row.account);
  return absl::OkStatus();
}

absl::Status AccountService::CreateFresh(Transaction& tx, const Ctx& ctx,
                                         const std::vector<size_t>& items,
                                         const std::vector<StoredAccount>& rows,
                                         const std::vector<common::RequestKey>& keys,
                                         absl::Time now) {
  AccountTx& accounts = tx.accounts();
  // Each parent once, as CreateAccount checks it, under the hierarchy lock.
  std::set<int64_t> parents_checked;
  for (size_t j = 0; j < rows.size(); ++j) {
    const int64_t parent_id = rows[j].parent_id;
    if (parent_id == 0 || parents_checked.count(parent_id) > 0) continue;
    if (parents_checked.empty()) KAM_RETURN_IF_ERROR(accounts.LockHierarchy());
    parents_checked.insert(parent_id);
    const absl::Status parent = CheckNewParent(accounts, rows[j].id, parent_id, 0);
    if (!parent.ok()) return ItemError(items[j], parent, kAccountItemFields);
  }
  size_t failed = rows.size();
  const absl::Status inserted = accounts.InsertAccounts(rows, keys, &failed);
  if (!inserted.ok()) {
    return failed < rows.size() ? ItemError(items[failed], inserted, kAccountItemFields) : inserted;
  }
  std::vector<int64_t> ids;
  std::vector<std::string> owners;
  for (const StoredAccount& row : rows) {
    ids.push_back(row.id);
    owners.push_back(row.account.owner());
  }
  return team::StartAccountManagers(tx.team(), ids, owners, now, ctx.actor);
}

absl::Status AccountService::GetAccount(const Ctx& ctx, const v1::GetAccountRequest& request,
                                        v1::Account* response) {
  KAM_ASSIGN_OR_RETURN(int64_t id, AccountOnTeam(*transactions_, ctx, "name", request.name()));
  KAM_ASSIGN_OR_RETURN(StoredAccount row, store_->GetAccount(id));
  *response = std::move(row.account);
  return absl::OkStatus();
}

absl::Status AccountService::BatchGetAccounts(const Ctx& ctx,
                                              const v1::BatchGetAccountsRequest& request,
                                              v1::BatchGetAccountsResponse* response) {
  if (request.names_size() == 0) return common::InvalidField("names", "must not be empty");
  if (request.names_size() > kMaxBatch) {
    return common::InvalidField("names", absl::StrCat("must hold at most ", kMaxBatch,
                                                      " names (got ", request.names_size(), ")"));
  }
  std::vector<int64_t> ids;
  ids.reserve(request.names_size());
  for (int i = 0; i < request.names_size(); ++i) {
    KAM_ASSIGN_OR_RETURN(int64_t id,
                         ParseAccountName(absl::StrCat("names[", i, "]"), request.names(i)));
    ids.push_back(id);
  }
  KAM_RETURN_IF_ERROR(CheckOnTeam(*transactions_, ctx, ids));
  KAM_ASSIGN_OR_RETURN(std::vector<StoredAccount> rows, store_->GetAccounts(ids));
  for (StoredAccount& row : rows) *response->add_accounts() = std::move(row.account);
  return absl::OkStatus();
}

absl::Status AccountService::ListAccounts(const Ctx& ctx, const v1::ListAccountsRequest& request,
                                          v1::ListAccountsResponse* response) {
  // A narrowed listing's page tokens also name its user, so they are not
  // valid in another caller's listing (nor theirs in it); without narrowing,
  // the query parts are what they always were.
  const std::string& team_of = NarrowedTo(ctx);
  const absl::string_view deleted = request.show_deleted() ? "1" : "0";
  KAM_ASSIGN_OR_RETURN(
      common::ListRequest list,
      team_of.empty() ? common::ReadListRequest(request, {"ListAccounts", request.filter(),
                                                          request.order_by(), deleted})
                      : common::ReadListRequest(request, {"ListAccounts", request.filter(),
                                                          request.order_by(), deleted, team_of}));
  KAM_ASSIGN_OR_RETURN(AccountOrder order, ParseAccountOrder(request.order_by()));
  KAM_ASSIGN_OR_RETURN(common::Page<StoredAccount> page,
                       store_->ListAccounts(list.filter, order, request.show_deleted(), team_of,
                                            list.cursor, list.limit));
  common::WritePage(
      list, std::move(page), response->mutable_next_page_token(),
      [&](StoredAccount& row) { *response->add_accounts() = std::move(row.account); },
      [&](const StoredAccount& row) { return AccountCursor(row, order); });
  return absl::OkStatus();
}

absl::Status AccountService::UpdateAccount(const Ctx& ctx, const v1::UpdateAccountRequest& request,
                                           v1::Account* response) {
  KAM_RETURN_IF_ERROR(common::CheckPresent("account", request.has_account()));
  const v1::Account& patch = request.account();
  KAM_ASSIGN_OR_RETURN(int64_t id,
                       AccountOnTeam(*transactions_, ctx, "account.name", patch.name()));
  KAM_ASSIGN_OR_RETURN(std::vector<std::string> paths,
                       common::ResolveUpdateMask(request.update_mask(), patch, AccountMaskRules()));
  const bool moves = absl::c_linear_search(paths, "parent_account");
  int64_t new_parent_id = 0;
  if (moves && !patch.parent_account().empty()) {
    KAM_ASSIGN_OR_RETURN(int64_t parsed,
                         ParseAccountName("account.parent_account", patch.parent_account()));
    new_parent_id = parsed;
  }
  const absl::Time now = common::NowMicros();
  return transactions_->Transact("updating account", [&](Transaction& tx) -> absl::Status {
    AccountTx& accounts = tx.accounts();
    // Hierarchy before account rows, the order every hierarchy change uses.
    if (moves) {
      KAM_RETURN_IF_ERROR(accounts.LockHierarchy());
    }
    KAM_ASSIGN_OR_RETURN(StoredAccount row, LockLiveAccount(accounts, id, patch.etag()));
    const std::string old_owner = row.account.owner();
    common::ApplyUpdateMask(paths, patch, &row.account);
    DropEmptyCredit(row.account);
    KAM_RETURN_IF_ERROR(ValidateAccountFields(row.account));
    if (moves && new_parent_id != row.parent_id) {
      if (new_parent_id != 0) {
        KAM_ASSIGN_OR_RETURN(int height, accounts.SubtreeHeight(row.id));
        KAM_RETURN_IF_ERROR(CheckNewParent(accounts, row.id, new_parent_id, height));
        row.account.set_parent_account(AccountName(new_parent_id));
      }
      row.parent_id = new_parent_id;
    }
    if (row.account.owner() != old_owner) {
      const std::string new_owner = row.account.owner();
      row.account.set_owner(old_owner);
      absl::StatusOr<std::optional<team::StoredMembership>> handed =
          team::HandOver(tx.team(), row, new_owner, now, ctx.actor, common::RequestKey{});
      if (!handed.ok()) return handed.status();
    }
    KAM_RETURN_IF_ERROR(WriteStamped(accounts, row, now));
    if (absl::c_linear_search(paths, "labels")) {
      KAM_RETURN_IF_ERROR(accounts.ReplaceLabels(row.id, row.account.labels()));
    }
    *response = std::move(row.account);
    return absl::OkStatus();
  });
}

absl::Status AccountService::SetDeleted(const Ctx& ctx, absl::string_view name,
                                        absl::string_view etag, bool deleted,
                                        v1::Account* response) {
  KAM_ASSIGN_OR_RETURN(int64_t id, AccountOnTeam(*transactions_, ctx, "name", name));
  const absl::Time now = common::NowMicros();
  return transactions_->Transact(
      deleted ? "deleting account" : "undeleting account", [&](Transaction& tx) -> absl::Status {
        AccountTx& accounts = tx.accounts();
        // Both change the group: no child may be created under an account
        // being deleted, nor may its parent move meanwhile.
        KAM_RETURN_IF_ERROR(accounts.LockHierarchy());
        KAM_ASSIGN_OR_RETURN(StoredAccount row, LockForWrite(accounts, id, etag));
        if (row.account.has_delete_time() == deleted) {
          return absl::FailedPreconditionError(absl::StrCat(
              "account ", row.account.name(), deleted ? " is already deleted" : " is not deleted"));
        }
        if (deleted) {
          KAM_RETURN_IF_ERROR(CheckNoLiveChildren(accounts, row));
          *row.account.mutable_delete_time() = common::ToProtoTimestamp(now);
        } else {
          KAM_RETURN_IF_ERROR(CheckUndeleteUnderParent(accounts, row));
          row.account.clear_delete_time();
        }
        KAM_RETURN_IF_ERROR(WriteStamped(accounts, row, now));
        *response = std::move(row.account);
        return absl::OkStatus();
      });
}

}  // namespace kam::account::accounts
