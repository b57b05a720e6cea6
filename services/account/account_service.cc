#include "services/account/account_service.h"

#include <algorithm>
#include <optional>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "common/api/field_mask.h"
#include "common/api/filter.h"
#include "common/api/page_token.h"
#include "common/api/resource_name.h"
#include "common/api/validation.h"
#include "common/base/fingerprint.h"
#include "common/base/proto_time.h"
#include "common/server/service_methods.h"
#include "services/account/account_fields.h"
#include "services/account/hierarchy.h"
#include "services/account/stage_machine.h"

namespace kam::account {
namespace {

using common::CallContext;

constexpr int kMaxBatch = 1000;
// Clock skew allowed for caller-supplied times that must not be in the future.
constexpr absl::Duration kFutureSlack = absl::Minutes(1);

absl::StatusOr<int64_t> ParseAccountName(absl::string_view field, absl::string_view name) {
  absl::StatusOr<std::vector<int64_t>> ids = common::ParseResourceName(field, name, {"accounts"});
  if (!ids.ok()) return ids.status();
  return (*ids)[0];
}

// {account id, child id} from "accounts/{a}/<collection>/{c}".
absl::StatusOr<std::pair<int64_t, int64_t>> ParseChildName(absl::string_view field,
                                                           absl::string_view name,
                                                           absl::string_view collection) {
  absl::StatusOr<std::vector<int64_t>> ids =
      common::ParseResourceName(field, name, {"accounts", collection});
  if (!ids.ok()) return ids.status();
  return std::make_pair((*ids)[0], (*ids)[1]);
}

// Empty token: the first page.
absl::StatusOr<std::optional<common::PageCursor>> DecodeCursor(const std::string& token,
                                                               uint64_t query) {
  if (token.empty()) return std::optional<common::PageCursor>();
  absl::StatusOr<common::PageCursor> cursor = common::DecodePageToken(token, query);
  if (!cursor.ok()) return cursor.status();
  return std::optional<common::PageCursor>(*std::move(cursor));
}

// The fingerprint of a create request without its request id: a retry must
// match it exactly.
template <typename Request>
std::string RequestHash(const Request& request) {
  Request copy = request;
  copy.clear_request_id();
  return common::FingerprintHex(common::MessageFingerprint(copy));
}

absl::Status RequestIdReused(absl::string_view request_id, absl::string_view method) {
  return absl::AlreadyExistsError(absl::StrCat("request_id \"", request_id,
                                               "\" was already used by a different ", method,
                                               " request"));
}

absl::Status DeletedAccount(const StoredAccount& row) {
  return absl::FailedPreconditionError(
      absl::StrCat("account ", row.account.name(), " is deleted; undelete it first"));
}

// Every account write: a new version, etag and update time.
void Touch(StoredAccount& row, absl::Time now) {
  ++row.version;
  *row.account.mutable_update_time() = common::ToProtoTimestamp(now);
  row.account.set_etag(common::MakeEtag(row.account.name(), row.version));
}

void Touch(StoredContact& row, absl::Time now) {
  ++row.version;
  *row.contact.mutable_update_time() = common::ToProtoTimestamp(now);
  row.contact.set_etag(common::MakeEtag(row.contact.name(), row.version));
}

// An optional caller time: `now` when unset; not in the future.
absl::StatusOr<absl::Time> PastOrNow(absl::string_view field, bool present,
                                     const google::protobuf::Timestamp& ts, absl::Time now) {
  if (!present) return now;
  if (absl::Status s = common::CheckTimestamp(field, ts); !s.ok()) return s;
  const absl::Time time = absl::FromUnixMicros(absl::ToUnixMicros(common::FromProtoTimestamp(ts)));
  if (time > now + kFutureSlack) return common::InvalidField(field, "must not be in the future");
  return time;
}

// The parent checks shared by create and move: the parent exists and is live,
// and the account with `subtree_height` levels below it fits under it.
absl::Status CheckNewParent(AccountTx& tx, int64_t account_id, int64_t parent_id,
                            int subtree_height) {
  absl::StatusOr<StoredAccount> parent = tx.LockAccount(parent_id);
  if (!parent.ok()) {
    if (parent.status().code() == absl::StatusCode::kNotFound) {
      return absl::NotFoundError(
          absl::StrCat("account.parent_account accounts/", parent_id, " not found"));
    }
    return parent.status();
  }
  if (parent->account.has_delete_time()) {
    return absl::FailedPreconditionError(
        absl::StrCat("account.parent_account accounts/", parent_id, " is deleted"));
  }
  return CheckParentMove(account_id, parent_id, tx.AncestorChain(parent_id), subtree_height);
}

// Makes `user` the account manager from `start` (no one when empty): ends
// the active manager's membership and starts a new one. Counts a handover
// when the role passes from one person to another. Does not write `row`.
absl::StatusOr<std::optional<StoredMembership>> HandOver(AccountTx& tx, StoredAccount& row,
                                                         const std::string& user,
                                                         absl::Time start,
                                                         const std::string& actor,
                                                         const std::string& request_id,
                                                         const std::string& request_hash) {
  std::optional<StoredMembership> current = tx.LockActiveAccountManager(row.id);
  if (current.has_value()) {
    if (current->membership.user() == user) {
      return absl::AlreadyExistsError(
          absl::StrCat("user \"", user, "\" is already the account manager of ",
                       row.account.name()));
    }
    const absl::Time current_start =
        common::FromProtoTimestamp(current->membership.start_time());
    if (start < current_start) {
      return common::InvalidField(
          "membership.start_time",
          absl::StrCat("must not be before the current account manager's start (",
                       absl::FormatTime(absl::RFC3339_full, current_start, absl::UTCTimeZone()),
                       ")"));
    }
    tx.EndMembership(current->id, start,
                     user.empty() ? "account manager removed" : absl::StrCat("handover to ", user),
                     /*handover=*/!user.empty());
    if (!user.empty()) {
      row.account.set_account_manager_handover_count(
          row.account.account_manager_handover_count() + 1);
    }
  }
  row.account.set_owner(user);
  if (user.empty()) return std::optional<StoredMembership>();
  StoredMembership membership;
  membership.account_id = row.id;
  membership.membership.set_user(user);
  membership.membership.set_role(v1::TEAM_ROLE_ACCOUNT_MANAGER);
  *membership.membership.mutable_start_time() = common::ToProtoTimestamp(start);
  membership.membership.set_actor(actor);
  absl::StatusOr<InsertOutcome> inserted =
      tx.InsertMembership(&membership, request_id, request_hash);
  if (!inserted.ok()) return inserted.status();
  if (*inserted == InsertOutcome::kDuplicateRequest) {
    return absl::AbortedError("concurrent request with the same request_id; retry");
  }
  return std::optional<StoredMembership>(std::move(membership));
}

// The store keeps no empty credit profile (reading an account leaves
// `credit` unset when nothing in it is set), so a response built from the
// request drops an empty one too and equals what a later read returns.
void DropEmptyCredit(v1::Account& account) {
  const v1::CreditProfile& credit = account.credit();
  if (account.has_credit() && !credit.has_credit_limit() && credit.payment_terms_days() == 0 &&
      credit.risk_level() == v1::CREDIT_RISK_LEVEL_UNSPECIFIED) {
    account.clear_credit();
  }
}

absl::Status CheckNote(absl::string_view field, absl::string_view text) {
  return common::CheckText(field, text, kMaxReason, /*multiline=*/true);
}

}  // namespace

void AccountService::Register(common::GrpcServer& server) {
  common::ServeMethods(
      server, &service_, this, &AccountService::CreateAccount, &AccountService::GetAccount,
      &AccountService::BatchGetAccounts, &AccountService::ListAccounts,
      &AccountService::UpdateAccount, &AccountService::DeleteAccount,
      &AccountService::UndeleteAccount, &AccountService::ListAccountAncestors,
      &AccountService::ListAccountDescendants, &AccountService::GetGroupSummary,
      &AccountService::CreateContact, &AccountService::GetContact, &AccountService::ListContacts,
      &AccountService::UpdateContact, &AccountService::DeleteContact,
      &AccountService::UndeleteContact, &AccountService::AddTeamMember,
      &AccountService::EndTeamMembership, &AccountService::ListTeamMemberships,
      &AccountService::TransitionStage, &AccountService::ListStageHistory,
      &AccountService::GetStagePlaybook, &AccountService::MarkChurned,
      &AccountService::RecordWinBack, &AccountService::ListChurnHistory,
      &AccountService::SetAccountTiers, &AccountService::ListTierHistory);
}

// --- accounts -------------------------------------------------------------

absl::Status AccountService::CreateAccount(const Ctx& ctx, const v1::CreateAccountRequest& request,
                                           v1::Account* response) {
  if (!request.has_account()) return common::InvalidField("account", "is required");
  const v1::Account& in = request.account();
  if (absl::Status s = common::CheckRequestId("request_id", request.request_id()); !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateAccountFields(in); !s.ok()) return s;
  if (absl::Status s = CheckInitialStage(in.stage(), in.share_of_wallet_percent()); !s.ok()) {
    return s;
  }
  int64_t parent_id = 0;
  if (!in.parent_account().empty()) {
    absl::StatusOr<int64_t> parsed = ParseAccountName("account.parent_account", in.parent_account());
    if (!parsed.ok()) return parsed.status();
    parent_id = *parsed;
  }
  const std::string request_hash = RequestHash(request);
  absl::StatusOr<int64_t> id = store_->NewAccountId();
  if (!id.ok()) return id.status();
  const absl::Time now = common::NowMicros();
  const google::protobuf::Timestamp now_proto = common::ToProtoTimestamp(now);

  StoredAccount row;
  row.id = *id;
  row.parent_id = parent_id;
  row.version = 1;
  v1::Account& a = row.account;
  a.set_name(absl::StrCat("accounts/", row.id));
  a.set_display_name(in.display_name());
  a.set_external_id(in.external_id());
  a.set_industry(in.industry());
  a.set_region(in.region());
  a.set_category(in.category());
  if (parent_id != 0) a.set_parent_account(absl::StrCat("accounts/", parent_id));
  a.set_owner(in.owner());
  a.set_stage(in.stage() == v1::RELATIONSHIP_STAGE_UNSPECIFIED ? v1::RELATIONSHIP_STAGE_DEVELOPMENT
                                                                : in.stage());
  a.set_share_of_wallet_percent(in.share_of_wallet_percent());
  *a.mutable_stage_update_time() = now_proto;
  if (in.has_credit()) *a.mutable_credit() = in.credit();
  DropEmptyCredit(a);
  a.set_state(v1::LIFECYCLE_STATE_ACTIVE);
  *a.mutable_labels() = in.labels();
  *a.mutable_create_time() = now_proto;
  *a.mutable_update_time() = now_proto;
  a.set_etag(common::MakeEtag(a.name(), row.version));

  const std::string& request_id = request.request_id();
  InsertOutcome outcome = InsertOutcome::kInserted;
  if (parent_id == 0 && a.owner().empty() && a.labels().empty()) {
    // The common case is one INSERT: no transaction round trips.
    absl::StatusOr<InsertOutcome> inserted = store_->InsertAccount(row, request_id, request_hash);
    if (!inserted.ok()) return inserted.status();
    outcome = *inserted;
  } else {
    absl::Status status = store_->Transact("creating account", [&](AccountTx& tx) {
      if (parent_id != 0) {
        tx.LockHierarchy();
        if (absl::Status s = CheckNewParent(tx, row.id, parent_id, 0); !s.ok()) return s;
      }
      absl::StatusOr<InsertOutcome> inserted = tx.InsertAccount(row, request_id, request_hash);
      if (!inserted.ok()) return inserted.status();
      outcome = *inserted;
      if (outcome == InsertOutcome::kDuplicateRequest || a.owner().empty()) {
        return absl::OkStatus();
      }
      StoredMembership membership;
      membership.account_id = row.id;
      membership.membership.set_user(a.owner());
      membership.membership.set_role(v1::TEAM_ROLE_ACCOUNT_MANAGER);
      *membership.membership.mutable_start_time() = now_proto;
      membership.membership.set_actor(ctx.actor);
      absl::StatusOr<InsertOutcome> added = tx.InsertMembership(&membership, "", "");
      return added.status();
    });
    // The parent may have been deleted or moved since a first, successful
    // call with this request id: a retry still gets that call's result.
    if (!status.ok() && !request_id.empty() &&
        store_->FindAccountByRequest(request_id).ok()) {
      outcome = InsertOutcome::kDuplicateRequest;
    } else if (!status.ok()) {
      return status;
    }
  }
  if (outcome == InsertOutcome::kDuplicateRequest) {
    absl::StatusOr<CreatedByRequest<StoredAccount>> first = store_->FindAccountByRequest(request_id);
    if (!first.ok()) return first.status();
    if (first->request_hash != request_hash) return RequestIdReused(request_id, "CreateAccount");
    *response = std::move(first->row.account);
    return absl::OkStatus();
  }
  *response = std::move(row.account);
  return absl::OkStatus();
}

absl::Status AccountService::GetAccount(const Ctx&, const v1::GetAccountRequest& request,
                                        v1::Account* response) {
  absl::StatusOr<int64_t> id = ParseAccountName("name", request.name());
  if (!id.ok()) return id.status();
  absl::StatusOr<StoredAccount> row = store_->GetAccount(*id);
  if (!row.ok()) return row.status();
  *response = std::move(row->account);
  return absl::OkStatus();
}

absl::Status AccountService::BatchGetAccounts(const Ctx&,
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
    absl::StatusOr<int64_t> id = ParseAccountName(absl::StrCat("names[", i, "]"), request.names(i));
    if (!id.ok()) return id.status();
    ids.push_back(*id);
  }
  absl::StatusOr<std::vector<StoredAccount>> rows = store_->GetAccounts(ids);
  if (!rows.ok()) return rows.status();
  for (StoredAccount& row : *rows) *response->add_accounts() = std::move(row.account);
  return absl::OkStatus();
}

absl::Status AccountService::ListAccounts(const Ctx&, const v1::ListAccountsRequest& request,
                                          v1::ListAccountsResponse* response) {
  absl::StatusOr<int> limit = common::ResolvePageSize(request.page_size());
  if (!limit.ok()) return limit.status();
  absl::StatusOr<common::FilterNode> filter = common::ParseFilter(request.filter());
  if (!filter.ok()) return filter.status();
  absl::StatusOr<AccountOrder> order = ParseAccountOrder(request.order_by());
  if (!order.ok()) return order.status();
  const uint64_t query = common::Fingerprint64(
      {"ListAccounts", request.filter(), request.order_by(), request.show_deleted() ? "1" : "0"});
  absl::StatusOr<std::optional<common::PageCursor>> cursor = DecodeCursor(request.page_token(), query);
  if (!cursor.ok()) return cursor.status();
  absl::StatusOr<Page<StoredAccount>> page =
      store_->ListAccounts(*filter, *order, request.show_deleted(), *cursor, *limit);
  if (!page.ok()) return page.status();
  if (page->more) {
    const StoredAccount& last = page->rows.back();
    response->set_next_page_token(common::EncodePageToken(
        query, common::PageCursor{AccountStore::CursorKeys(last, *order), last.id}));
  }
  for (StoredAccount& row : page->rows) *response->add_accounts() = std::move(row.account);
  return absl::OkStatus();
}

absl::Status AccountService::UpdateAccount(const Ctx& ctx, const v1::UpdateAccountRequest& request,
                                           v1::Account* response) {
  if (!request.has_account()) return common::InvalidField("account", "is required");
  const v1::Account& patch = request.account();
  absl::StatusOr<int64_t> id = ParseAccountName("account.name", patch.name());
  if (!id.ok()) return id.status();
  absl::StatusOr<std::vector<std::string>> paths =
      common::ResolveUpdateMask(request.update_mask(), patch, AccountMaskRules());
  if (!paths.ok()) return paths.status();
  const bool moves = std::find(paths->begin(), paths->end(), "parent_account") != paths->end();
  int64_t new_parent_id = 0;
  if (moves && !patch.parent_account().empty()) {
    absl::StatusOr<int64_t> parsed =
        ParseAccountName("account.parent_account", patch.parent_account());
    if (!parsed.ok()) return parsed.status();
    new_parent_id = *parsed;
  }
  const absl::Time now = common::NowMicros();
  StoredAccount result;
  absl::Status status = store_->Transact("updating account", [&](AccountTx& tx) {
    // Hierarchy before account rows, the order every hierarchy change uses.
    if (moves) tx.LockHierarchy();
    absl::StatusOr<StoredAccount> row = tx.LockAccount(*id);
    if (!row.ok()) return row.status();
    if (absl::Status s = common::CheckEtag(row->account.name(), row->version, patch.etag()); !s.ok()) {
      return s;
    }
    if (row->account.has_delete_time()) return DeletedAccount(*row);
    const std::string old_owner = row->account.owner();
    common::ApplyUpdateMask(*paths, patch, &row->account);
    DropEmptyCredit(row->account);
    if (absl::Status s = ValidateAccountFields(row->account); !s.ok()) return s;
    if (moves && new_parent_id != row->parent_id) {
      if (new_parent_id != 0) {
        if (absl::Status s = CheckNewParent(tx, row->id, new_parent_id, tx.SubtreeHeight(row->id));
            !s.ok()) {
          return s;
        }
        row->account.set_parent_account(absl::StrCat("accounts/", new_parent_id));
      }
      row->parent_id = new_parent_id;
    }
    if (row->account.owner() != old_owner) {
      const std::string new_owner = row->account.owner();
      row->account.set_owner(old_owner);
      absl::StatusOr<std::optional<StoredMembership>> handed =
          HandOver(tx, *row, new_owner, now, ctx.actor, "", "");
      if (!handed.ok()) return handed.status();
    }
    Touch(*row, now);
    if (absl::Status s = tx.WriteAccount(*row); !s.ok()) return s;
    if (std::find(paths->begin(), paths->end(), "labels") != paths->end()) {
      tx.ReplaceLabels(row->id, row->account.labels());
    }
    result = *std::move(row);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  *response = std::move(result.account);
  return absl::OkStatus();
}

absl::Status AccountService::DeleteAccount(const Ctx&, const v1::DeleteAccountRequest& request,
                                           v1::Account* response) {
  absl::StatusOr<int64_t> id = ParseAccountName("name", request.name());
  if (!id.ok()) return id.status();
  const absl::Time now = common::NowMicros();
  StoredAccount result;
  absl::Status status = store_->Transact("deleting account", [&](AccountTx& tx) {
    tx.LockHierarchy();  // no child may be created under it meanwhile
    absl::StatusOr<StoredAccount> row = tx.LockAccount(*id);
    if (!row.ok()) return row.status();
    if (absl::Status s = common::CheckEtag(row->account.name(), row->version, request.etag()); !s.ok()) {
      return s;
    }
    if (row->account.has_delete_time()) {
      return absl::FailedPreconditionError(
          absl::StrCat("account ", row->account.name(), " is already deleted"));
    }
    if (const int children = tx.CountLiveChildren(*id); children > 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("account ", row->account.name(), " has ", children,
                       " live child account(s); move or delete them first"));
    }
    *row->account.mutable_delete_time() = common::ToProtoTimestamp(now);
    Touch(*row, now);
    if (absl::Status s = tx.WriteAccount(*row); !s.ok()) return s;
    result = *std::move(row);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  *response = std::move(result.account);
  return absl::OkStatus();
}

absl::Status AccountService::UndeleteAccount(const Ctx&, const v1::UndeleteAccountRequest& request,
                                             v1::Account* response) {
  absl::StatusOr<int64_t> id = ParseAccountName("name", request.name());
  if (!id.ok()) return id.status();
  const absl::Time now = common::NowMicros();
  StoredAccount result;
  absl::Status status = store_->Transact("undeleting account", [&](AccountTx& tx) {
    tx.LockHierarchy();
    absl::StatusOr<StoredAccount> row = tx.LockAccount(*id);
    if (!row.ok()) return row.status();
    if (absl::Status s = common::CheckEtag(row->account.name(), row->version, request.etag()); !s.ok()) {
      return s;
    }
    if (!row->account.has_delete_time()) {
      return absl::FailedPreconditionError(
          absl::StrCat("account ", row->account.name(), " is not deleted"));
    }
    if (row->parent_id != 0) {
      absl::StatusOr<StoredAccount> parent = tx.LockAccount(row->parent_id);
      if (parent.ok() && parent->account.has_delete_time()) {
        return absl::FailedPreconditionError(absl::StrCat(
            "the parent account ", parent->account.name(), " is deleted; undelete it first"));
      }
      // A move checks only the live subtree, so the parent may have moved
      // deeper while this account was deleted: check the depth limit again.
      const int levels = static_cast<int>(tx.AncestorChain(row->parent_id).size()) + 1 +
                         tx.SubtreeHeight(row->id);
      if (levels > kMaxHierarchyDepth) {
        return absl::FailedPreconditionError(absl::StrCat(
            "undeleting ", row->account.name(), " would make the hierarchy ", levels,
            " levels deep; the limit is ", kMaxHierarchyDepth, "; move its parent up first"));
      }
    }
    row->account.clear_delete_time();
    Touch(*row, now);
    if (absl::Status s = tx.WriteAccount(*row); !s.ok()) return s;
    result = *std::move(row);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  *response = std::move(result.account);
  return absl::OkStatus();
}

// --- hierarchy ------------------------------------------------------------

absl::Status AccountService::ListAccountAncestors(const Ctx&,
                                                  const v1::ListAccountAncestorsRequest& request,
                                                  v1::ListAccountAncestorsResponse* response) {
  absl::StatusOr<int64_t> id = ParseAccountName("name", request.name());
  if (!id.ok()) return id.status();
  absl::StatusOr<bool> exists = store_->AccountExists(*id);
  if (!exists.ok()) return exists.status();
  if (!*exists) return absl::NotFoundError(absl::StrCat("account ", request.name(), " not found"));
  absl::StatusOr<std::vector<StoredAccount>> rows = store_->ListAncestors(*id);
  if (!rows.ok()) return rows.status();
  for (StoredAccount& row : *rows) *response->add_ancestors() = std::move(row.account);
  return absl::OkStatus();
}

absl::Status AccountService::ListAccountDescendants(
    const Ctx&, const v1::ListAccountDescendantsRequest& request,
    v1::ListAccountDescendantsResponse* response) {
  absl::StatusOr<int64_t> id = ParseAccountName("name", request.name());
  if (!id.ok()) return id.status();
  if (request.max_depth() < 0) {
    return common::InvalidField("max_depth", "must not be negative (0 means all levels)");
  }
  const int max_depth = request.max_depth() == 0 ? kMaxHierarchyDepth
                                                 : std::min(request.max_depth(), kMaxHierarchyDepth);
  absl::StatusOr<int> limit = common::ResolvePageSize(request.page_size());
  if (!limit.ok()) return limit.status();
  const uint64_t query = common::Fingerprint64(
      {"ListAccountDescendants", request.name(), absl::StrCat(max_depth)});
  absl::StatusOr<std::optional<common::PageCursor>> cursor = DecodeCursor(request.page_token(), query);
  if (!cursor.ok()) return cursor.status();
  absl::StatusOr<bool> exists = store_->AccountExists(*id);
  if (!exists.ok()) return exists.status();
  if (!*exists) return absl::NotFoundError(absl::StrCat("account ", request.name(), " not found"));
  absl::StatusOr<Page<DescendantRow>> page = store_->ListDescendants(*id, max_depth, *cursor, *limit);
  if (!page.ok()) return page.status();
  if (page->more) {
    const DescendantRow& last = page->rows.back();
    response->set_next_page_token(common::EncodePageToken(
        query, common::PageCursor{{absl::StrCat(last.depth)}, last.account.id}));
  }
  for (DescendantRow& row : page->rows) {
    v1::AccountNode* node = response->add_nodes();
    *node->mutable_account() = std::move(row.account.account);
    node->set_depth(row.depth);
  }
  return absl::OkStatus();
}

absl::Status AccountService::GetGroupSummary(const Ctx&, const v1::GetGroupSummaryRequest& request,
                                             v1::GroupSummary* response) {
  absl::StatusOr<int64_t> id = ParseAccountName("name", request.name());
  if (!id.ok()) return id.status();
  absl::StatusOr<StoredAccount> root = store_->GetAccount(*id);
  if (!root.ok()) return root.status();
  absl::StatusOr<GroupCounts> counts = store_->CountGroup(*id);
  if (!counts.ok()) return counts.status();
  *response->mutable_root() = std::move(root->account);
  response->set_account_count(counts->accounts);
  response->set_depth(counts->depth);
  auto count_of = [](const std::map<int, int>& m, int key) {
    auto it = m.find(key);
    return it == m.end() ? 0 : it->second;
  };
  for (int tier = v1::Tier_MIN; tier <= v1::Tier_MAX; ++tier) {
    v1::TierCount* c = response->add_tier_counts();
    c->set_tier(static_cast<v1::Tier>(tier));
    c->set_count(count_of(counts->by_tier, tier));
  }
  for (int stage = v1::RELATIONSHIP_STAGE_DEVELOPMENT; stage <= v1::RelationshipStage_MAX; ++stage) {
    v1::StageCount* c = response->add_stage_counts();
    c->set_stage(static_cast<v1::RelationshipStage>(stage));
    c->set_count(count_of(counts->by_stage, stage));
  }
  for (int state = v1::LIFECYCLE_STATE_ACTIVE; state <= v1::LifecycleState_MAX; ++state) {
    v1::StateCount* c = response->add_state_counts();
    c->set_state(static_cast<v1::LifecycleState>(state));
    c->set_count(count_of(counts->by_state, state));
  }
  return absl::OkStatus();
}

// --- contacts -------------------------------------------------------------

absl::Status AccountService::CreateContact(const Ctx&, const v1::CreateContactRequest& request,
                                           v1::Contact* response) {
  absl::StatusOr<int64_t> account_id = ParseAccountName("parent", request.parent());
  if (!account_id.ok()) return account_id.status();
  if (!request.has_contact()) return common::InvalidField("contact", "is required");
  if (absl::Status s = common::CheckRequestId("request_id", request.request_id()); !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateContactFields(request.contact()); !s.ok()) return s;
  const std::string request_hash = RequestHash(request);
  absl::StatusOr<int64_t> id = store_->NewContactId();
  if (!id.ok()) return id.status();
  const absl::Time now = common::NowMicros();

  StoredContact row;
  row.id = *id;
  row.account_id = *account_id;
  row.version = 1;
  row.contact = request.contact();
  v1::Contact& c = row.contact;
  c.set_name(absl::StrCat("accounts/", row.account_id, "/contacts/", row.id));
  *c.mutable_create_time() = common::ToProtoTimestamp(now);
  *c.mutable_update_time() = c.create_time();
  c.clear_delete_time();
  c.set_etag(common::MakeEtag(c.name(), row.version));

  InsertOutcome outcome = InsertOutcome::kInserted;
  absl::Status status = store_->Transact("creating contact", [&](AccountTx& tx) {
    absl::StatusOr<StoredAccount> account = tx.LockAccount(row.account_id);
    if (!account.ok()) return account.status();
    if (account->account.has_delete_time()) {
      // A retry of a create that succeeded before the account was deleted
      // still gets its first result.
      if (!request.request_id().empty() &&
          tx.FindContactByRequest(request.request_id()).ok()) {
        outcome = InsertOutcome::kDuplicateRequest;
        return absl::OkStatus();
      }
      return DeletedAccount(*account);
    }
    absl::StatusOr<InsertOutcome> inserted = tx.InsertContact(row, request.request_id(), request_hash);
    if (!inserted.ok()) return inserted.status();
    outcome = *inserted;
    if (outcome == InsertOutcome::kInserted) tx.AddToContactCount(row.account_id, 1);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (outcome == InsertOutcome::kDuplicateRequest) {
    absl::StatusOr<CreatedByRequest<StoredContact>> first =
        store_->FindContactByRequest(request.request_id());
    if (!first.ok()) return first.status();
    if (first->request_hash != request_hash) {
      return RequestIdReused(request.request_id(), "CreateContact");
    }
    *response = std::move(first->row.contact);
    return absl::OkStatus();
  }
  *response = std::move(row.contact);
  return absl::OkStatus();
}

absl::Status AccountService::GetContact(const Ctx&, const v1::GetContactRequest& request,
                                        v1::Contact* response) {
  absl::StatusOr<std::pair<int64_t, int64_t>> ids = ParseChildName("name", request.name(), "contacts");
  if (!ids.ok()) return ids.status();
  absl::StatusOr<StoredContact> row = store_->GetContact(ids->first, ids->second);
  if (!row.ok()) return row.status();
  *response = std::move(row->contact);
  return absl::OkStatus();
}

absl::Status AccountService::ListContacts(const Ctx&, const v1::ListContactsRequest& request,
                                          v1::ListContactsResponse* response) {
  absl::StatusOr<int64_t> account_id = ParseAccountName("parent", request.parent());
  if (!account_id.ok()) return account_id.status();
  absl::StatusOr<int> limit = common::ResolvePageSize(request.page_size());
  if (!limit.ok()) return limit.status();
  const uint64_t query = common::Fingerprint64(
      {"ListContacts", request.parent(), request.show_deleted() ? "1" : "0"});
  absl::StatusOr<std::optional<common::PageCursor>> cursor = DecodeCursor(request.page_token(), query);
  if (!cursor.ok()) return cursor.status();
  absl::StatusOr<bool> exists = store_->AccountExists(*account_id);
  if (!exists.ok()) return exists.status();
  if (!*exists) return absl::NotFoundError(absl::StrCat("account ", request.parent(), " not found"));
  absl::StatusOr<Page<StoredContact>> page =
      store_->ListContacts(*account_id, request.show_deleted(), *cursor, *limit);
  if (!page.ok()) return page.status();
  if (page->more) {
    response->set_next_page_token(
        common::EncodePageToken(query, common::PageCursor{{}, page->rows.back().id}));
  }
  for (StoredContact& row : page->rows) *response->add_contacts() = std::move(row.contact);
  return absl::OkStatus();
}

absl::Status AccountService::UpdateContact(const Ctx&, const v1::UpdateContactRequest& request,
                                           v1::Contact* response) {
  if (!request.has_contact()) return common::InvalidField("contact", "is required");
  const v1::Contact& patch = request.contact();
  absl::StatusOr<std::pair<int64_t, int64_t>> ids =
      ParseChildName("contact.name", patch.name(), "contacts");
  if (!ids.ok()) return ids.status();
  absl::StatusOr<std::vector<std::string>> paths =
      common::ResolveUpdateMask(request.update_mask(), patch, ContactMaskRules());
  if (!paths.ok()) return paths.status();
  const absl::Time now = common::NowMicros();
  StoredContact result;
  absl::Status status = store_->Transact("updating contact", [&](AccountTx& tx) {
    absl::StatusOr<StoredContact> row = tx.LockContact(ids->first, ids->second);
    if (!row.ok()) return row.status();
    if (absl::Status s = common::CheckEtag(row->contact.name(), row->version, patch.etag()); !s.ok()) {
      return s;
    }
    if (row->contact.has_delete_time()) {
      return absl::FailedPreconditionError(
          absl::StrCat("contact ", row->contact.name(), " is deleted; undelete it first"));
    }
    common::ApplyUpdateMask(*paths, patch, &row->contact);
    if (absl::Status s = ValidateContactFields(row->contact); !s.ok()) return s;
    Touch(*row, now);
    tx.WriteContact(*row);
    result = *std::move(row);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  *response = std::move(result.contact);
  return absl::OkStatus();
}

absl::Status AccountService::DeleteContact(const Ctx&, const v1::DeleteContactRequest& request,
                                           v1::Contact* response) {
  absl::StatusOr<std::pair<int64_t, int64_t>> ids = ParseChildName("name", request.name(), "contacts");
  if (!ids.ok()) return ids.status();
  const absl::Time now = common::NowMicros();
  StoredContact result;
  absl::Status status = store_->Transact("deleting contact", [&](AccountTx& tx) {
    absl::StatusOr<StoredAccount> account = tx.LockAccount(ids->first);
    if (!account.ok()) {
      return absl::NotFoundError(absl::StrCat("contact ", request.name(), " not found"));
    }
    absl::StatusOr<StoredContact> row = tx.LockContact(ids->first, ids->second);
    if (!row.ok()) return row.status();
    if (absl::Status s = common::CheckEtag(row->contact.name(), row->version, request.etag()); !s.ok()) {
      return s;
    }
    if (row->contact.has_delete_time()) {
      return absl::FailedPreconditionError(
          absl::StrCat("contact ", row->contact.name(), " is already deleted"));
    }
    *row->contact.mutable_delete_time() = common::ToProtoTimestamp(now);
    Touch(*row, now);
    tx.WriteContact(*row);
    tx.AddToContactCount(ids->first, -1);
    result = *std::move(row);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  *response = std::move(result.contact);
  return absl::OkStatus();
}

absl::Status AccountService::UndeleteContact(const Ctx&, const v1::UndeleteContactRequest& request,
                                             v1::Contact* response) {
  absl::StatusOr<std::pair<int64_t, int64_t>> ids = ParseChildName("name", request.name(), "contacts");
  if (!ids.ok()) return ids.status();
  const absl::Time now = common::NowMicros();
  StoredContact result;
  absl::Status status = store_->Transact("undeleting contact", [&](AccountTx& tx) {
    absl::StatusOr<StoredAccount> account = tx.LockAccount(ids->first);
    if (!account.ok()) {
      return absl::NotFoundError(absl::StrCat("contact ", request.name(), " not found"));
    }
    absl::StatusOr<StoredContact> row = tx.LockContact(ids->first, ids->second);
    if (!row.ok()) return row.status();
    if (absl::Status s = common::CheckEtag(row->contact.name(), row->version, request.etag()); !s.ok()) {
      return s;
    }
    if (!row->contact.has_delete_time()) {
      return absl::FailedPreconditionError(
          absl::StrCat("contact ", row->contact.name(), " is not deleted"));
    }
    if (account->account.has_delete_time()) return DeletedAccount(*account);
    row->contact.clear_delete_time();
    Touch(*row, now);
    tx.WriteContact(*row);
    tx.AddToContactCount(ids->first, 1);
    result = *std::move(row);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  *response = std::move(result.contact);
  return absl::OkStatus();
}

// --- account team ---------------------------------------------------------

absl::Status AccountService::AddTeamMember(const Ctx& ctx, const v1::AddTeamMemberRequest& request,
                                           v1::TeamMembership* response) {
  absl::StatusOr<int64_t> account_id = ParseAccountName("parent", request.parent());
  if (!account_id.ok()) return account_id.status();
  if (!request.has_membership()) return common::InvalidField("membership", "is required");
  const v1::TeamMembership& in = request.membership();
  if (absl::Status s = common::CheckRequestId("request_id", request.request_id()); !s.ok()) {
    return s;
  }
  if (absl::Status s = common::CheckIdentifier("membership.user", in.user(), kMaxUserId,
                                               /*required=*/true);
      !s.ok()) {
    return s;
  }
  if (in.role() == v1::TEAM_ROLE_UNSPECIFIED || !v1::TeamRole_IsValid(in.role())) {
    return common::InvalidField("membership.role",
                                "is required: ACCOUNT_MANAGER, SALES, TECHNICAL or SERVICE");
  }
  const absl::Time now = common::NowMicros();
  absl::StatusOr<absl::Time> start =
      PastOrNow("membership.start_time", in.has_start_time(), in.start_time(), now);
  if (!start.ok()) return start.status();
  const std::string request_hash = RequestHash(request);
  const std::string& request_id = request.request_id();

  StoredMembership result;
  absl::Status status = store_->Transact("adding team member", [&](AccountTx& tx) {
    absl::StatusOr<StoredAccount> account = tx.LockAccount(*account_id);
    if (!account.ok()) return account.status();
    // The account row lock serialises requests for this account, so a
    // concurrent retry sees the first one's membership here. A retry is
    // answered even if the account was deleted since.
    if (!request_id.empty()) {
      absl::StatusOr<CreatedByRequest<StoredMembership>> first =
          tx.FindMembershipByRequest(request_id);
      if (first.ok()) {
        if (first->request_hash != request_hash) return RequestIdReused(request_id, "AddTeamMember");
        result = std::move(first->row);
        return absl::OkStatus();
      }
      if (first.status().code() != absl::StatusCode::kAborted) return first.status();
    }
    if (account->account.has_delete_time()) return DeletedAccount(*account);
    if (in.role() == v1::TEAM_ROLE_ACCOUNT_MANAGER) {
      absl::StatusOr<std::optional<StoredMembership>> added =
          HandOver(tx, *account, in.user(), *start, ctx.actor, request_id, request_hash);
      if (!added.ok()) return added.status();
      result = std::move(**added);
      Touch(*account, now);
      return tx.WriteAccount(*account);
    }
    if (tx.HasActiveMembership(*account_id, in.user(), in.role())) {
      return absl::AlreadyExistsError(absl::StrCat("user \"", in.user(), "\" is already an active ",
                                                   v1::TeamRole_Name(in.role()), " member of ",
                                                   account->account.name()));
    }
    result.account_id = *account_id;
    result.membership.set_user(in.user());
    result.membership.set_role(in.role());
    *result.membership.mutable_start_time() = common::ToProtoTimestamp(*start);
    result.membership.set_actor(ctx.actor);
    absl::StatusOr<InsertOutcome> inserted = tx.InsertMembership(&result, request_id, request_hash);
    if (!inserted.ok()) return inserted.status();
    if (*inserted == InsertOutcome::kDuplicateRequest) {
      return absl::AbortedError("concurrent request with the same request_id; retry");
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  *response = std::move(result.membership);
  return absl::OkStatus();
}

absl::Status AccountService::EndTeamMembership(const Ctx&,
                                               const v1::EndTeamMembershipRequest& request,
                                               v1::TeamMembership* response) {
  absl::StatusOr<std::pair<int64_t, int64_t>> ids =
      ParseChildName("name", request.name(), "teamMemberships");
  if (!ids.ok()) return ids.status();
  if (absl::Status s = CheckNote("reason", request.reason()); !s.ok()) return s;
  const absl::Time now = common::NowMicros();
  absl::StatusOr<absl::Time> end = PastOrNow("end_time", request.has_end_time(), request.end_time(), now);
  if (!end.ok()) return end.status();
  StoredMembership result;
  absl::Status status = store_->Transact("ending team membership", [&](AccountTx& tx) {
    absl::StatusOr<StoredAccount> account = tx.LockAccount(ids->first);
    if (!account.ok()) {
      return absl::NotFoundError(absl::StrCat("team membership ", request.name(), " not found"));
    }
    absl::StatusOr<StoredMembership> row = tx.LockMembership(ids->first, ids->second);
    if (!row.ok()) return row.status();
    if (row->membership.has_end_time()) {
      return absl::FailedPreconditionError(
          absl::StrCat("team membership ", request.name(), " has already ended"));
    }
    if (*end < common::FromProtoTimestamp(row->membership.start_time())) {
      return common::InvalidField("end_time", "must not be before the membership's start_time");
    }
    tx.EndMembership(row->id, *end, request.reason());
    *row->membership.mutable_end_time() = common::ToProtoTimestamp(*end);
    row->membership.set_end_reason(request.reason());
    if (row->membership.role() == v1::TEAM_ROLE_ACCOUNT_MANAGER &&
        account->account.owner() == row->membership.user()) {
      account->account.set_owner("");
      Touch(*account, now);
      if (absl::Status s = tx.WriteAccount(*account); !s.ok()) return s;
    }
    result = *std::move(row);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  *response = std::move(result.membership);
  return absl::OkStatus();
}

absl::Status AccountService::ListTeamMemberships(const Ctx&,
                                                 const v1::ListTeamMembershipsRequest& request,
                                                 v1::ListTeamMembershipsResponse* response) {
  absl::StatusOr<int64_t> account_id = ParseAccountName("parent", request.parent());
  if (!account_id.ok()) return account_id.status();
  if (!v1::TeamRole_IsValid(request.role())) {
    return common::InvalidField("role", "must be a known TeamRole");
  }
  absl::StatusOr<int> limit = common::ResolvePageSize(request.page_size());
  if (!limit.ok()) return limit.status();
  const uint64_t query = common::Fingerprint64(
      {"ListTeamMemberships", request.parent(), absl::StrCat(request.role()),
       request.include_ended() ? "1" : "0"});
  absl::StatusOr<std::optional<common::PageCursor>> cursor = DecodeCursor(request.page_token(), query);
  if (!cursor.ok()) return cursor.status();
  absl::StatusOr<bool> exists = store_->AccountExists(*account_id);
  if (!exists.ok()) return exists.status();
  if (!*exists) return absl::NotFoundError(absl::StrCat("account ", request.parent(), " not found"));
  absl::StatusOr<Page<StoredMembership>> page = store_->ListMemberships(
      *account_id, request.role(), request.include_ended(), *cursor, *limit);
  if (!page.ok()) return page.status();
  if (page->more) {
    const StoredMembership& last = page->rows.back();
    response->set_next_page_token(common::EncodePageToken(
        query, common::PageCursor{{common::ToSqlDateTime(common::FromProtoTimestamp(
                                      last.membership.start_time()))},
                                  last.id}));
  }
  for (StoredMembership& row : page->rows) *response->add_memberships() = std::move(row.membership);
  return absl::OkStatus();
}

// --- relationship stage ---------------------------------------------------

absl::Status AccountService::TransitionStage(const Ctx& ctx,
                                             const v1::TransitionStageRequest& request,
                                             v1::TransitionStageResponse* response) {
  absl::StatusOr<int64_t> id = ParseAccountName("name", request.name());
  if (!id.ok()) return id.status();
  if (absl::Status s = CheckNote("reason", request.reason()); !s.ok()) return s;
  const absl::Time now = common::NowMicros();
  absl::Status status = store_->Transact("changing stage", [&](AccountTx& tx) {
    absl::StatusOr<StoredAccount> row = tx.LockAccount(*id);
    if (!row.ok()) return row.status();
    if (absl::Status s = common::CheckEtag(row->account.name(), row->version, request.etag()); !s.ok()) {
      return s;
    }
    if (row->account.has_delete_time()) return DeletedAccount(*row);
    StageMove move;
    move.from = row->account.stage();
    move.current_share = row->account.share_of_wallet_percent();
    move.state = row->account.state();
    move.to = request.to_stage();
    if (request.has_share_of_wallet_percent()) move.share = request.share_of_wallet_percent();
    move.cause = request.interruption_cause();
    move.has_reason = !absl::StripAsciiWhitespace(request.reason()).empty();
    absl::StatusOr<int> share = CheckStageMove(move);
    if (!share.ok()) return share.status();

    StageChangeRow change;
    change.account_id = row->id;
    v1::StageChange& c = change.change;
    c.set_from_stage(move.from);
    c.set_to_stage(move.to);
    c.set_share_of_wallet_percent(*share);
    c.set_interruption_cause(move.cause);
    c.set_reason(request.reason());
    c.set_actor(ctx.actor);
    *c.mutable_change_time() = common::ToProtoTimestamp(now);
    if (absl::Status s = tx.InsertStageChange(&change); !s.ok()) return s;

    row->account.set_stage(move.to);
    row->account.set_share_of_wallet_percent(*share);
    *row->account.mutable_stage_update_time() = c.change_time();
    Touch(*row, now);
    if (absl::Status s = tx.WriteAccount(*row); !s.ok()) return s;
    *response->mutable_account() = std::move(row->account);
    *response->mutable_change() = std::move(c);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  *response->mutable_playbook() = PlaybookFor(response->account().stage());
  return absl::OkStatus();
}

absl::Status AccountService::ListStageHistory(const Ctx&, const v1::ListStageHistoryRequest& request,
                                              v1::ListStageHistoryResponse* response) {
  absl::StatusOr<int64_t> id = ParseAccountName("parent", request.parent());
  if (!id.ok()) return id.status();
  absl::StatusOr<int> limit = common::ResolvePageSize(request.page_size());
  if (!limit.ok()) return limit.status();
  const uint64_t query = common::Fingerprint64({"ListStageHistory", request.parent()});
  absl::StatusOr<std::optional<common::PageCursor>> cursor = DecodeCursor(request.page_token(), query);
  if (!cursor.ok()) return cursor.status();
  absl::StatusOr<bool> exists = store_->AccountExists(*id);
  if (!exists.ok()) return exists.status();
  if (!*exists) return absl::NotFoundError(absl::StrCat("account ", request.parent(), " not found"));
  absl::StatusOr<Page<v1::StageChange>> page = store_->ListStageChanges(*id, *cursor, *limit);
  if (!page.ok()) return page.status();
  if (page->more) {
    absl::StatusOr<std::pair<int64_t, int64_t>> last =
        ParseChildName("name", page->rows.back().name(), "stageChanges");
    response->set_next_page_token(common::EncodePageToken(query, common::PageCursor{{}, last->second}));
  }
  for (v1::StageChange& c : page->rows) *response->add_changes() = std::move(c);
  return absl::OkStatus();
}

absl::Status AccountService::GetStagePlaybook(const Ctx&, const v1::GetStagePlaybookRequest& request,
                                              v1::StagePlaybook* response) {
  if (request.stage() == v1::RELATIONSHIP_STAGE_UNSPECIFIED ||
      !v1::RelationshipStage_IsValid(request.stage())) {
    return common::InvalidField("stage", "must be a known RelationshipStage");
  }
  *response = PlaybookFor(request.stage());
  return absl::OkStatus();
}

// --- churn ------------------------------------------------------------------

absl::Status AccountService::MarkChurned(const Ctx& ctx, const v1::MarkChurnedRequest& request,
                                         v1::MarkChurnedResponse* response) {
  absl::StatusOr<int64_t> id = ParseAccountName("name", request.name());
  if (!id.ok()) return id.status();
  const bool customer = request.kind() == v1::CHURN_EVENT_KIND_CUSTOMER_CHURN;
  if (!customer && request.kind() != v1::CHURN_EVENT_KIND_BUSINESS_CHURN) {
    return common::InvalidField("kind", "must be CUSTOMER_CHURN or BUSINESS_CHURN");
  }
  if (request.reason() == v1::CHURN_REASON_UNSPECIFIED || !v1::ChurnReason_IsValid(request.reason())) {
    return common::InvalidField("reason", "is required: one of the seven ChurnReason values");
  }
  const int lines = request.lost_product_lines_size();
  if (!customer && lines == 0) {
    return common::InvalidField("lost_product_lines", "must name at least one product line for "
                                                      "business churn");
  }
  if (lines > kMaxLostProductLines) {
    return common::InvalidField("lost_product_lines", absl::StrCat("must hold at most ",
                                                                   kMaxLostProductLines, " entries"));
  }
  for (int i = 0; i < lines; ++i) {
    if (absl::Status s = common::CheckRequiredText(absl::StrCat("lost_product_lines[", i, "]"),
                                                   request.lost_product_lines(i), kMaxProductLine);
        !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = CheckNote("note", request.note()); !s.ok()) return s;
  const absl::Time now = common::NowMicros();
  absl::Status status = store_->Transact("recording churn", [&](AccountTx& tx) {
    absl::StatusOr<StoredAccount> row = tx.LockAccount(*id);
    if (!row.ok()) return row.status();
    if (absl::Status s = common::CheckEtag(row->account.name(), row->version, request.etag()); !s.ok()) {
      return s;
    }
    if (row->account.has_delete_time()) return DeletedAccount(*row);
    if (row->account.state() == v1::LIFECYCLE_STATE_CHURNED) {
      return absl::FailedPreconditionError(absl::StrCat(
          "account ", row->account.name(), " has already churned; record a win-back first"));
    }
    ChurnEventRow event;
    event.account_id = row->id;
    v1::ChurnEvent& e = event.event;
    e.set_kind(request.kind());
    e.set_reason(request.reason());
    *e.mutable_lost_product_lines() = request.lost_product_lines();
    e.set_note(request.note());
    e.set_actor(ctx.actor);
    *e.mutable_event_time() = common::ToProtoTimestamp(now);
    if (absl::Status s = tx.InsertChurnEvent(&event); !s.ok()) return s;
    if (customer) {
      row->account.set_state(v1::LIFECYCLE_STATE_CHURNED);
      Touch(*row, now);
      if (absl::Status s = tx.WriteAccount(*row); !s.ok()) return s;
    }
    *response->mutable_account() = std::move(row->account);
    *response->mutable_event() = std::move(e);
    return absl::OkStatus();
  });
  return status;
}

absl::Status AccountService::RecordWinBack(const Ctx& ctx, const v1::RecordWinBackRequest& request,
                                           v1::RecordWinBackResponse* response) {
  absl::StatusOr<int64_t> id = ParseAccountName("name", request.name());
  if (!id.ok()) return id.status();
  if (absl::Status s = CheckNote("note", request.note()); !s.ok()) return s;
  const absl::Time now = common::NowMicros();
  return store_->Transact("recording win-back", [&](AccountTx& tx) {
    absl::StatusOr<StoredAccount> row = tx.LockAccount(*id);
    if (!row.ok()) return row.status();
    if (absl::Status s = common::CheckEtag(row->account.name(), row->version, request.etag()); !s.ok()) {
      return s;
    }
    if (row->account.has_delete_time()) return DeletedAccount(*row);
    if (row->account.state() != v1::LIFECYCLE_STATE_CHURNED) {
      return absl::FailedPreconditionError(
          absl::StrCat("account ", row->account.name(), " has not churned; nothing to win back"));
    }
    const google::protobuf::Timestamp when = common::ToProtoTimestamp(now);
    ChurnEventRow event;
    event.account_id = row->id;
    v1::ChurnEvent& e = event.event;
    e.set_kind(v1::CHURN_EVENT_KIND_WIN_BACK);
    e.set_note(request.note());
    e.set_actor(ctx.actor);
    *e.mutable_event_time() = when;
    if (absl::Status s = tx.InsertChurnEvent(&event); !s.ok()) return s;
    // docs/domain.md §5: churned customers re-enter at incubation.
    StageChangeRow change;
    change.account_id = row->id;
    change.change.set_from_stage(row->account.stage());
    change.change.set_to_stage(v1::RELATIONSHIP_STAGE_DEVELOPMENT);
    change.change.set_reason(request.note().empty() ? "win-back"
                                                    : absl::StrCat("win-back: ", request.note()));
    change.change.set_actor(ctx.actor);
    *change.change.mutable_change_time() = when;
    if (absl::Status s = tx.InsertStageChange(&change); !s.ok()) return s;
    row->account.set_state(v1::LIFECYCLE_STATE_ACTIVE);
    row->account.set_stage(v1::RELATIONSHIP_STAGE_DEVELOPMENT);
    row->account.set_share_of_wallet_percent(0);
    *row->account.mutable_stage_update_time() = when;
    Touch(*row, now);
    if (absl::Status s = tx.WriteAccount(*row); !s.ok()) return s;
    *response->mutable_account() = std::move(row->account);
    *response->mutable_event() = std::move(e);
    return absl::OkStatus();
  });
}

absl::Status AccountService::ListChurnHistory(const Ctx&, const v1::ListChurnHistoryRequest& request,
                                              v1::ListChurnHistoryResponse* response) {
  absl::StatusOr<int64_t> id = ParseAccountName("parent", request.parent());
  if (!id.ok()) return id.status();
  absl::StatusOr<int> limit = common::ResolvePageSize(request.page_size());
  if (!limit.ok()) return limit.status();
  const uint64_t query = common::Fingerprint64({"ListChurnHistory", request.parent()});
  absl::StatusOr<std::optional<common::PageCursor>> cursor = DecodeCursor(request.page_token(), query);
  if (!cursor.ok()) return cursor.status();
  absl::StatusOr<bool> exists = store_->AccountExists(*id);
  if (!exists.ok()) return exists.status();
  if (!*exists) return absl::NotFoundError(absl::StrCat("account ", request.parent(), " not found"));
  absl::StatusOr<Page<v1::ChurnEvent>> page = store_->ListChurnEvents(*id, *cursor, *limit);
  if (!page.ok()) return page.status();
  if (page->more) {
    absl::StatusOr<std::pair<int64_t, int64_t>> last =
        ParseChildName("name", page->rows.back().name(), "churnEvents");
    response->set_next_page_token(common::EncodePageToken(query, common::PageCursor{{}, last->second}));
  }
  for (v1::ChurnEvent& e : page->rows) *response->add_events() = std::move(e);
  return absl::OkStatus();
}

// --- tiers ------------------------------------------------------------------

absl::Status AccountService::SetAccountTiers(const Ctx&, const v1::SetAccountTiersRequest& request,
                                             v1::SetAccountTiersResponse* response) {
  if (absl::Status s = common::CheckIdentifier("rating_run", request.rating_run(), 128, true); !s.ok()) {
    return s;
  }
  if (absl::Status s = common::CheckIdentifier("policy_version", request.policy_version(), 128, true);
      !s.ok()) {
    return s;
  }
  const int n = request.assignments_size();
  if (n == 0 || n > kMaxBatch) {
    return common::InvalidField("assignments", absl::StrCat("must hold 1 to ", kMaxBatch,
                                                            " entries (got ", n, ")"));
  }
  std::vector<int64_t> ids;
  ids.reserve(n);
  std::set<int64_t> seen;
  for (int i = 0; i < n; ++i) {
    const v1::TierAssignment& assignment = request.assignments(i);
    const std::string field = absl::StrCat("assignments[", i, "]");
    absl::StatusOr<int64_t> id = ParseAccountName(absl::StrCat(field, ".account"), assignment.account());
    if (!id.ok()) return id.status();
    if (!seen.insert(*id).second) {
      return common::InvalidField(absl::StrCat(field, ".account"),
                                  absl::StrCat("repeats ", assignment.account(),
                                               "; each account may appear once per batch"));
    }
    if (assignment.tier() == v1::TIER_UNSPECIFIED || !v1::Tier_IsValid(assignment.tier())) {
      return common::InvalidField(absl::StrCat(field, ".tier"), "must be A, B, C or D");
    }
    if (absl::Status s = CheckNote(absl::StrCat(field, ".reason"), assignment.reason()); !s.ok()) {
      return s;
    }
    ids.push_back(*id);
  }
  const absl::Time now = common::NowMicros();
  return store_->Transact("publishing tiers", [&](AccountTx& tx) {
    absl::StatusOr<std::map<int64_t, TierState>> states = tx.LockTierStates(ids);
    if (!states.ok()) return states.status();
    int changed = 0, unchanged = 0, applied = 0;
    std::vector<TierUpdate> updates;
    updates.reserve(n);
    for (int i = 0; i < n; ++i) {
      const v1::TierAssignment& assignment = request.assignments(i);
      const TierState& state = states->at(ids[i]);
      if (state.rating_run == request.rating_run()) {
        ++applied;  // this run already published it: idempotent
        continue;
      }
      ++(state.tier != assignment.tier() ? changed : unchanged);
      updates.push_back({ids[i], state.tier, assignment.tier(), &assignment.reason()});
    }
    if (absl::Status s = tx.SetTiers(updates, request.rating_run(), request.policy_version(), now);
        !s.ok()) {
      return s;
    }
    response->set_changed_count(changed);
    response->set_unchanged_count(unchanged);
    response->set_already_applied_count(applied);
    return absl::OkStatus();
  });
}

absl::Status AccountService::ListTierHistory(const Ctx&, const v1::ListTierHistoryRequest& request,
                                             v1::ListTierHistoryResponse* response) {
  absl::StatusOr<int64_t> id = ParseAccountName("parent", request.parent());
  if (!id.ok()) return id.status();
  absl::StatusOr<int> limit = common::ResolvePageSize(request.page_size());
  if (!limit.ok()) return limit.status();
  const uint64_t query = common::Fingerprint64({"ListTierHistory", request.parent()});
  absl::StatusOr<std::optional<common::PageCursor>> cursor = DecodeCursor(request.page_token(), query);
  if (!cursor.ok()) return cursor.status();
  absl::StatusOr<bool> exists = store_->AccountExists(*id);
  if (!exists.ok()) return exists.status();
  if (!*exists) return absl::NotFoundError(absl::StrCat("account ", request.parent(), " not found"));
  absl::StatusOr<Page<v1::TierChange>> page = store_->ListTierChanges(*id, *cursor, *limit);
  if (!page.ok()) return page.status();
  if (page->more) {
    absl::StatusOr<std::pair<int64_t, int64_t>> last =
        ParseChildName("name", page->rows.back().name(), "tierChanges");
    response->set_next_page_token(common::EncodePageToken(query, common::PageCursor{{}, last->second}));
  }
  for (v1::TierChange& c : page->rows) *response->add_changes() = std::move(c);
  return absl::OkStatus();
}

}  // namespace kam::account
