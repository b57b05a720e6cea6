// account_rating.h: the value measure, the weighted value score and its
// factors, the ranking key, segments, movement and the key-account flag of
// a policy's key tiers (alerts.h decides key tiers; here through a policy).
#include "services/scoring/rules/account_rating.h"

#include <string>

#include "absl/time/civil_time.h"
#include "common/base/proto_time.h"
#include "gtest/gtest.h"
#include "services/scoring/rules/alerts.h"

namespace kam::scoring::rules {
namespace {

using account::v1::AccountSnapshot;
using interaction::v1::AccountFacts;

RatingSettings SettingsOf(const v1::ScoringPolicy& policy) {
  absl::StatusOr<RatingSettings> settings = ToRatingSettings(policy);
  EXPECT_TRUE(settings.ok()) << settings.status();
  return settings.ok() ? *settings : RatingSettings{};
}

v1::ScoringPolicy Policy() {
  v1::ScoringPolicy policy;
  policy.set_display_name("test");
  return policy;
}

void AddCriterion(v1::ScoringPolicy* policy, v1::Criterion criterion, int32_t weight,
                  int64_t full = 0) {
  v1::CriterionWeight* c = policy->add_criteria();
  c->set_criterion(criterion);
  c->set_weight(weight);
  c->set_full_marks_at(full);
}

AccountFacts Facts(int64_t revenue, int64_t gross_profit, int64_t cost_to_serve) {
  AccountFacts facts;
  facts.set_revenue_minor(revenue);
  facts.set_gross_profit_minor(gross_profit);
  facts.set_cost_to_serve_minor(cost_to_serve);
  return facts;
}

TEST(ValueOf, ProfitAfterTheCostToServeByDefault) {
  const AccountFacts facts = Facts(10000, 4000, 1500);
  EXPECT_EQ(ValueOf(SettingsOf(Policy()), facts), 2500);
  v1::ScoringPolicy revenue = Policy();
  revenue.set_value_measure(v1::VALUE_MEASURE_REVENUE);
  EXPECT_EQ(ValueOf(SettingsOf(revenue), facts), 10000);
  // Serving it costs more than it earns: a negative value.
  EXPECT_EQ(ValueOf(SettingsOf(Policy()), Facts(100, 50, 80)), -30);
  EXPECT_EQ(ValueOf(SettingsOf(Policy()), NoFacts()), 0);
}

TEST(ScoreOf, NoCriteriaScoresZero) {
  const ValueScore score = ScoreOf(SettingsOf(Policy()), AccountSnapshot(), Facts(1, 1, 0));
  EXPECT_EQ(score.score, 0);
  EXPECT_TRUE(score.factors.empty());
}

TEST(ScoreOf, WeightedCriteriaWithFactorsLargestFirst) {
  v1::ScoringPolicy policy = Policy();
  AddCriterion(&policy, v1::CRITERION_REVENUE, 40, 10000);     // 5000 of 10000: 20 points
  AddCriterion(&policy, v1::CRITERION_PROFIT, 30, 1000);       // 2500 >= 1000: 30 points
  AddCriterion(&policy, v1::CRITERION_QUALITY_LOSSES, 10, 4);  // 1 of 4 lost: 7.5 points
  AddCriterion(&policy, v1::CRITERION_INFLUENCE, 20);          // medium: 10 points
  const RatingSettings settings = SettingsOf(policy);
  AccountFacts facts = Facts(5000, 4000, 1500);
  facts.set_complaint_count(1);
  AccountSnapshot account;
  (*account.mutable_labels())["influence"] = "Medium";

  const ValueScore score = ScoreOf(settings, account, facts);
  EXPECT_EQ(score.score, 6750);  // 20 + 30 + 7.5 + 10 = 67.50 points
  ASSERT_EQ(score.factors.size(), 4u);
  EXPECT_EQ(score.factors[0].id(), "PROFIT");
  EXPECT_DOUBLE_EQ(score.factors[0].points(), 30);
  EXPECT_DOUBLE_EQ(score.factors[0].figure(), 2500);
  EXPECT_DOUBLE_EQ(score.factors[0].threshold(), 1000);
  EXPECT_EQ(score.factors[1].id(), "REVENUE");
  EXPECT_DOUBLE_EQ(score.factors[1].points(), 20);
  EXPECT_EQ(score.factors[1].evidence(), "revenue 5,000 of full marks at 10,000");
  EXPECT_EQ(score.factors[2].id(), "INFLUENCE");
  EXPECT_DOUBLE_EQ(score.factors[2].points(), 10);
  EXPECT_EQ(score.factors[3].id(), "QUALITY_LOSSES");
  EXPECT_DOUBLE_EQ(score.factors[3].points(), 7.5);
  EXPECT_DOUBLE_EQ(score.factors[3].figure(), 1);
}

TEST(ScoreOf, FiguresAreClampedToTheirWeight) {
  v1::ScoringPolicy policy = Policy();
  AddCriterion(&policy, v1::CRITERION_PROFIT, 50, 1000);
  AddCriterion(&policy, v1::CRITERION_QUALITY_LOSSES, 50, 2);
  AccountFacts facts = Facts(0, 0, 500);  // profit -500: no points, never negative
  facts.set_sla_breach_count(9);          // beyond full_marks_at: all points lost, no more
  const ValueScore score = ScoreOf(SettingsOf(policy), AccountSnapshot(), facts);
  EXPECT_EQ(score.score, 0);
  AccountFacts rich = Facts(0, 1000000, 0);
  EXPECT_EQ(ScoreOf(SettingsOf(policy), AccountSnapshot(), rich).score, 10000);
}

TEST(ScoreOf, UnitPriceAndCollectionRate) {
  v1::ScoringPolicy policy = Policy();
  AddCriterion(&policy, v1::CRITERION_UNIT_PRICE, 50, 1000);
  AddCriterion(&policy, v1::CRITERION_COLLECTION_RATE, 50, 10000);
  AccountFacts facts;
  facts.set_order_count(4);
  facts.set_order_amount_minor(2000);  // average 500: 25 points
  facts.set_collectible_minor(1000);
  facts.set_collected_minor(800);  // 8000 bp: 40 points
  const ValueScore score = ScoreOf(SettingsOf(policy), AccountSnapshot(), facts);
  EXPECT_EQ(score.score, 6500);
  // Nothing fell due: no points for collection, and it says why.
  const ValueScore none = ScoreOf(SettingsOf(policy), AccountSnapshot(), AccountFacts());
  EXPECT_EQ(none.score, 0);
  EXPECT_EQ(none.factors[1].evidence(), "nothing fell due in the period");
}

TEST(ScoreOf, InfluenceAndReputationWithoutLabels) {
  v1::ScoringPolicy policy = Policy();
  AddCriterion(&policy, v1::CRITERION_INFLUENCE, 50);
  AddCriterion(&policy, v1::CRITERION_REPUTATION, 50);
  const RatingSettings settings = SettingsOf(policy);
  AccountSnapshot account;
  account.set_category(account::v1::ACCOUNT_CATEGORY_INDUSTRY);
  account.set_credit_risk_level(account::v1::CREDIT_RISK_LEVEL_HIGH);
  EXPECT_EQ(ScoreOf(settings, account, AccountFacts()).score, 5000);
  account.set_category(account::v1::ACCOUNT_CATEGORY_REGIONAL);
  account.set_credit_risk_level(account::v1::CREDIT_RISK_LEVEL_LOW);
  EXPECT_EQ(ScoreOf(settings, account, AccountFacts()).score, 7500);
  // No credit rating: reputation counts as medium.
  account.set_credit_risk_level(account::v1::CREDIT_RISK_LEVEL_UNSPECIFIED);
  EXPECT_EQ(ScoreOf(settings, account, AccountFacts()).score, 5000);
  // Labels win over the category and the credit rating.
  (*account.mutable_labels())["influence"] = "low";
  (*account.mutable_labels())["reputation"] = "HIGH";
  EXPECT_EQ(ScoreOf(settings, account, AccountFacts()).score, 5000);
}

TEST(RankingKey, ValueOrScore) {
  v1::ScoringPolicy policy = Policy();
  EXPECT_EQ(RankingKey(SettingsOf(policy), 12345, 6700), 12345);
  AddCriterion(&policy, v1::CRITERION_INFLUENCE, 100);
  policy.set_rank_by(v1::RANK_BY_SCORE);
  EXPECT_EQ(RankingKey(SettingsOf(policy), 12345, 6700), 6700);
}

TEST(SegmentOf, IndustryRegionOrNone) {
  AccountSnapshot account;
  account.set_industry("retail");
  account.set_region("north");
  v1::ScoringPolicy policy = Policy();
  EXPECT_EQ(SegmentOf(SettingsOf(policy), account), "");
  policy.mutable_tiering()->set_segment_by(v1::SEGMENT_BY_INDUSTRY);
  EXPECT_EQ(SegmentOf(SettingsOf(policy), account), "retail");
  policy.mutable_tiering()->set_segment_by(v1::SEGMENT_BY_REGION);
  EXPECT_EQ(SegmentOf(SettingsOf(policy), account), "north");
}

TEST(MovementOf, NewPromotedDemotedUnchanged) {
  using account::v1::TIER_A;
  using account::v1::TIER_B;
  using account::v1::TIER_D;
  using account::v1::TIER_UNSPECIFIED;
  EXPECT_EQ(MovementOf(TIER_UNSPECIFIED, TIER_A), v1::MOVEMENT_NEW);
  EXPECT_EQ(MovementOf(TIER_UNSPECIFIED, TIER_D), v1::MOVEMENT_NEW);
  EXPECT_EQ(MovementOf(static_cast<account::v1::Tier>(9), TIER_B), v1::MOVEMENT_NEW);
  EXPECT_EQ(MovementOf(TIER_B, TIER_A), v1::MOVEMENT_PROMOTED);
  EXPECT_EQ(MovementOf(TIER_D, TIER_B), v1::MOVEMENT_PROMOTED);
  EXPECT_EQ(MovementOf(TIER_A, TIER_B), v1::MOVEMENT_DEMOTED);
  EXPECT_EQ(MovementOf(TIER_B, TIER_D), v1::MOVEMENT_DEMOTED);
  EXPECT_EQ(MovementOf(TIER_B, TIER_B), v1::MOVEMENT_UNCHANGED);
}

TEST(KeyAccount, ThePolicysKeyTiers) {
  auto key = [](const v1::ScoringPolicy& policy, account::v1::Tier tier) {
    absl::StatusOr<AlertDetector> detector = AlertDetector::Create(SettingsOf(policy).alerts);
    EXPECT_TRUE(detector.ok()) << detector.status();
    return detector.ok() && detector->IsKeyTier(tier);
  };
  v1::ScoringPolicy policy = Policy();  // empty: A and B
  EXPECT_TRUE(key(policy, account::v1::TIER_A));
  EXPECT_TRUE(key(policy, account::v1::TIER_B));
  EXPECT_FALSE(key(policy, account::v1::TIER_C));
  policy.add_key_tiers(account::v1::TIER_A);
  policy.add_key_tiers(account::v1::TIER_C);
  EXPECT_TRUE(key(policy, account::v1::TIER_A));
  EXPECT_FALSE(key(policy, account::v1::TIER_B));
  EXPECT_TRUE(key(policy, account::v1::TIER_C));
  EXPECT_FALSE(key(policy, account::v1::TIER_D));
}

TEST(ClvOf, ProfitMadeYearlyAndTheTiersChurn) {
  v1::ScoringPolicy policy = Policy();
  policy.set_period_days(73);  // a fifth of a year
  (*policy.mutable_clv()->mutable_churn_rate_bp_by_tier())["A"] = 2000;
  const RatingSettings settings = SettingsOf(policy);
  const AccountFacts facts = Facts(0, 1200, 200);  // 1000 in 73 days: 5000 a year
  // Undiscounted, no costs: yearly profit / churn = 5000 / 0.2 (A), / 0.1 (default).
  EXPECT_EQ(ClvOf(settings, facts, account::v1::TIER_A), 25000);
  EXPECT_EQ(ClvOf(settings, facts, account::v1::TIER_B), 50000);
  EXPECT_EQ(ClvOf(settings, facts, account::v1::TIER_UNSPECIFIED), 50000);
}

TEST(AgreementNoticeOf, TheAgreementEndingSoonestAtTheRunsTime) {
  const absl::Time end = absl::FromCivil(absl::CivilDay(2027, 2, 1), absl::UTCTimeZone());
  const absl::Time deadline = end - absl::Hours(24 * 30);
  AccountFacts facts;
  facts.set_next_agreement("agreements/9");
  *facts.mutable_next_agreement_end_time() = common::ToProtoTimestamp(end);
  *facts.mutable_next_agreement_notice_deadline() = common::ToProtoTimestamp(deadline);
  // 24 days and some hours before the deadline: within a 60-day window.
  AgreementNotice notice = AgreementNoticeOf(facts, deadline - absl::Hours(24 * 24 + 5), 60);
  EXPECT_EQ(notice.id, 9);
  EXPECT_EQ(notice.end_us, absl::ToUnixMicros(end));
  EXPECT_EQ(notice.notice_us, absl::ToUnixMicros(deadline));
  EXPECT_TRUE(notice.due);
  EXPECT_EQ(notice.days_left, 24);
  // Exactly at the window's edge it is due; a moment before, not.
  notice = AgreementNoticeOf(facts, deadline - absl::Hours(24 * 60), 60);
  EXPECT_TRUE(notice.due);
  notice = AgreementNoticeOf(facts, deadline - absl::Hours(24 * 60) - absl::Seconds(1), 60);
  EXPECT_FALSE(notice.due);
  // Past the deadline it stays due (days left negative) until the end.
  notice = AgreementNoticeOf(facts, deadline + absl::Hours(36), 60);
  EXPECT_TRUE(notice.due);
  EXPECT_EQ(notice.days_left, -2);
  notice = AgreementNoticeOf(facts, end, 60);
  EXPECT_FALSE(notice.due);
  // No agreement, or one it cannot read: all zero.
  facts.set_next_agreement("contracts/9");
  notice = AgreementNoticeOf(facts, deadline, 60);
  EXPECT_EQ(notice.id, 0);
  EXPECT_FALSE(notice.due);
  RatingRow row;
  row.agreement = notice;
  EXPECT_EQ(RunResultOf(row).agreement.id, 0);
}

// What a group roll-up sums is what the run read: the parent link and owner
// from the snapshot, the figures from the facts, the group limit with its
// own currency.
TEST(RollupFiguresTest, FromTheSnapshotAndTheFacts) {
  AccountSnapshot account;
  account.set_parent("accounts/42");
  account.set_owner("am-7");
  account.set_handovers_in_window(2);
  account.mutable_group_credit_limit()->set_minor_units(90000);
  account.mutable_group_credit_limit()->set_currency_code("USD");
  AccountFacts facts = Facts(1000, 600, 100);
  facts.set_open_pipeline_minor(5000);
  facts.set_weighted_pipeline_minor(500);
  facts.set_open_case_count(3);
  facts.set_overdue_31_60_minor(70);
  facts.set_overdue_90_plus_minor(30);
  facts.set_credit_exposure_minor(1234);
  const RollupFigures r = RollupFiguresOf(account, facts);
  EXPECT_EQ(r.parent_id, 42);
  EXPECT_EQ(r.owner, "am-7");
  EXPECT_EQ(r.handovers, 2);
  EXPECT_EQ(r.revenue_minor, 1000);
  EXPECT_EQ(r.gross_profit_minor, 600);
  EXPECT_EQ(r.cost_to_serve_minor, 100);
  EXPECT_EQ(r.open_pipeline_minor, 5000);
  EXPECT_EQ(r.weighted_pipeline_minor, 500);
  EXPECT_EQ(r.open_cases, 3);
  EXPECT_EQ(r.overdue_31_60_minor, 70);
  EXPECT_EQ(r.overdue_90_plus_minor, 30);
  EXPECT_EQ(r.credit_exposure_minor, 1234);
  EXPECT_EQ(r.group_credit_limit_minor, 90000);
  EXPECT_EQ(r.group_credit_currency, "USD");

  const RollupFigures root = RollupFiguresOf(AccountSnapshot(), NoFacts());
  EXPECT_FALSE(root.parent_id.has_value());
  EXPECT_FALSE(root.group_credit_limit_minor.has_value());
}

}  // namespace
}  // namespace kam::scoring::rules
