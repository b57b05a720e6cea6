// Times outside year 1 to 9999 through the interaction API (docs/architecture.md,
// "Times"): a List filter's time literal past 9999 or before year 1 is
// refused instead of being stored as another year; CheckCallTime and a
// planned call refuse a time whose next allowed time would fall past 9999;
// every Timestamp a caller sends is refused naming its field, with nothing
// written.
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_split.h"
#include "kam/interaction/v1/facts.grpc.pb.h"
#include "kam/interaction/v1/opportunity.grpc.pb.h"
#include "tests/harness/time_range_util.h"
#include "tests/interaction/activity_test_helpers.h"
#include "tests/interaction/billing_client.h"
#include "tests/interaction/case_client.h"

namespace kam::testing {
namespace {

using OppStub = iv1::OpportunityService::Stub;
using Time = google::protobuf::Timestamp;

constexpr int64_t kYear9999 = 253402300799;  // 9999-12-31T23:59:59Z

// Sends one List method `filter`, one row a page.
using ListCall = std::function<grpc::Status(const std::string& filter)>;

template <typename Service, typename Request, typename Response>
ListCall Lister(UnaryMethod<typename Service::Stub, Request, Response> method) {
  return [method](const std::string& filter) {
    Request request;
    request.set_filter(filter);
    request.set_page_size(1);
    return Call(InteractionApi<Service>(), method, request).status;
  };
}

struct FilterCase {
  std::string method;
  std::vector<std::string> time_fields;
  ListCall list;
};

// Every List method with time fields in its filter, and those fields.
std::vector<FilterCase> FilterCases() {
  using BillingService = bv1::BillingService;
  return {
      {"ListActivities",
       {"planned_time", "actual_time", "next_follow_up_time", "create_time", "update_time"},
       Lister<iv1::ActivityService>(&ActivityStub::ListActivities)},
      {"ListOrders",
       {"order_time", "create_time"},
       Lister<BillingService>(&BillingStub::ListOrders)},
      {"ListInvoices",
       {"due_time", "issue_time", "create_time"},
       Lister<BillingService>(&BillingStub::ListInvoices)},
      {"ListPayments",
       {"received_time", "create_time"},
       Lister<BillingService>(&BillingStub::ListPayments)},
      {"ListCases",
       {"create_time", "update_time", "first_response_due_time", "resolution_due_time"},
       Lister<iv1::ServiceCaseService>(&CaseStub::ListCases)},
      {"ListSurveyResponses",
       {"response_time", "create_time"},
       Lister<iv1::SatisfactionService>(&SurveyStub::ListSurveyResponses)},
      {"ListOpportunities",
       {"expected_close_time", "create_time", "update_time"},
       Lister<iv1::OpportunityService>(&OppStub::ListOpportunities)},
  };
}

// `create_time < "10000-01-01T00:00:00Z"` used to answer OK with the rows of
// another year; now every out-of-range literal is INVALID_ARGUMENT naming the
// field, and the last instants of the range still work.
TEST(TimeRange, FilterTimesOutsideTheRangeAreRefusedNamingTheField) {
  const std::vector<std::string> out_of_range = {"10000-01-01T00:00:00Z", "0000-12-31T23:59:59Z",
                                                 "9999-12-31T23:00:00-02:00",
                                                 "-0001-01-01T00:00:00Z", "infinite-future"};
  for (const FilterCase& c : FilterCases()) {
    for (const std::string& field : c.time_fields) {
      for (const std::string& value : out_of_range) {
        const grpc::Status status = c.list(absl::StrCat(field, " < \"", value, "\""));
        EXPECT_TRUE(IsInvalidField(status, absl::StrCat("filter value for ", field)))
            << c.method << " " << field << " " << value;
        EXPECT_TRUE(absl::StrContains(status.error_message(), "from year 1 to 9999"))
            << c.method << ": " << status.error_message();
      }
      for (const char* value : {"9999-12-31T23:59:59.999999999Z", "0001-01-01T00:00:00Z"}) {
        EXPECT_OK(c.list(absl::StrCat(field, " <= \"", value, "\"")))
            << c.method << " " << field << " " << value;
      }
    }
  }
}

// An in-range bound selects the right rows: an activity created now is
// before the end of 9999 and after year 1.
TEST(TimeRange, TheEndsOfTheRangeSelectTheRightRows) {
  const v1::Account account = MakeAccount("range-rows");
  const iv1::Activity visit = MustCreate(Visit(account.name()));
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"create_time < \"9999-12-31T23:59:59Z\"", {visit.name()}},
      {"create_time > \"0001-01-01T00:00:00Z\"", {visit.name()}},
      {"create_time > \"9999-12-31T00:00:00Z\"", {}},
  };
  for (const auto& [condition, want] : cases) {
    EXPECT_EQ(Names(ListAll(absl::StrCat("account = \"", account.name(), "\" AND ", condition))),
              want)
        << condition;
  }
}

iv1::CheckCallTimeRequest CheckAt(const v1::Contact& contact, const std::string& time) {
  iv1::CheckCallTimeRequest request;
  request.set_contact(contact.name());
  *request.mutable_time() = Ts(time);
  return request;
}

// Friday 31 December 9999 20:00 UTC is Saturday 1 January 10000 04:00 in
// Shanghai, whose weekend morning ends past the last time a Timestamp holds:
// CheckCallTime used to answer a next_allowed_time no JSON client can read.
// Now the time is refused naming it, a planned call at that time likewise
// (nothing written), and the same moment in London is answered in range.
TEST(TimeRange, ANextAllowedTimePastYear9999RefusesTheTime) {
  const v1::Account account = MakeAccount("range-call");
  const v1::Contact shanghai = MakeContact(account.name(), "Asia/Shanghai");
  const v1::Contact london = MakeContact(account.name(), "Europe/London");
  const std::string late = "9999-12-31T20:00:00Z";

  Reply<iv1::CheckCallTimeResponse> reply =
      Call(Activities(), &ActivityStub::CheckCallTime, CheckAt(shanghai, late));
  EXPECT_TRUE(IsInvalidField(reply.status, "time"));
  EXPECT_EQ(reply.status.error_message(),
            "time leaves no allowed call time before the end of year 9999 (the quiet hours end "
            "at 10000-01-01T01:00:00Z)");

  reply = Call(Activities(), &ActivityStub::CheckCallTime, CheckAt(london, late));
  ASSERT_OK(reply.status);
  EXPECT_TRUE(reply.value.allowed());
  EXPECT_EQ(Rfc3339(reply.value.next_allowed_time()), late);

  // The last second of the range in UTC: allowed, and its own next time.
  reply = Call(Activities(), &ActivityStub::CheckCallTime, CheckAt(london, "9999-12-31T23:59:59Z"));
  ASSERT_OK(reply.status);
  EXPECT_EQ(reply.value.next_allowed_time().seconds(), kYear9999);

  const Reply<iv1::Activity> planned =
      Create(PlannedCall(account.name(), {london.name(), shanghai.name()}, late));
  EXPECT_TRUE(IsInvalidField(planned.status, "activity.planned_time"));
  EXPECT_TRUE(ListAll(absl::StrCat("account = \"", account.name(), "\"")).empty());
}

// Sends a request (a message of the method's request type).
using Send = std::function<grpc::Status(const google::protobuf::Message& request)>;

template <typename Stub, typename Request, typename Response>
Send Sends(Stub& stub, UnaryMethod<Stub, Request, Response> method) {
  return [&stub, method](const google::protobuf::Message& request) {
    return Call(stub, method, static_cast<const Request&>(request)).status;
  };
}

// A request that is fine but for the Timestamp at `field`, the path the
// error must name ("order.order_time").
struct TimeFieldCase {
  std::string field;
  std::shared_ptr<const google::protobuf::Message> request;
  Send send;
};

template <typename Request>
std::shared_ptr<const google::protobuf::Message> Owned(Request request) {
  return std::make_shared<Request>(std::move(request));
}

// A copy of `request` with `time` at `path`, set through reflection.
std::unique_ptr<google::protobuf::Message> WithTime(const google::protobuf::Message& request,
                                                    const std::string& path, const Time& time) {
  std::unique_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  google::protobuf::Message* message = copy.get();
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    const google::protobuf::FieldDescriptor* field =
        message->GetDescriptor()->FindFieldByName(std::string(part));
    EXPECT_NE(field, nullptr) << path;
    if (field == nullptr) break;
    message = message->GetReflection()->MutableMessage(message, field);
  }
  message->CopyFrom(time);
  return copy;
}

// Every request Timestamp of the interaction API: each out-of-range value is
// INVALID_ARGUMENT naming the field, and none of the creates wrote anything
// for the account.
TEST(TimeRange, RequestTimesOutsideTheRangeAreRefusedNamingTheField) {
  const std::string account = CreditAccount(1'000'000'000);
  const v1::Contact contact = MakeContact(account, "Europe/Berlin");
  const bv1::Order order = MustOrder(account, 1000);
  auto& opportunities = InteractionApi<iv1::OpportunityService>();
  iv1::Opportunity open;
  open.set_account(account);
  open.set_title(Unique("range"));
  open.set_owner("range.owner");
  const iv1::Opportunity opportunity =
      OkValue(Call(opportunities, &OppStub::CreateOpportunity,
                   CreateRequest<iv1::CreateOpportunityRequest>(open, "opp")));
  const Time now = Ts(absl::Now());

  iv1::CreateActivityRequest activity;
  *activity.mutable_activity() = Visit(account);
  bv1::CreateInvoiceRequest invoice;
  invoice.mutable_invoice()->set_order(order.name());
  bv1::GetCollectionStatsRequest stats;
  stats.set_account(account);
  *stats.mutable_end_time() = now;
  iv1::SurveyResponse survey;
  survey.set_account(account);
  survey.set_kind(iv1::SURVEY_KIND_NPS);
  survey.set_score(9);
  iv1::GetSatisfactionSummaryRequest summary;
  summary.set_account(account);
  iv1::CloseOpportunityRequest close = ByName<iv1::CloseOpportunityRequest>(opportunity.name());
  close.set_outcome(iv1::OPPORTUNITY_STATE_LOST);
  close.set_reason("range");
  close.set_lost_reason(iv1::OPPORTUNITY_LOST_REASON_NO_DECISION);
  open.set_title(Unique("range"));
  iv1::StreamAccountFactsRequest facts;
  *facts.mutable_end_time() = now;
  const Send read_facts = [](const google::protobuf::Message& request) {
    auto stub = InteractionStub<iv1::FactsService>();
    auto context = Context();
    return ReadToEnd(*stub->StreamAccountFacts(
        context.get(), static_cast<const iv1::StreamAccountFactsRequest&>(request)));
  };

  const Send create_activity = Sends(Activities(), &ActivityStub::CreateActivity);
  const std::vector<TimeFieldCase> cases = {
      {"activity.planned_time", Owned(activity), create_activity},
      {"activity.next_follow_up_time", Owned(activity), create_activity},
      {"time", Owned(CheckAt(contact, "2031-03-04T10:00:00Z")),
       Sends(Activities(), &ActivityStub::CheckCallTime)},
      {"as_of", Owned(iv1::ListOverdueFollowUpsRequest()),
       Sends(Activities(), &ActivityStub::ListOverdueFollowUps)},
      {"order.order_time", Owned(OrderRequest(account, 100)),
       Sends(Billing(), &BillingStub::CreateOrder)},
      {"invoice.issue_time", Owned(invoice), Sends(Billing(), &BillingStub::CreateInvoice)},
      {"payment.received_time", Owned(PaymentRequest(account, 100)),
       Sends(Billing(), &BillingStub::RecordPayment)},
      {"as_of", Owned(bv1::GetReceivablesAgingRequest()),
       Sends(Billing(), &BillingStub::GetReceivablesAging)},
      {"start_time", Owned(stats), Sends(Billing(), &BillingStub::GetCollectionStats)},
      {"survey_response.response_time",
       Owned(CreateRequest<iv1::CreateSurveyResponseRequest>(survey, "survey")),
       Sends(Surveys(), &SurveyStub::CreateSurveyResponse)},
      {"end_time", Owned(summary), Sends(Surveys(), &SurveyStub::GetSatisfactionSummary)},
      {"opportunity.expected_close_time",
       Owned(CreateRequest<iv1::CreateOpportunityRequest>(open, "opp")),
       Sends(opportunities, &OppStub::CreateOpportunity)},
      {"close_time", Owned(close), Sends(opportunities, &OppStub::CloseOpportunity)},
      {"start_time", Owned(facts), read_facts},
  };
  for (const TimeFieldCase& c : cases) {
    for (const Time& t : OutOfRangeTimestamps()) {
      const grpc::Status status = c.send(*WithTime(*c.request, c.field, t));
      EXPECT_TRUE(IsInvalidField(status, c.field)) << c.field << " " << t.ShortDebugString();
      EXPECT_TRUE(absl::StrContains(status.error_message(), "year 1 to 9999"))
          << status.error_message();
    }
  }
  // Nothing written: the account has only what the test made before.
  const std::string mine = AccountFilter(account);
  EXPECT_TRUE(ListAll(mine).empty());
  EXPECT_EQ(AllOrders(mine).size(), 1u);
  EXPECT_TRUE(AllInvoices(mine).empty());
  EXPECT_TRUE(AllPayments(mine).empty());
  iv1::ListSurveyResponsesRequest surveys;
  surveys.set_filter(mine);
  EXPECT_TRUE(
      AllPages<iv1::SurveyResponse>(Surveys(), &SurveyStub::ListSurveyResponses, surveys).empty());
  iv1::ListOpportunitiesRequest listed;
  listed.set_filter(mine);
  const std::vector<iv1::Opportunity> left =
      AllPages<iv1::Opportunity>(opportunities, &OppStub::ListOpportunities, listed);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_FALSE(left[0].has_close_time());
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  return kam::testing::RunTestsOnSuite(argc, argv, kam::testing::InteractionSuiteOptions());
}
