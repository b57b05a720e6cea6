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
#include "tests/harness/api_test_util.h"
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
  std::vector<sv1::AccountRating> ratings;  // of the first run
};

// The items of the first page of a List method (`page_size` of them at most;
// 0: the service's default page); fails the test when the call fails.
template <typename Item, typename Stub, typename Request, typename Response>
std::vector<Item> FirstPage(const std::shared_ptr<grpc::Channel>& channel,
                            grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                         Response*),
                            int page_size = 1000) {
  Stub stub(channel);
  Request request;
  request.set_page_size(page_size);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  Response response;
  const grpc::Status status = (stub.*method)(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  const google::protobuf::FieldDescriptor* items =
      ItemsField(*Response::descriptor(), *Item::descriptor());
  if (items == nullptr) return {};
  std::vector<Item> page;
  for (const Item& item :
       response.GetReflection()->template GetRepeatedFieldRef<Item>(response, items)) {
    page.push_back(item);
  }
  return page;
}

Book ReadBook(LocalSuite& suite) {
  auto account = grpc::CreateChannel(suite.account_address(), grpc::InsecureChannelCredentials());
  auto interaction =
      grpc::CreateChannel(suite.interaction_address(), grpc::InsecureChannelCredentials());
  auto scoring = grpc::CreateChannel(suite.scoring_address(), grpc::InsecureChannelCredentials());
  Book book;
  book.accounts = FirstPage<av1::Account>(account, &av1::AccountService::Stub::ListAccounts);
  book.activities = static_cast<int>(
      FirstPage<iv1::Activity>(interaction, &iv1::ActivityService::Stub::ListActivities).size());
  book.cases = FirstPage<iv1::Case>(interaction, &iv1::ServiceCaseService::Stub::ListCases);
  book.surveys =
      static_cast<int>(FirstPage<iv1::SurveyResponse>(
                           interaction, &iv1::SatisfactionService::Stub::ListSurveyResponses)
                           .size());
  book.orders = static_cast<int>(
      FirstPage<iv1::Order>(interaction, &iv1::BillingService::Stub::ListOrders).size());
  book.invoices = FirstPage<iv1::Invoice>(interaction, &iv1::BillingService::Stub::ListInvoices);
  book.payments = static_cast<int>(
      FirstPage<iv1::Payment>(interaction, &iv1::BillingService::Stub::ListPayments).size());
  book.opportunities =
      FirstPage<iv1::Opportunity>(interaction, &iv1::OpportunityService::Stub::ListOpportunities);
  book.policies = static_cast<int>(
      FirstPage<sv1::ScoringPolicy>(scoring, &sv1::ScoringPolicyService::Stub::ListScoringPolicies,
                                    /*page_size=*/0)
          .size());
  book.runs = FirstPage<sv1::RatingRun>(scoring, &sv1::RatingService::Stub::ListRatingRuns,
                                        /*page_size=*/0);
  if (!book.runs.empty()) {
    sv1::RatingService::Stub ratings(scoring);
    sv1::ListAccountRatingsRequest request;
    request.set_parent(book.runs.back().name());
    request.set_page_size(1000);
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    sv1::ListAccountRatingsResponse response;
    const grpc::Status status = ratings.ListAccountRatings(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    book.ratings.assign(response.ratings().begin(), response.ratings().end());
  }
  return book;
}

// The rating of `account` in `book`'s run; nullptr when it has none.
const sv1::AccountRating* RatingOf(const Book& book, const av1::Account* account) {
  for (const sv1::AccountRating& rating : book.ratings) {
    if (account != nullptr && rating.account() == account->name()) return &rating;
  }
  return nullptr;
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
  // How fast it loads is not this test's business (benchmarks measure speed);
  // a load that hangs fails on the calls' own deadlines.
  const absl::Status first = LoadDemoData(Addresses());
  ASSERT_TRUE(first.ok()) << first;

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
      EXPECT_EQ(c.level(), iv1::CASE_LEVEL_SENIOR_MANAGER);  // routed to the AM, then by hand
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

  // The pyramid ranks the 7 live accounts (Yonghe Retail has churned:
  // docs/domain.md §2): round-half-up(7 x 1%) = 0 in A, (7 x 5%) = 0 in A or
  // B, (7 x 20%) = 1 in A to C; the rest D. All 8 are rated.
  ASSERT_EQ(book.runs.size(), 1u);
  const sv1::RatingRun& run = book.runs[0];
  EXPECT_EQ(run.state(), sv1::RUN_STATE_SUCCEEDED) << run.error();
  EXPECT_EQ(run.accounts_total(), 8);
  EXPECT_EQ(run.accounts_published(), 8);
  EXPECT_EQ(run.tier_counts().a(), 0);
  EXPECT_EQ(run.tier_counts().b(), 0);
  EXPECT_EQ(run.tier_counts().c(), 1);
  EXPECT_EQ(run.tier_counts().d(), 6);
  // The most profitable account, published to the account service; the
  // next one is D among seven.
  const av1::Account* group = ByExternalId(book, "CRM-HX-GROUP");
  const av1::Account* bank = ByExternalId(book, "CRM-CM-BANK");
  ASSERT_NE(group, nullptr);
  ASSERT_NE(bank, nullptr);
  EXPECT_EQ(group->tier(), av1::TIER_C);
  EXPECT_EQ(group->tier_rating_run(), run.name());
  EXPECT_EQ(bank->tier(), av1::TIER_D);
  // The churned account is rated but not tiered, and its tier D of last
  // year is cleared.
  const av1::Account* yonghe = ByExternalId(book, "CRM-YH-RETAIL");
  ASSERT_NE(yonghe, nullptr);
  EXPECT_EQ(yonghe->state(), av1::LIFECYCLE_STATE_CHURNED);
  EXPECT_EQ(yonghe->tier(), av1::TIER_UNSPECIFIED);
  EXPECT_EQ(yonghe->tier_rating_run(), run.name());
  const sv1::AccountRating* lost_rating = RatingOf(book, yonghe);
  ASSERT_NE(lost_rating, nullptr);
  EXPECT_EQ(lost_rating->not_tiered_reason(), sv1::NOT_TIERED_REASON_CHURNED);
  EXPECT_EQ(lost_rating->previous_tier(), av1::TIER_D);
  EXPECT_EQ(book.ratings.size(), 8u);
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
