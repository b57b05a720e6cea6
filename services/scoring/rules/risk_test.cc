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
#include "services/scoring/rules/rules_testing.h"

namespace kam::scoring::rules {
namespace {

namespace v1 = ::kam::account::v1;

// The points `id` adds to risk; 0 when it is not a factor.
double RiskPoints(const AccountSignals& signals, FactorId id,
                  const RiskHealthPolicy& policy = RiskHealthPolicy()) {
  const AccountRiskHealth result = Evaluate(signals, policy);
  const Factor* factor = Find(result.risk, id);
  return factor == nullptr ? 0 : factor->points;
}

// ---------------------------------------------------------------- neutral

TEST(RiskTest, NeutralAccountHasNoFactors) {
  const AccountRiskHealth result = Evaluate(Neutral());
  EXPECT_EQ(result.risk.value, 0);
  EXPECT_TRUE(result.risk.factors.empty());
  EXPECT_EQ(result.health.value, 70);
  EXPECT_TRUE(result.health.factors.empty());
  EXPECT_TRUE(result.risk.Top().empty());
}

// ---------------------------------------------------------------- signals

// The points `id` adds to risk or to health (whichever it belongs to).
double Points(const AccountSignals& signals, FactorId id) {
  const AccountRiskHealth result = Evaluate(signals);
  if (const Factor* factor = Find(result.risk, id)) return factor->points;
  if (const Factor* factor = Find(result.health, id)) return factor->points;
  return 0;
}

// Each rule at, below and above its threshold and along its ramp, with the
// defaults (docs/domain.md §4-§8 for the rules).
struct PointsCase {
  const char* what;
  AccountSignals signals;
  FactorId factor;
  double points;
};

const std::vector<PointsCase>& PointsCases() {
  using F = FactorId;
  using S = AccountSignals;
  static const auto* cases = new std::vector<PointsCase>{
      // Revenue: counts above a 5% fall, full (20 points) at 20%.
      {"fall of 20%", Revenue(1000000, 800000), F::kRevenueDrop, 20},
      {"19.9999% floors to 1999 bp", Revenue(1000000, 800001), F::kRevenueDrop, 20.0 * 1499 / 1500},
      {"fall of 30%", Revenue(1000000, 700000), F::kRevenueDrop, 20},
      {"fall to nothing", Revenue(1000000, 0), F::kRevenueDrop, 20},
      {"fall below zero", Revenue(1000000, -500000), F::kRevenueDrop, 20},
      {"fall of 5%", Revenue(1000000, 950000), F::kRevenueDrop, 0},
      {"fall of 4%", Revenue(1000000, 960000), F::kRevenueDrop, 0},
      {"just past the ramp start", Revenue(1000000, 949900), F::kRevenueDrop, 20.0 / 1500},
      {"halfway along the ramp", Revenue(1000000, 875000), F::kRevenueDrop, 10},
      {"growth of 20%", Revenue(1000000, 1200000), F::kRevenueGrowth, 10},
      {"growth of 10%", Revenue(1000000, 1100000), F::kRevenueGrowth, 5},
      {"growth of 400%", Revenue(1000000, 5000000), F::kRevenueGrowth, 10},
      // Counts.
      {"no product line lost", Neutral(), F::kBusinessChurn, 0},
      {"one product line lost is half", With(&S::product_lines_lost, 1), F::kBusinessChurn, 10},
      {"two product lines lost", With(&S::product_lines_lost, 2), F::kBusinessChurn, 20},
      {"three product lines lost", With(&S::product_lines_lost, 3), F::kBusinessChurn, 20},
      {"3 complaints", With(&S::complaint_count, 3), F::kComplaints, 10},
      {"2 complaints", With(&S::complaint_count, 2), F::kComplaints, 20.0 / 3},
      {"4 complaints", With(&S::complaint_count, 4), F::kComplaints, 10},
      {"1 complaint", With(&S::complaint_count, 1), F::kComplaints, 10.0 / 3},
      {"no complaint", With(&S::complaint_count, 0), F::kComplaints, 0},
      {"3 SLA breaches", With(&S::sla_breach_count, 3), F::kSlaBreaches, 10},
      {"2 SLA breaches", With(&S::sla_breach_count, 2), F::kSlaBreaches, 20.0 / 3},
      {"4 SLA breaches", With(&S::sla_breach_count, 4), F::kSlaBreaches, 10},
      {"no SLA breach", With(&S::sla_breach_count, 0), F::kSlaBreaches, 0},
      // Receivables: counts above 10% overdue, full (10 points) at 30%.
      {"30% overdue", Receivables(1000000, 300000), F::kOverdueShare, 10},
      {"just under 30% overdue", Receivables(1000000, 299999), F::kOverdueShare,
       10.0 * 1999 / 2000},
      {"40% overdue", Receivables(1000000, 400000), F::kOverdueShare, 10},
      {"10% overdue", Receivables(1000000, 100000), F::kOverdueShare, 0},
      {"10.01% overdue", Receivables(1000000, 100100), F::kOverdueShare, 10.0 / 2000},
      {"10% over 90 days", Receivables(1000000, 100000, 100000), F::kOverdue90Share, 10},
      {"just under 10% over 90 days", Receivables(1000000, 100000, 99999), F::kOverdue90Share,
       10.0 * 999 / 1000},
      {"20% over 90 days", Receivables(1000000, 200000, 200000), F::kOverdue90Share, 10},
      {"nothing over 90 days", Receivables(1000000, 100000, 0), F::kOverdue90Share, 0},
      {"under one basis point is 0%", Receivables(1000000, 100000, 99), F::kOverdue90Share, 0},
      // Satisfaction: CSAT counts below 4.00, full (10 points) at 3.00.
      {"CSAT 3.00", Csat(300, 5), F::kCsatLow, 10},
      {"CSAT 3.01", Csat(301, 5), F::kCsatLow, 9.9},
      {"CSAT 2.99", Csat(299, 5), F::kCsatLow, 10},
      {"CSAT 4.00", Csat(400, 5), F::kCsatLow, 0},
      {"CSAT 3.99", Csat(399, 5), F::kCsatLow, 0.1},
      {"CSAT fell 0.50", Csat(400, 5, 450, 5), F::kCsatDrop, 10},
      {"CSAT fell 0.49", Csat(401, 5, 450, 5), F::kCsatDrop, 10.0 * 39 / 40},
      {"CSAT fell 0.51", Csat(399, 5, 450, 5), F::kCsatDrop, 10},
      {"CSAT fell 0.10", Csat(440, 5, 450, 5), F::kCsatDrop, 0},
      {"CSAT rose", Csat(460, 5, 450, 5), F::kCsatDrop, 0},
      {"CSAT 4.50", Csat(450, 5), F::kCsatHigh, 10},
      {"CSAT 4.25", Csat(425, 5), F::kCsatHigh, 5},
      {"CSAT 4.00 is not high", Csat(400, 5), F::kCsatHigh, 0},
      {"no surveys", Csat(500, 0), F::kCsatHigh, 0},
      {"NPS -50", With(&S::nps, -50), F::kNpsLow, 5},
      {"NPS -49", With(&S::nps, -49), F::kNpsLow, 4.9},
      {"NPS -51", With(&S::nps, -51), F::kNpsLow, 5},
      {"NPS 0", With(&S::nps, 0), F::kNpsLow, 0},
      {"NPS 50", With(&S::nps, 50), F::kNpsHigh, 5},
      {"NPS 35", With(&S::nps, 35), F::kNpsHigh, 2.5},
      // Contact: a cadence of 30 days counts once overdue, full at 60.
      {"60 days", ManagerContact(60, 30), F::kManagerContactOverdue, 10},
      {"59 days", ManagerContact(59, 30), F::kManagerContactOverdue, 10.0 * 29 / 30},
      {"61 days", ManagerContact(61, 30), F::kManagerContactOverdue, 10},
      {"30 days", ManagerContact(30, 30), F::kManagerContactOverdue, 0},
      {"today", ManagerContact(0, 30), F::kManagerContactOverdue, 0},
      {"31 days", ManagerContact(31, 30), F::kManagerContactOverdue, 10.0 / 30},
      {"executive 360 days", ExecutiveContact(360), F::kExecutiveContactOverdue, 5},
      {"executive 270 days", ExecutiveContact(270), F::kExecutiveContactOverdue, 2.5},
      {"executive 180 days", ExecutiveContact(180), F::kExecutiveContactOverdue, 0},
      {"executive 90 days ago", ExecutiveContact(90, 0), F::kExecutiveContactRecent, 5},
      {"executive 135 days ago", ExecutiveContact(135, 0), F::kExecutiveContactRecent, 2.5},
      {"executive 180 days ago", ExecutiveContact(180, 0), F::kExecutiveContactRecent, 0},
      // People.
      {"3 handovers", With(&S::manager_handovers_12m, 3), F::kManagerHandovers, 10},
      {"2 handovers", With(&S::manager_handovers_12m, 2), F::kManagerHandovers, 5},
      {"4 handovers", With(&S::manager_handovers_12m, 4), F::kManagerHandovers, 10},
      {"1 handover is ordinary turnover", With(&S::manager_handovers_12m, 1), F::kManagerHandovers,
       0},
      {"1 live contact", With(&S::live_contact_count, 1), F::kSingleContact, 15},
      {"no live contact", With(&S::live_contact_count, 0), F::kSingleContact, 15},
      {"2 live contacts", With(&S::live_contact_count, 2), F::kSingleContact, 0},
      // Levels covered, not heads: one level is no multi-level relationship.
      {"all 3 levels", With(&S::contact_levels, ContactLevels{true, true, true}),
       F::kMultiLevelContacts, 5},
      {"2 levels", With(&S::contact_levels, ContactLevels{true, false, true}),
       F::kMultiLevelContacts, 2.5},
      {"1 level", With(&S::contact_levels, ContactLevels{false, false, true}),
       F::kMultiLevelContacts, 0},
      {"40 contacts, no level recorded", With(&S::live_contact_count, 40), F::kMultiLevelContacts,
       0},
  };
  return *cases;
}

TEST(RiskRulesTest, PointsAtBelowAndAboveEachThreshold) {
  for (const PointsCase& c : PointsCases()) {
    EXPECT_NEAR(Points(c.signals, c.factor), c.points, kEps)
        << c.what << " (" << FactorName(c.factor) << ")";
  }
}

// What each rule says of an account, in the API's words.
struct EvidenceCase {
  AccountSignals signals;
  FactorId factor;
  const char* evidence;
};

TEST(RiskRulesTest, EvidenceNamesTheFiguresAndTheThreshold) {
  using F = FactorId;
  using S = AccountSignals;
  const EvidenceCase cases[] = {
      {Revenue(800000, 1000000), F::kRevenueGrowth,
       "revenue grew 25% (800,000 -> 1,000,000 minor units); threshold 20% (linear from 0%)"},
      {With(&S::complaint_count, 1), F::kComplaints,
       "1 complaint in the period; threshold 3 (linear from 0)"},
      {With(&S::sla_breach_count, 3), F::kSlaBreaches,
       "3 SLA breaches in the period; threshold 3 (linear from 0)"},
      {With(&S::product_lines_lost, 3), F::kBusinessChurn,
       "3 product lines lost in the period (business churn, docs/domain.md §5); threshold 2 "
       "(linear from 0)"},
      {Receivables(1000000, 250000), F::kOverdueShare,
       "25% of receivables overdue (250,000 of 1,000,000 minor units); threshold 30% "
       "(linear from 10%)"},
      {Csat(340, 12), F::kCsatLow,
       "CSAT 3.40 of 5 (12 surveys); threshold 3.00 (linear from 4.00)"},
      {Csat(380, 4, 420, 6), F::kCsatDrop,
       "CSAT fell 0.40 (4.20 -> 3.80); threshold 0.50 (linear from 0.10)"},
      {With(&S::nps, -50), F::kNpsLow, "NPS -50; threshold -50 (linear from 0)"},
      {ManagerContact(std::nullopt, 30), F::kManagerContactOverdue,
       "no account-manager-level contact on record; cadence 30 days; threshold 60 days "
       "(linear from 30 days)"},
      {ExecutiveContact(std::nullopt), F::kExecutiveContactOverdue,
       "no executive-level contact on record; cadence 180 days; threshold 360 days "
       "(linear from 180 days)"},
      {ExecutiveContact(12, 0), F::kExecutiveContactRecent,
       "executive-level contact 12 days ago (docs/domain.md §7); threshold 90 days (linear from "
       "180 days)"},
      {With(&S::manager_handovers_12m, 3), F::kManagerHandovers,
       "3 account-manager handovers in 12 months (docs/domain.md §4); threshold 3 (linear "
       "from 1)"},
      {With(&S::live_contact_count, 1), F::kSingleContact,
       "1 live contact: the relationship lives in too few people (docs/domain.md §4, §8); "
       "threshold 1"},
      {With(&S::live_contact_count, 0), F::kSingleContact,
       "no live contacts on record; threshold 1"},
      {With(&S::contact_levels, ContactLevels{true, false, true}), F::kMultiLevelContacts,
       "2 of 3 levels covered: executive, front line (docs/domain.md §4); threshold 3 (linear "
       "from 1)"},
      {With(&S::contact_levels, ContactLevels{true, true, true}), F::kMultiLevelContacts,
       "3 of 3 levels covered: executive, management, front line (docs/domain.md §4); "
       "threshold 3 (linear from 1)"},
  };
  for (const EvidenceCase& c : cases) {
    const AccountRiskHealth result = Evaluate(c.signals);
    const Factor* factor = Find(result.risk, c.factor);
    if (factor == nullptr) factor = Find(result.health, c.factor);
    ASSERT_NE(factor, nullptr) << FactorName(c.factor);
    EXPECT_EQ(factor->evidence, c.evidence);
  }
}

TEST(RiskRevenueDropTest, FiguresOfTheFactor) {
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

TEST(HealthRevenueGrowthTest, GrowthAloneRaisesHealthOnly) {
  const AccountRiskHealth result = Evaluate(Revenue(800000, 1000000));
  ASSERT_EQ(result.health.factors.size(), 1u);
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

TEST(RiskSignalsTest, MissingFiguresAreNoSignal) {
  EXPECT_TRUE(Evaluate(Receivables(0, 0, 0)).risk.factors.empty());
  // No surveys this period: no CSAT rule, whatever the stale average says.
  EXPECT_TRUE(Evaluate(Csat(0, 0, 450, 5)).risk.factors.empty());
  EXPECT_TRUE(Evaluate(Csat(100, 0)).risk.factors.empty());
  // Surveys now but none before: the level counts, the fall cannot.
  const AccountRiskHealth csat = Evaluate(Csat(350, 3, 0, 0));
  EXPECT_NE(Find(csat.risk, FactorId::kCsatLow), nullptr);
  EXPECT_EQ(Find(csat.risk, FactorId::kCsatDrop), nullptr);
  // No NPS.
  EXPECT_TRUE(Evaluate(With(&AccountSignals::nps, std::nullopt)).risk.factors.empty());
  EXPECT_TRUE(Evaluate(With(&AccountSignals::nps, std::nullopt)).health.factors.empty());
  // No cadence: no contact rule, even if never contacted.
  EXPECT_TRUE(Evaluate(ManagerContact(std::nullopt, 0)).risk.factors.empty());
  EXPECT_TRUE(Evaluate(ManagerContact(10000, 0)).risk.factors.empty());
  // The manager-level rule has no cadence here and stays silent.
  EXPECT_EQ(Find(Evaluate(ExecutiveContact(std::nullopt)).risk, FactorId::kManagerContactOverdue),
            nullptr);
}

TEST(RiskManagerContactTest, FiguresOfTheFactor) {
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

// docs/domain.md §4: relationships at several levels. Three contacts at the
// front line are one level; one contact at each level is all three. The
// head count is the same, so SINGLE_CONTACT sees no difference.
TEST(HealthScoreTest, ContactsAtEachLevelBeatTheSameHeadCountAtOne) {
  AccountSignals one_level = Neutral();
  one_level.live_contact_count = 3;
  one_level.contact_levels.front_line = true;
  AccountSignals each_level = Neutral();
  each_level.live_contact_count = 3;
  each_level.contact_levels = {true, true, true};
  const AccountRiskHealth narrow = Evaluate(one_level);
  const AccountRiskHealth wide = Evaluate(each_level);
  EXPECT_EQ(Find(narrow.health, FactorId::kMultiLevelContacts), nullptr);
  const Factor* multi_level = Find(wide.health, FactorId::kMultiLevelContacts);
  ASSERT_NE(multi_level, nullptr);
  EXPECT_NEAR(multi_level->points, 5, kEps);
  EXPECT_EQ(multi_level->figure, 3);
  EXPECT_EQ(narrow.health.value, 70);
  EXPECT_EQ(wide.health.value, 75);
  EXPECT_EQ(narrow.risk.value, wide.risk.value);
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
  s.live_contact_count = 5;
  s.contact_levels = {true, true, true};         // +5
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

TEST(CsatAverageTest, RoundsHalfUpInHundredthsOnTheOneToFiveScale) {
  EXPECT_EQ(CsatAverage(3, 13).average_hundredths, 433);  // 4.333...
  EXPECT_EQ(CsatAverage(2, 9).average_hundredths, 450);
  EXPECT_EQ(CsatAverage(3, 14).average_hundredths, 467);  // 4.666... rounds up
  EXPECT_EQ(CsatAverage(2, 9).survey_count, 2);
  EXPECT_EQ(CsatAverage(0, 0).survey_count, 0);  // no answers: no signal
  EXPECT_EQ(CsatAverage(0, 0).average_hundredths, 0);
  // A group's or a manager's answers together.
  EXPECT_EQ(CsatAverage(8, 35).average_hundredths, 438);  // 4.375 -> 4.38
  EXPECT_EQ(CsatAverage(1, 5).average_hundredths, 500);
}

}  // namespace
}  // namespace kam::scoring::rules
