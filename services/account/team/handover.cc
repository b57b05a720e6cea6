#include "services/account/team/handover.h"

#include "absl/strings/str_cat.h"
#include "common/api/validation.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"

namespace kam::account::team {

absl::Status ConcurrentRequest() {
  return absl::AbortedError("concurrent request with the same request_id; retry");
}

namespace {

// `user`'s account-manager membership of `account_id` from `start`, not yet
// stored.
StoredMembership NewAccountManager(int64_t account_id, const std::string& user, absl::Time start,
                                   const std::string& actor) {
  StoredMembership membership;
  membership.account_id = account_id;
  membership.resource.set_user(user);
  membership.resource.set_role(v1::TEAM_ROLE_ACCOUNT_MANAGER);
  *membership.resource.mutable_start_time() = common::ToProtoTimestamp(start);
  membership.resource.set_actor(actor);
  return membership;
}

}  // namespace

absl::StatusOr<StoredMembership> StartAccountManager(TeamTx& tx, int64_t account_id,
                                                     const std::string& user, absl::Time start,
                                                     const std::string& actor,
                                                     const common::RequestKey& key) {
  StoredMembership membership = NewAccountManager(account_id, user, start, actor);
  KAM_ASSIGN_OR_RETURN(common::InsertOutcome inserted, tx.InsertMembership(&membership, key));
  if (inserted == common::InsertOutcome::kDuplicateRequest) return ConcurrentRequest();
  return membership;
}

absl::Status StartAccountManagers(TeamTx& tx, const std::vector<int64_t>& account_ids,
                                  const std::vector<std::string>& owners, absl::Time start,
                                  const std::string& actor) {
  std::vector<StoredMembership> memberships;
  for (size_t i = 0; i < account_ids.size(); ++i) {
    if (owners[i].empty()) continue;
    memberships.push_back(NewAccountManager(account_ids[i], owners[i], start, actor));
  }
  if (memberships.empty()) return absl::OkStatus();
  return tx.InsertMemberships(&memberships);
}

absl::StatusOr<std::optional<StoredMembership>> HandOver(TeamTx& tx,
                                                         accounts::StoredAccount& account,
                                                         const std::string& user, absl::Time start,
                                                         const std::string& actor,
                                                         const common::RequestKey& key) {
  absl::StatusOr<std::optional<StoredMembership>> current = tx.LockActiveAccountManager(account.id);
  if (!current.ok()) return current.status();
  if (current->has_value()) {
    const StoredMembership& manager = **current;
    if (manager.resource.user() == user) {
      return absl::AlreadyExistsError(absl::StrCat(
          "user \"", user, "\" is already the account manager of ", account.account.name()));
    }
    const absl::Time current_start = common::FromProtoTimestamp(manager.resource.start_time());
    if (start < current_start) {
      return common::InvalidField(
          "membership.start_time",
          absl::StrCat("must not be before the current account manager's start (",
                       absl::FormatTime(absl::RFC3339_full, current_start, absl::UTCTimeZone()),
                       ")"));
    }
    KAM_RETURN_IF_ERROR(tx.EndMembership(
        manager.id, start,
        user.empty() ? "account manager removed" : absl::StrCat("handover to ", user),
        /*handover=*/!user.empty()));
    if (!user.empty()) {
      account.account.set_account_manager_handover_count(
          account.account.account_manager_handover_count() + 1);
    }
  }
  account.account.set_owner(user);
  if (user.empty()) return std::optional<StoredMembership>();
  KAM_ASSIGN_OR_RETURN(StoredMembership started,
                       StartAccountManager(tx, account.id, user, start, actor, key));
  return std::optional<StoredMembership>(std::move(started));
}

}  // namespace kam::account::team
