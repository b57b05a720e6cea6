// GetEffortReport and ListManagerAppraisals over real rating runs: a small
// book built through the public APIs (invoices for value, done activities
// with a cost, account managers, CSAT answers, complaint and collection
// cases), rated by a threshold policy, and every figure checked against
// values worked out by hand.
//
// The book (revenue in EUR cents; A >= 100000, B >= 50000, C >= 10000):
//   x1 200000 A  owner m1  2 activities costing 100 each, CSAT 5 and 4
//   x2  60000 B  owner m1  1 activity costing 100
//   y1  20000 C  owner m2 (handed over from m1)  6 activities costing 500
//               each, CSAT 2, a complaint, a collection case
//   y2   5000 D  owner m2  1 activity costing 100
//   z1      0 D  no owner
// Run 2: x2 has churned and y1 has 90000 more revenue (A). Run 3: x2 is won
// back.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/substitute.h"
#include "kam/interaction/v1/activity.grpc.pb.h"
#include "tests/interaction/case_client.h"
#include "tests/scoring/report_test_helpers.h"

namespace kam::testing {
namespace {

using Stub = sv1::ReportService::Stub;

struct World {
  std::string policy;
  std::string run1, run2, run3;
  std::string m1, m2;  // the two managers (unique per suite)
};

void AddManager(const std::string& account, const std::string& user) {
  av1::AddTeamMemberRequest request;
  request.set_parent(account);
  request.mutable_membership()->set_user(user);
  request.mutable_membership()->set_role(av1::TEAM_ROLE_ACCOUNT_MANAGER);
  ASSERT_OK(Call(Accounts(), &av1::AccountService::Stub::AddTeamMember, request).status);
}

void DoneActivities(const std::string& account, int count, int64_t cost_each) {
  for (int i = 0; i < count; ++i) {
    iv1::CreateActivityRequest request;
    iv1::Activity* a = request.mutable_activity();
    a->set_account(account);
    a->set_kind(iv1::ACTIVITY_KIND_VISIT);
    a->set_subject("Review");
    a->set_status(iv1::ACTIVITY_STATUS_DONE);
    *a->mutable_actual_time() = Ts(absl::Now() - absl::Hours(48));
    *a->mutable_cost() = Money(cost_each);
    ASSERT_OK(Call(InteractionApi<iv1::ActivityService>(),
                   &iv1::ActivityService::Stub::CreateActivity, request)
                  .status);
  }
}

void Csat(const std::string& account, int score) {
  iv1::CreateSurveyResponseRequest request;
  iv1::SurveyResponse* s = request.mutable_survey_response();
  s->set_account(account);
  s->set_kind(iv1::SURVEY_KIND_CSAT);
  s->set_score(score);
  ASSERT_OK(Call(Surveys(), &iv1::SatisfactionService::Stub::CreateSurveyResponse, request).status);
}

const World& TheWorld() {
  static const World* world = [] {
    auto* w = new World;
    w->m1 = Unique("m1");
    w->m2 = Unique("m2");
    const std::string x1 = AccountWithRevenue(200000);
    const std::string x2 = AccountWithRevenue(60000);
    const std::string y1 = AccountWithRevenue(20000);
    const std::string y2 = AccountWithRevenue(5000);
    AccountWithRevenue(0);  // z1: no owner, no effort
    AddManager(x1, w->m1);
    AddManager(x2, w->m1);
    AddManager(y1, w->m1);
    AddManager(y1, w->m2);  // a handover
    AddManager(y2, w->m2);
    DoneActivities(x1, 2, 100);
    DoneActivities(x2, 1, 100);
    DoneActivities(y1, 6, 500);
    DoneActivities(y2, 1, 100);
    Csat(x1, 5);
    Csat(x1, 4);
    Csat(y1, 2);
    NewCase(y1, iv1::CASE_TYPE_COMPLAINT);
    NewCase(y1, iv1::CASE_TYPE_COLLECTION);
    w->policy = MustCreatePolicy(ThresholdPolicy(100000, 50000, 10000)).name();
    w->run1 = RunToSuccess(w->policy);

    av1::MarkChurnedRequest churn;
    churn.set_name(x2);
    churn.set_kind(av1::CHURN_EVENT_KIND_CUSTOMER_CHURN);
    churn.set_reason(av1::CHURN_REASON_PRICE);
    EXPECT_OK(Call(Accounts(), &av1::AccountService::Stub::MarkChurned, churn).status);
    MustInvoice(y1, 90000);
    w->run2 = RunToSuccess(w->policy);

    av1::RecordWinBackRequest win_back;
    win_back.set_name(x2);
    EXPECT_OK(Call(Accounts(), &av1::AccountService::Stub::RecordWinBack, win_back).status);
    w->run3 = RunToSuccess(w->policy);
    return w;
  }();
  return *world;
}

Reply<sv1::EffortReport> Effort(const std::string& run, int32_t tolerance_bp = -1) {
  sv1::GetEffortReportRequest request;
  request.set_run(run);
  if (tolerance_bp >= 0) request.set_tolerance_bp(tolerance_bp);
  return Call(Reports(), &Stub::GetEffortReport, request);
}

TEST(EffortReport, SharesOfValueActivitiesAndCostPerTier) {
  const World& w = TheWorld();
  const Reply<sv1::EffortReport> reply = Effort(w.run1);
  ASSERT_OK(reply.status);
  const sv1::EffortReport& r = reply.value;
  EXPECT_EQ(r.run(), w.run1);
  EXPECT_EQ(r.currency_code(), "EUR");
  EXPECT_EQ(r.tolerance_bp(), 1000);
  ASSERT_EQ(r.tiers_size(), 4);
  // Value 200000, 60000, 20000, 5000 of 285000: 7017.5, 2105.3, 701.8,
  // 175.4 bp; the two basis points the floors miss go to C (.75) and A (.54).
  // Activities 2, 1, 6, 1 of 10. Cost 200, 100, 3000, 100 of 3400: 588.2,
  // 294.1, 8823.5, 294.1; the missing point goes to C.
  const int64_t values[] = {200000, 60000, 20000, 5000};
  const int64_t activities[] = {2, 1, 6, 1};
  const int64_t costs[] = {200, 100, 3000, 100};
  const int64_t value_shares[] = {7018, 2105, 702, 175};
  const int32_t activity_shares[] = {2000, 1000, 6000, 1000};
  const int32_t cost_shares[] = {588, 294, 8824, 294};
  const sv1::EffortBalance balances[] = {
      sv1::EFFORT_BALANCE_UNDER_SERVED, sv1::EFFORT_BALANCE_UNDER_SERVED,
      sv1::EFFORT_BALANCE_OVER_SERVED, sv1::EFFORT_BALANCE_BALANCED};
  for (int i = 0; i < 4; ++i) {
    const sv1::TierEffort& t = r.tiers(i);
    EXPECT_EQ(t.pyramid().tier(), static_cast<av1::Tier>(av1::TIER_A + i)) << i;
    EXPECT_EQ(t.pyramid().total_value_minor(), values[i]) << i;
    EXPECT_EQ(t.activity_count(), activities[i]) << i;
    EXPECT_EQ(t.cost_to_serve_minor(), costs[i]) << i;
    EXPECT_EQ(t.pyramid().value_share_bp(), value_shares[i]) << i;
    EXPECT_EQ(t.activity_share_bp(), activity_shares[i]) << i;
    EXPECT_EQ(t.cost_share_bp(), cost_shares[i]) << i;
    EXPECT_EQ(sv1::EffortBalance_Name(t.balance()), sv1::EffortBalance_Name(balances[i])) << i;
  }
  EXPECT_EQ(r.tiers(3).pyramid().account_count(), 2);  // y2 and z1
  EXPECT_EQ(r.tiers(2).summary(),
            "C holds 7.02% of the value and takes 60% of the activities and 88.24% of the cost "
            "to serve: over-served");
  EXPECT_FALSE(r.effort_follows_value());
  EXPECT_NE(r.svg().find("<svg"), std::string::npos);
  EXPECT_NE(r.svg().find(">over-served</text>"), std::string::npos);
}

TEST(EffortReport, ToleranceIsTheCallersAndChecked) {
  const World& w = TheWorld();
  // At 95 points nothing strays far enough.
  const Reply<sv1::EffortReport> loose = Effort(w.run1, 9500);
  ASSERT_OK(loose.status);
  EXPECT_TRUE(loose.value.effort_follows_value());
  const Reply<sv1::EffortReport> bad = Effort(w.run1, 10001);
  EXPECT_EQ(bad.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(bad.status.error_message().find("tolerance_bp"), std::string::npos);
  const Reply<sv1::EffortReport> unknown = Effort("ratingRuns/999999999");
  EXPECT_EQ(unknown.status.error_code(), grpc::StatusCode::NOT_FOUND);
}

std::vector<sv1::ManagerAppraisal> Appraisals(const std::string& run, const std::string& owner) {
  sv1::ListManagerAppraisalsRequest request;
  request.set_run(run);
  request.set_owner(owner);
  const Reply<sv1::ListManagerAppraisalsResponse> reply =
      Call(Reports(), &Stub::ListManagerAppraisals, request);
  EXPECT_OK(reply.status);
  return {reply.value.appraisals().begin(), reply.value.appraisals().end()};
}

// `actual` is `expected` (text format; every field left out is 0 or empty),
// its lifetime value aside (the CLV rules have tests of their own).
void ExpectAppraisal(sv1::ManagerAppraisal actual, const std::string& expected) {
  actual.clear_total_clv_minor();
  EXPECT_EQ(actual.DebugString(), ParseTextProto<sv1::ManagerAppraisal>(expected).DebugString());
}

TEST(ManagerAppraisal, TwoManagersFiguresOfTheFirstRun) {
  const World& w = TheWorld();
  const std::vector<sv1::ManagerAppraisal> m1 = Appraisals(w.run1, w.m1);
  ASSERT_EQ(m1.size(), 1u);
  // x1 (A) and x2 (B): both key accounts, both new; CSAT 5 and 4.
  ExpectAppraisal(m1[0],
                  absl::Substitute("owner: '$0' run: '$1' account_count: 2 key_account_count: 2 "
                                   "total_value_minor: 260000 new_accounts: 2 csat_responses: 2 "
                                   "csat_average_hundredths: 450 currency_code: 'EUR'",
                                   w.m1, w.run1));
  const std::vector<sv1::ManagerAppraisal> m2 = Appraisals(w.run1, w.m2);
  ASSERT_EQ(m2.size(), 1u);
  // y1 (C, handed over from m1; CSAT 2, a complaint, a collection case) and
  // y2 (D).
  ExpectAppraisal(
      m2[0], absl::Substitute("owner: '$0' run: '$1' account_count: 2 total_value_minor: 25000 "
                              "new_accounts: 2 csat_responses: 1 csat_average_hundredths: 200 "
                              "complaints: 1 disputes: 1 handovers: 1 currency_code: 'EUR'",
                              w.m2, w.run1));
}

TEST(ManagerAppraisal, MovementsChurnAndWinBackAcrossRuns) {
  const World& w = TheWorld();
  const sv1::ManagerAppraisal m1_second = Appraisals(w.run2, w.m1).at(0);
  EXPECT_EQ(m1_second.churned(), 1);  // x2 held B
  EXPECT_EQ(m1_second.won_back(), 0);
  EXPECT_EQ(m1_second.total_value_minor(), 260000);  // a churned account is still measured
  EXPECT_EQ(m1_second.key_account_count(), 1);
  const sv1::ManagerAppraisal m2_second = Appraisals(w.run2, w.m2).at(0);
  EXPECT_EQ(m2_second.promoted(), 1);  // y1 C -> A
  EXPECT_EQ(m2_second.demoted(), 0);
  EXPECT_EQ(m2_second.total_value_minor(), 115000);

  const sv1::ManagerAppraisal m1_third = Appraisals(w.run3, w.m1).at(0);
  EXPECT_EQ(m1_third.won_back(), 1);
  EXPECT_EQ(m1_third.churned(), 0);
}

TEST(ManagerAppraisal, PagesInOwnerOrderAndCheckedInput) {
  const World& w = TheWorld();
  sv1::ListManagerAppraisalsRequest request;
  request.set_run(w.run1);
  request.set_page_size(1);
  Reply<sv1::ListManagerAppraisalsResponse> first =
      Call(Reports(), &Stub::ListManagerAppraisals, request);
  ASSERT_OK(first.status);
  ASSERT_EQ(first.value.appraisals_size(), 1);
  EXPECT_EQ(first.value.appraisals(0).owner(), w.m1);  // "m1-..." sorts before "m2-..."
  ASSERT_FALSE(first.value.next_page_token().empty());
  request.set_page_token(first.value.next_page_token());
  Reply<sv1::ListManagerAppraisalsResponse> second =
      Call(Reports(), &Stub::ListManagerAppraisals, request);
  ASSERT_OK(second.status);
  ASSERT_EQ(second.value.appraisals_size(), 1);
  EXPECT_EQ(second.value.appraisals(0).owner(), w.m2);
  EXPECT_TRUE(second.value.next_page_token().empty());  // z1 has no owner

  request.set_owner("has space");
  request.clear_page_token();
  const Reply<sv1::ListManagerAppraisalsResponse> bad =
      Call(Reports(), &Stub::ListManagerAppraisals, request);
  EXPECT_EQ(bad.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(bad.status.error_message().find("owner"), std::string::npos);
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  return kam::testing::RunTestsOnSuite(argc, argv, kam::testing::ScoringSuiteOptions());
}
