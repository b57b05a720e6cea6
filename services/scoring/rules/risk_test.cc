#include "services/scoring/rules/risk.h"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "kam/account/v1/account.pb.h"

namespace kam::scoring::rules {
namespace {

namespace v1 = ::kam::account::v1;

// A neutral account: active, stable, two contacts, no other facts. Neither
// score has a factor: risk 0, health at its base of 70.
AccountSignals Neutral() {
  AccountSignals s;
  s.stage = v1::RELATIONSHIP_STAGE_STABLE;
  s.lifecycle = v1::LIFECYCLE_STATE_ACTIVE;
  s.live_contact_count = 2;
  return s;
}

AccountRiskHealth Evaluate(const AccountSignals& signals,
                           const RiskHealthPolicy& policy = RiskHealthPolicy()) {
  absl::StatusOr<RiskScorer> scorer = RiskScorer::Create(policy);
  EXPECT_TRUE(scorer.ok()) << scorer.status();
  absl::StatusOr<AccountRiskHealth> result = scorer->Evaluate(signals);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *result : AccountRiskHealth();
}

const Factor* Find(const ExplainedScore& score, FactorId id) {
  for (const Factor& factor : score.factors) {
    if (factor.id == id) return &factor;
  }
  return nullptr;
}

// A copy, for results that are temporaries.
std::optional<Factor> Get(const ExplainedScore& score, FactorId id) {
  const Factor* factor = Find(score, id);
  if (factor == nullptr) return std::nullopt;
  return *factor;
}

// The points `id` adds to risk; 0 when it is not a factor.
double RiskPoints(const AccountSignals& signals, FactorId id,
                  const RiskHealthPolicy& policy = RiskHealthPolicy()) {
  const AccountRiskHealth result = Evaluate(signals, policy);
  const Factor* factor = Find(result.risk, id);
  return factor == nullptr ? 0 : factor->points;
}

double HealthPoints(const AccountSignals& signals, FactorId id) {
  const AccountRiskHealth result = Evaluate(signals);
  const Factor* factor = Find(result.health, id);
  return factor == nullptr ? 0 : factor->points;
}

void ExpectInvalid(const absl::Status& status, absl::string_view field,
                   absl::string_view also = "") {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_TRUE(absl::StartsWith(status.message(), absl::StrCat(field, " ")))
      << status << " (want field " << field << ")";
  if (!also.empty()) {
    EXPECT_TRUE(absl::StrContains(status.message(), also)) << status << " (want " << also << ")";
  }
}

constexpr double kEps = 1e-9;

// ---------------------------------------------------------------- neutral

TEST(RiskTest, NeutralAccountHasNoFactors) {
  const AccountRiskHealth result = Evaluate(Neutral());
  EXPECT_EQ(result.risk.value, 0);
  EXPECT_TRUE(result.risk.factors.empty());
  EXPECT_EQ(result.health.value, 70);
  EXPECT_TRUE(result.health.factors.empty());
  EXPECT_TRUE(result.risk.Top().empty());
}

// ---------------------------------------------------------------- revenue

AccountSignals Revenue(int64_t previous, int64_t current) {
  AccountSignals s = Neutral();
  s.previous_revenue_minor = previous;
  s.revenue_minor = current;
  return s;
}

TEST(RiskRevenueDropTest, AtBelowAndAboveThreshold) {
  // Default: counts above 5%, full (20 points) at 20%.
  EXPECT_NEAR(RiskPoints(Revenue(1000000, 800000), FactorId::kRevenueDrop), 20, kEps);
  // 19.9999% floors to 1999 bp: just below full weight.
  EXPECT_NEAR(RiskPoints(Revenue(1000000, 800001), FactorId::kRevenueDrop), 20.0 * 1499 / 1500,
              kEps);
  EXPECT_NEAR(RiskPoints(Revenue(1000000, 700000), FactorId::kRevenueDrop), 20, kEps);
  EXPECT_NEAR(RiskPoints(Revenue(1000000, 0), FactorId::kRevenueDrop), 20, kEps);
  EXPECT_NEAR(RiskPoints(Revenue(1000000, -500000), FactorId::kRevenueDrop), 20, kEps);
}

TEST(RiskRevenueDropTest, AtBelowAndAboveRampStart) {
  EXPECT_EQ(RiskPoints(Revenue(1000000, 950000), FactorId::kRevenueDrop), 0);  // 5%
  EXPECT_EQ(RiskPoints(Revenue(1000000, 960000), FactorId::kRevenueDrop), 0);  // 4%
  EXPECT_NEAR(RiskPoints(Revenue(1000000, 949900), FactorId::kRevenueDrop), 20.0 / 1500, kEps);
  // Halfway along the ramp: 12.5% -> 10 points.
  EXPECT_NEAR(RiskPoints(Revenue(1000000, 875000), FactorId::kRevenueDrop), 10, kEps);
}

TEST(RiskRevenueDropTest, EvidenceNamesTheFiguresAndTheThreshold) {
  const AccountRiskHealth result = Evaluate(Revenue(1200000, 792000));
  const Factor* drop = Find(result.risk, FactorId::kRevenueDrop);
  ASSERT_NE(drop, nullptr);
  EXPECT_EQ(drop->evidence,
            "revenue fell 34% (1,200,000 -> 792,000 minor units); threshold 20% (linear from 5%)");
  EXPECT_EQ(drop->unit, FigureUnit::kBasisPoints);
  EXPECT_EQ(drop->figure, 3400);
  EXPECT_EQ(drop->start, 500);
  EXPECT_EQ(drop->threshold, 2000);
  EXPECT_EQ(result.risk.value, 20);
  EXPECT_EQ(result.health.value, 50);
}

TEST(RiskRevenueDropTest, NoPreviousRevenueIsNoSignal) {
  AccountSignals s = Neutral();
  s.revenue_minor = 0;  // nothing this period either
  EXPECT_TRUE(Evaluate(s).risk.factors.empty());
  s.previous_revenue_minor = 0;
  EXPECT_TRUE(Evaluate(s).risk.factors.empty());
  s.previous_revenue_minor = -100;
  EXPECT_TRUE(Evaluate(s).risk.factors.empty());
  EXPECT_TRUE(Evaluate(Revenue(500000, 500000)).risk.factors.empty());
}

TEST(HealthRevenueGrowthTest, RampAndEvidence) {
  EXPECT_NEAR(HealthPoints(Revenue(1000000, 1200000), FactorId::kRevenueGrowth), 10, kEps);
  EXPECT_NEAR(HealthPoints(Revenue(1000000, 1100000), FactorId::kRevenueGrowth), 5, kEps);
  EXPECT_NEAR(HealthPoints(Revenue(1000000, 5000000), FactorId::kRevenueGrowth), 10, kEps);
  const AccountRiskHealth result = Evaluate(Revenue(800000, 1000000));
  ASSERT_EQ(result.health.factors.size(), 1u);
  EXPECT_EQ(result.health.factors[0].evidence,
            "revenue grew 25% (800,000 -> 1,000,000 minor units); threshold 20% (linear from 0%)");
  EXPECT_EQ(result.health.value, 80);
  EXPECT_EQ(result.risk.value, 0);
  EXPECT_TRUE(result.risk.factors.empty());
}

TEST(RiskRevenueDropTest, ExtremeRevenueSaturatesInsteadOfOverflowing) {
  const AccountRiskHealth result = Evaluate(Revenue(1, std::numeric_limits<int64_t>::min()));
  const Factor* drop = Find(result.risk, FactorId::kRevenueDrop);
  ASSERT_NE(drop, nullptr);
  EXPECT_EQ(drop->figure, std::numeric_limits<int64_t>::max());
  EXPECT_NEAR(drop->points, 20, kEps);
  const AccountRiskHealth growth = Evaluate(Revenue(1, std::numeric_limits<int64_t>::max()));
  EXPECT_NEAR(growth.health.raw_points, 80, kEps);
}

// ---------------------------------------------------------------- counts

TEST(RiskBusinessChurnTest, OneLineIsHalfTwoAreFull) {
  AccountSignals s = Neutral();
  EXPECT_EQ(RiskPoints(s, FactorId::kBusinessChurn), 0);
  s.product_lines_lost = 1;
  EXPECT_NEAR(RiskPoints(s, FactorId::kBusinessChurn), 10, kEps);
  s.product_lines_lost = 2;
  EXPECT_NEAR(RiskPoints(s, FactorId::kBusinessChurn), 20, kEps);
  s.product_lines_lost = 3;
  EXPECT_NEAR(RiskPoints(s, FactorId::kBusinessChurn), 20, kEps);
  const std::optional<Factor> factor = Get(Evaluate(s).risk, FactorId::kBusinessChurn);
  ASSERT_TRUE(factor.has_value());
  EXPECT_EQ(factor->evidence,
            "3 product lines lost in the period (business churn, docs/domain.md §5); threshold 2 "
            "(linear from 0)");
}

TEST(RiskComplaintsTest, AtBelowAndAboveThreshold) {
  AccountSignals s = Neutral();
  s.complaint_count = 3;
  EXPECT_NEAR(RiskPoints(s, FactorId::kComplaints), 10, kEps);
  s.complaint_count = 2;
  EXPECT_NEAR(RiskPoints(s, FactorId::kComplaints), 20.0 / 3, kEps);
  s.complaint_count = 4;
  EXPECT_NEAR(RiskPoints(s, FactorId::kComplaints), 10, kEps);
  s.complaint_count = 1;
  EXPECT_NEAR(RiskPoints(s, FactorId::kComplaints), 10.0 / 3, kEps);
  EXPECT_EQ(Get(Evaluate(s).risk, FactorId::kComplaints).value().evidence,
            "1 complaint in the period; threshold 3 (linear from 0)");
  s.complaint_count = 0;
  EXPECT_EQ(RiskPoints(s, FactorId::kComplaints), 0);
}

TEST(RiskSlaBreachesTest, AtBelowAndAboveThreshold) {
  AccountSignals s = Neutral();
  s.sla_breach_count = 3;
  EXPECT_NEAR(RiskPoints(s, FactorId::kSlaBreaches), 10, kEps);
  EXPECT_EQ(Get(Evaluate(s).risk, FactorId::kSlaBreaches).value().evidence,
            "3 SLA breaches in the period; threshold 3 (linear from 0)");
  s.sla_breach_count = 2;
  EXPECT_NEAR(RiskPoints(s, FactorId::kSlaBreaches), 20.0 / 3, kEps);
  s.sla_breach_count = 4;
  EXPECT_NEAR(RiskPoints(s, FactorId::kSlaBreaches), 10, kEps);
  s.sla_breach_count = 0;
  EXPECT_EQ(RiskPoints(s, FactorId::kSlaBreaches), 0);
}

// ---------------------------------------------------------------- receivables

AccountSignals Receivables(int64_t receivables, int64_t overdue, int64_t overdue_90 = 0) {
  AccountSignals s = Neutral();
  s.receivables_minor = receivables;
  s.overdue_minor = overdue;
  s.overdue_90_minor = overdue_90;
  return s;
}

TEST(RiskOverdueShareTest, AtBelowAndAboveThreshold) {
  // Counts above 10%, full (10 points) at 30%.
  EXPECT_NEAR(RiskPoints(Receivables(1000000, 300000), FactorId::kOverdueShare), 10, kEps);
  EXPECT_NEAR(RiskPoints(Receivables(1000000, 299999), FactorId::kOverdueShare), 10.0 * 1999 / 2000,
              kEps);
  EXPECT_NEAR(RiskPoints(Receivables(1000000, 400000), FactorId::kOverdueShare), 10, kEps);
  EXPECT_EQ(RiskPoints(Receivables(1000000, 100000), FactorId::kOverdueShare), 0);
  EXPECT_NEAR(RiskPoints(Receivables(1000000, 100100), FactorId::kOverdueShare), 10.0 / 2000, kEps);
  const std::optional<Factor> factor =
      Get(Evaluate(Receivables(1000000, 250000)).risk, FactorId::kOverdueShare);
  ASSERT_TRUE(factor.has_value());
  EXPECT_EQ(factor->evidence,
            "25% of receivables overdue (250,000 of 1,000,000 minor units); threshold 30% "
            "(linear from 10%)");
}

TEST(RiskOverdue90Test, AtBelowAndAboveThreshold) {
  EXPECT_NEAR(RiskPoints(Receivables(1000000, 100000, 100000), FactorId::kOverdue90Share), 10,
              kEps);
  EXPECT_NEAR(RiskPoints(Receivables(1000000, 100000, 99999), FactorId::kOverdue90Share),
              10.0 * 999 / 1000, kEps);
  EXPECT_NEAR(RiskPoints(Receivables(1000000, 200000, 200000), FactorId::kOverdue90Share), 10,
              kEps);
  EXPECT_EQ(RiskPoints(Receivables(1000000, 100000, 0), FactorId::kOverdue90Share), 0);
  // Below one basis point of receivables is 0%.
  EXPECT_EQ(RiskPoints(Receivables(1000000, 100000, 99), FactorId::kOverdue90Share), 0);
}

TEST(RiskOverdueTest, NoReceivablesNoSignal) {
  EXPECT_TRUE(Evaluate(Receivables(0, 0, 0)).risk.factors.empty());
}

// ---------------------------------------------------------------- satisfaction

AccountSignals Csat(int32_t average, int32_t count, int32_t previous_average = 0,
                    int32_t previous_count = 0) {
  AccountSignals s = Neutral();
  s.csat = {average, count};
  s.previous_csat = {previous_average, previous_count};
  return s;
}

TEST(RiskCsatLowTest, AtBelowAndAboveThreshold) {
  // Counts below 4.00, full (10 points) at 3.00; less is worse.
  EXPECT_NEAR(RiskPoints(Csat(300, 5), FactorId::kCsatLow), 10, kEps);
  EXPECT_NEAR(RiskPoints(Csat(301, 5), FactorId::kCsatLow), 9.9, kEps);
  EXPECT_NEAR(RiskPoints(Csat(299, 5), FactorId::kCsatLow), 10, kEps);
  EXPECT_EQ(RiskPoints(Csat(400, 5), FactorId::kCsatLow), 0);
  EXPECT_NEAR(RiskPoints(Csat(399, 5), FactorId::kCsatLow), 0.1, kEps);
  const std::optional<Factor> factor = Get(Evaluate(Csat(340, 12)).risk, FactorId::kCsatLow);
  ASSERT_TRUE(factor.has_value());
  EXPECT_EQ(factor->evidence, "CSAT 3.40 of 5 (12 surveys); threshold 3.00 (linear from 4.00)");
}

TEST(RiskCsatDropTest, AtBelowAndAboveThreshold) {
  // Full (10 points) at a fall of 0.50; counts above 0.10.
  EXPECT_NEAR(RiskPoints(Csat(400, 5, 450, 5), FactorId::kCsatDrop), 10, kEps);
  EXPECT_NEAR(RiskPoints(Csat(401, 5, 450, 5), FactorId::kCsatDrop), 10.0 * 39 / 40, kEps);
  EXPECT_NEAR(RiskPoints(Csat(399, 5, 450, 5), FactorId::kCsatDrop), 10, kEps);
  EXPECT_EQ(RiskPoints(Csat(440, 5, 450, 5), FactorId::kCsatDrop), 0);
  EXPECT_EQ(RiskPoints(Csat(460, 5, 450, 5), FactorId::kCsatDrop), 0);  // rose
  const std::optional<Factor> factor =
      Get(Evaluate(Csat(380, 4, 420, 6)).risk, FactorId::kCsatDrop);
  ASSERT_TRUE(factor.has_value());
  EXPECT_EQ(factor->evidence, "CSAT fell 0.40 (4.20 -> 3.80); threshold 0.50 (linear from 0.10)");
}

TEST(RiskCsatTest, NoSurveysIsNoSignal) {
  // No surveys this period: no CSAT rule, whatever the stale average says.
  EXPECT_TRUE(Evaluate(Csat(0, 0, 450, 5)).risk.factors.empty());
  EXPECT_TRUE(Evaluate(Csat(100, 0)).risk.factors.empty());
  // Surveys now but none before: the level counts, the fall cannot.
  const AccountRiskHealth result = Evaluate(Csat(350, 3, 0, 0));
  EXPECT_NE(Find(result.risk, FactorId::kCsatLow), nullptr);
  EXPECT_EQ(Find(result.risk, FactorId::kCsatDrop), nullptr);
}

TEST(HealthCsatHighTest, Ramp) {
  EXPECT_NEAR(HealthPoints(Csat(450, 5), FactorId::kCsatHigh), 10, kEps);
  EXPECT_NEAR(HealthPoints(Csat(425, 5), FactorId::kCsatHigh), 5, kEps);
  EXPECT_EQ(HealthPoints(Csat(400, 5), FactorId::kCsatHigh), 0);
  EXPECT_EQ(HealthPoints(Csat(500, 0), FactorId::kCsatHigh), 0);
}

TEST(RiskNpsTest, LowAndHigh) {
  AccountSignals s = Neutral();
  s.nps = -50;
  EXPECT_NEAR(RiskPoints(s, FactorId::kNpsLow), 5, kEps);
  EXPECT_EQ(Get(Evaluate(s).risk, FactorId::kNpsLow).value().evidence,
            "NPS -50; threshold -50 (linear from 0)");
  s.nps = -49;
  EXPECT_NEAR(RiskPoints(s, FactorId::kNpsLow), 4.9, kEps);
  s.nps = -51;
  EXPECT_NEAR(RiskPoints(s, FactorId::kNpsLow), 5, kEps);
  s.nps = 0;
  EXPECT_EQ(RiskPoints(s, FactorId::kNpsLow), 0);
  s.nps = 50;
  EXPECT_NEAR(HealthPoints(s, FactorId::kNpsHigh), 5, kEps);
  s.nps = 35;
  EXPECT_NEAR(HealthPoints(s, FactorId::kNpsHigh), 2.5, kEps);
  s.nps = std::nullopt;
  EXPECT_TRUE(Evaluate(s).risk.factors.empty());
  EXPECT_TRUE(Evaluate(s).health.factors.empty());
}

// ---------------------------------------------------------------- contact

AccountSignals ManagerContact(std::optional<int32_t> days, int32_t cadence) {
  AccountSignals s = Neutral();
  s.days_since_manager_contact = days;
  s.manager_cadence_days = cadence;
  return s;
}

TEST(RiskManagerContactTest, AtBelowAndAboveThreshold) {
  // Cadence 30 days: counts once overdue (30), full (10 points) at 60.
  EXPECT_NEAR(RiskPoints(ManagerContact(60, 30), FactorId::kManagerContactOverdue), 10, kEps);
  EXPECT_NEAR(RiskPoints(ManagerContact(59, 30), FactorId::kManagerContactOverdue), 10.0 * 29 / 30,
              kEps);
  EXPECT_NEAR(RiskPoints(ManagerContact(61, 30), FactorId::kManagerContactOverdue), 10, kEps);
  EXPECT_EQ(RiskPoints(ManagerContact(30, 30), FactorId::kManagerContactOverdue), 0);
  EXPECT_EQ(RiskPoints(ManagerContact(0, 30), FactorId::kManagerContactOverdue), 0);
  EXPECT_NEAR(RiskPoints(ManagerContact(31, 30), FactorId::kManagerContactOverdue), 10.0 / 30,
              kEps);
  const std::optional<Factor> factor =
      Get(Evaluate(ManagerContact(45, 30)).risk, FactorId::kManagerContactOverdue);
  ASSERT_TRUE(factor.has_value());
  EXPECT_EQ(factor->evidence,
            "no account-manager-level contact for 45 days; cadence 30 days; threshold 60 days "
            "(linear from 30 days)");
  EXPECT_EQ(factor->unit, FigureUnit::kDays);
  EXPECT_EQ(factor->figure, 45);
  EXPECT_EQ(factor->start, 30);
  EXPECT_EQ(factor->threshold, 60);
}

TEST(RiskManagerContactTest, NeverContactedIsFullWhenThereIsACadence) {
  const std::optional<Factor> factor =
      Get(Evaluate(ManagerContact(std::nullopt, 30)).risk, FactorId::kManagerContactOverdue);
  ASSERT_TRUE(factor.has_value());
  EXPECT_NEAR(factor->points, 10, kEps);
  EXPECT_EQ(factor->figure, -1);
  EXPECT_EQ(factor->evidence,
            "no account-manager-level contact on record; cadence 30 days; threshold 60 days "
            "(linear from 30 days)");
}

TEST(RiskManagerContactTest, NoCadenceNoSignalEvenIfNeverContacted) {
  EXPECT_TRUE(Evaluate(ManagerContact(std::nullopt, 0)).risk.factors.empty());
  EXPECT_TRUE(Evaluate(ManagerContact(10000, 0)).risk.factors.empty());
}

TEST(RiskExecutiveContactTest, AgainstTheExecutiveCadence) {
  AccountSignals s = Neutral();
  s.executive_cadence_days = 180;
  s.days_since_executive_contact = 360;
  EXPECT_NEAR(RiskPoints(s, FactorId::kExecutiveContactOverdue), 5, kEps);
  s.days_since_executive_contact = 270;
  EXPECT_NEAR(RiskPoints(s, FactorId::kExecutiveContactOverdue), 2.5, kEps);
  s.days_since_executive_contact = 180;
  EXPECT_EQ(RiskPoints(s, FactorId::kExecutiveContactOverdue), 0);
  s.days_since_executive_contact = std::nullopt;
  const std::optional<Factor> factor = Get(Evaluate(s).risk, FactorId::kExecutiveContactOverdue);
  ASSERT_TRUE(factor.has_value());
  EXPECT_EQ(factor->evidence,
            "no executive-level contact on record; cadence 180 days; threshold 360 days "
            "(linear from 180 days)");
  // The manager-level rule has no cadence here and stays silent.
  EXPECT_EQ(Find(Evaluate(s).risk, FactorId::kManagerContactOverdue), nullptr);
}

TEST(HealthExecutiveContactTest, RecentContactRaisesHealth) {
  AccountSignals s = Neutral();
  s.days_since_executive_contact = 90;
  EXPECT_NEAR(HealthPoints(s, FactorId::kExecutiveContactRecent), 5, kEps);
  s.days_since_executive_contact = 135;
  EXPECT_NEAR(HealthPoints(s, FactorId::kExecutiveContactRecent), 2.5, kEps);
  s.days_since_executive_contact = 180;
  EXPECT_EQ(HealthPoints(s, FactorId::kExecutiveContactRecent), 0);
  s.days_since_executive_contact = 12;
  const std::optional<Factor> factor = Get(Evaluate(s).health, FactorId::kExecutiveContactRecent);
  ASSERT_TRUE(factor.has_value());
  EXPECT_EQ(
      factor->evidence,
      "executive-level contact 12 days ago (docs/domain.md §7); threshold 90 days (linear from "
      "180 days)");
}

// ---------------------------------------------------------------- people

TEST(RiskManagerHandoversTest, AtBelowAndAboveThreshold) {
  AccountSignals s = Neutral();
  s.manager_handovers_12m = 3;
  EXPECT_NEAR(RiskPoints(s, FactorId::kManagerHandovers), 10, kEps);
  EXPECT_EQ(Get(Evaluate(s).risk, FactorId::kManagerHandovers).value().evidence,
            "3 account-manager handovers in 12 months (docs/domain.md §4); threshold 3 (linear "
            "from 1)");
  s.manager_handovers_12m = 2;
  EXPECT_NEAR(RiskPoints(s, FactorId::kManagerHandovers), 5, kEps);
  s.manager_handovers_12m = 4;
  EXPECT_NEAR(RiskPoints(s, FactorId::kManagerHandovers), 10, kEps);
  s.manager_handovers_12m = 1;  // ordinary turnover
  EXPECT_EQ(RiskPoints(s, FactorId::kManagerHandovers), 0);
}

TEST(RiskSingleContactTest, OneOrNoContactIsFull) {
  AccountSignals s = Neutral();
  s.live_contact_count = 1;
  EXPECT_NEAR(RiskPoints(s, FactorId::kSingleContact), 15, kEps);
  EXPECT_EQ(Get(Evaluate(s).risk, FactorId::kSingleContact).value().evidence,
            "1 live contact: the relationship lives in too few people (docs/domain.md §4, §8); "
            "threshold 1");
  s.live_contact_count = 0;
  EXPECT_NEAR(RiskPoints(s, FactorId::kSingleContact), 15, kEps);
  EXPECT_EQ(Get(Evaluate(s).risk, FactorId::kSingleContact).value().evidence,
            "no live contacts on record; threshold 1");
  s.live_contact_count = 2;
  EXPECT_EQ(RiskPoints(s, FactorId::kSingleContact), 0);
}

TEST(HealthMultiLevelContactsTest, Ramp) {
  AccountSignals s = Neutral();
  s.live_contact_count = 4;
  EXPECT_NEAR(HealthPoints(s, FactorId::kMultiLevelContacts), 5, kEps);
  s.live_contact_count = 3;
  EXPECT_NEAR(HealthPoints(s, FactorId::kMultiLevelContacts), 2.5, kEps);
  s.live_contact_count = 40;
  EXPECT_NEAR(HealthPoints(s, FactorId::kMultiLevelContacts), 5, kEps);
}

// ---------------------------------------------------------------- stage and state

TEST(RiskStageTest, InterruptedIsAStrongRisk) {
  AccountSignals s = Neutral();
  s.stage = v1::RELATIONSHIP_STAGE_INTERRUPTED;
  const AccountRiskHealth result = Evaluate(s);
  ASSERT_EQ(result.risk.factors.size(), 1u);
  EXPECT_EQ(result.risk.factors[0].id, FactorId::kInterrupted);
  EXPECT_NEAR(result.risk.factors[0].points, 40, kEps);
  EXPECT_EQ(result.risk.factors[0].unit, FigureUnit::kFlag);
  EXPECT_EQ(result.risk.value, 40);
  EXPECT_EQ(result.health.value, 30);
  EXPECT_EQ(result.risk.factors[0].evidence,
            "relationship stage INTERRUPTED: trade stopped and contact broken (docs/domain.md §4)");
}

TEST(RiskStageTest, StrategicLowersRiskAndRaisesHealth) {
  AccountSignals s = Neutral();
  s.stage = v1::RELATIONSHIP_STAGE_STRATEGIC;
  s.complaint_count = 3;   // 10 points
  s.sla_breach_count = 3;  // 10 points
  const AccountRiskHealth result = Evaluate(s);
  const Factor* mitigation = Find(result.risk, FactorId::kStrategicStage);
  ASSERT_NE(mitigation, nullptr);
  EXPECT_NEAR(mitigation->points, -10, kEps);
  EXPECT_EQ(result.risk.value, 10);
  // Health: 70 - 20 + 10. The mitigation is not copied as a deduction.
  EXPECT_EQ(result.health.value, 60);
  const Factor* good = Find(result.health, FactorId::kStrategicStage);
  ASSERT_NE(good, nullptr);
  EXPECT_NEAR(good->points, 10, kEps);
  EXPECT_EQ(result.health.factors.size(), 3u);
}

TEST(RiskStageTest, StrategicAloneDoesNotGoBelowZero) {
  AccountSignals s = Neutral();
  s.stage = v1::RELATIONSHIP_STAGE_STRATEGIC;
  const AccountRiskHealth result = Evaluate(s);
  EXPECT_EQ(result.risk.value, 0);
  EXPECT_NEAR(result.risk.raw_points, -10, kEps);
  EXPECT_EQ(result.health.value, 80);
}

TEST(RiskChurnedTest, StrategicStageDoesNotMitigateChurn) {
  // The account service keeps the last stage when a customer churns.
  AccountSignals s = Neutral();
  s.lifecycle = v1::LIFECYCLE_STATE_CHURNED;
  s.stage = v1::RELATIONSHIP_STAGE_STRATEGIC;
  const AccountRiskHealth result = Evaluate(s);
  EXPECT_EQ(result.risk.value, 100);
  ASSERT_EQ(result.risk.factors.size(), 1u);
  EXPECT_EQ(result.risk.factors[0].id, FactorId::kCustomerChurned);
  EXPECT_EQ(result.health.value, 0);
  EXPECT_EQ(Find(result.health, FactorId::kStrategicStage), nullptr);
}

TEST(RiskChurnedTest, ChurnedAccountIsFullRiskAndNoHealth) {
  AccountSignals s = Neutral();
  s.lifecycle = v1::LIFECYCLE_STATE_CHURNED;
  s.previous_revenue_minor = 1000000;
  s.revenue_minor = 0;
  const AccountRiskHealth result = Evaluate(s);
  EXPECT_EQ(result.risk.value, 100);
  EXPECT_NEAR(result.risk.raw_points, 120, kEps);
  ASSERT_EQ(result.risk.factors.size(), 2u);
  EXPECT_EQ(result.risk.factors[0].id, FactorId::kCustomerChurned);
  EXPECT_EQ(
      result.risk.factors[0].evidence,
      "lifecycle state CHURNED: the customer stopped using every product (docs/domain.md §5)");
  EXPECT_EQ(result.risk.factors[1].id, FactorId::kRevenueDrop);
  EXPECT_EQ(result.health.value, 0);
  EXPECT_EQ(result.health.factors[0].id, FactorId::kCustomerChurned);
  EXPECT_NEAR(result.health.factors[0].points, -100, kEps);
}

// ---------------------------------------------------------------- totals

TEST(RiskScoreTest, FactorsSortedByContributionWithTopThree) {
  AccountSignals s = Revenue(1200000, 792000);   // 20
  s.stage = v1::RELATIONSHIP_STAGE_INTERRUPTED;  // 40
  s.complaint_count = 2;                         // 6.67
  s.sla_breach_count = 3;                        // 10
  s.manager_handovers_12m = 2;                   // 5
  const AccountRiskHealth result = Evaluate(s);
  const std::vector<FactorId> want = {FactorId::kInterrupted, FactorId::kRevenueDrop,
                                      FactorId::kSlaBreaches, FactorId::kComplaints,
                                      FactorId::kManagerHandovers};
  ASSERT_EQ(result.risk.factors.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(result.risk.factors[i].id, want[i])
        << i << ": " << FactorName(result.risk.factors[i].id);
  }
  ASSERT_EQ(result.risk.Top().size(), 3u);
  EXPECT_EQ(result.risk.Top()[2].id, FactorId::kSlaBreaches);
  EXPECT_EQ(result.risk.Top(10).size(), 5u);
  EXPECT_EQ(result.risk.Top(0).size(), 0u);
  EXPECT_EQ(result.risk.value, 82);  // 81.67 rounded
  // Health mirrors the same factors as deductions, same order.
  ASSERT_EQ(result.health.factors.size(), want.size());
  EXPECT_EQ(result.health.factors[0].id, FactorId::kInterrupted);
  EXPECT_NEAR(result.health.factors[0].points, -40, kEps);
  EXPECT_EQ(result.health.value, 0);
}

TEST(RiskScoreTest, EqualContributionsInFactorIdOrder) {
  AccountSignals s = Neutral();
  s.sla_breach_count = 3;  // 10
  s.complaint_count = 3;   // 10
  s.receivables_minor = 100;
  s.overdue_minor = 100;
  s.overdue_90_minor = 100;  // both overdue rules: 10 each
  const AccountRiskHealth result = Evaluate(s);
  ASSERT_EQ(result.risk.factors.size(), 4u);
  EXPECT_EQ(result.risk.factors[0].id, FactorId::kComplaints);
  EXPECT_EQ(result.risk.factors[1].id, FactorId::kSlaBreaches);
  EXPECT_EQ(result.risk.factors[2].id, FactorId::kOverdueShare);
  EXPECT_EQ(result.risk.factors[3].id, FactorId::kOverdue90Share);
}

TEST(RiskScoreTest, CappedAtOneHundred) {
  AccountSignals s = Revenue(100, 0);
  s.stage = v1::RELATIONSHIP_STAGE_INTERRUPTED;
  s.product_lines_lost = 5;
  s.complaint_count = 9;
  s.sla_breach_count = 9;
  s.live_contact_count = 1;
  const AccountRiskHealth result = Evaluate(s);
  EXPECT_EQ(result.risk.value, 100);
  EXPECT_NEAR(result.risk.raw_points, 115, kEps);
  EXPECT_EQ(result.health.value, 0);
}

TEST(RiskScoreTest, RoundsHalfAwayFromZero) {
  RiskHealthPolicy policy;
  policy.risk.manager_handovers.weight = 5;
  AccountSignals s = Neutral();
  s.manager_handovers_12m = 2;  // 2.5 points
  const AccountRiskHealth result = Evaluate(s, policy);
  EXPECT_NEAR(result.risk.raw_points, 2.5, kEps);
  EXPECT_EQ(result.risk.value, 3);
  EXPECT_NEAR(result.health.raw_points, 67.5, kEps);
  EXPECT_EQ(result.health.value, 68);
}

TEST(HealthScoreTest, AllGoodSignsReachOneHundred) {
  AccountSignals s = Revenue(1000000, 1200000);  // +10
  s.csat = {460, 9};                             // +10
  s.nps = 60;                                    // +5
  s.days_since_executive_contact = 30;           // +5
  s.live_contact_count = 5;                      // +5
  s.stage = v1::RELATIONSHIP_STAGE_STRATEGIC;    // +10 (and -10 risk)
  const AccountRiskHealth result = Evaluate(s);
  EXPECT_NEAR(result.health.raw_points, 115, kEps);
  EXPECT_EQ(result.health.value, 100);
  EXPECT_EQ(result.health.factors.size(), 6u);
  // Ties of 10 in FactorId order: STRATEGIC_STAGE, REVENUE_GROWTH, CSAT_HIGH.
  EXPECT_EQ(result.health.Top()[0].id, FactorId::kStrategicStage);
  EXPECT_EQ(result.health.Top()[1].id, FactorId::kRevenueGrowth);
  EXPECT_EQ(result.health.Top()[2].id, FactorId::kCsatHigh);
  EXPECT_EQ(result.risk.value, 0);
}

TEST(RiskScoreTest, ZeroWeightSwitchesARuleOff) {
  RiskHealthPolicy policy;
  policy.risk.interrupted.weight = 0;
  policy.risk.complaints.weight = 0;
  AccountSignals s = Neutral();
  s.stage = v1::RELATIONSHIP_STAGE_INTERRUPTED;
  s.complaint_count = 7;
  const AccountRiskHealth result = Evaluate(s, policy);
  EXPECT_TRUE(result.risk.factors.empty());
  EXPECT_EQ(result.health.value, 70);
}

TEST(RiskScoreTest, PolicyThresholdsApply) {
  RiskHealthPolicy policy;
  policy.risk.revenue_drop = {30, {0, 1000}};  // full 30 points at a 10% drop
  EXPECT_NEAR(RiskPoints(Revenue(1000, 900), FactorId::kRevenueDrop, policy), 30, kEps);
  EXPECT_NEAR(RiskPoints(Revenue(1000, 950), FactorId::kRevenueDrop, policy), 15, kEps);
  const std::optional<Factor> factor =
      Get(Evaluate(Revenue(1000, 950), policy).risk, FactorId::kRevenueDrop);
  ASSERT_TRUE(factor.has_value());
  EXPECT_EQ(factor->evidence,
            "revenue fell 5% (1,000 -> 950 minor units); threshold 10% (linear from 0%)");
}

TEST(RiskScoreTest, OutputIsReusedAcrossAccounts) {
  absl::StatusOr<RiskScorer> scorer = RiskScorer::Create(RiskHealthPolicy());
  ASSERT_TRUE(scorer.ok());
  AccountSignals busy = Revenue(1000, 0);
  busy.complaint_count = 5;
  AccountRiskHealth out;
  ASSERT_TRUE(scorer->Evaluate(busy, &out).ok());
  EXPECT_EQ(out.risk.factors.size(), 2u);
  ASSERT_TRUE(scorer->Evaluate(Neutral(), &out).ok());
  EXPECT_TRUE(out.risk.factors.empty());
  EXPECT_TRUE(out.health.factors.empty());
  EXPECT_EQ(out.risk.value, 0);
  EXPECT_EQ(out.health.value, 70);
}

TEST(FactorNameTest, StableIds) {
  EXPECT_EQ(FactorName(FactorId::kRevenueDrop), "REVENUE_DROP");
  EXPECT_EQ(FactorName(FactorId::kOverdue90Share), "OVERDUE_90_SHARE");
  EXPECT_EQ(FactorName(FactorId::kMultiLevelContacts), "MULTI_LEVEL_CONTACTS");
  EXPECT_EQ(FactorName(static_cast<FactorId>(200)), "UNKNOWN");
}

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
  uint64_t x = i * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull;
  const auto next = [&x](uint64_t range) {
    x ^= x >> 29;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 32;
    return x % range;
  };
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
  uint64_t failures = 0;
  uint64_t bad = 0;
  uint64_t churned_not_full = 0;
  uint64_t factor_count = 0;
  int64_t risk_sum = 0;
  int64_t health_sum = 0;
  const auto started = std::chrono::steady_clock::now();
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
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf(
      "[ scale    ] %llu accounts in %.3f s: %.2f us per account (risk+health, "
      "%.2f factors each, synthetic signals included); mean risk %.1f, mean health "
      "%.1f\n",
      static_cast<unsigned long long>(kAccounts), seconds, seconds * 1e6 / kAccounts,
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
