// AccountClient over gRPC (NewGrpcAccountClient): each call with a
// deadline; concurrent GetAccount calls share one BatchGetAccounts call
// (common/base/coalescer.h), and so do concurrent prefetches, sent without
// blocking (common/client/async_batcher.h); a batch forwards the first
// caller's identity.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "common/base/coalescer.h"
#include "common/base/status_macros.h"
#include "common/client/async_batcher.h"
#include "common/client/rpc_client.h"
#include "common/metrics/batch_sizes.h"
#include "kam/account/v1/account.grpc.pb.h"
#include "services/interaction/shared/account_client.h"

namespace kam::interaction {
namespace {

namespace v1 = account::v1;

constexpr char kAccountService[] = "account service";

// Largest GetAccount batch (one BatchGetAccounts call).
constexpr int kMaxReadBatch = 64;
// BatchGetAccounts calls in flight at once for look-ups from inside a
// handler: a call mostly waits on the other service, so two overlap that
// wait (each holds its thread anyway).
constexpr int kReadLanes = 2;
// Prefetch batches in flight at once: one, and the next gathers while it is
// out. A prefetch holds no thread, so waiting costs nothing but time, while
// each BatchGetAccounts costs both services CPU whatever its size: on two
// shared cores one lane gave creates 0.05-0.1 more of interaction_bench's
// cross-service limit than two.
constexpr int kFetchLanes = 1;

class GrpcAccountClient final : public AccountClient {
 public:
  GrpcAccountClient(const std::string& address, absl::Duration deadline, int max_in_flight,
                    int max_prefetching)
      : stub_(v1::AccountService::NewStub(common::DependencyChannel(address))),
        deadline_(deadline),
        limit_(kAccountService, max_in_flight),
        prefetch_limit_(kAccountService, max_prefetching),
        teams_(common::NewGrpcTeamAccounts(address, deadline)),
        account_reads_(
            common::metrics::ObserveBatchSize(
                "account_reads",
                [this](const std::vector<const AccountRead*>& reads) { return ReadBatch(reads); }),
            kMaxReadBatch, kReadLanes),
        account_fetches_(common::metrics::ObserveBatchSize(
                             "account_prefetches",
                             [this](const std::vector<AccountFetch>& fetches,
                                    FetchBatcher::Finish finish) { SendFetches(fetches, finish); }),
                         kMaxReadBatch, kFetchLanes) {}

  absl::StatusOr<v1::Account> GetAccount(const std::string& name,
                                         const common::CallContext* caller) override {
    if (caller != nullptr && caller->prefetched != nullptr) {
      if (const common::Prefetched::Answer* answer = caller->prefetched->Find(name)) {
        if (!answer->status.ok()) return answer->status;
        return static_cast<const v1::Account&>(*answer->message);
      }
    }
    KAM_ASSIGN_OR_RETURN(common::DependencyLimit::Slot slot, limit_.Enter());
    return account_reads_.Call(AccountRead{&name, caller});
  }

  void PrefetchAccount(const std::string& name, const common::CallContext& caller,
                       common::Prefetched* into, std::function<void()> done) override {
    if (into->queue() == nullptr) {  // nowhere to complete: GetAccount asks
      done();
      return;
    }
    absl::StatusOr<common::DependencyLimit::Slot> slot = prefetch_limit_.TryEnter();
    if (!slot.ok()) {
      into->Put(name, {slot.status(), nullptr});
      done();
      return;
    }
    // The wait in the batcher's queue counts: no caller waits on the
    // account service longer than the cap, however its batch goes.
    const absl::Time caller_deadline = common::CallerDeadline(*caller.server_context);
    AccountFetch fetch{name,
                       &caller,
                       into->queue(),
                       caller_deadline,
                       std::min(caller_deadline, absl::Now() + deadline_),
                       std::make_shared<common::DependencyLimit::Slot>(*std::move(slot))};
    account_fetches_.Add(std::move(fetch),
                         [name, into, done = std::move(done)](std::optional<FetchAnswer> answer) {
                           if (answer.has_value()) into->Put(name, *std::move(answer));
                           done();
                         });
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

  absl::StatusOr<std::vector<v1::Account>> ListAccountAncestors(
      const std::string& name, const common::CallContext* caller) override {
    v1::ListAccountAncestorsRequest request;
    request.set_name(name);
    KAM_ASSIGN_OR_RETURN(common::DependencyLimit::Slot slot, limit_.Enter());
    KAM_ASSIGN_OR_RETURN(
        v1::ListAccountAncestorsResponse response,
        common::CallDependency(*stub_, &v1::AccountService::Stub::ListAccountAncestors, request,
                               caller, deadline_, kAccountService));
    return std::vector<v1::Account>(response.ancestors().begin(), response.ancestors().end());
  }

  absl::StatusOr<v1::ListAccountDescendantsResponse> ListAccountDescendants(
      const v1::ListAccountDescendantsRequest& request,
      const common::CallContext* caller) override {
    KAM_ASSIGN_OR_RETURN(common::DependencyLimit::Slot slot, limit_.Enter());
    return common::CallDependency(*stub_, &v1::AccountService::Stub::ListAccountDescendants,
                                  request, caller, deadline_, kAccountService);
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

  // A prefetch waiting for its batch; its slot is held until the answer.
  struct AccountFetch {
    std::string name;
    const common::CallContext* caller;  // lives until the answer
    grpc::CompletionQueue* queue;       // the server's
    absl::Time caller_deadline;
    absl::Time give_up;  // the caller's deadline or the cap, the sooner
    std::shared_ptr<common::DependencyLimit::Slot> slot;
  };
  using FetchAnswer = common::Prefetched::Answer;
  // No answer (nullopt) when the batch failed on a name it does not say:
  // the handler then asks for its own account and gets its own answer.
  using FetchBatcher = common::AsyncBatcher<AccountFetch, std::optional<FetchAnswer>>;

  // One BatchGetAccounts for `fetches`, without blocking, until the last of
  // them gives up (a batch is abandoned only when all its callers have
  // gone). It completes on the server's completion queue, where a worker
  // thread takes the answer.
  void SendFetches(const std::vector<AccountFetch>& fetches, FetchBatcher::Finish finish) {
    auto* batch = new FetchCall();
    absl::Time latest = absl::InfinitePast();
    for (const AccountFetch& fetch : fetches) {
      batch->deadlines.push_back(fetch.caller_deadline);
      batch->names.push_back(fetch.name);
      batch->slots.push_back(fetch.slot);
      latest = std::max(latest, fetch.give_up);
      const auto& asked = batch->request.names();
      if (std::find(asked.begin(), asked.end(), fetch.name) == asked.end()) {
        batch->request.add_names(fetch.name);
      }
    }
    batch->finish = std::move(finish);
    common::PrepareDependencyCall(&batch->context, fetches.front().caller, deadline_);
    batch->context.set_deadline(absl::ToChronoTime(latest));
    batch->reader =
        stub_->AsyncBatchGetAccounts(&batch->context, batch->request, fetches.front().queue);
    batch->reader->Finish(&batch->response, &batch->status, batch);
  }

  // A BatchGetAccounts in flight; deletes itself once answered.
  struct FetchCall final : common::CompletionTag {
    void Proceed(bool) override {
      finish(FetchAnswers(request, response, status, names, deadlines));
      delete this;
    }
    grpc::ClientContext context;
    v1::BatchGetAccountsRequest request;
    v1::BatchGetAccountsResponse response;
    grpc::Status status;
    std::unique_ptr<grpc::ClientAsyncResponseReader<v1::BatchGetAccountsResponse>> reader;
    std::vector<std::string> names;  // each fetch's, in order
    std::vector<absl::Time> deadlines;
    // The fetches' slots of prefetch_limit_, held until the answer.
    std::vector<std::shared_ptr<common::DependencyLimit::Slot>> slots;
    FetchBatcher::Finish finish;
  };

  // Each fetch's answer from its batch's: its account; or the batch's
  // failure, mapped as the caller's own call would have been (with its
  // deadline); or none, when one of several names was refused.
  static std::vector<std::optional<FetchAnswer>> FetchAnswers(
      const v1::BatchGetAccountsRequest& request, const v1::BatchGetAccountsResponse& response,
      const grpc::Status& status, const std::vector<std::string>& names,
      const std::vector<absl::Time>& deadlines) {
    std::vector<std::optional<FetchAnswer>> answers(names.size());
    const bool answered = status.ok() && response.accounts_size() == request.names_size();
    const grpc::StatusCode code = status.error_code();
    if (!answered && request.names_size() > 1 &&
        (status.ok() || code == grpc::StatusCode::NOT_FOUND ||
         code == grpc::StatusCode::INVALID_ARGUMENT)) {
      return answers;
    }
    for (size_t i = 0; i < names.size(); ++i) {
      if (answered) {
        const auto& asked = request.names();
        const int at = std::find(asked.begin(), asked.end(), names[i]) - asked.begin();
        answers[i] = FetchAnswer{absl::OkStatus(),
                                 std::make_shared<const v1::Account>(response.accounts(at))};
      } else {
        const common::CallScope scope(deadlines[i]);
        answers[i] = FetchAnswer{common::DependencyError(kAccountService, status), nullptr};
      }
    }
    return answers;
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
  common::DependencyLimit prefetch_limit_;
  const std::unique_ptr<common::TeamAccountsSource> teams_;
  common::Coalescer<AccountRead, ReadResult> account_reads_;
  FetchBatcher account_fetches_;
};

}  // namespace

std::unique_ptr<AccountClient> NewGrpcAccountClient(const std::string& address,
                                                    absl::Duration deadline, int max_in_flight,
                                                    int max_prefetching) {
  return std::make_unique<GrpcAccountClient>(address, deadline, max_in_flight, max_prefetching);
}

}  // namespace kam::interaction
