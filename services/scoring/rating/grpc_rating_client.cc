#include "services/scoring/rating/grpc_rating_client.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/base/log.h"
#include "common/base/proto_time.h"
#include "common/client/rpc_client.h"
#include "common/server/call_gate.h"
#include "grpcpp/grpcpp.h"
#include "services/scoring/names.h"
#include "services/scoring/rules/account_rating.h"

namespace kam::scoring::rating {
namespace {

constexpr int kPageSize = 2000;

// Who the rating runner's calls are made for: the runner itself, a background
// job with no caller of its own. With tokens on, the calls carry the scoring
// service's token (and this actor on behalf of it); with tokens off the other
// services read the actor from x-kam-actor, as they always did. Each call's
// request id is the run's (the runner's LogScope: "run-<id>") and `what` it
// does, e.g. "run-42-facts", so the run's calls can be found in the other
// services' logs by the run's id; without a run in scope, a new id.
common::CallContext RunnerCaller(absl::string_view what) {
  absl::string_view run = common::LogScope::RequestId();
  return common::CallContext{nullptr, "scoring",
                             absl::StrCat(run.empty() ? common::NewRequestId() : run, "-", what)};
}

// Both server streams read page by page, merged by account id.
class GrpcFactsCursor final : public AccountFactsCursor {
 public:
  GrpcFactsCursor(account::v1::AccountExportService::Stub& accounts,
                  interaction::v1::FactsService::Stub& facts,
                  const account::v1::ExportAccountsRequest& account_request,
                  const interaction::v1::StreamAccountFactsRequest& facts_request,
                  absl::Duration deadline);
  ~GrpcFactsCursor() override;

  bool Next(const account::v1::AccountSnapshot** account,
            const interaction::v1::AccountFacts** facts) override;
  absl::Status status() const override { return status_; }
  void Cancel() override;

 private:
  bool NextAccount();
  bool NextFacts();

  grpc::ClientContext account_context_;
  grpc::ClientContext facts_context_;
  std::unique_ptr<grpc::ClientReader<account::v1::ExportAccountsResponse>> account_reader_;
  std::unique_ptr<grpc::ClientReader<interaction::v1::StreamAccountFactsResponse>> facts_reader_;
  account::v1::ExportAccountsResponse account_page_;
  interaction::v1::StreamAccountFactsResponse facts_page_;
  int account_index_ = -1;
  int facts_index_ = -1;
  bool accounts_done_ = false;
  bool facts_done_ = false;
  int64_t facts_id_ = 0;  // account id of the current facts entry
  absl::Status status_;
};

GrpcFactsCursor::GrpcFactsCursor(account::v1::AccountExportService::Stub& accounts,
                                 interaction::v1::FactsService::Stub& facts,
                                 const account::v1::ExportAccountsRequest& account_request,
                                 const interaction::v1::StreamAccountFactsRequest& facts_request,
                                 absl::Duration deadline) {
  const common::CallContext account_caller = RunnerCaller("accounts");
  const common::CallContext facts_caller = RunnerCaller("facts");
  common::PrepareDependencyCall(&account_context_, &account_caller, deadline);
  common::PrepareDependencyCall(&facts_context_, &facts_caller, deadline);
  account_reader_ = accounts.ExportAccounts(&account_context_, account_request);
  facts_reader_ = facts.StreamAccountFacts(&facts_context_, facts_request);
}

GrpcFactsCursor::~GrpcFactsCursor() { Cancel(); }

void GrpcFactsCursor::Cancel() {
  account_context_.TryCancel();
  facts_context_.TryCancel();
}

bool GrpcFactsCursor::NextAccount() {
  if (++account_index_ < account_page_.accounts_size()) return true;
  account_index_ = 0;
  while (account_reader_->Read(&account_page_)) {
    if (account_page_.accounts_size() > 0) return true;
  }
  const grpc::Status finished = account_reader_->Finish();
  if (!finished.ok()) status_ = common::DependencyError("account service", finished);
  accounts_done_ = true;
  return false;
}

bool GrpcFactsCursor::NextFacts() {
  if (facts_done_) return false;
  if (++facts_index_ < facts_page_.facts_size()) {
    facts_id_ = AccountIdOf(facts_page_.facts(facts_index_).account());
    return true;
  }
  facts_index_ = 0;
  while (facts_reader_->Read(&facts_page_)) {
    if (facts_page_.facts_size() > 0) {
      facts_id_ = AccountIdOf(facts_page_.facts(0).account());
      return true;
    }
  }
  const grpc::Status finished = facts_reader_->Finish();
  if (!finished.ok()) status_ = common::DependencyError("interaction service", finished);
  facts_done_ = true;
  return false;
}

bool GrpcFactsCursor::Next(const account::v1::AccountSnapshot** account,
                           const interaction::v1::AccountFacts** facts) {
  if (accounts_done_ || !status_.ok()) return false;
  if (!NextAccount()) {
    // Drain the facts stream so a broken interaction service is reported.
    while (status_.ok() && NextFacts()) {
    }
    return false;
  }
  if (facts_index_ < 0 && !NextFacts() && !status_.ok()) return false;
  const account::v1::AccountSnapshot& current = account_page_.accounts(account_index_);
  const int64_t id = AccountIdOf(current.name());
  // Both streams are in id order: skip facts of accounts the export does not
  // list (deleted ones), stop at this account or beyond.
  while (!facts_done_ && facts_id_ < id) {
    if (!NextFacts() && !status_.ok()) return false;
  }
  *account = &current;
  *facts = !facts_done_ && facts_id_ == id ? &facts_page_.facts(facts_index_) : &rules::NoFacts();
  return true;
}

}  // namespace

GrpcRatingClient::GrpcRatingClient(const std::string& account_address,
                                   const std::string& interaction_address,
                                   absl::Duration call_deadline, absl::Duration stream_deadline)
    : export_stub_(
          account::v1::AccountExportService::NewStub(common::DependencyChannel(account_address))),
      account_stub_(
          account::v1::AccountService::NewStub(common::DependencyChannel(account_address))),
      facts_stub_(
          interaction::v1::FactsService::NewStub(common::DependencyChannel(interaction_address))),
      call_deadline_(call_deadline),
      stream_deadline_(stream_deadline) {}

std::unique_ptr<AccountFactsCursor> GrpcRatingClient::OpenPass(absl::Time as_of,
                                                               absl::Time period_start) {
  account::v1::ExportAccountsRequest accounts;
  *accounts.mutable_as_of() = common::ToProtoTimestamp(as_of);
  accounts.set_window_days(365);
  accounts.set_page_size(kPageSize);
  interaction::v1::StreamAccountFactsRequest facts;
  *facts.mutable_start_time() = common::ToProtoTimestamp(period_start);
  *facts.mutable_end_time() = common::ToProtoTimestamp(as_of);
  facts.set_page_size(kPageSize);
  return std::make_unique<GrpcFactsCursor>(*export_stub_, *facts_stub_, accounts, facts,
                                           stream_deadline_);
}

absl::Status GrpcRatingClient::PublishTiers(const account::v1::SetAccountTiersRequest& request) {
  const common::CallContext caller = RunnerCaller("tiers");
  absl::StatusOr<account::v1::SetAccountTiersResponse> response =
      common::CallDependency(*account_stub_, &account::v1::AccountService::Stub::SetAccountTiers,
                             request, &caller, call_deadline_, "account service");
  return response.status();
}

}  // namespace kam::scoring::rating
