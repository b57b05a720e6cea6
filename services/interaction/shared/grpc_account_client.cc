// AccountClient over gRPC (NewGrpcAccountClient): each call with a
// deadline; concurrent GetAccount calls share one BatchGetAccounts call
// (common/base/coalescer.h), which forwards the first caller's identity.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "common/base/coalescer.h"
#include "common/base/status_macros.h"
#include "common/client/rpc_client.h"
#include "kam/account/v1/account.grpc.pb.h"
#include "services/interaction/shared/account_client.h"

namespace kam::interaction {
namespace {

namespace v1 = account::v1;

constexpr char kAccountService[] = "account service";

// Largest GetAccount batch (one BatchGetAccounts call).
constexpr int kMaxReadBatch = 64;
// BatchGetAccounts calls in flight at once: a call mostly waits on the
// other service, so two overlap that wait.
constexpr int kReadLanes = 2;

class GrpcAccountClient final : public AccountClient {
 public:
  GrpcAccountClient(const std::string& address, absl::Duration deadline, int max_in_flight)
      : stub_(v1::AccountService::NewStub(common::DependencyChannel(address))),
        deadline_(deadline),
        limit_(kAccountService, max_in_flight),
        teams_(common::NewGrpcTeamAccounts(address, deadline)),
        account_reads_(
            [this](const std::vector<const AccountRead*>& reads) { return ReadBatch(reads); },
            kMaxReadBatch, kReadLanes) {}

  absl::StatusOr<v1::Account> GetAccount(const std::string& name,
                                         const common::CallContext* caller) override {
    KAM_ASSIGN_OR_RETURN(common::DependencyLimit::Slot slot, limit_.Enter());
    return account_reads_.Call(AccountRead{&name, caller});
  }

  absl::StatusOr<v1::Contact> GetContact(const std::string& name,
                                         const common::CallContext* caller) override {
    v1::GetContactRequest request;
    request.set_name(name);
    KAM_ASSIGN_OR_RETURN(common::DependencyLimit::Slot slot, limit_.Enter());
    return common::CallDependency(*stub_, &v1::AccountService::Stub::GetContact, request, caller,
                                  deadline_, kAccountService);
  }

  absl::StatusOr<std::vector<v1::Account>> BatchGetAccounts(
      const std::vector<std::string>& names, const common::CallContext* caller) override {
    KAM_ASSIGN_OR_RETURN(common::DependencyLimit::Slot slot, limit_.Enter());
    return BatchGet(names, caller);
  }

  absl::StatusOr<v1::ListAccountsResponse> ListAccounts(
      const v1::ListAccountsRequest& request, const common::CallContext* caller) override {
    KAM_ASSIGN_OR_RETURN(common::DependencyLimit::Slot slot, limit_.Enter());
    return common::CallDependency(*stub_, &v1::AccountService::Stub::ListAccounts, request, caller,
                                  deadline_, kAccountService);
  }

  absl::StatusOr<std::shared_ptr<const common::TeamAccounts>> TeamAccountsOf(
      const std::string& user, const common::CallContext* caller) override {
    return teams_->TeamAccountsOf(user, caller);
  }

 private:
  // BatchGetAccounts without a slot of its own (a coalesced batch runs on
  // the slots of its callers).
  absl::StatusOr<std::vector<v1::Account>> BatchGet(const std::vector<std::string>& names,
                                                    const common::CallContext* caller) {
    v1::BatchGetAccountsRequest request;
    for (const std::string& name : names) request.add_names(name);
    KAM_ASSIGN_OR_RETURN(v1::BatchGetAccountsResponse response,
                         common::CallDependency(*stub_, &v1::AccountService::Stub::BatchGetAccounts,
                                                request, caller, deadline_, kAccountService));
    return std::vector<v1::Account>(response.accounts().begin(), response.accounts().end());
  }

  struct AccountRead {
    const std::string* name;
    const common::CallContext* caller;
  };
  using ReadResult = absl::StatusOr<v1::Account>;

  std::vector<ReadResult> ReadBatch(const std::vector<const AccountRead*>& reads) {
    std::vector<ReadResult> results;
    results.reserve(reads.size());
    if (reads.size() > 1) {
      std::vector<std::string> names;
      for (const AccountRead* read : reads) {
        if (std::find(names.begin(), names.end(), *read->name) == names.end()) {
          names.push_back(*read->name);
        }
      }
      absl::StatusOr<std::vector<v1::Account>> accounts = BatchGet(names, reads[0]->caller);
      if (accounts.ok() && accounts->size() == names.size()) {
        for (const AccountRead* read : reads) {
          const size_t i = std::find(names.begin(), names.end(), *read->name) - names.begin();
          results.push_back((*accounts)[i]);
        }
        return results;
      }
      // NOT_FOUND (or INVALID_ARGUMENT) for one name fails the whole batch;
      // any other failure is every call's.
      const absl::StatusCode code = accounts.status().code();
      if (!accounts.ok() && code != absl::StatusCode::kNotFound &&
          code != absl::StatusCode::kInvalidArgument) {
        results.assign(reads.size(), accounts.status());
        return results;
      }
    }
    // Alone, or to learn which name the batch failed on: one call each, with
    // the account service's own answer.
    for (const AccountRead* read : reads) {
      results.push_back(GetOneAccount(*read->name, read->caller));
    }
    return results;
  }

  absl::StatusOr<v1::Account> GetOneAccount(const std::string& name,
                                            const common::CallContext* caller) {
    v1::GetAccountRequest request;
    request.set_name(name);
    return common::CallDependency(*stub_, &v1::AccountService::Stub::GetAccount, request, caller,
                                  deadline_, kAccountService);
  }

  std::unique_ptr<v1::AccountService::Stub> stub_;
  const absl::Duration deadline_;
  common::DependencyLimit limit_;
  const std::unique_ptr<common::TeamAccountsSource> teams_;
  common::Coalescer<AccountRead, ReadResult> account_reads_;
};

}  // namespace

std::unique_ptr<AccountClient> NewGrpcAccountClient(const std::string& address,
                                                    absl::Duration deadline, int max_in_flight) {
  return std::make_unique<GrpcAccountClient>(address, deadline, max_in_flight);
}

}  // namespace kam::interaction
