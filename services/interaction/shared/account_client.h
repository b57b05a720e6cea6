// The interaction service's view of the account service: the calls it needs.
// The interaction service never reads the account schema; when the account
// service is down these return UNAVAILABLE, and a write that needs one fails
// before writing anything. NewGrpcAccountClient (below,
// grpc_account_client.cc) makes the real one; FakeAccountClient
// (fake_account_client.h) stands in for it in unit tests.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/client/team_narrowing.h"
#include "common/server/grpc_server.h"
#include "kam/account/v1/account.pb.h"

namespace kam::interaction {

// Also where a manager's accounts come from (common::TeamAccountsSource:
// ListTeamAccounts, kept a few seconds per user), to narrow their calls
// (shared/narrowing.h).
class AccountClient : public common::TeamAccountsSource {
 public:
  // `caller` (may be null) is forwarded as x-kam-actor / x-request-id.
  virtual absl::StatusOr<account::v1::Account> GetAccount(const std::string& name,
                                                          const common::CallContext* caller) = 0;
  virtual absl::StatusOr<account::v1::Contact> GetContact(const std::string& name,
                                                          const common::CallContext* caller) = 0;
  // At most 1000 names; NOT_FOUND if any is missing.
  virtual absl::StatusOr<std::vector<account::v1::Account>> BatchGetAccounts(
      const std::vector<std::string>& names, const common::CallContext* caller) = 0;
  // One page of ListAccounts (filter as in account.proto).
  virtual absl::StatusOr<account::v1::ListAccountsResponse> ListAccounts(
      const account::v1::ListAccountsRequest& request, const common::CallContext* caller) = 0;
  // The account's ancestors, parent first (at most the hierarchy's depth).
  virtual absl::StatusOr<std::vector<account::v1::Account>> ListAccountAncestors(
      const std::string& name, const common::CallContext* caller) = 0;
  // One page of an account's descendants.
  virtual absl::StatusOr<account::v1::ListAccountDescendantsResponse> ListAccountDescendants(
      const account::v1::ListAccountDescendantsRequest& request,
      const common::CallContext* caller) = 0;

  // Starts fetching account `name` for `caller`'s call without blocking
  // (common/server/prefetch.h): its answer goes to `into`, then `done` runs,
  // and GetAccount(name, &caller) answers from it. This one fetches nothing
  // (GetAccount then asks).
  virtual void PrefetchAccount(const std::string& name, const common::CallContext& caller,
                               common::Prefetched* into, std::function<void()> done) {
    done();
  }
};

// Makes `server` fetch the account a create names (CreateActivity,
// CreateCase, CreateOrder, CreateInvoice, RecordPayment, CreateOpportunity,
// CreateAgreement, CreateSurveyResponse) before its handler runs (common/server/prefetch.h):
// the handler's look-up of that account then holds no thread while the
// account service answers. account_prefetch.cc.
void PrefetchAccountsOfCreates(common::GrpcServer& server, AccountClient* accounts);

// The account service at `address` over gRPC, each call with `deadline` (or
// its caller's, when sooner). At most `max_in_flight` calls wait on it
// holding a thread (one more is UNAVAILABLE at once: common::DependencyLimit),
// and at most `max_prefetching` prefetched look-ups, which hold none (one
// more is answered UNAVAILABLE at once). A manager's accounts come from
// common::NewGrpcTeamAccounts. Concurrent GetAccount calls share one
// BatchGetAccounts call (common/base/coalescer.h), and so do concurrent
// prefetches (common/client/async_batcher.h); a batch forwards the first
// caller's identity.
std::unique_ptr<AccountClient> NewGrpcAccountClient(const std::string& address,
                                                    absl::Duration deadline, int max_in_flight,
                                                    int max_prefetching);

}  // namespace kam::interaction
