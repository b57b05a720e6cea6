// Times outside year 1 to 9999 through the interaction API (docs/architecture.md,
// "Times"): a List filter's time literal past 9999 or before year 1 is
// refused instead of being stored as another year; CheckCallTime and a
// planned call refuse a time whose next allowed time would fall past 9999;
// every Timestamp a caller sends is refused naming its field, with nothing
// written.
#include <functional>
#include <string>
#include <vector>

#include "kam/interaction/v1/facts.grpc.pb.h"
#include "kam/interaction/v1/opportunity.grpc.pb.h"
#include "tests/interaction/activity_test_helpers.h"
#include "tests/interaction/billing_client.h"
#include "tests/interaction/case_client.h"

namespace kam::testing {
namespace {

using OppStub = iv1::OpportunityService::Stub;
using Time = google::protobuf::Timestamp;

constexpr int64_t kYear1 = -62135596800;     // 0001-01-01T00:00:00Z
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
  const std::string mine = absl::StrCat("account = \"", account.name(), "\"");
  EXPECT_EQ(Names(ListAll(absl::StrCat(mine, " AND create_time < \"9999-12-31T23:59:59Z\""))),
            std::vector<std::string>{visit.name()});
  EXPECT_EQ(Names(ListAll(absl::StrCat(mine, " AND create_time > \"0001-01-01T00:00:00Z\""))),
            std::vector<std::string>{visit.name()});
  EXPECT_TRUE(ListAll(absl::StrCat(mine, " AND create_time > \"9999-12-31T00:00:00Z\"")).empty());
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

// Timestamps past 9999, before year 1, or with nanos outside 0..999999999.
std::vector<google::protobuf::Timestamp> OutOfRange() {
  std::vector<google::protobuf::Timestamp> all(4);
  all[0].set_seconds(kYear9999 + 1);
  all[1].set_seconds(kYear1 - 1);
  all[2].set_seconds(0);
  all[2].set_nanos(-1);
  all[3].set_seconds(0);
  all[3].set_nanos(1000000000);
  return all;
}

// A request carrying `time` in the field the case names.
struct TimeFieldCase {
  std::string field;
  std::function<grpc::Status(const google::protobuf::Timestamp& time)> send;
};

// Reads a server stream to its end.
grpc::Status Drain(const iv1::StreamAccountFactsRequest& request) {
  auto stub = InteractionStub<iv1::FactsService>();
  auto context = Context();
  auto reader = stub->StreamAccountFacts(context.get(), request);
  iv1::StreamAccountFactsResponse page;
  while (reader->Read(&page)) {
  }
  return reader->Finish();
}

// Every request Timestamp of the interaction API: each out-of-range value is
// INVALID_ARGUMENT naming the field, and none of the creates wrote anything
// for the account.
TEST(TimeRange, RequestTimesOutsideTheRangeAreRefusedNamingTheField) {
  const std::string account = CreditAccount(1'000'000'000);
  const v1::Contact contact = MakeContact(account, "Europe/Berlin");
  const bv1::Order order = MustOrder(account, 1000);
  iv1::Opportunity open;
  open.set_account(account);
  open.set_title(Unique("range"));
  open.set_owner("range.owner");
  const iv1::Opportunity opportunity =
      OkValue(Call(InteractionApi<iv1::OpportunityService>(), &OppStub::CreateOpportunity,
                   CreateRequest<iv1::CreateOpportunityRequest>(open, "opp")));
  const google::protobuf::Timestamp now = Ts(absl::Now());
  const std::vector<TimeFieldCase> cases = {
      {"activity.planned_time",
       [&](const Time& t) {
         iv1::Activity a = Visit(account);
         *a.mutable_planned_time() = t;
         return Create(a).status;
       }},
      {"activity.next_follow_up_time",
       [&](const Time& t) {
         iv1::Activity a = Visit(account);
         *a.mutable_next_follow_up_time() = t;
         return Create(a).status;
       }},
      {"time",
       [&](const Time& t) {
         iv1::CheckCallTimeRequest request = CheckAt(contact, "2031-03-04T10:00:00Z");
         *request.mutable_time() = t;
         return Call(Activities(), &ActivityStub::CheckCallTime, request).status;
       }},
      {"as_of",
       [&](const Time& t) {
         iv1::ListOverdueFollowUpsRequest request;
         *request.mutable_as_of() = t;
         return Call(Activities(), &ActivityStub::ListOverdueFollowUps, request).status;
       }},
      {"order.order_time",
       [&](const Time& t) {
         bv1::CreateOrderRequest request = OrderRequest(account, 100);
         *request.mutable_order()->mutable_order_time() = t;
         return Call(Billing(), &BillingStub::CreateOrder, request).status;
       }},
      {"invoice.issue_time",
       [&](const Time& t) {
         bv1::CreateInvoiceRequest request;
         request.mutable_invoice()->set_order(order.name());
         *request.mutable_invoice()->mutable_issue_time() = t;
         return Call(Billing(), &BillingStub::CreateInvoice, request).status;
       }},
      {"payment.received_time",
       [&](const Time& t) {
         bv1::RecordPaymentRequest request = PaymentRequest(account, 100);
         *request.mutable_payment()->mutable_received_time() = t;
         return Call(Billing(), &BillingStub::RecordPayment, request).status;
       }},
      {"as_of",
       [&](const Time& t) {
         bv1::GetReceivablesAgingRequest request;
         *request.mutable_as_of() = t;
         return Call(Billing(), &BillingStub::GetReceivablesAging, request).status;
       }},
      {"start_time",
       [&](const Time& t) {
         bv1::GetCollectionStatsRequest request;
         request.set_account(account);
         *request.mutable_start_time() = t;
         *request.mutable_end_time() = now;
         return Call(Billing(), &BillingStub::GetCollectionStats, request).status;
       }},
      {"survey_response.response_time",
       [&](const Time& t) {
         iv1::SurveyResponse s;
         s.set_account(account);
         s.set_kind(iv1::SURVEY_KIND_NPS);
         s.set_score(9);
         *s.mutable_response_time() = t;
         return Call(Surveys(), &SurveyStub::CreateSurveyResponse,
                     CreateRequest<iv1::CreateSurveyResponseRequest>(s, "survey"))
             .status;
       }},
      {"end_time",
       [&](const Time& t) {
         iv1::GetSatisfactionSummaryRequest request;
         request.set_account(account);
         *request.mutable_end_time() = t;
         return Call(Surveys(), &SurveyStub::GetSatisfactionSummary, request).status;
       }},
      {"opportunity.expected_close_time",
       [&](const Time& t) {
         iv1::Opportunity o = open;
         o.set_title(Unique("range"));
         *o.mutable_expected_close_time() = t;
         return Call(InteractionApi<iv1::OpportunityService>(), &OppStub::CreateOpportunity,
                     CreateRequest<iv1::CreateOpportunityRequest>(o, "opp"))
             .status;
       }},
      {"close_time",
       [&](const Time& t) {
         iv1::CloseOpportunityRequest request =
             ByName<iv1::CloseOpportunityRequest>(opportunity.name());
         request.set_outcome(iv1::OPPORTUNITY_STATE_LOST);
         request.set_reason("range");
         request.set_lost_reason(iv1::OPPORTUNITY_LOST_REASON_NO_DECISION);
         *request.mutable_close_time() = t;
         return Call(InteractionApi<iv1::OpportunityService>(), &OppStub::CloseOpportunity, request)
             .status;
       }},
      {"start_time",
       [&](const Time& t) {
         iv1::StreamAccountFactsRequest request;
         *request.mutable_start_time() = t;
         *request.mutable_end_time() = now;
         return Drain(request);
       }},
  };
  for (const TimeFieldCase& c : cases) {
    for (const google::protobuf::Timestamp& t : OutOfRange()) {
      const grpc::Status status = c.send(t);
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
  iv1::ListOpportunitiesRequest opportunities;
  opportunities.set_filter(mine);
  const std::vector<iv1::Opportunity> left = AllPages<iv1::Opportunity>(
      InteractionApi<iv1::OpportunityService>(), &OppStub::ListOpportunities, opportunities);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_FALSE(left[0].has_close_time());
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  return kam::testing::RunTestsOnSuite(argc, argv, kam::testing::InteractionSuiteOptions());
}
