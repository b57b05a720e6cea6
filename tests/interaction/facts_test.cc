// FactsService.StreamAccountFacts through the public API: records made
// through every area's API (orders, invoices, payments, cases, surveys,
// activities, opportunities) and the exact facts the stream reports for
// them, including what must be left out (cancelled, void, deleted, planned,
// outside the period); accounts with no records; currencies; paging and
// resuming; invalid requests.
//
// The period is the 30 days up to the start of tomorrow (UTC): cases and
// orders placed by the tests are "now", and every other time the tests set
// is days in the past, as the APIs require.
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "kam/interaction/v1/activity.grpc.pb.h"
#include "kam/interaction/v1/facts.grpc.pb.h"
#include "kam/interaction/v1/opportunity.grpc.pb.h"
#include "kam/interaction/v1/satisfaction.grpc.pb.h"
#include "kam/interaction/v1/service_case.grpc.pb.h"
#include "tests/interaction/billing_client.h"

namespace kam::testing {
namespace {

namespace iv1 = ::kam::interaction::v1;

constexpr absl::Duration kDay = absl::Hours(24);

// The period of these tests: [Start(), End()).
absl::Time End() {
  static const absl::Time end = absl::FromCivil(
      absl::CivilDay(absl::ToCivilDay(absl::Now(), absl::UTCTimeZone())) + 1, absl::UTCTimeZone());
  return end;
}
absl::Time Start() { return End() - 30 * kDay; }

// ---------------------------------------------------------------- stream

struct Streamed {
  grpc::Status status;
  std::vector<iv1::AccountFacts> facts;
  std::vector<int> page_sizes;
};

iv1::StreamAccountFactsRequest PeriodRequest(absl::Time start = Start(), absl::Time end = End()) {
  iv1::StreamAccountFactsRequest request;
  *request.mutable_start_time() = Ts(start);
  *request.mutable_end_time() = Ts(end);
  return request;
}

Streamed Stream(const iv1::StreamAccountFactsRequest& request) {
  Streamed out;
  auto context = Context();
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  auto reader = InteractionApi<iv1::FactsService>().StreamAccountFacts(context.get(), request);
  iv1::StreamAccountFactsResponse page;
  while (reader->Read(&page)) {
    out.page_sizes.push_back(page.facts_size());
    for (const iv1::AccountFacts& f : page.facts()) out.facts.push_back(f);
  }
  out.status = reader->Finish();
  return out;
}

// The facts of every account in the period's stream, by name.
std::map<std::string, iv1::AccountFacts> FactsByAccount(absl::Time start = Start(),
                                                        absl::Time end = End()) {
  Streamed s = Stream(PeriodRequest(start, end));
  EXPECT_OK(s.status);
  std::map<std::string, iv1::AccountFacts> by;
  for (const iv1::AccountFacts& f : s.facts) by[f.account()] = f;
  return by;
}

int64_t Id(const std::string& account) { return std::stoll(account.substr(9)); }

// ---------------------------------------------------------------- records

bv1::Order OrderAt(const std::string& account, int64_t amount, int64_t cost, absl::Time when) {
  bv1::CreateOrderRequest request = OrderRequest(account, amount, "", cost);
  *request.mutable_order()->mutable_order_time() = Ts(when);
  return OkValue(Call(Billing(), &BillingStub::CreateOrder, request));
}

bv1::Invoice InvoiceOf(const bv1::Order& order, absl::Time issue) {
  return OkValue(InvoiceOrder(order.name(), issue));
}

void MustPay(const std::string& account, const bv1::Invoice& invoice, int64_t amount,
             absl::Time received) {
  EXPECT_OK(Pay(account, amount, {{invoice.name(), amount}}, received).status);
}

iv1::Activity NewActivity(const std::string& account, iv1::ActivityKind kind,
                          iv1::ActivityLevel level, iv1::ActivityStatus status, absl::Time when,
                          int64_t cost = -1, const std::string& currency = "EUR") {
  iv1::CreateActivityRequest request;
  iv1::Activity* a = request.mutable_activity();
  a->set_account(account);
  a->set_kind(kind);
  a->set_subject("facts test");
  a->set_level(level);
  a->set_status(status);
  if (status == iv1::ACTIVITY_STATUS_DONE) {
    *a->mutable_actual_time() = Ts(when);
  } else {
    *a->mutable_planned_time() = Ts(when);
  }
  if (cost >= 0) *a->mutable_cost() = Money(cost, currency);
  iv1::Activity out;
  grpc::Status result =
      InteractionApi<iv1::ActivityService>().CreateActivity(Context().get(), request, &out);
  EXPECT_OK(result);
  return out;
}

void NewSurvey(const std::string& account, iv1::SurveyKind kind, int score, absl::Time when) {
  iv1::CreateSurveyResponseRequest request;
  iv1::SurveyResponse* s = request.mutable_survey_response();
  s->set_account(account);
  s->set_kind(kind);
  s->set_score(score);
  *s->mutable_response_time() = Ts(when);
  iv1::SurveyResponse out;
  EXPECT_OK(InteractionApi<iv1::SatisfactionService>().CreateSurveyResponse(Context().get(),
                                                                            request, &out));
}

iv1::Case NewCase(const std::string& account, iv1::CaseType type, iv1::CasePriority priority) {
  iv1::CreateCaseRequest request;
  request.mutable_case_()->set_account(account);
  request.mutable_case_()->set_type(type);
  request.mutable_case_()->set_priority(priority);
  request.mutable_case_()->set_title(Unique("case"));
  iv1::Case out;
  EXPECT_OK(InteractionApi<iv1::ServiceCaseService>().CreateCase(Context().get(), request, &out));
  return out;
}

iv1::Opportunity NewOpportunity(const std::string& account, int64_t amount) {
  iv1::CreateOpportunityRequest request;
  iv1::Opportunity* o = request.mutable_opportunity();
  o->set_account(account);
  o->set_title(Unique("deal"));
  o->set_owner("am-facts");
  if (amount >= 0) *o->mutable_amount() = Money(amount);
  iv1::Opportunity out;
  EXPECT_OK(
      InteractionApi<iv1::OpportunityService>().CreateOpportunity(Context().get(), request, &out));
  return out;
}

std::string PlainAccount() {
  v1::Account account = CreateAccount(Accounts(), Unique("facts"));
  return account.name();
}

// ---------------------------------------------------------------- tests

// One account with records of every kind, each figure worked out by hand
// (S = the period's start, E = its end = S + 30 days; terms 30 days).
TEST(FactsTest, ExactFiguresOfEveryField) {
  const absl::Time s = Start();
  const absl::Time e = End();
  const std::string a = CreditAccount(10000000, 30);

  // Orders and invoices. In the period: order 1000 (cost 600) invoiced at
  // S+2d (due E+2d: open, not yet due); an open order 500; a cancelled
  // order 700; a void invoice 999.
  const bv1::Order in_period = OrderAt(a, 1000, 600, s + 1 * kDay);
  const bv1::Invoice revenue = InvoiceOf(in_period, s + 2 * kDay);
  OrderAt(a, 500, 0, s + 3 * kDay);
  const bv1::Order cancelled = OrderAt(a, 700, 0, s + 3 * kDay);
  bv1::CancelOrderRequest cancel = ByName<bv1::CancelOrderRequest>(cancelled.name());
  cancel.set_reason("changed their mind");
  ASSERT_OK(Call(Billing(), &BillingStub::CancelOrder, cancel).status);
  const bv1::Invoice voided = MustInvoice(a, 999, s + 6 * kDay, 100);
  bv1::VoidInvoiceRequest void_request = ByName<bv1::VoidInvoiceRequest>(voided.name());
  void_request.set_reason("issued in error");
  ASSERT_OK(Call(Billing(), &BillingStub::VoidInvoice, void_request).status);
  // Previous period [S-30d, S): an order 300 (cost 100) invoiced at S-4d,
  // due E-4d and unpaid (overdue 300); an invoice 600 issued at S-20d and
  // paid in full at S+10d (collected in the period).
  const bv1::Invoice previous = InvoiceOf(OrderAt(a, 300, 100, s - 5 * kDay), s - 4 * kDay);
  const bv1::Invoice settled_in_period = MustInvoice(a, 600, s - 20 * kDay);
  MustPay(a, settled_in_period, 600, s + 10 * kDay);
  // Older: 2000 issued at S-60d (due S-30d), 100 paid before the period
  // and 250 during it; 200 issued at S-50d and settled before the period
  // (left out); 400 issued at E-150d (due E-120d: more than 90 days overdue).
  const bv1::Invoice old = MustInvoice(a, 2000, s - 60 * kDay);
  MustPay(a, old, 100, s - 10 * kDay);
  MustPay(a, old, 250, s + 5 * kDay);
  const bv1::Invoice settled_before = MustInvoice(a, 200, s - 50 * kDay);
  MustPay(a, settled_before, 200, s - 40 * kDay);
  MustInvoice(a, 400, e - 150 * kDay);

  // Cases (opened now, in the period): a critical complaint within its SLA;
  // a low routine request and a low complaint that breach first response at
  // once (target 0 minutes for LOW at an unrated account).
  iv1::UpdateSlaPolicyRequest policy;
  policy.mutable_policy()->set_name("slaPolicies/low-unrated");
  policy.mutable_policy()->set_first_response_minutes(0);
  policy.mutable_policy()->set_resolution_minutes(6000);
  policy.mutable_update_mask()->add_paths("*");
  policy.set_reason("facts test");
  iv1::SlaPolicy updated;
  ASSERT_OK(
      InteractionApi<iv1::ServiceCaseService>().UpdateSlaPolicy(Context().get(), policy, &updated));
  NewCase(a, iv1::CASE_TYPE_COMPLAINT, iv1::CASE_PRIORITY_CRITICAL);
  const iv1::Case breach1 = NewCase(a, iv1::CASE_TYPE_ROUTINE_REQUEST, iv1::CASE_PRIORITY_LOW);
  const iv1::Case breach2 = NewCase(a, iv1::CASE_TYPE_COMPLAINT, iv1::CASE_PRIORITY_LOW);
  iv1::RunSlaSweepResponse swept;
  ASSERT_OK(InteractionApi<iv1::ServiceCaseService>().RunSlaSweep(
      Context().get(), iv1::RunSlaSweepRequest(), &swept));
  for (const iv1::Case& c : {breach1, breach2}) {
    iv1::GetCaseRequest get = ByName<iv1::GetCaseRequest>(c.name());
    iv1::Case now;
    ASSERT_OK(InteractionApi<iv1::ServiceCaseService>().GetCase(Context().get(), get, &now));
    ASSERT_TRUE(now.first_response_breached()) << c.name();
    ASSERT_FALSE(now.resolution_breached()) << c.name();
  }

  // Surveys: CSAT 4 and 2 in the period, 5 in the previous one, 1 before
  // that; NPS 10, 9 (promoters), 7 (passive), 3 (detractor) in the period
  // and 0 in the previous one.
  NewSurvey(a, iv1::SURVEY_KIND_CSAT, 4, s + 1 * kDay);
  NewSurvey(a, iv1::SURVEY_KIND_CSAT, 2, s + 2 * kDay);
  NewSurvey(a, iv1::SURVEY_KIND_CSAT, 5, s - 3 * kDay);
  NewSurvey(a, iv1::SURVEY_KIND_CSAT, 1, s - 40 * kDay);
  for (int score : {10, 9, 7, 3}) NewSurvey(a, iv1::SURVEY_KIND_NPS, score, s + 4 * kDay);
  NewSurvey(a, iv1::SURVEY_KIND_NPS, 0, s - 4 * kDay);

  // Activities: a visit (cost 120) at S+3d and an executive meeting (300)
  // at S+5d count; a meeting in the previous period (50), a cancelled call,
  // a planned meeting and a deleted visit (1000, at S+6d) do not.
  const absl::Time visit_time = s + 3 * kDay + absl::Hours(9);
  const absl::Time executive_time = s + 5 * kDay + absl::Hours(14);
  NewActivity(a, iv1::ACTIVITY_KIND_VISIT, iv1::ACTIVITY_LEVEL_ACCOUNT_MANAGER,
              iv1::ACTIVITY_STATUS_DONE, visit_time, 120);
  NewActivity(a, iv1::ACTIVITY_KIND_MEETING, iv1::ACTIVITY_LEVEL_EXECUTIVE,
              iv1::ACTIVITY_STATUS_DONE, executive_time, 300);
  NewActivity(a, iv1::ACTIVITY_KIND_MEETING, iv1::ACTIVITY_LEVEL_ACCOUNT_MANAGER,
              iv1::ACTIVITY_STATUS_DONE, s - 10 * kDay, 50);
  NewActivity(a, iv1::ACTIVITY_KIND_MEETING, iv1::ACTIVITY_LEVEL_ACCOUNT_MANAGER,
              iv1::ACTIVITY_STATUS_PLANNED, e + 10 * kDay);
  const iv1::Activity deleted =
      NewActivity(a, iv1::ACTIVITY_KIND_VISIT, iv1::ACTIVITY_LEVEL_EXECUTIVE,
                  iv1::ACTIVITY_STATUS_DONE, s + 6 * kDay, 1000);
  iv1::DeleteActivityRequest delete_activity = ByName<iv1::DeleteActivityRequest>(deleted.name());
  iv1::Activity deleted_out;
  ASSERT_OK(InteractionApi<iv1::ActivityService>().DeleteActivity(Context().get(), delete_activity,
                                                                  &deleted_out));

  // Opportunities (open, at CUSTOMER_DEVELOPMENT: 10%): 1000 and 2500
  // weigh 100 and 250; one without an amount and a deleted one (5000) do
  // not count.
  NewOpportunity(a, 1000);
  NewOpportunity(a, 2500);
  NewOpportunity(a, -1);
  const iv1::Opportunity gone = NewOpportunity(a, 5000);
  iv1::DeleteOpportunityRequest delete_opportunity =
      ByName<iv1::DeleteOpportunityRequest>(gone.name());
  iv1::Opportunity gone_out;
  ASSERT_OK(InteractionApi<iv1::OpportunityService>().DeleteOpportunity(
      Context().get(), delete_opportunity, &gone_out));

  std::map<std::string, iv1::AccountFacts> by = FactsByAccount();
  ASSERT_EQ(by.count(a), 1u);
  const iv1::AccountFacts& f = by[a];
  EXPECT_EQ(f.account(), a);
  EXPECT_EQ(f.currency_code(), "EUR");
  EXPECT_EQ(f.revenue_minor(), 1000);
  EXPECT_EQ(f.previous_revenue_minor(), 300 + 600);
  EXPECT_EQ(f.order_count(), 2);
  EXPECT_EQ(f.order_amount_minor(), 1000 + 500);
  EXPECT_EQ(f.gross_profit_minor(), 1000 - 600);
  EXPECT_EQ(f.cost_to_serve_minor(), 120 + 300);
  // Owed by the end and not settled before the start: the 300 (due E-4d),
  // the 600 (due S+10d), 2000 - 100 paid before, the 400; of that 600 + 250
  // was paid in the period. The 1000 is not yet due.
  EXPECT_EQ(f.collectible_minor(), 300 + 600 + 1900 + 400);
  EXPECT_EQ(f.collected_minor(), 600 + 250);
  EXPECT_EQ(f.receivables_minor(), 1000 + 300 + 1650 + 400);
  EXPECT_EQ(f.overdue_minor(), 300 + 1650 + 400);
  EXPECT_EQ(f.overdue_90_plus_minor(), 400);
  EXPECT_EQ(f.case_count(), 3);
  EXPECT_EQ(f.complaint_count(), 2);
  EXPECT_EQ(f.sla_breach_count(), 2);
  EXPECT_EQ(f.csat_count(), 2);
  EXPECT_EQ(f.csat_score_sum(), 4 + 2);
  EXPECT_EQ(f.previous_csat_count(), 1);
  EXPECT_EQ(f.previous_csat_score_sum(), 5);
  EXPECT_EQ(f.nps_count(), 4);
  EXPECT_EQ(f.nps_promoters(), 2);
  EXPECT_EQ(f.nps_detractors(), 1);
  EXPECT_EQ(f.activity_count(), 2);
  EXPECT_EQ(f.visit_count(), 1);
  EXPECT_EQ(f.executive_activity_count(), 1);
  EXPECT_EQ(FromTs(f.last_contact_time()), executive_time);
  EXPECT_EQ(FromTs(f.last_account_manager_contact_time()), visit_time);
  EXPECT_EQ(FromTs(f.last_executive_contact_time()), executive_time);
  EXPECT_EQ(f.weighted_pipeline_minor(), 100 + 250);
  // What a group roll-up sums: the pipeline unweighted; the three cases,
  // all open at the end; the overdue by days past due at E (the 300 is 4
  // days late, the 1650 60 exactly, the 400 120); the exposure now, as the
  // credit check counts it (the open order 500 and every open balance).
  EXPECT_EQ(f.open_pipeline_minor(), 1000 + 2500);
  EXPECT_EQ(f.open_case_count(), 3);
  EXPECT_EQ(f.overdue_1_30_minor(), 300);
  EXPECT_EQ(f.overdue_31_60_minor(), 1650);
  EXPECT_EQ(f.overdue_61_90_minor(), 0);
  EXPECT_EQ(f.overdue_1_30_minor() + f.overdue_31_60_minor() + f.overdue_61_90_minor() +
                f.overdue_90_plus_minor(),
            f.overdue_minor());
  EXPECT_EQ(f.credit_exposure_minor(), 500 + 1000 + 300 + 1650 + 400);
  EXPECT_EQ(f.credit_exposure_minor(), Exposure(a).exposure().minor_units());

  // The same collection figures as BillingService.GetCollectionStats (the
  // definition facts.proto refers to).
  bv1::GetCollectionStatsRequest stats_request;
  stats_request.set_account(a);
  *stats_request.mutable_start_time() = Ts(s);
  *stats_request.mutable_end_time() = Ts(e);
  Reply<bv1::CollectionStats> stats =
      Call(Billing(), &BillingStub::GetCollectionStats, stats_request);
  ASSERT_OK(stats.status);
  EXPECT_EQ(stats.value.collection_due().minor_units(), f.collectible_minor());
  EXPECT_EQ(stats.value.collection_collected().minor_units(), f.collected_minor());
  EXPECT_EQ(stats.value.receivables_at_end().minor_units(), f.receivables_minor());
  EXPECT_EQ(stats.value.invoiced_revenue().minor_units(), f.revenue_minor());
  EXPECT_EQ(stats.value.gross_profit().minor_units(), f.gross_profit_minor());

  // An earlier period: the last contacts are those before its end, and
  // nothing after it counts. [S-30d, S): the meeting at S-10d only.
  std::map<std::string, iv1::AccountFacts> earlier = FactsByAccount(s - 30 * kDay, s);
  ASSERT_EQ(earlier.count(a), 1u);
  const iv1::AccountFacts& p = earlier[a];
  EXPECT_EQ(p.activity_count(), 1);
  EXPECT_EQ(p.cost_to_serve_minor(), 50);
  EXPECT_EQ(FromTs(p.last_contact_time()), s - 10 * kDay);
  EXPECT_EQ(FromTs(p.last_account_manager_contact_time()), s - 10 * kDay);
  EXPECT_FALSE(p.has_last_executive_contact_time());
  EXPECT_EQ(p.revenue_minor(), 300 + 600);
  EXPECT_EQ(p.csat_count(), 1);
  EXPECT_EQ(p.case_count(), 0);
  EXPECT_EQ(p.open_case_count(), 0);  // opened after that period
  EXPECT_EQ(p.order_count(), 1);
  EXPECT_EQ(p.order_amount_minor(), 300);
}

// Accounts with no records are absent; an account with no money records
// has no currency; an account's amounts are in its own currency.
TEST(FactsTest, AbsentAccountsAndCurrencies) {
  const std::string empty = PlainAccount();
  const std::string survey_only = PlainAccount();
  NewSurvey(survey_only, iv1::SURVEY_KIND_CSAT, 3, Start() + 1 * kDay);
  const std::string dollars = CreditAccount(1000000, 30, "USD");
  NewActivity(dollars, iv1::ACTIVITY_KIND_CALL, iv1::ACTIVITY_LEVEL_ACCOUNT_MANAGER,
              iv1::ACTIVITY_STATUS_DONE, Start() + 2 * kDay, 75, "USD");

  std::map<std::string, iv1::AccountFacts> by = FactsByAccount();
  EXPECT_EQ(by.count(empty), 0u);
  ASSERT_EQ(by.count(survey_only), 1u);
  EXPECT_EQ(by[survey_only].currency_code(), "");
  EXPECT_EQ(by[survey_only].csat_count(), 1);
  EXPECT_EQ(by[survey_only].csat_score_sum(), 3);
  EXPECT_EQ(by[survey_only].revenue_minor(), 0);
  EXPECT_FALSE(by[survey_only].has_last_contact_time());
  ASSERT_EQ(by.count(dollars), 1u);
  EXPECT_EQ(by[dollars].currency_code(), "USD");
  EXPECT_EQ(by[dollars].cost_to_serve_minor(), 75);
  EXPECT_EQ(by[dollars].activity_count(), 1);
  EXPECT_EQ(by[dollars].visit_count(), 0);

  // A period with nothing in it still lists the accounts (they have
  // records), with zero flows; last contacts before it are unset.
  std::map<std::string, iv1::AccountFacts> long_ago =
      FactsByAccount(Start() - 400 * kDay, Start() - 370 * kDay);
  ASSERT_EQ(long_ago.count(dollars), 1u);
  EXPECT_EQ(long_ago[dollars].activity_count(), 0);
  EXPECT_EQ(long_ago[dollars].cost_to_serve_minor(), 0);
  EXPECT_FALSE(long_ago[dollars].has_last_contact_time());
}

// In account order, in pages of page_size, resumable after any account.
TEST(FactsTest, PagesAndResume) {
  std::vector<std::string> mine;
  for (int i = 0; i < 5; ++i) {
    mine.push_back(PlainAccount());
    NewSurvey(mine.back(), iv1::SURVEY_KIND_NPS, 8, Start() + 1 * kDay);
  }
  Streamed all = Stream(PeriodRequest());
  ASSERT_OK(all.status);
  ASSERT_GE(all.facts.size(), 5u);
  for (size_t i = 1; i < all.facts.size(); ++i) {
    EXPECT_LT(Id(all.facts[i - 1].account()), Id(all.facts[i].account()));
  }

  iv1::StreamAccountFactsRequest paged = PeriodRequest();
  paged.set_page_size(2);
  Streamed pages = Stream(paged);
  ASSERT_OK(pages.status);
  ASSERT_EQ(pages.facts.size(), all.facts.size());
  for (size_t i = 0; i < all.facts.size(); ++i) {
    EXPECT_EQ(pages.facts[i].SerializeAsString(), all.facts[i].SerializeAsString());
  }
  for (size_t i = 0; i + 1 < pages.page_sizes.size(); ++i) EXPECT_EQ(pages.page_sizes[i], 2);
  EXPECT_GE(pages.page_sizes.back(), 1);
  EXPECT_LE(pages.page_sizes.back(), 2);

  // Resume after the second of mine: the rest, from the third on.
  iv1::StreamAccountFactsRequest resume = PeriodRequest();
  resume.set_start_after(mine[1]);
  resume.set_page_size(1);
  Streamed rest = Stream(resume);
  ASSERT_OK(rest.status);
  ASSERT_FALSE(rest.facts.empty());
  EXPECT_EQ(rest.facts.front().account(), mine[2]);
  for (int size : rest.page_sizes) EXPECT_EQ(size, 1);
  size_t expected = 0;
  for (const iv1::AccountFacts& f : all.facts) expected += Id(f.account()) > Id(mine[1]) ? 1 : 0;
  EXPECT_EQ(rest.facts.size(), expected);

  // After the last account: nothing, OK. After an account that has no
  // records (or does not exist): the accounts after it.
  resume.set_start_after(all.facts.back().account());
  Streamed none = Stream(resume);
  ASSERT_OK(none.status);
  EXPECT_TRUE(none.facts.empty());
  resume.set_start_after(absl::StrCat("accounts/", Id(mine[4]) + 1000000));
  none = Stream(resume);
  ASSERT_OK(none.status);
  EXPECT_TRUE(none.facts.empty());
  // After the largest id there can be: nothing (the next id would overflow;
  // the stream used to wrap around and never end). A stream that wraps sends
  // facts again; one that never ends fails on Stream's deadline.
  resume.set_start_after("accounts/9223372036854775807");
  none = Stream(resume);
  ASSERT_OK(none.status);
  EXPECT_TRUE(none.facts.empty());
}

// The weighted pipeline is OpportunityService.GetWeightedPipeline's figure
// for the account: per stage, total x probability rounded half up. (It was
// the account's total x probability, truncated: 100 here instead of 101.)
TEST(FactsTest, WeightedPipelineAsTheOpportunityServiceWeighsIt) {
  const std::string a = CreditAccount(1000000, 30);
  NewOpportunity(a, 1005);
  NewOpportunity(a, 1);
  iv1::GetWeightedPipelineRequest request;
  request.set_account(a);
  iv1::WeightedPipeline pipeline;
  ASSERT_OK(InteractionApi<iv1::OpportunityService>().GetWeightedPipeline(Context().get(), request,
                                                                          &pipeline));
  ASSERT_EQ(pipeline.currencies_size(), 1);
  EXPECT_EQ(pipeline.currencies(0).weighted_amount().minor_units(), 101);  // 10% of 1006
  std::map<std::string, iv1::AccountFacts> by = FactsByAccount();
  ASSERT_EQ(by.count(a), 1u);
  EXPECT_EQ(by[a].weighted_pipeline_minor(), 101);
  EXPECT_EQ(by[a].currency_code(), "EUR");
}

TEST(FactsTest, InvalidRequests) {
  const absl::Time s = Start();
  iv1::StreamAccountFactsRequest request = PeriodRequest();
  request.clear_start_time();
  EXPECT_TRUE(IsInvalidField(Stream(request).status, "start_time"));
  request = PeriodRequest();
  request.clear_end_time();
  EXPECT_TRUE(IsInvalidField(Stream(request).status, "end_time"));
  request = PeriodRequest(s, s - kDay);
  EXPECT_TRUE(IsInvalidField(Stream(request).status, "end_time"));
  request = PeriodRequest(s, s);
  EXPECT_TRUE(IsInvalidField(Stream(request).status, "end_time"));
  // Longer than 10 years.
  request = PeriodRequest(s - 3700 * kDay, s);
  EXPECT_TRUE(IsInvalidField(Stream(request).status, "end_time"));
  request = PeriodRequest(s - 3650 * kDay, s);
  EXPECT_OK(Stream(request).status);
  // Malformed timestamps.
  request = PeriodRequest();
  request.mutable_start_time()->set_nanos(-1);
  EXPECT_TRUE(IsInvalidField(Stream(request).status, "start_time"));
  request = PeriodRequest();
  request.mutable_end_time()->set_seconds(int64_t{1} << 60);
  EXPECT_TRUE(IsInvalidField(Stream(request).status, "end_time"));
  // Page sizes.
  request = PeriodRequest();
  request.set_page_size(-1);
  EXPECT_TRUE(IsInvalidField(Stream(request).status, "page_size"));
  request.set_page_size(5001);
  EXPECT_TRUE(IsInvalidField(Stream(request).status, "page_size"));
  request.set_page_size(5000);
  EXPECT_OK(Stream(request).status);
  // Resume names.
  for (const char* bad :
       {"accounts/x", "accounts/0", "accounts/-1", "contacts/1", "accounts/1/contacts/2", "1"}) {
    request = PeriodRequest();
    request.set_start_after(bad);
    EXPECT_TRUE(IsInvalidField(Stream(request).status, "start_after")) << bad;
  }
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  return kam::testing::RunTestsOnSuite(argc, argv, kam::testing::InteractionSuiteOptions());
}
