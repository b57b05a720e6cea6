// How the interaction areas narrow an account manager's calls to the
// accounts they are on the team of (common/client/team_narrowing.h;
// docs/security.md, "Narrowing and masking"). A call that is not narrowed
// costs nothing here: no call to the account service, answers as before.
//
//   - creates and account-keyed reads check their account through
//     ReadAccount/ReadContact (account_checks.h): another's account answers
//     what a missing one answers, at the same point, so nothing is written;
//   - a method on one stored resource reads it, then OwnRow answers what the
//     store answers for a missing one when its account is not theirs (before
//     any other check of the request against the row, nothing written);
//   - a List reads its request with ReadNarrowedList: page tokens bound to
//     the user (ListQueryName), its filter narrowed (NarrowList: `account =
//     ...` terms the store binds as parameters, so pages stay full).
#pragma once

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/base/status_macros.h"
#include "common/client/team_narrowing.h"
#include "services/interaction/shared/account_client.h"

namespace kam::interaction {

using common::ListQueryName;
using common::NarrowedUser;
using common::NarrowList;
using common::ReadNarrowedList;

// NOT_FOUND "<what> <name> not found": what the stores answer for a
// resource that does not exist ("activity activities/7 not found").
inline absl::Status ResourceNotFound(absl::string_view what, absl::string_view name) {
  return absl::NotFoundError(absl::StrCat(what, " ", name, " not found"));
}

// `row` as a store read it (a Stored* with its `account_id`), or, when the
// call is narrowed and the row's account is not theirs,
// ResourceNotFound(what, name).
template <typename Row>
absl::StatusOr<Row> OwnRow(AccountClient& accounts, const common::CallContext& ctx,
                           absl::StatusOr<Row> row, absl::string_view what,
                           absl::string_view name) {
  if (!row.ok() || NarrowedUser(ctx).empty()) return row;
  KAM_RETURN_IF_ERROR(common::CheckOwnAccount(accounts, ctx, row->account_id,
                                              [&] { return ResourceNotFound(what, name); }));
  return row;
}

// OK when the call may see account `account_id`; otherwise `not_found`.
inline absl::Status CheckOwnAccount(AccountClient& accounts, const common::CallContext& ctx,
                                    int64_t account_id, const absl::Status& not_found) {
  return common::CheckOwnAccount(accounts, ctx, account_id, [&] { return not_found; });
}

}  // namespace kam::interaction
