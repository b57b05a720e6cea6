// What a caller's grant (common/server/grpc_server.h, CallContext::grant)
// changes in the account service's answers:
//
//   - an account manager on an account-scoped method is narrowed to the
//     accounts whose current team they are on (TeamMembership.user, memberships
//     not ended): any other account answers NOT_FOUND exactly as an account
//     that does not exist (same code, same message; nothing written), and
//     lists hold only theirs (the stores filter them in the query);
//   - an analyst gets no personal contact details: a contact's phone and
//     e-mail are masked (docs/security.md, "Narrowing and masking").
//
// Callers without a grant (tokens off) or with one that sees every account
// (admin, analyst, service agents, the services) are not narrowed: the checks
// below answer OK without a query.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/server/grpc_server.h"
#include "kam/account/v1/account.pb.h"
#include "services/account/shared/transaction.h"

namespace kam::account {

// The user the call is narrowed to (Grant::own_accounts_of); empty when the
// call sees every account.
const std::string& NarrowedTo(const common::CallContext& ctx);

// The index in `ids` of the first account the call may not see (it is
// narrowed and its user is not on that account's current team, or the
// account does not exist); nullopt when it sees every one. One read when the
// call is narrowed, none otherwise.
absl::StatusOr<std::optional<size_t>> FirstNotOnTeam(Transactions& transactions,
                                                     const common::CallContext& ctx,
                                                     const std::vector<int64_t>& ids);
// OK when the call is not narrowed, or its user is on the current team of
// every account of `ids`; otherwise AccountNotFound of the first that is not
// theirs (or that does not exist), as GetAccounts answers for a missing one.
absl::Status CheckOnTeam(Transactions& transactions, const common::CallContext& ctx,
                         const std::vector<int64_t>& ids);
// One account: `not_found()` (what the method answers when the account does
// not exist) unless the call is not narrowed or the account is the user's.
absl::Status CheckOnTeam(Transactions& transactions, const common::CallContext& ctx,
                         int64_t account_id, absl::FunctionRef<absl::Status()> not_found);
// CheckOnTeam(transactions, ctx, account_id, AccountNotFound(account_id)).
absl::Status CheckOnTeam(Transactions& transactions, const common::CallContext& ctx,
                         int64_t account_id);

// The id of the account `name` names (the request's field `field`), checked
// as above: INVALID_ARGUMENT naming `field` when it is not an account name,
// and AccountNotFound when the call is narrowed and the account is not the
// user's.
absl::StatusOr<int64_t> AccountOnTeam(Transactions& transactions, const common::CallContext& ctx,
                                      absl::string_view field, absl::string_view name);

// What an analyst reads in place of a phone number or e-mail address that is
// set (an empty one stays empty).
inline constexpr char kMaskedDetail[] = "***";
// Whether `ctx` runs under the analyst role.
bool MasksContactDetails(const common::CallContext& ctx);
// Masks `contact`'s phone and e-mail when MasksContactDetails(ctx).
void MaskContactDetails(const common::CallContext& ctx, v1::Contact* contact);

}  // namespace kam::account
