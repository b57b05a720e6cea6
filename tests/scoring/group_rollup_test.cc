// ReportService.GetGroupRollup over a real rating run: a three-level group
// whose accounts have orders, invoices, payments, cases, surveys, activities
// and opportunities made through the services' APIs, rated by one run; the
// roll-up of the root is checked figure by figure against numbers worked out
// by hand, and against the sum of its parts (its own figures, its sub-group's
// roll-up and its direct leaf's); the sub-group's roll-up covers its subtree
// only. Then the errors: mixed currencies, an account the run did not rate,
// an unknown run, a malformed name.
//
// The group (EUR, payment terms 30 days; "now" is the run's as_of, ages in
// days before it):
//   root R  group credit limit 1,000,000; invoice 10,000 (cost 4,000) 1d ago
//   +- sub-group S  invoice 6,000 45d ago (15 days late), an open order 2,000
//   |  +- leaf L1  invoice 3,000 100d ago (70 days late), 1,000 of it paid;
//   |  |           an open complaint; CSAT 4
//   |  +- leaf L2  invoice 1,000 1d ago; a visit done (cost 300); CSAT 2 and 5;
//   |              an open opportunity 5,000 (10%: 500 weighted)
//   +- leaf L3  invoice 500 200d ago (170 days late); an open routine case;
//               an open opportunity 2,000 (200 weighted)
// Tiers by revenue (A >= 10,000, B >= 5,000, C >= 1,000): R A, S B, L1 C,
// L2 C, L3 D.
#include <string>
#include <vector>

#include "absl/numeric/int128.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/substitute.h"
#include "absl/time/clock.h"
#include "kam/interaction/v1/activity.grpc.pb.h"
#include "kam/interaction/v1/opportunity.grpc.pb.h"
#include "kam/interaction/v1/satisfaction.grpc.pb.h"
#include "kam/interaction/v1/service_case.grpc.pb.h"
#include "tests/scoring/report_test_helpers.h"

namespace kam::testing {
namespace {

namespace iv1 = ::kam::interaction::v1;
using Stub = sv1::ReportService::Stub;

constexpr absl::Duration kDay = absl::Hours(24);

// An account under `parent` (none: a root), with a group credit limit when
// `group_limit` >= 0, in `currency`.
std::string Member(const std::string& parent, int64_t group_limit = -1,
                   const std::string& currency = "EUR") {
  auto request = ParseTextProto<v1::CreateAccountRequest>(absl::Substitute(
      R"pb(account {
             display_name: "$0"
             parent_account: "$1"
             credit {
               credit_limit { currency_code: "$2" minor_units: 100000000 }
               payment_terms_days: 30
             }
           })pb",
      Unique("group-rollup"), parent, currency));
  if (group_limit >= 0) {
    *request.mutable_account()->mutable_credit()->mutable_group_credit_limit() =
        Money(group_limit, currency);
  }
  return OkValue(Call(Accounts(), &v1::AccountService::Stub::CreateAccount, request)).name();
}

// A record made through an interaction API from its request in text form,
// `$0` standing for the account and `$1` for two days ago (seconds).
template <typename Stub, typename Request, typename Response>
void Record(Stub& stub,
            grpc::Status (Stub::*create)(grpc::ClientContext*, const Request&, Response*),
            const std::string& account, const std::string& text) {
  const int64_t two_days_ago = absl::ToUnixSeconds(absl::Now() - 2 * kDay);
  EXPECT_OK(
      Call(stub, create, ParseTextProto<Request>(absl::Substitute(text, account, two_days_ago)))
          .status);
}

void NewCase(const std::string& account, const std::string& type) {
  Record(InteractionApi<iv1::ServiceCaseService>(), &iv1::ServiceCaseService::Stub::CreateCase,
         account,
         absl::StrCat(R"pb(case { account: "$0" title: "case" priority: CASE_PRIORITY_LOW type:)pb",
                      type, " }"));
}

void NewCsat(const std::string& account, int score) {
  Record(InteractionApi<iv1::SatisfactionService>(),
         &iv1::SatisfactionService::Stub::CreateSurveyResponse, account,
         absl::StrCat(R"pb(survey_response { account: "$0" kind: SURVEY_KIND_CSAT
                                             response_time { seconds: $1 }
                                             score:)pb",
                      score, " }"));
}

void NewVisit(const std::string& account, int64_t cost) {
  Record(
      InteractionApi<iv1::ActivityService>(), &iv1::ActivityService::Stub::CreateActivity, account,
      absl::StrCat(R"pb(activity { account: "$0" kind: ACTIVITY_KIND_VISIT subject: "roll-up test"
                                   level: ACTIVITY_LEVEL_ACCOUNT_MANAGER
                                   status: ACTIVITY_STATUS_DONE
                                   actual_time { seconds: $1 }
                                   cost { currency_code: "EUR" minor_units:)pb",
                   cost, " } }"));
}

void NewOpportunity(const std::string& account, int64_t amount) {
  Record(InteractionApi<iv1::OpportunityService>(),
         &iv1::OpportunityService::Stub::CreateOpportunity, account,
         absl::StrCat(R"pb(opportunity { account: "$0" title: "deal" owner: "am-rollup"
                                         amount { currency_code: "EUR" minor_units:)pb",
                      amount, " } }"));
}

struct Group {
  std::string root, sub, l1, l2, l3;
  std::string outsider;  // a root of its own, rated by the same run
  std::string run;
};

const Group& TheGroup() {
  static const Group* group = [] {
    auto* g = new Group;
    const absl::Time now = absl::Now();
    g->root = Member("", 1'000'000);
    g->sub = Member(g->root);
    g->l1 = Member(g->sub);
    g->l2 = Member(g->sub);
    g->l3 = Member(g->root);
    g->outsider = Member("");

    MustInvoice(g->root, 10'000, now - 1 * kDay, 4'000);
    MustInvoice(g->sub, 6'000, now - 45 * kDay);
    MustOrder(g->sub, 2'000);
    const bv1::Invoice l1_invoice = MustInvoice(g->l1, 3'000, now - 100 * kDay);
    EXPECT_OK(Pay(g->l1, 1'000, {{l1_invoice.name(), 1'000}}, now - 10 * kDay).status);
    NewCase(g->l1, "CASE_TYPE_COMPLAINT");
    NewCsat(g->l1, 4);
    MustInvoice(g->l2, 1'000, now - 1 * kDay);
    NewVisit(g->l2, 300);
    NewCsat(g->l2, 2);
    NewCsat(g->l2, 5);
    NewOpportunity(g->l2, 5'000);
    MustInvoice(g->l3, 500, now - 200 * kDay);
    NewCase(g->l3, "CASE_TYPE_ROUTINE_REQUEST");
    NewOpportunity(g->l3, 2'000);
    MustInvoice(g->outsider, 50'000, now - 1 * kDay);

    g->run = RunToSuccess(MustCreatePolicy(ThresholdPolicy(10'000, 5'000, 1'000)).name());
    return g;
  }();
  return *group;
}

int64_t IdOf(const std::string& name) { return std::stoll(name.substr(name.rfind('/') + 1)); }

std::string RollupName(const std::string& run, const std::string& account) {
  return absl::StrCat(run, "/groupRollups/", IdOf(account));
}

Reply<sv1::GroupRollup> Rollup(const std::string& run, const std::string& account) {
  sv1::GetGroupRollupRequest request;
  request.set_name(RollupName(run, account));
  return Call(Reports(), &Stub::GetGroupRollup, request);
}

sv1::AccountRating RatingOf(const std::string& run, const std::string& account) {
  return OkValue(
      Call(Ratings(), &RatingStub::GetAccountRating,
           ByName<sv1::GetAccountRatingRequest>(absl::StrCat(run, "/ratings/", IdOf(account)))));
}

// The additive figures of a roll-up, to compare sums of parts.
std::vector<int64_t> Additive(const sv1::GroupRollup& r) {
  std::vector<int64_t> v = {r.member_count(),
                            r.revenue_minor(),
                            r.gross_profit_minor(),
                            r.cost_to_serve_minor(),
                            r.profit_minor(),
                            r.lifetime_value_minor(),
                            r.value_minor(),
                            r.receivables().receivables_minor(),
                            r.receivables().current_minor(),
                            r.receivables().days_1_30_minor(),
                            r.receivables().days_31_60_minor(),
                            r.receivables().days_61_90_minor(),
                            r.receivables().days_over_90_minor(),
                            r.receivables().overdue_minor(),
                            r.credit().exposure_minor(),
                            r.open_pipeline_minor(),
                            r.weighted_pipeline_minor(),
                            r.open_case_count(),
                            r.sla_breach_count(),
                            r.complaint_count(),
                            r.activity_count(),
                            r.csat_count(),
                            r.not_tiered_count()};
  for (int64_t count :
       {r.tier_counts().a(), r.tier_counts().b(), r.tier_counts().c(), r.tier_counts().d()}) {
    v.push_back(count);
  }
  return v;
}

std::vector<int64_t> Sum(const std::vector<std::vector<int64_t>>& parts) {
  std::vector<int64_t> total(parts.front().size(), 0);
  for (const std::vector<int64_t>& part : parts) {
    for (size_t i = 0; i < part.size(); ++i) total[i] += part[i];
  }
  return total;
}

// sum(score * max(value, 0)) / sum(max(value, 0)), rounded half up.
int WeightedScore(const std::string& run, const std::vector<std::string>& accounts, bool health) {
  absl::int128 weighted = 0;
  absl::int128 weight = 0;
  for (const std::string& account : accounts) {
    const sv1::AccountRating rating = RatingOf(run, account);
    const int64_t w = std::max<int64_t>(rating.value_minor(), 0);
    weighted += absl::int128(w) * (health ? rating.health().score() : rating.churn_risk().score());
    weight += w;
  }
  return static_cast<int>((2 * weighted + weight) / (2 * weight));
}

TEST(GroupRollup, TheRootAddsUpItsWholeGroupFromOneRun) {
  const Group& g = TheGroup();
  const sv1::GroupRollup r = OkValue(Rollup(g.run, g.root));
  EXPECT_EQ(r.name(), RollupName(g.run, g.root));
  EXPECT_EQ(r.rating_run(), g.run);
  EXPECT_EQ(r.account(), g.root);
  EXPECT_EQ(r.as_of().seconds(), GetRun(g.run).value.as_of().seconds());
  EXPECT_EQ(r.member_count(), 5);
  EXPECT_EQ(r.currency_code(), "EUR");
  EXPECT_EQ(r.revenue_minor(), 10'000 + 6'000 + 3'000 + 1'000 + 500);
  EXPECT_EQ(r.gross_profit_minor(), 20'500 - 4'000);
  EXPECT_EQ(r.cost_to_serve_minor(), 300);
  EXPECT_EQ(r.profit_minor(), 16'500 - 300);
  EXPECT_EQ(r.value_minor(), 20'500);  // the policy values revenue
  int64_t clv = 0;
  for (const std::string& a : {g.root, g.sub, g.l1, g.l2, g.l3})
    clv += RatingOf(g.run, a).clv_minor();
  EXPECT_EQ(r.lifetime_value_minor(), clv);

  const sv1::ReceivablesAgeing& ageing = r.receivables();
  EXPECT_EQ(ageing.receivables_minor(), 10'000 + 6'000 + 2'000 + 1'000 + 500);
  EXPECT_EQ(ageing.current_minor(), 10'000 + 1'000);
  EXPECT_EQ(ageing.days_1_30_minor(), 6'000);
  EXPECT_EQ(ageing.days_31_60_minor(), 0);
  EXPECT_EQ(ageing.days_61_90_minor(), 2'000);
  EXPECT_EQ(ageing.days_over_90_minor(), 500);
  EXPECT_EQ(ageing.overdue_minor(), 8'500);

  // Exposure: the open order and every open balance, against the root's
  // group limit.
  const sv1::GroupCredit& credit = r.credit();
  EXPECT_EQ(credit.exposure_minor(), 2'000 + 19'500);
  EXPECT_TRUE(credit.has_limit());
  EXPECT_EQ(credit.limit_minor(), 1'000'000);
  EXPECT_EQ(credit.limit_currency_code(), "EUR");
  EXPECT_TRUE(credit.headroom_defined());
  EXPECT_EQ(credit.headroom_minor(), 1'000'000 - 21'500);

  EXPECT_EQ(r.open_pipeline_minor(), 5'000 + 2'000);
  EXPECT_EQ(r.weighted_pipeline_minor(), 500 + 200);
  EXPECT_EQ(r.open_case_count(), 2);
  EXPECT_EQ(r.complaint_count(), 1);
  EXPECT_EQ(r.activity_count(), 1);
  EXPECT_EQ(r.csat_count(), 3);
  EXPECT_EQ(r.csat_average_hundredths(), 367);            // (4 + 2 + 5) / 3 = 3.666...
  EXPECT_EQ(TierCountsText(r.tier_counts()), "1/1/2/1");  // R A, S B, L1 and L2 C, L3 D
  EXPECT_EQ(r.not_tiered_count(), 0);
  const std::vector<std::string> all = {g.root, g.sub, g.l1, g.l2, g.l3};
  EXPECT_EQ(r.health(), WeightedScore(g.run, all, /*health=*/true));
  EXPECT_EQ(r.churn_risk(), WeightedScore(g.run, all, /*health=*/false));
}

TEST(GroupRollup, AGroupIsTheSumOfItsParts) {
  const Group& g = TheGroup();
  const sv1::GroupRollup root = OkValue(Rollup(g.run, g.root));
  const sv1::GroupRollup sub = OkValue(Rollup(g.run, g.sub));
  std::vector<std::vector<int64_t>> leaves;
  for (const std::string& leaf : {g.l1, g.l2, g.l3}) {
    const sv1::GroupRollup r = OkValue(Rollup(g.run, leaf));
    EXPECT_EQ(r.member_count(), 1) << leaf;
    leaves.push_back(Additive(r));
  }
  // The sub-group covers its subtree only: itself, L1 and L2.
  EXPECT_EQ(sub.member_count(), 3);
  EXPECT_EQ(sub.revenue_minor(), 6'000 + 3'000 + 1'000);
  EXPECT_EQ(sub.credit().exposure_minor(), 2'000 + 6'000 + 2'000 + 1'000);
  EXPECT_FALSE(sub.credit().has_limit());  // the limit is the root's
  // R's own figures: one A account with one invoice (10,000, cost 4,000).
  sv1::GroupRollup own_root = ParseTextProto<sv1::GroupRollup>(
      R"pb(member_count: 1
           revenue_minor: 10000
           gross_profit_minor: 6000
           profit_minor: 6000
           value_minor: 10000
           receivables { receivables_minor: 10000 current_minor: 10000 }
           credit { exposure_minor: 10000 }
           tier_counts { a: 1 })pb");
  own_root.set_lifetime_value_minor(RatingOf(g.run, g.root).clv_minor());
  // S's own: one B account, 6,000 invoiced 15 days late, an open order 2,000.
  sv1::GroupRollup own_sub = ParseTextProto<sv1::GroupRollup>(
      R"pb(member_count: 1
           revenue_minor: 6000
           gross_profit_minor: 6000
           profit_minor: 6000
           value_minor: 6000
           receivables { receivables_minor: 6000 days_1_30_minor: 6000 overdue_minor: 6000 }
           credit { exposure_minor: 8000 }
           tier_counts { b: 1 })pb");
  own_sub.set_lifetime_value_minor(RatingOf(g.run, g.sub).clv_minor());

  // S = S's own + L1 + L2; R = R's own + S + L3 = R's own + S's own + the
  // three leaves.
  EXPECT_EQ(Additive(sub), Sum({Additive(own_sub), leaves[0], leaves[1]}));
  EXPECT_EQ(Additive(root), Sum({Additive(own_root), Additive(sub), leaves[2]}));
  EXPECT_EQ(Additive(root),
            Sum({Additive(own_root), Additive(own_sub), leaves[0], leaves[1], leaves[2]}));
  // The weighted scores of the sub-group are over its own members.
  EXPECT_EQ(sub.health(), WeightedScore(g.run, {g.sub, g.l1, g.l2}, /*health=*/true));
  EXPECT_EQ(sub.churn_risk(), WeightedScore(g.run, {g.sub, g.l1, g.l2}, /*health=*/false));
  // A leaf's roll-up is its own rating's.
  const sv1::AccountRating l3 = RatingOf(g.run, g.l3);
  const sv1::GroupRollup leaf = OkValue(Rollup(g.run, g.l3));
  EXPECT_EQ(leaf.health(), l3.health().score());
  EXPECT_EQ(leaf.churn_risk(), l3.churn_risk().score());
  EXPECT_EQ(leaf.lifetime_value_minor(), l3.clv_minor());
}

TEST(GroupRollup, MixedCurrenciesAreRefused) {
  const Group& g = TheGroup();
  const std::string root = Member("");
  const std::string dollars = Member(root, -1, "USD");
  MustInvoice(root, 100);
  bv1::CreateInvoiceRequest request;
  request.mutable_invoice()->set_account(dollars);
  *request.mutable_invoice()->mutable_amount() = Money(100, "USD");
  ASSERT_OK(Call(Billing(), &BillingStub::CreateInvoice, request).status);
  const std::string run =
      RunToSuccess(MustCreatePolicy(ThresholdPolicy(10'000, 5'000, 1'000)).name());
  const Reply<sv1::GroupRollup> mixed = Rollup(run, root);
  EXPECT_TRUE(
      HasCodeMentioning(mixed.status, grpc::StatusCode::FAILED_PRECONDITION, "amounts in EUR, USD"))
      << mixed.status.error_message();
  // Each part on its own is one currency.
  EXPECT_EQ(OkValue(Rollup(run, dollars)).currency_code(), "USD");
  (void)g;
}

TEST(GroupRollup, UnknownRunsAndAccountsAreNotFound) {
  const Group& g = TheGroup();
  const std::string later = Member(g.root);  // not rated by the run
  EXPECT_EQ(Rollup(g.run, later).status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Rollup("ratingRuns/999999999", g.root).status.error_code(),
            grpc::StatusCode::NOT_FOUND);
  sv1::GetGroupRollupRequest request;
  request.set_name(absl::StrCat(g.run, "/ratings/", IdOf(g.root)));
  EXPECT_TRUE(IsInvalidField(Call(Reports(), &Stub::GetGroupRollup, request).status, "name"));
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  return kam::testing::RunTestsOnSuite(argc, argv, kam::testing::ScoringSuiteOptions());
}
