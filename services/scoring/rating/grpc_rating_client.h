// RatingClient over gRPC: ExportAccounts (account service) merged with
// StreamAccountFacts (interaction service), and SetAccountTiers.
#pragma once

#include <memory>
#include <string>

#include "kam/account/v1/account.grpc.pb.h"
#include "kam/interaction/v1/facts.grpc.pb.h"
#include "services/scoring/rating/rating_client.h"

namespace kam::scoring::rating {

class GrpcRatingClient final : public RatingClient {
 public:
  // `call_deadline` bounds each unary call, `stream_deadline` one pass.
  GrpcRatingClient(const std::string& account_address, const std::string& interaction_address,
                   absl::Duration call_deadline, absl::Duration stream_deadline);

  std::unique_ptr<AccountFactsCursor> OpenPass(absl::Time as_of, absl::Time period_start) override;
  absl::Status PublishTiers(const account::v1::SetAccountTiersRequest& request) override;

 private:
  std::unique_ptr<account::v1::AccountExportService::Stub> export_stub_;
  std::unique_ptr<account::v1::AccountService::Stub> account_stub_;
  std::unique_ptr<interaction::v1::FactsService::Stub> facts_stub_;
  const absl::Duration call_deadline_;
  const absl::Duration stream_deadline_;
};

}  // namespace kam::scoring::rating
