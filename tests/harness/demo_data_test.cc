// The demo data of `./kam up` (tests/harness/demo/) loaded into a suite of
// all three services: what a person trying the suite sees, and that loading
// it again (every `./kam up` does) duplicates nothing.
#include "tests/harness/demo/demo_data.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "kam/account/v1/account.grpc.pb.h"
#include "kam/interaction/v1/activity.grpc.pb.h"
#include "kam/interaction/v1/billing.grpc.pb.h"
#include "kam/interaction/v1/opportunity.grpc.pb.h"
#include "kam/interaction/v1/satisfaction.grpc.pb.h"
#include "kam/interaction/v1/service_case.grpc.pb.h"
#include "kam/scoring/v1/policy.grpc.pb.h"
#include "kam/scoring/v1/rating.grpc.pb.h"
#include "tests/harness/suite.h"

namespace kam::testing {
namespace {

namespace av1 = ::kam::account::v1;
namespace iv1 = ::kam::interaction::v1;
namespace sv1 = ::kam::scoring::v1;

// Everything the demo writes, read back through the APIs.
struct Book {
  std::vector<av1::Account> accounts;
  int activities = 0;
  std::vector<iv1::Case> cases;
  int surveys = 0;
  int orders = 0;
  std::vector<iv1::Invoice> invoices;
  int payments = 0;
  std::vector<iv1::Opportunity> opportunities;
  int policies = 0;
  std::vector<sv1::RatingRun> runs;
};

template <typename Stub, typename Request, typename Response>
void Read(Stub& stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
          const Request& request, Response* response) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  const grpc::Status status = (stub.*method)(&context, request, response);
  ASSERT_TRUE(status.ok()) << status.error_message();
}

Book ReadBook(LocalSuite& suite) {
  auto account = grpc::CreateChannel(suite.account_address(), grpc::InsecureChannelCredentials());
  auto interaction =
      grpc::CreateChannel(suite.interaction_address(), grpc::InsecureChannelCredentials());
  auto scoring = grpc::CreateChannel(suite.scoring_address(), grpc::InsecureChannelCredentials());
  Book book;
  {
    auto stub = av1::AccountService::NewStub(account);
    av1::ListAccountsRequest request;
    request.set_page_size(1000);
    av1::ListAccountsResponse response;
    Read(*stub, &av1::AccountService::Stub::ListAccounts, request, &response);
    book.accounts.assign(response.accounts().begin(), response.accounts().end());
  }
  {
    auto stub = iv1::ActivityService::NewStub(interaction);
    iv1::ListActivitiesRequest request;
    request.set_page_size(1000);
    iv1::ListActivitiesResponse response;
    Read(*stub, &iv1::ActivityService::Stub::ListActivities, request, &response);
    book.activities = response.activities_size();
  }
  {
    auto stub = iv1::ServiceCaseService::NewStub(interaction);
    iv1::ListCasesRequest request;
    request.set_page_size(1000);
    iv1::ListCasesResponse response;
    Read(*stub, &iv1::ServiceCaseService::Stub::ListCases, request, &response);
    book.cases.assign(response.cases().begin(), response.cases().end());
  }
  {
    auto stub = iv1::SatisfactionService::NewStub(interaction);
    iv1::ListSurveyResponsesRequest request;
    request.set_page_size(1000);
    iv1::ListSurveyResponsesResponse response;
    Read(*stub, &iv1::SatisfactionService::Stub::ListSurveyResponses, request, &response);
    book.surveys = response.survey_responses_size();
  }
  {
    auto stub = iv1::BillingService::NewStub(interaction);
    iv1::ListOrdersRequest orders;
    orders.set_page_size(1000);
    iv1::ListOrdersResponse order_page;
    Read(*stub, &iv1::BillingService::Stub::ListOrders, orders, &order_page);
    book.orders = order_page.orders_size();
    iv1::ListInvoicesRequest invoices;
    invoices.set_page_size(1000);
    iv1::ListInvoicesResponse invoice_page;
    Read(*stub, &iv1::BillingService::Stub::ListInvoices, invoices, &invoice_page);
    book.invoices.assign(invoice_page.invoices().begin(), invoice_page.invoices().end());
    iv1::ListPaymentsRequest payments;
    payments.set_page_size(1000);
    iv1::ListPaymentsResponse payment_page;
    Read(*stub, &iv1::BillingService::Stub::ListPayments, payments, &payment_page);
    book.payments = payment_page.payments_size();
  }
  {
    auto stub = iv1::OpportunityService::NewStub(interaction);
    iv1::ListOpportunitiesRequest request;
    request.set_page_size(1000);
    iv1::ListOpportunitiesResponse response;
    Read(*stub, &iv1::OpportunityService::Stub::ListOpportunities, request, &response);
    book.opportunities.assign(response.opportunities().begin(), response.opportunities().end());
  }
  {
    auto stub = sv1::ScoringPolicyService::NewStub(scoring);
    sv1::ListScoringPoliciesRequest request;
    sv1::ListScoringPoliciesResponse response;
    Read(*stub, &sv1::ScoringPolicyService::Stub::ListScoringPolicies, request, &response);
    book.policies = response.policies_size();
    auto ratings = sv1::RatingService::NewStub(scoring);
    sv1::ListRatingRunsRequest runs;
    sv1::ListRatingRunsResponse run_page;
    Read(*ratings, &sv1::RatingService::Stub::ListRatingRuns, runs, &run_page);
    book.runs.assign(run_page.runs().begin(), run_page.runs().end());
  }
  return book;
}

const av1::Account* ByExternalId(const Book& book, const std::string& external_id) {
  for (const av1::Account& account : book.accounts) {
    if (account.external_id() == external_id) return &account;
  }
  return nullptr;
}

class DemoDataTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    LocalSuite::Options options;
    options.services = AllServices();
    absl::StatusOr<std::unique_ptr<LocalSuite>> started = LocalSuite::Start(std::move(options));
    ASSERT_TRUE(started.ok()) << started.status();
    suite_ = started->release();
  }
  static void TearDownTestSuite() {
    delete suite_;
    suite_ = nullptr;
  }
  static DemoAddresses Addresses() {
    return {suite_->account_address(), suite_->interaction_address(), suite_->scoring_address()};
  }
  static LocalSuite* suite_;
};
LocalSuite* DemoDataTest::suite_ = nullptr;

TEST_F(DemoDataTest, LoadsTheWholeBookOnceAndRatesIt) {
  ASSERT_NE(suite_, nullptr);
  const absl::Time start = absl::Now();
  const absl::Status first = LoadDemoData(Addresses());
  const absl::Duration first_load = absl::Now() - start;
  ASSERT_TRUE(first.ok()) << first;
  // "Quick": ./kam up loads it on every start.
  EXPECT_LT(first_load, absl::Seconds(20)) << first_load;

  const Book book = ReadBook(*suite_);
  ASSERT_EQ(book.accounts.size(), 8u);
  int contacts = 0;
  for (const av1::Account& account : book.accounts) contacts += account.contact_count();
  EXPECT_EQ(contacts, 6);
  EXPECT_EQ(book.activities, 10);
  EXPECT_EQ(book.surveys, 5);
  EXPECT_EQ(book.orders, 12);
  EXPECT_EQ(book.invoices.size(), 11u);
  EXPECT_EQ(book.payments, 7);
  EXPECT_EQ(book.opportunities.size(), 8u);
  EXPECT_EQ(book.policies, 1);

  // The complaint escalated by hand, still waiting for its first response.
  ASSERT_EQ(book.cases.size(), 4u);
  int escalated = 0;
  for (const iv1::Case& c : book.cases) {
    if (c.type() == iv1::CASE_TYPE_COMPLAINT) {
      ++escalated;
      EXPECT_EQ(c.level(), iv1::CASE_LEVEL_ACCOUNT_MANAGER);
      EXPECT_EQ(c.status(), iv1::CASE_STATUS_OPEN);
      EXPECT_EQ(c.first_response_target_minutes(), 15);  // CRITICAL for a tier-A account
    }
  }
  EXPECT_EQ(escalated, 1);

  // Overdue: Huaxin Group's part-paid router refresh and Baoshan's pilot line.
  int overdue = 0;
  for (const iv1::Invoice& invoice : book.invoices) {
    if (invoice.status() == iv1::INVOICE_STATUS_OPEN &&
        invoice.due_time().seconds() < absl::ToUnixSeconds(absl::Now())) {
      ++overdue;
    }
  }
  EXPECT_EQ(overdue, 2);

  int open = 0, won = 0, lost = 0;
  for (const iv1::Opportunity& o : book.opportunities) {
    open += o.state() == iv1::OPPORTUNITY_STATE_OPEN;
    won += o.state() == iv1::OPPORTUNITY_STATE_WON;
    lost += o.state() == iv1::OPPORTUNITY_STATE_LOST;
  }
  EXPECT_EQ(open, 5);
  EXPECT_EQ(won, 1);
  EXPECT_EQ(lost, 2);

  // The pyramid on 8 accounts: round-half-up(8 x 1%) = 0 in A,
  // (8 x 5%) = 0 in A or B, (8 x 20%) = 2 in A to C; the rest D.
  ASSERT_EQ(book.runs.size(), 1u);
  const sv1::RatingRun& run = book.runs[0];
  EXPECT_EQ(run.state(), sv1::RUN_STATE_SUCCEEDED) << run.error();
  EXPECT_EQ(run.accounts_total(), 8);
  EXPECT_EQ(run.accounts_published(), 8);
  EXPECT_EQ(run.tier_counts().a(), 0);
  EXPECT_EQ(run.tier_counts().b(), 0);
  EXPECT_EQ(run.tier_counts().c(), 2);
  EXPECT_EQ(run.tier_counts().d(), 6);
  // The two most profitable accounts, published to the account service.
  const av1::Account* group = ByExternalId(book, "CRM-HX-GROUP");
  const av1::Account* bank = ByExternalId(book, "CRM-CM-BANK");
  ASSERT_NE(group, nullptr);
  ASSERT_NE(bank, nullptr);
  EXPECT_EQ(group->tier(), av1::TIER_C);
  EXPECT_EQ(group->tier_rating_run(), run.name());
  EXPECT_EQ(bank->tier(), av1::TIER_C);
  EXPECT_EQ(group->stage(), av1::RELATIONSHIP_STAGE_STRATEGIC);

  // Again, as every `./kam up` does: nothing new, nothing moved.
  const absl::Status second = LoadDemoData(Addresses());
  ASSERT_TRUE(second.ok()) << second;
  const Book again = ReadBook(*suite_);
  ASSERT_EQ(again.accounts.size(), book.accounts.size());
  for (size_t i = 0; i < book.accounts.size(); ++i) {
    EXPECT_EQ(again.accounts[i].etag(), book.accounts[i].etag()) << book.accounts[i].external_id();
  }
  EXPECT_EQ(again.activities, book.activities);
  ASSERT_EQ(again.cases.size(), book.cases.size());
  for (size_t i = 0; i < book.cases.size(); ++i) {
    EXPECT_EQ(again.cases[i].etag(), book.cases[i].etag()) << book.cases[i].title();
  }
  EXPECT_EQ(again.surveys, book.surveys);
  EXPECT_EQ(again.orders, book.orders);
  EXPECT_EQ(again.invoices.size(), book.invoices.size());
  EXPECT_EQ(again.payments, book.payments);
  ASSERT_EQ(again.opportunities.size(), book.opportunities.size());
  for (size_t i = 0; i < book.opportunities.size(); ++i) {
    EXPECT_EQ(again.opportunities[i].etag(), book.opportunities[i].etag())
        << book.opportunities[i].title();
  }
  EXPECT_EQ(again.policies, 1);
  ASSERT_EQ(again.runs.size(), 1u);
  EXPECT_EQ(again.runs[0].name(), run.name());
}

}  // namespace
}  // namespace kam::testing
