// The scoring service's view of the other two services: the account export
// merged with the interaction facts (one pass over every account), and
// publishing tiers back to the account service.
#ifndef KAM_SERVICES_SCORING_RATING_CLIENT_H_
#define KAM_SERVICES_SCORING_RATING_CLIENT_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "kam/account/v1/account.grpc.pb.h"
#include "kam/interaction/v1/facts.grpc.pb.h"

namespace kam::scoring {

// One pass over every account (account id order) with its facts. Reads both
// server streams page by page: memory stays bounded.
class AccountFactsCursor {
 public:
  AccountFactsCursor(account::v1::AccountExportService::Stub& accounts,
                     interaction::v1::FactsService::Stub& facts,
                     const account::v1::ExportAccountsRequest& account_request,
                     const interaction::v1::StreamAccountFactsRequest& facts_request,
                     absl::Duration deadline);
  ~AccountFactsCursor();

  // The next account and its facts (NoFacts() when the interaction service
  // has none for it); false at the end or on an error (see status()). The
  // pointers stay valid until the next call.
  bool Next(const account::v1::AccountSnapshot** account,
            const interaction::v1::AccountFacts** facts);
  // OK at a clean end; UNAVAILABLE when a service went away mid-pass.
  absl::Status status() const { return status_; }
  // Stops both streams (on shutdown or cancellation).
  void Cancel();

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

class RatingClient {
 public:
  RatingClient(const std::string& account_address, const std::string& interaction_address,
               absl::Duration call_deadline, absl::Duration stream_deadline);

  // A pass over every account, as of `as_of`, with the facts of
  // [period_start, as_of).
  std::unique_ptr<AccountFactsCursor> OpenPass(absl::Time as_of, absl::Time period_start);

  // kam.account.v1.SetAccountTiers with the call deadline.
  absl::Status PublishTiers(const account::v1::SetAccountTiersRequest& request);

 private:
  std::unique_ptr<account::v1::AccountExportService::Stub> export_stub_;
  std::unique_ptr<account::v1::AccountService::Stub> account_stub_;
  std::unique_ptr<interaction::v1::FactsService::Stub> facts_stub_;
  const absl::Duration call_deadline_;
  const absl::Duration stream_deadline_;
};

}  // namespace kam::scoring

#endif  // KAM_SERVICES_SCORING_RATING_CLIENT_H_
