// policy_settings.h: the defaults a policy fills in, and every validation
// rule, each answered with INVALID_ARGUMENT naming the field as the API
// spells it ("policy.tier_rule..." never leaks an internal name such as
// "policy.default_rule.b_cumulative_bp" or "risk.revenue_drop.ramp.full").
#include "services/scoring/rules/policy_settings.h"

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/substitute.h"
#include "common/testing/text_proto.h"
#include "gtest/gtest.h"

namespace kam::scoring::rules {
namespace {

using common::testing::ParseTextProto;

v1::ScoringPolicy Minimal() {
  return ParseTextProto<v1::ScoringPolicy>(R"pb(display_name: "Yearly")pb");
}

// INVALID_ARGUMENT whose message starts with "<field> ".
::testing::AssertionResult RejectsField(const v1::ScoringPolicy& policy, const std::string& field) {
  const absl::StatusOr<RatingSettings> settings = ToRatingSettings(policy);
  if (settings.ok()) return ::testing::AssertionFailure() << "accepted; expected " << field;
  const absl::Status& s = settings.status();
  if (s.code() != absl::StatusCode::kInvalidArgument) {
    return ::testing::AssertionFailure() << "expected INVALID_ARGUMENT, got " << s;
  }
  if (!absl::StartsWith(s.message(), field + " ")) {
    return ::testing::AssertionFailure() << "does not name " << field << ": " << s.message();
  }
  if (ValidateScoringPolicy(policy) != s) {
    return ::testing::AssertionFailure() << "ValidateScoringPolicy disagrees";
  }
  return ::testing::AssertionSuccess() << s.message();
}

RatingSettings Settings(const v1::ScoringPolicy& policy) {
  absl::StatusOr<RatingSettings> settings = ToRatingSettings(policy);
  EXPECT_TRUE(settings.ok()) << settings.status();
  return settings.ok() ? *settings : RatingSettings{};
}

v1::TierRule Pyramid(int32_t a, int32_t b, int32_t c) {
  return ParseTextProto<v1::TierRule>(absl::Substitute(
      "pyramid { a_cumulative_bp: $0 b_cumulative_bp: $1 c_cumulative_bp: $2 }", a, b, c));
}

v1::TierRule Thresholds(int64_t a, int64_t b, int64_t c) {
  return ParseTextProto<v1::TierRule>(
      absl::Substitute("thresholds { a_min: $0 b_min: $1 c_min: $2 }", a, b, c));
}

v1::CriterionWeight Criterion(v1::Criterion criterion, int32_t weight, int64_t full = 1000) {
  v1::CriterionWeight c;
  c.set_criterion(criterion);
  c.set_weight(weight);
  c.set_full_marks_at(full);
  return c;
}

TEST(PolicySettings, DefaultsOfAMinimalPolicy) {
  const RatingSettings s = Settings(Minimal());
  EXPECT_EQ(s.period_days, 365);
  EXPECT_EQ(s.value_measure, v1::VALUE_MEASURE_PROFIT);
  EXPECT_EQ(s.rank_by, v1::RANK_BY_VALUE);
  EXPECT_TRUE(s.criteria.empty());
  EXPECT_FALSE(s.tiering.by_segment);
  ASSERT_TRUE(std::holds_alternative<PyramidRule>(s.tiering.default_rule));
  const PyramidRule& p = std::get<PyramidRule>(s.tiering.default_rule);
  EXPECT_EQ(p.a_cumulative_bp, 100);
  EXPECT_EQ(p.b_cumulative_bp, 500);
  EXPECT_EQ(p.c_cumulative_bp, 2000);
  ASSERT_EQ(s.alerts.key_tiers.size(), 2u);
  EXPECT_EQ(s.alerts.key_tiers[0], account::v1::TIER_A);
  EXPECT_EQ(s.alerts.key_tiers[1], account::v1::TIER_B);
  for (int tier = 0; tier <= 4; ++tier) EXPECT_EQ(s.churn_rate_bp[tier], 1000) << tier;
  EXPECT_EQ(s.manager_cadence_days, (std::array<int32_t, 5>{0, 30, 60, 90, 0}));
  EXPECT_EQ(s.executive_cadence_days, (std::array<int32_t, 5>{0, 180, 365, 0, 0}));
  EXPECT_EQ(s.acquisition_cost_minor, 0);
  EXPECT_EQ(s.discount_rate_bp, 0);
}

TEST(PolicySettings, SetValuesAreTaken) {
  v1::ScoringPolicy policy = Minimal();
  policy.set_period_days(90);
  policy.set_value_measure(v1::VALUE_MEASURE_REVENUE);
  *policy.add_criteria() = Criterion(v1::CRITERION_REVENUE, 60);
  *policy.add_criteria() = Criterion(v1::CRITERION_INFLUENCE, 40, 0);
  policy.set_rank_by(v1::RANK_BY_SCORE);
  policy.mutable_tiering()->set_segment_by(v1::SEGMENT_BY_INDUSTRY);
  *policy.mutable_tiering()->mutable_default_rule() = Pyramid(0, 1000, 10000);
  (*policy.mutable_tiering()->mutable_segment_rules())["retail"] = Thresholds(300, 200, 100);
  policy.add_key_tiers(account::v1::TIER_A);
  (*policy.mutable_clv()->mutable_churn_rate_bp_by_tier())["D"] = 5000;
  policy.mutable_clv()->set_default_churn_rate_bp(2000);
  policy.mutable_clv()->set_acquisition_cost_minor(700);
  policy.mutable_clv()->set_discount_rate_bp(800);
  (*policy.mutable_risk()->mutable_manager_cadence_days_by_tier())["D"] = 180;
  (*policy.mutable_risk()->mutable_health_rules())["BASE"].set_weight(60);
  v1::RuleSetting& drop = (*policy.mutable_risk()->mutable_risk_rules())["REVENUE_DROP"];
  drop.set_weight(40);
  drop.set_start(500);
  drop.set_full(3000);

  const RatingSettings s = Settings(policy);
  EXPECT_EQ(s.period_days, 90);
  EXPECT_EQ(s.value_measure, v1::VALUE_MEASURE_REVENUE);
  EXPECT_EQ(s.rank_by, v1::RANK_BY_SCORE);
  ASSERT_EQ(s.criteria.size(), 2u);
  EXPECT_TRUE(s.tiering.by_segment);
  EXPECT_EQ(std::get<PyramidRule>(s.tiering.default_rule).c_cumulative_bp, 10000);
  ASSERT_EQ(s.tiering.segment_rules.count("retail"), 1u);
  const ThresholdRule& retail = std::get<ThresholdRule>(s.tiering.segment_rules.at("retail"));
  EXPECT_EQ(retail.a_min_value, 300);
  EXPECT_EQ(retail.b_min_value, 200);
  EXPECT_EQ(retail.c_min_value, 100);
  ASSERT_EQ(s.alerts.key_tiers.size(), 1u);
  EXPECT_EQ(s.churn_rate_bp, (std::array<int32_t, 5>{2000, 2000, 2000, 2000, 5000}));
  EXPECT_EQ(s.acquisition_cost_minor, 700);
  EXPECT_EQ(s.discount_rate_bp, 800);
  EXPECT_EQ(s.manager_cadence_days[4], 180);
  EXPECT_EQ(s.risk.health.base, 60);
  EXPECT_EQ(s.risk.risk.revenue_drop.weight, 40);
  EXPECT_EQ(s.risk.risk.revenue_drop.ramp.start, 500);
  EXPECT_EQ(s.risk.risk.revenue_drop.ramp.full, 3000);
}

TEST(PolicySettings, NameAndPeriod) {
  v1::ScoringPolicy policy = Minimal();
  policy.clear_display_name();
  EXPECT_TRUE(RejectsField(policy, "policy.display_name"));
  policy.set_display_name(std::string(201, 'x'));
  EXPECT_TRUE(RejectsField(policy, "policy.display_name"));

  policy = Minimal();
  policy.set_period_days(-1);
  EXPECT_TRUE(RejectsField(policy, "policy.period_days"));
  policy.set_period_days(3661);
  EXPECT_TRUE(RejectsField(policy, "policy.period_days"));
  policy.set_period_days(3660);
  EXPECT_EQ(Settings(policy).period_days, 3660);
}

TEST(PolicySettings, Criteria) {
  v1::ScoringPolicy policy = Minimal();
  *policy.add_criteria() = Criterion(v1::CRITERION_REVENUE, 60);
  *policy.add_criteria() = Criterion(v1::CRITERION_PROFIT, 30);
  EXPECT_TRUE(RejectsField(policy, "policy.criteria"));  // 90, not 100
  policy.mutable_criteria(1)->set_weight(40);
  Settings(policy);

  v1::ScoringPolicy bad = policy;
  bad.mutable_criteria(1)->set_criterion(v1::CRITERION_UNSPECIFIED);
  EXPECT_TRUE(RejectsField(bad, "policy.criteria[1].criterion"));
  bad.mutable_criteria(1)->set_criterion(static_cast<v1::Criterion>(99));
  EXPECT_TRUE(RejectsField(bad, "policy.criteria[1].criterion"));
  bad = policy;
  bad.mutable_criteria(1)->set_criterion(v1::CRITERION_REVENUE);
  EXPECT_TRUE(RejectsField(bad, "policy.criteria[1].criterion"));  // twice
  bad = policy;
  bad.mutable_criteria(0)->set_weight(101);
  EXPECT_TRUE(RejectsField(bad, "policy.criteria[0].weight"));
  bad.mutable_criteria(0)->set_weight(-1);
  EXPECT_TRUE(RejectsField(bad, "policy.criteria[0].weight"));
  bad = policy;
  bad.mutable_criteria(1)->set_full_marks_at(0);
  EXPECT_TRUE(RejectsField(bad, "policy.criteria[1].full_marks_at"));
  // Influence and reputation have no figure to reach.
  bad = policy;
  *bad.mutable_criteria(1) = Criterion(v1::CRITERION_REPUTATION, 40, 0);
  Settings(bad);
}

TEST(PolicySettings, PyramidUnderTheApiFieldNames) {
  v1::ScoringPolicy policy = Minimal();
  v1::TierRule* rule = policy.mutable_tiering()->mutable_default_rule();
  *rule = Pyramid(500, 400, 2000);
  EXPECT_TRUE(RejectsField(policy, "policy.tiering.default_rule.pyramid.b_cumulative_bp"));
  *rule = Pyramid(100, 500, 400);
  EXPECT_TRUE(RejectsField(policy, "policy.tiering.default_rule.pyramid.c_cumulative_bp"));
  *rule = Pyramid(-1, 500, 2000);
  EXPECT_TRUE(RejectsField(policy, "policy.tiering.default_rule.pyramid.a_cumulative_bp"));
  *rule = Pyramid(100, 500, 10001);
  EXPECT_TRUE(RejectsField(policy, "policy.tiering.default_rule.pyramid.c_cumulative_bp"));
  *rule = Pyramid(100, 10001, 10001);
  EXPECT_TRUE(RejectsField(policy, "policy.tiering.default_rule.pyramid.b_cumulative_bp"));
  // Equal shares leave a tier empty; 10000 leaves D empty (A/B/C scheme).
  *rule = Pyramid(0, 0, 10000);
  Settings(policy);
  // The message says what is wrong in the API's words.
  *rule = Pyramid(500, 400, 2000);
  EXPECT_EQ(ToRatingSettings(policy).status().message(),
            "policy.tiering.default_rule.pyramid.b_cumulative_bp must be at least "
            "a_cumulative_bp (400 < 500)");
  // A rule with neither pyramid nor thresholds.
  rule->Clear();
  EXPECT_TRUE(RejectsField(policy, "policy.tiering.default_rule"));
}

TEST(PolicySettings, ThresholdsUnderTheApiFieldNames) {
  v1::ScoringPolicy policy = Minimal();
  v1::TierRule* rule = policy.mutable_tiering()->mutable_default_rule();
  *rule = Thresholds(100, 200, 50);
  EXPECT_TRUE(RejectsField(policy, "policy.tiering.default_rule.thresholds.b_min"));
  *rule = Thresholds(300, 200, 250);
  EXPECT_TRUE(RejectsField(policy, "policy.tiering.default_rule.thresholds.c_min"));
  EXPECT_EQ(ToRatingSettings(policy).status().message(),
            "policy.tiering.default_rule.thresholds.c_min must be at most b_min (250 > 200)");
  // Equal minimums and negative values are allowed.
  *rule = Thresholds(200, 200, -5);
  const RatingSettings s = Settings(policy);
  EXPECT_EQ(std::get<ThresholdRule>(s.tiering.default_rule).c_min_value, -5);
}

TEST(PolicySettings, SegmentRules) {
  v1::ScoringPolicy policy = Minimal();
  (*policy.mutable_tiering()->mutable_segment_rules())["retail"] = Pyramid(100, 500, 2000);
  EXPECT_TRUE(RejectsField(policy, "policy.tiering.segment_rules"));  // no segment_by
  policy.mutable_tiering()->set_segment_by(v1::SEGMENT_BY_REGION);
  Settings(policy);
  (*policy.mutable_tiering()->mutable_segment_rules())["retail"] = Pyramid(100, 50, 2000);
  EXPECT_TRUE(
      RejectsField(policy, "policy.tiering.segment_rules[\"retail\"].pyramid.b_cumulative_bp"));
  (*policy.mutable_tiering()->mutable_segment_rules())["retail"] = Thresholds(1, 2, 0);
  EXPECT_TRUE(RejectsField(policy, "policy.tiering.segment_rules[\"retail\"].thresholds.b_min"));
  (*policy.mutable_tiering()->mutable_segment_rules())["retail"] = v1::TierRule();
  EXPECT_TRUE(RejectsField(policy, "policy.tiering.segment_rules[\"retail\"]"));
  policy.mutable_tiering()->clear_segment_rules();
  policy.mutable_tiering()->set_segment_by(static_cast<v1::SegmentBy>(7));
  EXPECT_TRUE(RejectsField(policy, "policy.tiering.segment_by"));
}

TEST(PolicySettings, RankUnit) {
  v1::ScoringPolicy policy = Minimal();
  EXPECT_FALSE(Settings(policy).tiering.by_group);  // per account by default
  policy.mutable_tiering()->set_rank_unit(v1::RANK_UNIT_ACCOUNT);
  EXPECT_FALSE(Settings(policy).tiering.by_group);
  policy.mutable_tiering()->set_rank_unit(v1::RANK_UNIT_GROUP);
  EXPECT_TRUE(Settings(policy).tiering.by_group);
  // A score (0 to 100 points an account) does not add up over a group.
  *policy.add_criteria() = Criterion(v1::CRITERION_REVENUE, 100);
  policy.set_rank_by(v1::RANK_BY_SCORE);
  EXPECT_TRUE(RejectsField(policy, "policy.tiering.rank_unit"));
  policy.set_rank_by(v1::RANK_BY_VALUE);
  policy.mutable_tiering()->set_rank_unit(static_cast<v1::RankUnit>(9));
  EXPECT_TRUE(RejectsField(policy, "policy.tiering.rank_unit"));
}

TEST(PolicySettings, KeyTiers) {
  v1::ScoringPolicy policy = Minimal();
  policy.add_key_tiers(account::v1::TIER_A);
  policy.add_key_tiers(account::v1::TIER_A);
  EXPECT_TRUE(RejectsField(policy, "policy.key_tiers[1]"));
  policy.clear_key_tiers();
  policy.add_key_tiers(account::v1::TIER_UNSPECIFIED);
  EXPECT_TRUE(RejectsField(policy, "policy.key_tiers[0]"));
}

TEST(PolicySettings, RiskRulesUnderTheApiFieldNames) {
  v1::ScoringPolicy policy = Minimal();
  v1::RuleSetting& drop = (*policy.mutable_risk()->mutable_risk_rules())["REVENUE_DROP"];
  drop.set_weight(101);
  drop.set_start(500);
  drop.set_full(3000);
  EXPECT_TRUE(RejectsField(policy, "policy.risk.risk_rules[\"REVENUE_DROP\"].weight"));
  drop.set_weight(30);
  drop.set_full(400);  // severity rises with the drop: full must be above start
  EXPECT_TRUE(RejectsField(policy, "policy.risk.risk_rules[\"REVENUE_DROP\"].full"));
  drop.set_start(-5);
  drop.set_full(3000);
  EXPECT_TRUE(RejectsField(policy, "policy.risk.risk_rules[\"REVENUE_DROP\"].start"));

  // No internal name reaches the caller.
  policy = Minimal();
  v1::RuleSetting& bad = (*policy.mutable_risk()->mutable_risk_rules())["REVENUE_DROP"];
  bad.set_weight(30);
  bad.set_start(500);
  bad.set_full(400);
  const std::string message(ToRatingSettings(policy).status().message());
  EXPECT_FALSE(absl::StrContains(message, "risk.revenue_drop")) << message;
}

TEST(PolicySettings, Cadences) {
  v1::ScoringPolicy policy = Minimal();
  (*policy.mutable_risk()->mutable_executive_cadence_days_by_tier())["B"] = 0;
  EXPECT_EQ(Settings(policy).executive_cadence_days[2], 0);
}

// One setting out of range on an otherwise minimal policy, and the field the
// refusal names.
struct BadSetting {
  std::string field;
  std::function<void(v1::ScoringPolicy&)> set;
};

TEST(PolicySettings, OneBadSettingIsRefusedNamingItsField) {
  using P = v1::ScoringPolicy;
  const BadSetting cases[] = {
      {"policy.value_measure", [](P& p) { p.set_value_measure(static_cast<v1::ValueMeasure>(9)); }},
      {"policy.rank_by", [](P& p) { p.set_rank_by(static_cast<v1::RankBy>(9)); }},
      // No criteria to score on.
      {"policy.rank_by", [](P& p) { p.set_rank_by(v1::RANK_BY_SCORE); }},
      {"policy.alerts.churn_risk_threshold",
       [](P& p) { p.mutable_alerts()->set_churn_risk_threshold(101); }},
      {"policy.alerts.sla_breach_threshold",
       [](P& p) { p.mutable_alerts()->set_sla_breach_threshold(-1); }},
      {"policy.alerts.overdue_share_threshold_bp",
       [](P& p) { p.mutable_alerts()->set_overdue_share_threshold_bp(10001); }},
      {"policy.alerts.overdue_amount_threshold_minor",
       [](P& p) { p.mutable_alerts()->set_overdue_amount_threshold_minor(-1); }},
      {"policy.clv.default_churn_rate_bp",
       [](P& p) { p.mutable_clv()->set_default_churn_rate_bp(10001); }},
      {"policy.clv.churn_rate_bp_by_tier[\"E\"]",
       [](P& p) { (*p.mutable_clv()->mutable_churn_rate_bp_by_tier())["E"] = 100; }},
      {"policy.clv.churn_rate_bp_by_tier[\"A\"]",
       [](P& p) { (*p.mutable_clv()->mutable_churn_rate_bp_by_tier())["A"] = 0; }},
      {"policy.clv.acquisition_cost_minor",
       [](P& p) { p.mutable_clv()->set_acquisition_cost_minor(-1); }},
      {"policy.clv.yearly_retention_cost_minor",
       [](P& p) { p.mutable_clv()->set_yearly_retention_cost_minor(-1); }},
      {"policy.clv.discount_rate_bp", [](P& p) { p.mutable_clv()->set_discount_rate_bp(10001); }},
      {"policy.risk.risk_rules[\"NO_SUCH_RULE\"]",
       [](P& p) { (*p.mutable_risk()->mutable_risk_rules())["NO_SUCH_RULE"].set_weight(1); }},
      // A health rule is not a risk rule, nor the other way round.
      {"policy.risk.risk_rules[\"CSAT_HIGH\"]",
       [](P& p) { (*p.mutable_risk()->mutable_risk_rules())["CSAT_HIGH"].set_weight(1); }},
      {"policy.risk.health_rules[\"REVENUE_DROP\"]",
       [](P& p) { (*p.mutable_risk()->mutable_health_rules())["REVENUE_DROP"].set_weight(1); }},
      {"policy.risk.risk_rules[\"INTERRUPTED\"].weight",
       [](P& p) { (*p.mutable_risk()->mutable_risk_rules())["INTERRUPTED"].set_weight(-1); }},
      {"policy.risk.health_rules[\"BASE\"].weight",
       [](P& p) { (*p.mutable_risk()->mutable_health_rules())["BASE"].set_weight(101); }},
      {"policy.risk.manager_cadence_days_by_tier[\"X\"]",
       [](P& p) { (*p.mutable_risk()->mutable_manager_cadence_days_by_tier())["X"] = 10; }},
      {"policy.risk.manager_cadence_days_by_tier[\"A\"]",
       [](P& p) { (*p.mutable_risk()->mutable_manager_cadence_days_by_tier())["A"] = -1; }},
      {"policy.risk.executive_cadence_days_by_tier[\"B\"]",
       [](P& p) { (*p.mutable_risk()->mutable_executive_cadence_days_by_tier())["B"] = 3661; }},
  };
  for (const BadSetting& c : cases) {
    v1::ScoringPolicy policy = Minimal();
    c.set(policy);
    EXPECT_TRUE(RejectsField(policy, c.field));
  }
}

// A run's period is the policy's days before as_of, and cannot start before
// year 1: as_of in year 1 with a year's period is refused naming as_of.
TEST(PolicySettings, PeriodStartIsRefusedBeforeYearOne) {
  const absl::Time year1 = absl::FromUnixSeconds(-62135596800);  // 0001-01-01T00:00:00Z
  RatingSettings settings;
  settings.period_days = 365;
  struct Case {
    absl::Time as_of;
    bool ok;
  };
  for (const Case& c : {Case{year1 + absl::Hours(24 * 365), true},
                        Case{year1 + absl::Hours(24 * 365) - absl::Seconds(1), false},
                        Case{year1 + absl::Hours(24 * 30), false}, Case{year1, false}}) {
    const absl::StatusOr<absl::Time> start = PeriodStart(settings, c.as_of, "as_of");
    if (c.ok) {
      ASSERT_TRUE(start.ok()) << start.status();
      EXPECT_EQ(*start, c.as_of - absl::Hours(24 * 365));
      continue;
    }
    EXPECT_EQ(start.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(start.status().message(),
              "as_of must be at least the policy's period (365 days) after "
              "0001-01-01T00:00:00Z: a run's period cannot start before year 1");
  }
}

}  // namespace
}  // namespace kam::scoring::rules
