// risk.h: the policy's validation, the signals' validation, and a million
// accounts scored within bounds and in time.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <vector>

#include "gtest/gtest.h"
#include "services/scoring/rules/risk.h"
#include "services/scoring/rules/rules_testing.h"

namespace kam::scoring::rules {
namespace {

namespace v1 = ::kam::account::v1;

// ---------------------------------------------------------------- validation

TEST(RiskPolicyTest, DefaultsAreValid) { EXPECT_TRUE(ValidatePolicy(RiskHealthPolicy()).ok()); }

TEST(RiskPolicyTest, WeightsMustBeFiniteFromZeroToOneHundred) {
  RiskHealthPolicy policy;
  policy.risk.revenue_drop.weight = -1;
  ExpectInvalid(ValidatePolicy(policy), "risk.revenue_drop.weight", "(got -1)");
  policy.risk.revenue_drop.weight = std::nan("");
  ExpectInvalid(ValidatePolicy(policy), "risk.revenue_drop.weight");
  policy.risk.revenue_drop.weight = 100.5;
  ExpectInvalid(ValidatePolicy(policy), "risk.revenue_drop.weight", "(got 100.5)");
  policy.risk.revenue_drop.weight = 0;
  EXPECT_TRUE(ValidatePolicy(policy).ok());

  policy.risk.interrupted.weight = -5;
  ExpectInvalid(ValidatePolicy(policy), "risk.interrupted.weight");
  policy = RiskHealthPolicy();
  policy.health.strategic_stage.weight = std::numeric_limits<double>::infinity();
  ExpectInvalid(ValidatePolicy(policy), "health.strategic_stage.weight");
  policy = RiskHealthPolicy();
  policy.health.base = 101;
  ExpectInvalid(ValidatePolicy(policy), "health.base", "(got 101)");
}

TEST(RiskPolicyTest, RampEndsInRangeAndInTheRightDirection) {
  RiskHealthPolicy policy;
  policy.risk.revenue_drop.ramp = {-1, 2000};
  ExpectInvalid(ValidatePolicy(policy), "risk.revenue_drop.ramp.start", "(got -1)");
  policy.risk.revenue_drop.ramp = {500, 10001};
  ExpectInvalid(ValidatePolicy(policy), "risk.revenue_drop.ramp.full", "(got 10001)");
  policy.risk.revenue_drop.ramp = {2000, 2000};
  ExpectInvalid(ValidatePolicy(policy), "risk.revenue_drop.ramp.full",
                "must be above ramp.start (2000)");
  policy = RiskHealthPolicy();
  policy.risk.csat_low.ramp = {400, 450};
  ExpectInvalid(ValidatePolicy(policy), "risk.csat_low.ramp.full",
                "must be below ramp.start (400) (got 450)");
  policy = RiskHealthPolicy();
  policy.risk.csat_low.ramp = {400, 50};
  ExpectInvalid(ValidatePolicy(policy), "risk.csat_low.ramp.full", "(got 50)");
  policy = RiskHealthPolicy();
  policy.health.executive_contact_recent.ramp = {90, 180};
  ExpectInvalid(ValidatePolicy(policy), "health.executive_contact_recent.ramp.full");
  policy = RiskHealthPolicy();
  policy.risk.nps_low.ramp = {0, -101};
  ExpectInvalid(ValidatePolicy(policy), "risk.nps_low.ramp.full");
  // A one-step ramp of counts is fine.
  policy = RiskHealthPolicy();
  policy.risk.complaints.ramp = {4, 5};
  EXPECT_TRUE(ValidatePolicy(policy).ok());
}

TEST(RiskPolicyTest, CreateRefusesAnInvalidPolicy) {
  RiskHealthPolicy policy;
  policy.risk.sla_breaches.ramp = {3, 0};
  const absl::StatusOr<RiskScorer> scorer = RiskScorer::Create(policy);
  ASSERT_FALSE(scorer.ok());
  ExpectInvalid(scorer.status(), "risk.sla_breaches.ramp.full");
}

TEST(RiskSignalsTest, Validation) {
  absl::StatusOr<RiskScorer> scorer = RiskScorer::Create(RiskHealthPolicy());
  ASSERT_TRUE(scorer.ok());
  AccountSignals s = Neutral();
  s.complaint_count = -1;
  ExpectInvalid(scorer->Evaluate(s).status(), "signals.complaint_count", "must be >= 0 (got -1)");

  s = Receivables(100, 101);
  ExpectInvalid(ValidateSignals(s), "signals.overdue_minor",
                "must be at most signals.receivables_minor (100) (got 101)");
  s = Receivables(100, 50, 60);
  ExpectInvalid(ValidateSignals(s), "signals.overdue_90_minor");
  s = Csat(600, 1);
  ExpectInvalid(ValidateSignals(s), "signals.csat.average_hundredths", "(got 600)");
  s = Csat(400, 1, 99, 2);
  ExpectInvalid(ValidateSignals(s), "signals.previous_csat.average_hundredths");
  s = Csat(0, -1);
  ExpectInvalid(ValidateSignals(s), "signals.csat.survey_count");
  s = Neutral();
  s.nps = 101;
  ExpectInvalid(ValidateSignals(s), "signals.nps");
  s = ManagerContact(-3, 30);
  ExpectInvalid(ValidateSignals(s), "signals.days_since_manager_contact");
  s = ManagerContact(3, -30);
  ExpectInvalid(ValidateSignals(s), "signals.manager_cadence_days");
  s = Neutral();
  s.stage = static_cast<v1::RelationshipStage>(42);
  ExpectInvalid(ValidateSignals(s), "signals.stage", "(got 42)");
  s = Neutral();
  s.lifecycle = static_cast<v1::LifecycleState>(9);
  ExpectInvalid(ValidateSignals(s), "signals.lifecycle");
  // An unset stage or lifecycle is allowed: no stage rule applies.
  s = Neutral();
  s.stage = v1::RELATIONSHIP_STAGE_UNSPECIFIED;
  s.lifecycle = v1::LIFECYCLE_STATE_UNSPECIFIED;
  EXPECT_TRUE(ValidateSignals(s).ok());
}

// ---------------------------------------------------------------- scale

// Deterministic synthetic accounts: a mix of every signal, a few churned.
AccountSignals Synthetic(uint64_t i) {
  Mixer next(i * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull, 29, 32);
  AccountSignals s;
  s.previous_revenue_minor = static_cast<int64_t>(next(3)) == 0
                                 ? std::optional<int64_t>()
                                 : static_cast<int64_t>(100000 + next(10000000));
  s.revenue_minor = static_cast<int64_t>(next(12000000));
  s.product_lines_lost = static_cast<int32_t>(next(10) == 0 ? 1 + next(2) : 0);
  s.complaint_count = static_cast<int32_t>(next(5));
  s.sla_breach_count = static_cast<int32_t>(next(4));
  s.receivables_minor = static_cast<int64_t>(next(5000000));
  s.overdue_minor = s.receivables_minor == 0 ? 0 : static_cast<int64_t>(next(s.receivables_minor));
  s.overdue_90_minor = s.overdue_minor == 0 ? 0 : static_cast<int64_t>(next(s.overdue_minor));
  if (next(2) == 0)
    s.csat = {static_cast<int32_t>(100 + next(401)), 1 + static_cast<int32_t>(next(20))};
  if (next(2) == 0) s.previous_csat = {static_cast<int32_t>(100 + next(401)), 3};
  if (next(3) == 0) s.nps = static_cast<int32_t>(next(201)) - 100;
  if (next(5) != 0) s.days_since_manager_contact = static_cast<int32_t>(next(120));
  if (next(3) != 0) s.days_since_executive_contact = static_cast<int32_t>(next(500));
  s.manager_cadence_days = next(2) == 0 ? 30 : 0;
  s.executive_cadence_days = next(2) == 0 ? 180 : 0;
  s.manager_handovers_12m = static_cast<int32_t>(next(4));
  s.live_contact_count = static_cast<int32_t>(next(6));
  s.contact_levels = {next(2) == 0, next(2) == 0, next(2) == 0};
  s.stage = static_cast<v1::RelationshipStage>(1 + next(5));
  s.lifecycle = next(50) == 0 ? v1::LIFECYCLE_STATE_CHURNED : v1::LIFECYCLE_STATE_ACTIVE;
  return s;
}

bool Sorted(const ExplainedScore& score) {
  for (size_t i = 1; i < score.factors.size(); ++i) {
    const double previous = std::fabs(score.factors[i - 1].points);
    const double current = std::fabs(score.factors[i].points);
    if (previous < current) return false;
    if (previous == current && score.factors[i - 1].id >= score.factors[i].id) return false;
  }
  return true;
}

TEST(RiskScaleTest, OneMillionAccounts) {
  constexpr uint64_t kAccounts = 1000000;
  absl::StatusOr<RiskScorer> scorer = RiskScorer::Create(RiskHealthPolicy());
  ASSERT_TRUE(scorer.ok());
  AccountRiskHealth out;
  // Accounts that failed, broke an invariant, were churned without full
  // risk; factors seen; the scores summed (printed for a glance).
  uint64_t failures = 0, bad = 0, churned_not_full = 0, factor_count = 0;
  int64_t risk_sum = 0, health_sum = 0;
  for (uint64_t i = 0; i < kAccounts; ++i) {
    const AccountSignals signals = Synthetic(i);
    if (!scorer->Evaluate(signals, &out).ok()) {
      ++failures;
      continue;
    }
    risk_sum += out.risk.value;
    health_sum += out.health.value;
    factor_count += out.risk.factors.size() + out.health.factors.size();
    if (out.risk.value < 0 || out.risk.value > 100 || out.health.value < 0 ||
        out.health.value > 100 || !Sorted(out.risk) || !Sorted(out.health)) {
      ++bad;
    }
    if (signals.lifecycle == v1::LIFECYCLE_STATE_CHURNED &&
        (out.risk.value != 100 || out.health.value != 0)) {
      ++churned_not_full;
    }
  }
  std::printf(
      "[ scale    ] %llu accounts: %.2f factors each; mean risk %.1f, mean health %.1f\n",
      static_cast<unsigned long long>(kAccounts),
      static_cast<double>(factor_count) / kAccounts, static_cast<double>(risk_sum) / kAccounts,
      static_cast<double>(health_sum) / kAccounts);
  EXPECT_EQ(failures, 0u);
  EXPECT_EQ(bad, 0u);
  EXPECT_EQ(churned_not_full, 0u);
  // Reusing the output gives the same result as a fresh evaluation.
  for (uint64_t i = 0; i < kAccounts; i += 99991) {
    ASSERT_TRUE(scorer->Evaluate(Synthetic(i), &out).ok());
    const AccountRiskHealth fresh = Evaluate(Synthetic(i));
    EXPECT_EQ(out.risk.value, fresh.risk.value) << i;
    EXPECT_EQ(out.health.value, fresh.health.value) << i;
    ASSERT_EQ(out.risk.factors.size(), fresh.risk.factors.size()) << i;
    for (size_t k = 0; k < out.risk.factors.size(); ++k) {
      EXPECT_EQ(out.risk.factors[k].evidence, fresh.risk.factors[k].evidence) << i;
    }
  }
}

}  // namespace
}  // namespace kam::scoring::rules
