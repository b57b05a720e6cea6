// AccountRater: one account's whole rating from its snapshot, its facts,
// the tier tiering gave it and the policy version, as a run stores it. The
// pieces (value, score, signals, CLV, movement) have their own tests in
// account_rating_test.cc; here they come together.
#include <string>

#include "gtest/gtest.h"
#include "services/scoring/rules/account_rating.h"

namespace kam::scoring::rules {
namespace {

using account::v1::AccountSnapshot;
using interaction::v1::AccountFacts;

v1::ScoringPolicy Policy() {
  v1::ScoringPolicy policy;
  policy.set_display_name("test");
  v1::CriterionWeight* revenue = policy.add_criteria();
  revenue->set_criterion(v1::CRITERION_REVENUE);
  revenue->set_weight(60);
  revenue->set_full_marks_at(10000);
  v1::CriterionWeight* influence = policy.add_criteria();
  influence->set_criterion(v1::CRITERION_INFLUENCE);
  influence->set_weight(40);
  return policy;
}

AccountRater Rater(const v1::ScoringPolicy& policy) {
  absl::StatusOr<AccountRater> rater = AccountRater::Create(policy);
  EXPECT_TRUE(rater.ok()) << rater.status();
  return *std::move(rater);
}

AccountSnapshot Account(account::v1::Tier held) {
  AccountSnapshot account;
  account.set_name("accounts/7");
  account.set_currency_code("EUR");
  account.set_industry("steel");
  account.set_tier(held);
  account.set_contact_count(3);
  (*account.mutable_labels())["influence"] = "high";
  return account;
}

AccountFacts Facts() {
  AccountFacts facts;
  facts.set_account("accounts/7");
  facts.set_revenue_minor(5000);
  facts.set_gross_profit_minor(3000);
  facts.set_cost_to_serve_minor(500);
  facts.set_sla_breach_count(2);
  facts.set_receivables_minor(800);
  facts.set_overdue_minor(900);  // more than is open: clamped
  return facts;
}

TierAssignment Assignment(Tier tier, int64_t rank) {
  TierAssignment assignment;
  assignment.account_id = 7;
  assignment.tier = tier;
  assignment.rank = rank;
  return assignment;
}

const absl::Time kAsOf = absl::FromUnixSeconds(1767225600);  // 2026-01-01

TEST(AccountRater, RefusesAPolicyItCannotRateWith) {
  v1::ScoringPolicy policy = Policy();
  policy.mutable_criteria(0)->set_weight(10);  // weights no longer add up to 100
  absl::StatusOr<AccountRater> rater = AccountRater::Create(policy);
  ASSERT_FALSE(rater.ok());
  EXPECT_EQ(rater.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(rater.status(), ToRatingSettings(policy).status());
}

TEST(AccountRater, RankingEntryIsTheValueOrTheScore) {
  const AccountValue by_value =
      Rater(Policy()).RankingEntry(7, Account(account::v1::TIER_C), Facts());
  EXPECT_EQ(by_value.account_id, 7);
  EXPECT_EQ(by_value.value, 2500);  // profit after the cost to serve
  EXPECT_EQ(by_value.segment, "");

  v1::ScoringPolicy policy = Policy();
  policy.set_rank_by(v1::RANK_BY_SCORE);
  policy.mutable_tiering()->set_segment_by(v1::SEGMENT_BY_INDUSTRY);
  const AccountValue by_score =
      Rater(policy).RankingEntry(7, Account(account::v1::TIER_C), Facts());
  EXPECT_EQ(by_score.value, 7000);  // 30 of 60 for revenue, 40 of 40 for influence
  EXPECT_EQ(by_score.segment, "steel");
}

TEST(AccountRater, RatesOneAccountWhole) {
  const AccountRater rater = Rater(Policy());
  const AccountSnapshot account = Account(account::v1::TIER_C);
  const AccountFacts facts = Facts();
  RatingRow row;
  ASSERT_TRUE(rater.Rate(account, facts, Assignment(Tier::kA, 3), kAsOf, &row).ok());

  EXPECT_EQ(row.account_id, 7);
  EXPECT_EQ(row.currency, "EUR");  // the facts name none: the account's
  EXPECT_EQ(row.value_minor, 2500);
  EXPECT_EQ(row.value_score, 7000);
  EXPECT_EQ(row.segment, "");
  EXPECT_EQ(row.rank, 3);
  EXPECT_EQ(row.tier, account::v1::TIER_A);
  EXPECT_EQ(row.previous_tier, account::v1::TIER_C);
  EXPECT_EQ(row.movement, v1::MOVEMENT_PROMOTED);
  EXPECT_TRUE(row.key_account);  // A and B are key tiers by default
  EXPECT_EQ(row.clv_minor, ClvOf(rater.settings(), facts, account::v1::TIER_A));
  EXPECT_EQ(row.sla_breaches, 2);
  EXPECT_EQ(row.receivables_minor, 800);
  EXPECT_EQ(row.overdue_minor, 800);

  // Churn risk and health as the risk rules score the account's signals.
  const AccountSignals signals =
      SignalsOf(rater.settings(), account, facts, account::v1::TIER_A, kAsOf);
  absl::StatusOr<RiskScorer> scorer = RiskScorer::Create(rater.settings().risk);
  ASSERT_TRUE(scorer.ok());
  absl::StatusOr<AccountRiskHealth> scored = scorer->Evaluate(signals);
  ASSERT_TRUE(scored.ok());
  EXPECT_EQ(row.churn_risk, scored->risk.value);
  EXPECT_EQ(row.health, scored->health.value);

  // The explanations: the value factors largest first, the top three risk
  // and health factors.
  v1::AccountRating details;
  ASSERT_TRUE(details.ParseFromString(row.details));
  ASSERT_EQ(details.value_factors_size(), 2);
  EXPECT_EQ(details.value_factors(0).id(), "INFLUENCE");
  EXPECT_EQ(details.value_factors(1).id(), "REVENUE");
  EXPECT_EQ(details.churn_risk().score(), row.churn_risk);
  EXPECT_EQ(details.health().score(), row.health);
  EXPECT_LE(details.churn_risk().top_factors_size(), 3);
}

TEST(AccountRater, ANewAccountOutsideTheKeyTiers) {
  const AccountRater rater = Rater(Policy());
  AccountFacts facts = Facts();
  facts.set_currency_code("USD");
  RatingRow row;
  ASSERT_TRUE(rater
                  .Rate(Account(account::v1::TIER_UNSPECIFIED), facts, Assignment(Tier::kD, 40),
                        kAsOf, &row)
                  .ok());
  EXPECT_EQ(row.currency, "USD");  // the invoices' currency first
  EXPECT_EQ(row.tier, account::v1::TIER_D);
  EXPECT_EQ(row.movement, v1::MOVEMENT_NEW);
  EXPECT_FALSE(row.key_account);
}

TEST(AccountRater, AChurnedAccountIsRatedButNotTiered) {
  const AccountRater rater = Rater(Policy());
  AccountSnapshot account = Account(account::v1::TIER_A);
  account.set_state(account::v1::LIFECYCLE_STATE_CHURNED);
  EXPECT_TRUE(rater.RankingEntry(7, account, Facts()).churned);
  EXPECT_FALSE(rater.RankingEntry(7, Account(account::v1::TIER_A), Facts()).churned);

  TierAssignment not_tiered;  // what tiering gives a churned account
  not_tiered.account_id = 7;
  not_tiered.tiered = false;
  RatingRow row;
  ASSERT_TRUE(rater.Rate(account, Facts(), not_tiered, kAsOf, &row).ok());
  EXPECT_EQ(row.value_minor, 2500);  // still measured
  EXPECT_EQ(row.value_score, 7000);
  EXPECT_EQ(row.rank, 0);
  EXPECT_EQ(row.tier, account::v1::TIER_UNSPECIFIED);
  EXPECT_EQ(row.previous_tier, account::v1::TIER_A);
  EXPECT_EQ(row.movement, v1::MOVEMENT_NOT_TIERED);
  EXPECT_FALSE(row.key_account);
  EXPECT_EQ(row.clv_minor, 0);
  v1::AccountRating details;
  ASSERT_TRUE(details.ParseFromString(row.details));
  EXPECT_EQ(details.not_tiered_reason(), v1::NOT_TIERED_REASON_CHURNED);
  // The risk rules see the churn (docs/domain.md §5).
  EXPECT_EQ(details.churn_risk().score(), row.churn_risk);
  EXPECT_GT(row.churn_risk, 0);
}

TEST(AccountRater, RunResultIsWhatTheAlertRulesCompare) {
  RatingRow row;
  row.account_id = 7;
  row.tier = account::v1::TIER_B;
  row.churn_risk = 61;
  row.sla_breaches = 4;
  row.receivables_minor = 100;
  row.overdue_minor = 150;  // a stored row out of range is clamped again
  const AccountRunResult result = RunResultOf(row);
  EXPECT_EQ(result.account_id, 7);
  EXPECT_EQ(result.tier, account::v1::TIER_B);
  EXPECT_EQ(result.churn_risk, 61);
  EXPECT_EQ(result.sla_breach_count, 4);
  EXPECT_EQ(result.receivables_minor, 100);
  EXPECT_EQ(result.overdue_minor, 100);
}

}  // namespace
}  // namespace kam::scoring::rules
