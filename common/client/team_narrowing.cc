#include "common/client/team_narrowing.h"

#include <utility>

#include "common/base/status_macros.h"
#include "common/client/rpc_client.h"
#include "kam/account/v1/account.grpc.pb.h"

namespace kam::common {
namespace {

namespace v1 = account::v1;

// ListTeamAccounts' largest page: a manager's accounts in one call.
constexpr int kTeamAccountsPage = 1000;
// Look-ups of a user's accounts waiting on the account service at once. Each
// holds a worker thread (a cache miss, once per user every few seconds), so
// half the default 8 at most: a frozen account service leaves the other
// threads to calls that are not narrowed; one more is UNAVAILABLE at once.
constexpr int kMaxTeamLookups = 4;

class GrpcTeamAccounts final : public TeamAccountsSource {
 public:
  GrpcTeamAccounts(const std::string& address, absl::Duration deadline)
      : stub_(v1::AccountService::NewStub(DependencyChannel(address))),
        deadline_(deadline),
        limit_("account service", kMaxTeamLookups) {}

  absl::StatusOr<std::shared_ptr<const TeamAccounts>> TeamAccountsOf(
      const std::string& user, const CallContext* caller) override {
    return cache_.Get(
        user,
        [&](const std::string& of, const std::string& token) -> absl::StatusOr<TeamAccountsPage> {
          v1::ListTeamAccountsRequest request;
          request.set_user(of);
          request.set_page_size(kTeamAccountsPage);
          request.set_page_token(token);
          KAM_ASSIGN_OR_RETURN(DependencyLimit::Slot slot, limit_.Enter());
          KAM_ASSIGN_OR_RETURN(v1::ListTeamAccountsResponse response,
                               CallDependency(*stub_, &v1::AccountService::Stub::ListTeamAccounts,
                                              request, caller, deadline_, "account service"));
          return TeamAccountsPage{{response.accounts().begin(), response.accounts().end()},
                                  response.next_page_token()};
        });
  }

 private:
  std::unique_ptr<v1::AccountService::Stub> stub_;
  const absl::Duration deadline_;
  DependencyLimit limit_;
  TeamAccountsCache cache_;
};

}  // namespace

std::unique_ptr<TeamAccountsSource> NewGrpcTeamAccounts(const std::string& address,
                                                        absl::Duration deadline) {
  return std::make_unique<GrpcTeamAccounts>(address, deadline);
}

const std::string& NarrowedUser(const CallContext& ctx) {
  static const std::string* const kEveryAccount = new std::string();
  return ctx.grant.has_value() ? ctx.grant->own_accounts_of : *kEveryAccount;
}

absl::StatusOr<std::shared_ptr<const TeamAccounts>> NarrowedAccounts(TeamAccountsSource& source,
                                                                     const CallContext& ctx) {
  const std::string& user = NarrowedUser(ctx);
  if (user.empty()) return nullptr;
  return source.TeamAccountsOf(user, &ctx);
}

absl::Status CheckOwnAccount(TeamAccountsSource& source, const CallContext& ctx, int64_t account_id,
                             absl::FunctionRef<absl::Status()> not_found) {
  if (NarrowedUser(ctx).empty()) return absl::OkStatus();  // the hot paths: nothing more
  KAM_ASSIGN_OR_RETURN(std::shared_ptr<const TeamAccounts> theirs, NarrowedAccounts(source, ctx));
  return theirs->Contains(account_id) ? absl::OkStatus() : not_found();
}

absl::StatusOr<bool> NarrowList(TeamAccountsSource& source, const CallContext& ctx,
                                ListRequest* list) {
  KAM_ASSIGN_OR_RETURN(std::shared_ptr<const TeamAccounts> theirs, NarrowedAccounts(source, ctx));
  if (theirs == nullptr) return true;
  if (theirs->empty()) return false;
  list->filter = theirs->Narrow(std::move(list->filter));
  return true;
}

}  // namespace kam::common
