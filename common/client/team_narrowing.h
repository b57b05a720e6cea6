// How the services that do not own account teams (interaction, scoring)
// narrow an account manager's calls (docs/security.md, "Narrowing and
// masking"): the call's grant names the user (auth::Grant::own_accounts_of);
// the account service lists that user's accounts (ListTeamAccounts), kept a
// few seconds per user (common::TeamAccountsCache); then
//   - a method on one account answers what it answers for a missing account
//     or resource when the account is not theirs (CheckOwnAccount), before
//     anything else, and writes nothing;
//   - a List filters its query to their accounts (NarrowList), so pages stay
//     full, and binds its page tokens to the user (common::ListQueryName).
// A call that is not narrowed (tokens off, or a role that sees every
// account) asks nothing of the account service: these answer at once.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/api/list_request.h"
#include "common/api/team_accounts.h"
#include "common/server/grpc_server.h"

namespace kam::common {

// Where a service learns a user's accounts. The gRPC one is
// NewGrpcTeamAccounts; unit tests use common/testing/fake_team_accounts.h.
class TeamAccountsSource {
 public:
  virtual ~TeamAccountsSource() = default;
  // The accounts whose current team has `user`; `caller` (may be null) is
  // forwarded as on the service's other calls. UNAVAILABLE while the account
  // service is down.
  virtual absl::StatusOr<std::shared_ptr<const TeamAccounts>> TeamAccountsOf(
      const std::string& user, const CallContext* caller) = 0;
};

// The account service at `address` (ListTeamAccounts, each call with
// `deadline`, at most 4 waiting at once: one more is UNAVAILABLE at once),
// kept per user as TeamAccountsCache's defaults say.
std::unique_ptr<TeamAccountsSource> NewGrpcTeamAccounts(const std::string& address,
                                                        absl::Duration deadline);

// The user `ctx` is narrowed to; empty when it sees every account.
const std::string& NarrowedUser(const CallContext& ctx);

// The accounts `ctx` is narrowed to; nullptr (and no call) when it is not.
absl::StatusOr<std::shared_ptr<const TeamAccounts>> NarrowedAccounts(TeamAccountsSource& source,
                                                                     const CallContext& ctx);

// OK when `ctx` is not narrowed or `account_id` is one of its user's
// accounts; otherwise `not_found()`: what the method answers when the account
// (or the resource under it) does not exist. Errors of the source (the
// account service down) are returned as they are.
absl::Status CheckOwnAccount(TeamAccountsSource& source, const CallContext& ctx, int64_t account_id,
                             absl::FunctionRef<absl::Status()> not_found);

// For a List whose store maps the filter field `account` onto its account
// column: narrows `list->filter` to the user's accounts when `ctx` is
// narrowed. False when the user has no account at all: answer an empty page
// without a query. (The list's page token is bound to the user by reading it
// with ListQueryName(method, NarrowedUser(ctx)) as its first query part.)
absl::StatusOr<bool> NarrowList(TeamAccountsSource& source, const CallContext& ctx,
                                ListRequest* list);

// ReadListRequest(request, {method, parts...}) and NarrowList in one, for a
// List whose store maps the filter field `account`: its page token bound to
// the user of a narrowed call, its filter narrowed to their accounts. nullopt
// when the user has no account at all (answer an empty page).
template <typename Request, typename... Parts>
absl::StatusOr<std::optional<ListRequest>> ReadNarrowedList(TeamAccountsSource& source,
                                                            const CallContext& ctx,
                                                            const Request& request,
                                                            absl::string_view method,
                                                            const Parts&... parts) {
  absl::StatusOr<ListRequest> list = ReadListRequest(
      request,
      {absl::string_view(ListQueryName(method, NarrowedUser(ctx))), absl::string_view(parts)...});
  if (!list.ok()) return list.status();
  absl::StatusOr<bool> any = NarrowList(source, ctx, &*list);
  if (!any.ok()) return any.status();
  if (!*any) return std::nullopt;
  return *std::move(list);
}

}  // namespace kam::common
