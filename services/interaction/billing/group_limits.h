// The group credit limits over an account, read from the account service:
// the account's own CreditProfile.group_credit_limit and its ancestors', each
// with the members it covers (the group account and its descendants). A
// write that adds to the account's exposure checks each of them
// (credit_check.h: CheckGroupCredit) besides the account's own limit.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "common/server/grpc_server.h"
#include "kam/account/v1/account.pb.h"
#include "services/interaction/billing/credit_check.h"
#include "services/interaction/shared/account_client.h"

namespace kam::interaction::billing {

// The largest group a limit may cover: its members' ids are read page by
// page and summed in one statement per 512, so this bounds both.
inline constexpr int64_t kMaxGroupMembers = 100000;

// The limits over `account` (already read, live), nearest first: its own,
// then its parent's, up to the root. None (and no call made) for an account
// with no parent and no group limit of its own. FAILED_PRECONDITION when a
// group has more than kMaxGroupMembers members; the account service's
// errors (UNAVAILABLE, ...) as it answers.
absl::StatusOr<std::vector<GroupLimit>> ReadGroupLimits(AccountClient& accounts,
                                                        const common::CallContext& caller,
                                                        const account::v1::Account& account);

}  // namespace kam::interaction::billing
