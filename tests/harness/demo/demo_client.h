// The demo loader's client of the three services: one stub per gRPC service,
// calls with a deadline and the demo's actor, and the first error kept (the
// loader stops at it).
#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "grpcpp/grpcpp.h"
#include "kam/account/v1/account.grpc.pb.h"
#include "kam/interaction/v1/activity.grpc.pb.h"
#include "kam/interaction/v1/billing.grpc.pb.h"
#include "kam/interaction/v1/opportunity.grpc.pb.h"
#include "kam/interaction/v1/satisfaction.grpc.pb.h"
#include "kam/interaction/v1/service_case.grpc.pb.h"
#include "kam/scoring/v1/policy.grpc.pb.h"
#include "kam/scoring/v1/rating.grpc.pb.h"
#include "tests/harness/demo/demo_data.h"

namespace kam::testing::demo {

namespace av1 = ::kam::account::v1;
namespace iv1 = ::kam::interaction::v1;
namespace sv1 = ::kam::scoring::v1;

// Recorded as the actor of everything the demo writes, so demo rows are easy
// to tell from a person's.
inline constexpr absl::string_view kDemoActor = "demo-loader";

class DemoClient {
 public:
  explicit DemoClient(const DemoAddresses& addresses);

  av1::AccountService::Stub& accounts() { return *accounts_; }
  iv1::ActivityService::Stub& activities() { return *activities_; }
  iv1::ServiceCaseService::Stub& cases() { return *cases_; }
  iv1::SatisfactionService::Stub& surveys() { return *surveys_; }
  iv1::BillingService::Stub& billing() { return *billing_; }
  iv1::OpportunityService::Stub& opportunities() { return *opportunities_; }
  sv1::ScoringPolicyService::Stub& policies() { return *policies_; }
  sv1::RatingService::Stub& ratings() { return *ratings_; }

  // Calls `method` on `stub` unless an earlier call failed. On failure keeps
  // the error, prefixed with `step` (what the loader was doing), and returns
  // false; every later Call then returns false without calling.
  template <typename Stub, typename Request, typename Response>
  bool Call(Stub& stub,
            grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
            const Request& request, Response* response, absl::string_view step) {
    return CallWith(token_, stub, method, request, response, step);
  }

  // Publishes tiers as the scoring service (on a secured suite nobody else
  // may), with Call's error handling.
  bool PublishTiers(const av1::SetAccountTiersRequest& request,
                    av1::SetAccountTiersResponse* response, absl::string_view step) {
    return CallWith(publisher_token_, *accounts_, &av1::AccountService::Stub::SetAccountTiers,
                    request, response, step);
  }

  // Creates the demo's `kind` (e.g. "case") `id` with `method`: sets the
  // request_id to "demo-<kind>-<id>", the same on every load (so a second load
  // creates nothing twice), and calls it as the step "<verb> <kind> <id>".
  template <typename Stub, typename Request, typename Response>
  bool Create(Stub& stub,
              grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
              absl::string_view kind, absl::string_view id, Request& request, Response* created,
              absl::string_view verb = "create") {
    request.set_request_id(absl::StrCat("demo-", kind, "-", id));
    return Call(stub, method, request, created, absl::StrCat(verb, " ", kind, " ", id));
  }

  // Create, then reads the resource back with `get` (step "read <kind> <id>"):
  // a retried create answers with the resource as it was first created, and a
  // second load must go on from the resource as it is now.
  template <typename Stub, typename Request, typename GetRequest, typename Resource>
  bool CreateAndRead(Stub& stub,
                     grpc::Status (Stub::*create)(grpc::ClientContext*, const Request&, Resource*),
                     grpc::Status (Stub::*get)(grpc::ClientContext*, const GetRequest&, Resource*),
                     absl::string_view kind, absl::string_view id, Request& request,
                     Resource* created) {
    if (!Create(stub, create, kind, id, request, created)) return false;
    GetRequest read;
    read.set_name(created->name());
    return Call(stub, get, read, created, absl::StrCat("read ", kind, " ", id));
  }

  // OK, or the first error.
  const absl::Status& status() const { return status_; }
  bool ok() const { return status_.ok(); }
  // Records an error found by the loader itself (not by a call).
  void Fail(absl::string_view message);

 private:
  template <typename Stub, typename Request, typename Response>
  bool CallWith(const std::string& token, Stub& stub,
                grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                const Request& request, Response* response, absl::string_view step) {
    if (!status_.ok()) return false;
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    context.AddMetadata("x-kam-actor", std::string(kDemoActor));
    if (!token.empty()) context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
    const grpc::Status status = (stub.*method)(&context, request, response);
    if (!status.ok()) {
      status_ = absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                             absl::StrCat("demo data: ", step, ": ", status.error_message()));
      return false;
    }
    return true;
  }

  std::unique_ptr<av1::AccountService::Stub> accounts_;
  std::unique_ptr<iv1::ActivityService::Stub> activities_;
  std::unique_ptr<iv1::ServiceCaseService::Stub> cases_;
  std::unique_ptr<iv1::SatisfactionService::Stub> surveys_;
  std::unique_ptr<iv1::BillingService::Stub> billing_;
  std::unique_ptr<iv1::OpportunityService::Stub> opportunities_;
  std::unique_ptr<sv1::ScoringPolicyService::Stub> policies_;
  std::unique_ptr<sv1::RatingService::Stub> ratings_;
  std::string token_;            // empty: none sent
  std::string publisher_token_;  // for PublishTiers; empty: none sent
  absl::Status status_;
};

// Times of the demo's history, as fixed offsets from one anchor: UTC midnight
// of the day the demo accounts were created. The anchor never moves, so a
// second load computes the same times (and sends the same requests); and
// every time a day or more before it is in the past, as the services require
// of things that already happened.
class DemoClock {
 public:
  explicit DemoClock(absl::Time accounts_created);

  // `days` before the anchor day, at `hour` UTC (02:00 UTC is 10:00 in
  // Asia/Shanghai, the demo contacts' zone: inside working hours, outside
  // every quiet hour). Negative `days` are after the anchor (planned work).
  google::protobuf::Timestamp DaysAgo(int days, int hour = 2) const;

 private:
  absl::Time anchor_day_;
};

google::protobuf::Timestamp ToTimestamp(absl::Time time);
absl::Time FromTimestamp(const google::protobuf::Timestamp& timestamp);

// Money in yuan (CNY, the demo accounts' credit currency) as minor units.
kam::type::v1::Money Yuan(int64_t yuan);

}  // namespace kam::testing::demo
