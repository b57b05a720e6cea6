#include "tests/harness/demo/demo_client.h"

#include "tests/harness/service_process.h"

namespace kam::testing::demo {
namespace {

std::shared_ptr<grpc::Channel> Channel(const std::string& address, const std::string& ca_file) {
  return grpc::CreateChannel(address, ClientCredentials(ca_file));
}

}  // namespace

DemoClient::DemoClient(const DemoAddresses& addresses)
    : token_(addresses.token), publisher_token_(addresses.publisher_token) {
  const std::shared_ptr<grpc::Channel> account = Channel(addresses.account, addresses.ca_file);
  const std::shared_ptr<grpc::Channel> interaction =
      Channel(addresses.interaction, addresses.ca_file);
  const std::shared_ptr<grpc::Channel> scoring = Channel(addresses.scoring, addresses.ca_file);
  accounts_ = av1::AccountService::NewStub(account);
  activities_ = iv1::ActivityService::NewStub(interaction);
  cases_ = iv1::ServiceCaseService::NewStub(interaction);
  surveys_ = iv1::SatisfactionService::NewStub(interaction);
  billing_ = iv1::BillingService::NewStub(interaction);
  opportunities_ = iv1::OpportunityService::NewStub(interaction);
  policies_ = sv1::ScoringPolicyService::NewStub(scoring);
  ratings_ = sv1::RatingService::NewStub(scoring);
}

void DemoClient::Fail(absl::string_view message) {
  if (status_.ok()) status_ = absl::InternalError(absl::StrCat("demo data: ", message));
}

DemoClock::DemoClock(absl::Time accounts_created)
    : anchor_day_(absl::FromUnixSeconds(absl::ToUnixSeconds(accounts_created) / 86400 * 86400)) {}

google::protobuf::Timestamp DemoClock::DaysAgo(int days, int hour) const {
  return ToTimestamp(anchor_day_ - absl::Hours(24) * days + absl::Hours(hour));
}

google::protobuf::Timestamp ToTimestamp(absl::Time time) {
  const int64_t micros = absl::ToUnixMicros(time);
  google::protobuf::Timestamp timestamp;
  timestamp.set_seconds(micros / 1000000);
  timestamp.set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
  return timestamp;
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixSeconds(timestamp.seconds()) + absl::Nanoseconds(timestamp.nanos());
}

kam::type::v1::Money Yuan(int64_t yuan) {
  kam::type::v1::Money money;
  money.set_currency_code("CNY");
  money.set_minor_units(yuan * 100);
  return money;
}

}  // namespace kam::testing::demo
