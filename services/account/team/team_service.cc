#include "services/account/team/team_service.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/api/idempotency.h"
#include "common/api/list_request.h"
#include "common/api/validation.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "services/account/accounts/account_steps.h"
#include "services/account/accounts/account_store.h"
#include "services/account/shared/account_names.h"
#include "services/account/shared/narrowing.h"
#include "services/account/shared/requests.h"
#include "services/account/team/handover.h"

namespace kam::account::team {
namespace {

// The checks of an AddTeamMember request, in the order callers see them.
absl::Status CheckNewMember(const v1::TeamMembership& in) {
  KAM_RETURN_IF_ERROR(common::CheckUserId("membership.user", in.user(), /*required=*/true));
  if (in.role() == v1::TEAM_ROLE_UNSPECIFIED || !v1::TeamRole_IsValid(in.role())) {
    return common::InvalidField("membership.role",
                                "is required: ACCOUNT_MANAGER, SALES, TECHNICAL or SERVICE");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status TeamService::AddTeamMember(const Ctx& ctx, const v1::AddTeamMemberRequest& request,
                                        v1::TeamMembership* response) {
  KAM_ASSIGN_OR_RETURN(const int64_t account_id,
                       AccountOnTeam(*transactions_, ctx, "parent", request.parent()));
  KAM_RETURN_IF_ERROR(common::CheckPresent("membership", request.has_membership()));
  const v1::TeamMembership& in = request.membership();
  KAM_ASSIGN_OR_RETURN(common::RequestKey key, common::RequestKeyOf(request, "AddTeamMember"));
  KAM_RETURN_IF_ERROR(CheckNewMember(in));
  const absl::Time now = common::NowMicros();
  KAM_ASSIGN_OR_RETURN(absl::Time start, PastOrNow("membership.start_time", in.has_start_time(),
                                                   in.start_time(), now));

  return transactions_->Transact("adding team member", [&](Transaction& tx) -> absl::Status {
    KAM_ASSIGN_OR_RETURN(accounts::StoredAccount account, tx.accounts().LockAccount(account_id));
    // The account row lock serialises requests for this account, so a
    // concurrent retry sees the first one's membership here. A retry is
    // answered even if the account was deleted since.
    if (!key.id.empty()) {
      absl::StatusOr<std::optional<StoredMembership>> first =
          common::EarlierResult(key, tx.team().FindMembershipByRequest(key.id));
      if (!first.ok()) return first.status();
      if (first->has_value()) {
        *response = std::move((*first)->resource);
        return absl::OkStatus();
      }
    }
    if (account.account.has_delete_time()) return DeletedAccount(account.account);
    if (in.role() == v1::TEAM_ROLE_ACCOUNT_MANAGER) {
      absl::StatusOr<std::optional<StoredMembership>> added =
          HandOver(tx.team(), account, in.user(), start, ctx.actor, key);
      if (!added.ok()) return added.status();
      *response = std::move((*added)->resource);
      return accounts::WriteStamped(tx.accounts(), account, now);
    }
    KAM_ASSIGN_OR_RETURN(bool member,
                         tx.team().HasActiveMembership(account_id, in.user(), in.role()));
    if (member) {
      return absl::AlreadyExistsError(absl::StrCat("user \"", in.user(), "\" is already an active ",
                                                   v1::TeamRole_Name(in.role()), " member of ",
                                                   account.account.name()));
    }
    StoredMembership row;
    row.account_id = account_id;
    row.resource.set_user(in.user());
    row.resource.set_role(in.role());
    *row.resource.mutable_start_time() = common::ToProtoTimestamp(start);
    row.resource.set_actor(ctx.actor);
    KAM_ASSIGN_OR_RETURN(common::InsertOutcome inserted, tx.team().InsertMembership(&row, key));
    if (inserted == common::InsertOutcome::kDuplicateRequest) return ConcurrentRequest();
    *response = std::move(row.resource);
    return absl::OkStatus();
  });
}

absl::Status TeamService::EndTeamMembership(const Ctx& ctx,
                                            const v1::EndTeamMembershipRequest& request,
                                            v1::TeamMembership* response) {
  KAM_ASSIGN_OR_RETURN(const ChildIds ids,
                       ParseChildName("name", request.name(), "teamMemberships"));
  auto not_found = [&] {
    return absl::NotFoundError(absl::StrCat("team membership ", request.name(), " not found"));
  };
  KAM_RETURN_IF_ERROR(CheckOnTeam(*transactions_, ctx, ids.first, not_found));
  KAM_RETURN_IF_ERROR(CheckNote("reason", request.reason()));
  const absl::Time now = common::NowMicros();
  KAM_ASSIGN_OR_RETURN(absl::Time end,
                       PastOrNow("end_time", request.has_end_time(), request.end_time(), now));
  return transactions_->Transact("ending team membership", [&](Transaction& tx) -> absl::Status {
    absl::StatusOr<accounts::StoredAccount> account = tx.accounts().LockAccount(ids.first);
    if (!account.ok()) {
      if (account.status().code() != absl::StatusCode::kNotFound) return account.status();
      return not_found();
    }
    KAM_ASSIGN_OR_RETURN(StoredMembership row, tx.team().LockMembership(ids.first, ids.second));
    if (row.resource.has_end_time()) {
      return absl::FailedPreconditionError(
          absl::StrCat("team membership ", request.name(), " has already ended"));
    }
    if (end < common::FromProtoTimestamp(row.resource.start_time())) {
      return common::InvalidField("end_time", "must not be before the membership's start_time");
    }
    KAM_RETURN_IF_ERROR(tx.team().EndMembership(row.id, end, request.reason(), /*handover=*/false));
    *row.resource.mutable_end_time() = common::ToProtoTimestamp(end);
    row.resource.set_end_reason(request.reason());
    if (row.resource.role() == v1::TEAM_ROLE_ACCOUNT_MANAGER &&
        account->account.owner() == row.resource.user()) {
      account->account.set_owner("");
      KAM_RETURN_IF_ERROR(accounts::WriteStamped(tx.accounts(), *account, now));
    }
    *response = std::move(row.resource);
    return absl::OkStatus();
  });
}

absl::Status TeamService::ListTeamMemberships(const Ctx& ctx,
                                              const v1::ListTeamMembershipsRequest& request,
                                              v1::ListTeamMembershipsResponse* response) {
  KAM_ASSIGN_OR_RETURN(int64_t account_id,
                       AccountOnTeam(*transactions_, ctx, "parent", request.parent()));
  if (!v1::TeamRole_IsValid(request.role())) {
    return common::InvalidField("role", "must be a known TeamRole");
  }
  KAM_ASSIGN_OR_RETURN(common::ListRequest list,
                       common::ReadListRequest(request, {"ListTeamMemberships", request.parent(),
                                                         absl::StrCat(request.role()),
                                                         request.include_ended() ? "1" : "0"}));
  KAM_ASSIGN_OR_RETURN(common::Page<StoredMembership> page,
                       store_->ListMemberships(account_id, request.role(), request.include_ended(),
                                               list.cursor, list.limit));
  common::WritePage(
      list, std::move(page), response->mutable_next_page_token(),
      [&](StoredMembership& row) { *response->add_memberships() = std::move(row.resource); },
      [](const StoredMembership& row) {
        return common::PageCursor{
            {common::ToSqlDateTime(common::FromProtoTimestamp(row.resource.start_time()))}, row.id};
      });
  return absl::OkStatus();
}

absl::Status TeamService::ListTeamAccounts(const Ctx&, const v1::ListTeamAccountsRequest& request,
                                           v1::ListTeamAccountsResponse* response) {
  KAM_RETURN_IF_ERROR(common::CheckUserId("user", request.user(), /*required=*/true));
  KAM_ASSIGN_OR_RETURN(common::ListRequest list,
                       common::ReadListRequest(request, {"ListTeamAccounts", request.user()}));
  KAM_ASSIGN_OR_RETURN(common::Page<int64_t> page,
                       store_->ListTeamAccounts(request.user(), list.cursor, list.limit));
  common::WritePage(
      list, std::move(page), response->mutable_next_page_token(),
      [&](int64_t id) { response->add_accounts(AccountName(id)); },
      [](int64_t id) {
        return common::PageCursor{{}, id};
      });
  return absl::OkStatus();
}

}  // namespace kam::account::team
