#include "services/interaction/billing/group_limits.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "services/interaction/shared/names.h"

namespace kam::interaction::billing {
namespace {

constexpr int kMembersPage = 1000;  // ListAccountDescendants' largest page

// The group `group` sets, with its members: the group account and every
// descendant, read page by page.
absl::StatusOr<GroupLimit> GroupOf(AccountClient& accounts, const common::CallContext& caller,
                                   const account::v1::Account& group) {
  GroupLimit limit;
  limit.group = group.name();
  limit.currency_code = group.credit().group_credit_limit().currency_code();
  limit.limit = group.credit().group_credit_limit().minor_units();
  KAM_ASSIGN_OR_RETURN(limit.group_id, ParseAccountName("account", group.name()));
  limit.member_ids.push_back(limit.group_id);
  account::v1::ListAccountDescendantsRequest request;
  request.set_name(group.name());
  request.set_page_size(kMembersPage);
  do {
    KAM_ASSIGN_OR_RETURN(account::v1::ListAccountDescendantsResponse page,
                         accounts.ListAccountDescendants(request, &caller));
    for (const account::v1::AccountNode& node : page.nodes()) {
      KAM_ASSIGN_OR_RETURN(const int64_t id, ParseAccountName("account", node.account().name()));
      limit.member_ids.push_back(id);
    }
    if (static_cast<int64_t>(limit.member_ids.size()) > kMaxGroupMembers) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the group credit limit of ", group.name(), " covers more than ", kMaxGroupMembers,
          " accounts, the most a credit check adds up; set the limit on smaller groups"));
    }
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  return limit;
}

}  // namespace

absl::StatusOr<std::vector<GroupLimit>> ReadGroupLimits(AccountClient& accounts,
                                                        const common::CallContext& caller,
                                                        const account::v1::Account& account) {
  std::vector<account::v1::Account> chain = {account};
  if (!account.parent_account().empty()) {
    KAM_ASSIGN_OR_RETURN(std::vector<account::v1::Account> ancestors,
                         accounts.ListAccountAncestors(account.name(), &caller));
    chain.insert(chain.end(), ancestors.begin(), ancestors.end());
  }
  std::vector<GroupLimit> limits;
  for (const account::v1::Account& group : chain) {
    if (!group.credit().has_group_credit_limit()) continue;
    KAM_ASSIGN_OR_RETURN(GroupLimit limit, GroupOf(accounts, caller, group));
    limits.push_back(std::move(limit));
  }
  return limits;
}

}  // namespace kam::interaction::billing
