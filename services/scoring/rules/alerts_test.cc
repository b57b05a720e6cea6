#include "services/scoring/rules/alerts.h"

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <utility>
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

AccountRunResult Result(int64_t id, v1::Tier tier, int32_t risk = 0, int32_t sla = 0,
                        int64_t receivables = 0, int64_t overdue = 0) {
  return {id, tier, risk, sla, receivables, overdue};
}

// Every field of an alert, one per line, so that a failure shows which
// differ.
std::string Fields(const Alert& a) {
  return absl::StrCat("account ", a.account_id, "\nkind ", AlertKindName(a.kind), "\nseverity ",
                      AlertSeverityName(a.severity), "\nmessage ", a.message, "\nevidence ",
                      a.evidence, "\nunit ", static_cast<int>(a.unit), "\nfigure ", a.figure,
                      "\nthreshold ", a.threshold);
}

// Every field of `got` as `want` has it.
void ExpectAlert(const Alert& got, const Alert& want) { EXPECT_EQ(Fields(got), Fields(want)); }

AlertDetector Detector(const AlertPolicy& policy = AlertPolicy()) {
  absl::StatusOr<AlertDetector> detector = AlertDetector::Create(policy);
  EXPECT_TRUE(detector.ok()) << detector.status();
  return *detector;
}

std::vector<Alert> Detect(const AccountRunResult* previous, const AccountRunResult& current,
                          const AlertPolicy& policy = AlertPolicy()) {
  std::vector<Alert> alerts;
  const absl::Status status = Detector(policy).DetectAccount(previous, current, &alerts);
  EXPECT_TRUE(status.ok()) << status;
  return alerts;
}

std::vector<Alert> Detect(const AccountRunResult& previous, const AccountRunResult& current,
                          const AlertPolicy& policy = AlertPolicy()) {
  return Detect(&previous, current, policy);
}

// `alerts` is `want` alone.
void ExpectOnlyAlert(const std::vector<Alert>& alerts, const Alert& want) {
  ASSERT_EQ(alerts.size(), 1u);
  ExpectAlert(alerts[0], want);
}

// A rule with a threshold on one figure of a first result (made by
// `result`): nothing below `warning`, a warning from there, critical from
// `critical` on.
void ExpectSeverities(const std::function<AccountRunResult(int64_t)>& result, int64_t warning,
                      int64_t critical, const AlertPolicy& policy = AlertPolicy()) {
  const auto severities = [&](int64_t figure) {
    std::vector<AlertSeverity> found;
    for (const Alert& alert : Detect(nullptr, result(figure), policy)) {
      found.push_back(alert.severity);
    }
    return found;
  };
  using Severities = std::vector<AlertSeverity>;
  EXPECT_EQ(severities(warning - 1), Severities{});
  EXPECT_EQ(severities(warning), Severities{AlertSeverity::kWarning});
  EXPECT_EQ(severities(critical - 1), Severities{AlertSeverity::kWarning});
  EXPECT_EQ(severities(critical), Severities{AlertSeverity::kCritical});
}

std::vector<AlertKind> Kinds(const std::vector<Alert>& alerts) {
  std::vector<AlertKind> kinds;
  for (const Alert& alert : alerts) kinds.push_back(alert.kind);
  return kinds;
}

using Kind = AlertKind;
constexpr v1::Tier kA = v1::TIER_A;
constexpr v1::Tier kB = v1::TIER_B;
constexpr v1::Tier kC = v1::TIER_C;
constexpr v1::Tier kD = v1::TIER_D;
constexpr v1::Tier kUnrated = v1::TIER_UNSPECIFIED;

// ---------------------------------------------------------------- policy

TEST(AlertPolicyTest, DefaultsAreValid) {
  EXPECT_TRUE(ValidateAlertPolicy(AlertPolicy()).ok());
  const AlertDetector detector = Detector();
  EXPECT_TRUE(detector.IsKeyTier(kA));
  EXPECT_TRUE(detector.IsKeyTier(kB));
  EXPECT_FALSE(detector.IsKeyTier(kC));
  EXPECT_FALSE(detector.IsKeyTier(kD));
  EXPECT_FALSE(detector.IsKeyTier(kUnrated));
  EXPECT_FALSE(detector.IsKeyTier(static_cast<v1::Tier>(40)));
}

TEST(AlertPolicyTest, NamesTheField) {
  AlertPolicy policy;
  policy.key_tiers = {kA, kUnrated};
  ExpectInvalid(ValidateAlertPolicy(policy), "key_tiers[1]", "(got 0)");
  policy.key_tiers = {kA, kB, kA};
  ExpectInvalid(ValidateAlertPolicy(policy), "key_tiers[2]", "repeats TIER_A");
  policy.key_tiers = {static_cast<v1::Tier>(31)};
  ExpectInvalid(ValidateAlertPolicy(policy), "key_tiers[0]");
  policy.key_tiers = {};
  EXPECT_TRUE(ValidateAlertPolicy(policy).ok());

  policy = AlertPolicy();
  policy.churn_risk_threshold = 0;
  ExpectInvalid(ValidateAlertPolicy(policy), "churn_risk_threshold", "(got 0)");
  policy.churn_risk_threshold = 101;
  ExpectInvalid(ValidateAlertPolicy(policy), "churn_risk_threshold", "(got 101)");
  policy = AlertPolicy();
  policy.sla_breach_threshold = 0;
  ExpectInvalid(ValidateAlertPolicy(policy), "sla_breach_threshold");
  policy = AlertPolicy();
  policy.overdue_amount_threshold_minor = -1;
  ExpectInvalid(ValidateAlertPolicy(policy), "overdue_amount_threshold_minor", "(got -1)");
  policy = AlertPolicy();
  policy.agreement_notice_window_days = 0;
  ExpectInvalid(ValidateAlertPolicy(policy), "agreement_notice_window_days", "(got 0)");
  policy.agreement_notice_window_days = 366;
  ExpectInvalid(ValidateAlertPolicy(policy), "agreement_notice_window_days");
  policy = AlertPolicy();
  policy.overdue_share_threshold_bp = 10001;
  ExpectInvalid(ValidateAlertPolicy(policy), "overdue_share_threshold_bp");

  const absl::StatusOr<AlertDetector> detector = AlertDetector::Create(policy);
  ASSERT_FALSE(detector.ok());
  ExpectInvalid(detector.status(), "overdue_share_threshold_bp");
}

TEST(AlertNamesTest, StableNames) {
  const std::pair<Kind, absl::string_view> kinds[] = {
      {Kind::kTierDrop, "TIER_DROP"},
      {Kind::kChurnRiskHigh, "CHURN_RISK_HIGH"},
      {Kind::kSlaBreaches, "SLA_BREACHES"},
      {Kind::kOverdueReceivables, "OVERDUE_RECEIVABLES"},
      {Kind::kAgreementEnding, "AGREEMENT_ENDING"},
  };
  for (const auto& [kind, name] : kinds) EXPECT_EQ(AlertKindName(kind), name);
  EXPECT_EQ(AlertSeverityName(AlertSeverity::kWarning), "WARNING");
  EXPECT_EQ(AlertSeverityName(AlertSeverity::kCritical), "CRITICAL");
}

// ---------------------------------------------------------------- tier drop

TEST(TierDropTest, OffTheKeyListIsCritical) {
  ExpectOnlyAlert(
      Detect(Result(7, kA), Result(7, kC)),
      {7, Kind::kTierDrop, AlertSeverity::kCritical,
       "accounts/7 dropped from tier A to tier C, off the key-account list",
       "tier A in the previous run, C in this run; key tiers A, B", AlertUnit::kTier, 3, 1});
}

TEST(TierDropTest, WithinTheKeyTiersIsAWarning) {
  const std::vector<Alert> alerts = Detect(Result(7, kA), Result(7, kB));
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].severity, AlertSeverity::kWarning);
  EXPECT_EQ(alerts[0].message, "accounts/7 dropped from tier A to tier B");
}

TEST(TierDropTest, NoAlertOtherwise) {
  EXPECT_TRUE(Detect(Result(7, kB), Result(7, kA)).empty());        // promoted
  EXPECT_TRUE(Detect(Result(7, kA), Result(7, kA)).empty());        // same
  EXPECT_TRUE(Detect(Result(7, kC), Result(7, kD)).empty());        // not a key account
  EXPECT_TRUE(Detect(Result(7, kA), Result(7, kUnrated)).empty());  // not rated this run
  EXPECT_TRUE(Detect(nullptr, Result(7, kD)).empty());              // no previous run
}

TEST(TierDropTest, KeyTiersComeFromThePolicy) {
  AlertPolicy policy;
  policy.key_tiers = {kA, kB, kC};
  const std::vector<Alert> alerts = Detect(Result(7, kC), Result(7, kD), policy);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].severity, AlertSeverity::kCritical);
  EXPECT_EQ(alerts[0].evidence, "tier C in the previous run, D in this run; key tiers A, B, C");
  policy.key_tiers = {kA};
  EXPECT_TRUE(Detect(Result(7, kB), Result(7, kD), policy).empty());
}

// ---------------------------------------------------------------- churn risk

TEST(ChurnRiskHighTest, CrossingAtBelowAndAboveThreshold) {
  // Default threshold 70.
  EXPECT_EQ(Kinds(Detect(Result(7, kC, 69), Result(7, kC, 70))),
            std::vector<Kind>{Kind::kChurnRiskHigh});
  EXPECT_TRUE(Detect(Result(7, kC, 50), Result(7, kC, 69)).empty());
  EXPECT_EQ(Kinds(Detect(Result(7, kC, 10), Result(7, kC, 71))),
            std::vector<Kind>{Kind::kChurnRiskHigh});
}

TEST(ChurnRiskHighTest, StayingAboveIsSilentUntilItCrossesAgain) {
  const std::vector<int32_t> runs = {40, 75, 80, 100, 70, 69, 72, 90};
  std::vector<size_t> alerted;
  for (size_t i = 1; i < runs.size(); ++i) {
    if (!Detect(Result(7, kC, runs[i - 1]), Result(7, kC, runs[i])).empty()) alerted.push_back(i);
  }
  EXPECT_EQ(alerted, (std::vector<size_t>{1, 6}));  // 40 -> 75 and 69 -> 72
}

TEST(ChurnRiskHighTest, FirstResultAboveAlerts) {
  const std::vector<Alert> alerts = Detect(nullptr, Result(7, kC, 88));
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].evidence,
            "churn risk 88 in this run, no previous result; threshold 70; "
            "tier C");
  EXPECT_TRUE(Detect(nullptr, Result(7, kC, 69)).empty());
}

TEST(ChurnRiskHighTest, CriticalOnAKeyAccountWarningElsewhere) {
  ExpectOnlyAlert(Detect(Result(7, kA, 30), Result(7, kA, 82)),
                  {7, Kind::kChurnRiskHigh, AlertSeverity::kCritical,
                   "accounts/7 churn risk reached 82 (threshold 70)",
                   "churn risk 82 in this run, 30 in the previous run; threshold 70; tier A",
                   AlertUnit::kScore, 82, 70});
  const std::vector<Alert> other = Detect(Result(8, kD, 30), Result(8, kD, 82));
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(other[0].severity, AlertSeverity::kWarning);
}

TEST(ChurnRiskHighTest, ThresholdFromThePolicy) {
  AlertPolicy policy;
  policy.churn_risk_threshold = 50;
  EXPECT_EQ(Detect(Result(7, kC, 49), Result(7, kC, 50), policy).size(), 1u);
  EXPECT_TRUE(Detect(Result(7, kC, 49), Result(7, kC, 50)).empty());
}

// ---------------------------------------------------------------- SLA breaches

TEST(SlaBreachesTest, AtBelowAndAboveThresholdOnAKeyAccount) {
  // Default threshold 3; twice the threshold is critical.
  ExpectOnlyAlert(Detect(nullptr, Result(7, kA, 0, 3)),
                  {7, Kind::kSlaBreaches, AlertSeverity::kWarning,
                   "accounts/7 had 3 SLA breaches in the period (threshold 3)",
                   "3 SLA breaches in this run's period, no previous result; threshold 3; tier A",
                   AlertUnit::kCount, 3, 3});
  ExpectSeverities(
      [](int64_t breaches) { return Result(7, kA, 0, static_cast<int32_t>(breaches)); }, 3, 6);
}

TEST(SlaBreachesTest, OnlyKeyAccounts) {
  EXPECT_TRUE(Detect(nullptr, Result(7, kC, 0, 30)).empty());
  EXPECT_TRUE(Detect(Result(7, kD), Result(7, kC, 0, 30)).empty());
  // Just demoted: still reported (and the drop too).
  EXPECT_EQ(Kinds(Detect(Result(7, kA), Result(7, kC, 0, 4))),
            (std::vector<Kind>{Kind::kTierDrop, Kind::kSlaBreaches}));
  // Just promoted onto the list: reported.
  EXPECT_EQ(Kinds(Detect(Result(7, kC), Result(7, kB, 0, 4))),
            std::vector<Kind>{Kind::kSlaBreaches});
}

// A designated account is on the key-account list whatever its tier: the
// key-account rules hold for it as for a key tier.
AccountRunResult Designated(AccountRunResult result) {
  result.on_key_list = true;
  return result;
}

TEST(SlaBreachesTest, ADesignatedAccountIsAKeyAccount) {
  ExpectOnlyAlert(Detect(nullptr, Designated(Result(7, kC, 0, 3))),
                  {7, Kind::kSlaBreaches, AlertSeverity::kWarning,
                   "accounts/7 had 3 SLA breaches in the period (threshold 3)",
                   "3 SLA breaches in this run's period, no previous result; threshold 3; tier C, "
                   "designated a key account",
                   AlertUnit::kCount, 3, 3});
  // Overdue money and churn risk count it as a key account too.
  EXPECT_EQ(Kinds(Detect(nullptr, Designated(Result(7, kD, 0, 0, 1000, 500)))),
            std::vector<Kind>{Kind::kOverdueReceivables});
  const std::vector<Alert> risk = Detect(Result(7, kC, 10), Designated(Result(7, kC, 80)));
  ASSERT_EQ(risk.size(), 1u);
  EXPECT_EQ(risk[0].severity, AlertSeverity::kCritical);
}

TEST(TierDropTest, ADesignatedAccountStaysOnTheList) {
  // B to C while designated: a drop of a key account, still on the list.
  const std::vector<Alert> alerts = Detect(Designated(Result(7, kB)), Designated(Result(7, kC)));
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].severity, AlertSeverity::kWarning);
  EXPECT_EQ(alerts[0].message, "accounts/7 dropped from tier B to tier C");
  // C to D while designated: reported, as for a key tier.
  EXPECT_EQ(Kinds(Detect(Designated(Result(7, kC)), Designated(Result(7, kD)))),
            std::vector<Kind>{Kind::kTierDrop});
}

TEST(SlaBreachesTest, NewOrPilingUpButNotRepeated) {
  EXPECT_EQ(Detect(Result(7, kA, 0, 2), Result(7, kA, 0, 3)).size(), 1u);  // new
  EXPECT_TRUE(Detect(Result(7, kA, 0, 3), Result(7, kA, 0, 3)).empty());   // unchanged
  EXPECT_TRUE(Detect(Result(7, kA, 0, 5), Result(7, kA, 0, 4)).empty());   // fewer
  const std::vector<Alert> more = Detect(Result(7, kA, 0, 3), Result(7, kA, 0, 4));
  ASSERT_EQ(more.size(), 1u);  // piling up
  EXPECT_EQ(more[0].evidence,
            "4 SLA breaches in this run's period, 3 in the previous run's; threshold 3; tier A");
}

// ---------------------------------------------------------------- overdue

TEST(OverdueReceivablesTest, ShareAtBelowAndAboveThreshold) {
  // Default: 20% of receivables (critical from twice that); the amount rule
  // is off.
  ExpectOnlyAlert(Detect(nullptr, Result(7, kB, 0, 0, 1000000, 200000)),
                  {7, Kind::kOverdueReceivables, AlertSeverity::kWarning,
                   "accounts/7 has 200,000 minor units overdue (20% of receivables)",
                   "overdue 200,000 of 1,000,000 minor units receivable (20%), no previous "
                   "result; thresholds: amount off, share 20%; tier B",
                   AlertUnit::kBasisPoints, 2000, 2000});
  ExpectSeverities([](int64_t overdue) { return Result(7, kB, 0, 0, 1000000, overdue); }, 200000,
                   400000);
  EXPECT_TRUE(Detect(nullptr, Result(7, kB, 0, 0, 0, 0)).empty());
}

TEST(OverdueReceivablesTest, AmountAtBelowAndAboveThreshold) {
  AlertPolicy policy;
  policy.overdue_amount_threshold_minor = 500000;
  policy.overdue_share_threshold_bp = 0;  // amount only
  const std::vector<Alert> at = Detect(nullptr, Result(7, kA, 0, 0, 10000000, 500000), policy);
  ASSERT_EQ(at.size(), 1u);
  EXPECT_EQ(at[0].unit, AlertUnit::kMinorUnits);
  EXPECT_EQ(at[0].figure, 500000);
  EXPECT_EQ(at[0].threshold, 500000);
  EXPECT_EQ(at[0].evidence,
            "overdue 500,000 of 10,000,000 minor units receivable (5%), no previous result; "
            "thresholds: amount 500,000 minor units, share off; tier A");
  ExpectSeverities([](int64_t overdue) { return Result(7, kA, 0, 0, 10000000, overdue); }, 500000,
                   1000000, policy);
}

TEST(OverdueReceivablesTest, EitherRuleAndBothOff) {
  AlertPolicy policy;
  policy.overdue_amount_threshold_minor = 500000;  // and the default 20% share
  // Share holds, amount does not: reported as a share.
  const std::vector<Alert> share = Detect(nullptr, Result(7, kA, 0, 0, 1000, 300), policy);
  ASSERT_EQ(share.size(), 1u);
  EXPECT_EQ(share[0].unit, AlertUnit::kBasisPoints);
  // Amount holds, share does not: reported as an amount.
  const std::vector<Alert> amount = Detect(nullptr, Result(7, kA, 0, 0, 100000000, 600000), policy);
  ASSERT_EQ(amount.size(), 1u);
  EXPECT_EQ(amount[0].unit, AlertUnit::kMinorUnits);
  policy.overdue_amount_threshold_minor = 0;
  policy.overdue_share_threshold_bp = 0;
  EXPECT_TRUE(Detect(nullptr, Result(7, kA, 0, 0, 1000, 1000), policy).empty());
}

TEST(OverdueReceivablesTest, NewOrPilingUpButNotRepeatedAndKeyOnly) {
  const AccountRunResult before = Result(7, kA, 0, 0, 1000000, 300000);
  EXPECT_TRUE(Detect(before, Result(7, kA, 0, 0, 1000000, 300000)).empty());
  EXPECT_TRUE(Detect(before, Result(7, kA, 0, 0, 1000000, 250000)).empty());
  const std::vector<Alert> more = Detect(before, Result(7, kA, 0, 0, 1200000, 350000));
  ASSERT_EQ(more.size(), 1u);
  EXPECT_EQ(more[0].evidence,
            "overdue 350,000 of 1,200,000 minor units receivable (29.16%), 300,000 in the "
            "previous run; thresholds: amount off, share 20%; tier A");
  EXPECT_EQ(
      Detect(Result(7, kA, 0, 0, 1000000, 100000), Result(7, kA, 0, 0, 1000000, 200000)).size(),
      1u);
  EXPECT_TRUE(Detect(nullptr, Result(7, kC, 0, 0, 1000000, 900000)).empty());
}

// ---------------------------------------------------------------- one account, all kinds

// ---------------------------------------------------------------- agreement ending

// 2027-02-01T00:00:00Z and 2027-01-02T00:00:00Z (30 days' notice), in
// microseconds.
constexpr int64_t kEnd = 1801440000LL * 1000000;
constexpr int64_t kNotice = 1798848000LL * 1000000;

// A result of account 7 (tier `tier`) whose agreement 9 ends at `end` with
// its notice deadline at `notice`; `due` and `days_left` as a run found them.
AccountRunResult WithAgreement(v1::Tier tier, bool due, int32_t days_left, int64_t end = kEnd,
                               int64_t notice = kNotice, int64_t agreement = 9) {
  AccountRunResult r = Result(7, tier);
  r.agreement.id = agreement;
  r.agreement.end_us = end;
  r.agreement.notice_us = notice;
  r.agreement.due = due;
  r.agreement.days_left = days_left;
  return r;
}

TEST(AgreementEndingTest, WithinTheWindowOnce) {
  ExpectOnlyAlert(
      Detect(nullptr, WithAgreement(kC, true, 24)),
      {7, Kind::kAgreementEnding, AlertSeverity::kWarning,
       "accounts/7: agreement agreements/9 ends 2027-02-01; notice deadline 2027-01-02 in 24 days",
       "notice deadline 2027-01-02, 24 days after this run; window 60 days; not within it in the "
       "previous run; tier C",
       AlertUnit::kDays, 24, 60});
  // Not due yet in the previous run: raised now.
  EXPECT_EQ(Kinds(Detect(WithAgreement(kC, false, 70), WithAgreement(kC, true, 55))),
            std::vector<Kind>{Kind::kAgreementEnding});
  // Due in the previous run already, same agreement and end: silent.
  EXPECT_TRUE(Detect(WithAgreement(kC, true, 30), WithAgreement(kC, true, 23)).empty());
  // Not due, or no agreement: nothing.
  EXPECT_TRUE(Detect(nullptr, WithAgreement(kC, false, 90)).empty());
  EXPECT_TRUE(Detect(nullptr, Result(7, kC)).empty());
}

TEST(AgreementEndingTest, AMovedEndOrAnotherAgreementRaisesItAgain) {
  const AccountRunResult before = WithAgreement(kC, true, 5);
  // Renewed to end a year later, and that end comes within the window.
  const int64_t year = 365LL * 24 * 3600 * 1000000;
  EXPECT_EQ(Kinds(Detect(before, WithAgreement(kC, true, 40, kEnd + year, kNotice + year))),
            std::vector<Kind>{Kind::kAgreementEnding});
  // Another agreement is now the one ending soonest.
  EXPECT_EQ(Kinds(Detect(before, WithAgreement(kC, true, 5, kEnd, kNotice, 10))),
            std::vector<Kind>{Kind::kAgreementEnding});
}

TEST(AgreementEndingTest, CriticalOnAKeyAccountOrPastTheDeadline) {
  std::vector<Alert> key = Detect(nullptr, WithAgreement(kA, true, 24));
  ASSERT_EQ(key.size(), 1u);
  EXPECT_EQ(key[0].severity, AlertSeverity::kCritical);
  std::vector<Alert> late = Detect(nullptr, WithAgreement(kD, true, -3));
  ASSERT_EQ(late.size(), 1u);
  EXPECT_EQ(late[0].severity, AlertSeverity::kCritical);
  EXPECT_TRUE(absl::EndsWith(late[0].message, "notice deadline 2027-01-02 passed 3 days ago"))
      << late[0].message;
}

TEST(AlertOrderTest, OneAlertPerKindInKindOrder) {
  const std::vector<Alert> alerts =
      Detect(Result(7, kA, 10, 0, 100, 0), Result(7, kB, 95, 9, 100, 90));
  EXPECT_EQ(Kinds(alerts), (std::vector<Kind>{Kind::kTierDrop, Kind::kChurnRiskHigh,
                                              Kind::kSlaBreaches, Kind::kOverdueReceivables}));
  for (const Alert& alert : alerts) EXPECT_EQ(alert.account_id, 7);
  EXPECT_EQ(alerts[2].evidence,
            "9 SLA breaches in this run's period, 0 in the previous run's; threshold 3; tier B "
            "(previously A)");
}

TEST(AlertInputTest, DetectAccountValidates) {
  const AlertDetector detector = Detector();
  std::vector<Alert> alerts;
  ExpectInvalid(detector.DetectAccount(nullptr, Result(0, kA), &alerts), "current.account_id",
                "(got 0)");
  ExpectInvalid(detector.DetectAccount(nullptr, Result(7, kA, 101), &alerts), "current.churn_risk",
                "(got 101)");
  ExpectInvalid(detector.DetectAccount(nullptr, Result(7, kA, 1, -1), &alerts),
                "current.sla_breach_count");
  ExpectInvalid(detector.DetectAccount(nullptr, Result(7, kA, 1, 0, 10, 11), &alerts),
                "current.overdue_minor", "(got 11)");
  ExpectInvalid(detector.DetectAccount(nullptr, Result(7, kA, 1, 0, -1, 0), &alerts),
                "current.receivables_minor");
  ExpectInvalid(detector.DetectAccount(nullptr, Result(7, static_cast<v1::Tier>(9)), &alerts),
                "current.tier", "(got 9)");
  const AccountRunResult other = Result(8, kA);
  ExpectInvalid(detector.DetectAccount(&other, Result(7, kB), &alerts), "previous.account_id",
                "must equal current.account_id (7) (got 8)");
  const AccountRunResult bad = Result(7, kA, -5);
  ExpectInvalid(detector.DetectAccount(&bad, Result(7, kB), &alerts), "previous.churn_risk");
  EXPECT_TRUE(alerts.empty());
}

// ---------------------------------------------------------------- whole runs

TEST(DetectRunTest, MatchesByAccountAndSortsByAccountThenKind) {
  const std::vector<AccountRunResult> previous = {
      Result(30, kA, 20),  // drops to C
      Result(10, kB, 75),  // stays above: silent
      Result(20, kC, 10),  // crosses
      Result(99, kA, 99),  // gone from this run: silent
  };
  const std::vector<AccountRunResult> current = {
      Result(20, kC, 71),
      Result(40, kB, 80, 3),  // new account: crosses, SLA
      Result(30, kC, 20),
      Result(10, kB, 90),
  };
  const absl::StatusOr<std::vector<Alert>> alerts = Detector().DetectRun(previous, current);
  ASSERT_TRUE(alerts.ok()) << alerts.status();
  std::vector<std::string> got;
  for (const Alert& alert : *alerts) {
    got.push_back(absl::StrCat(alert.account_id, " ", AlertKindName(alert.kind)));
  }
  EXPECT_EQ(got, (std::vector<std::string>{"20 CHURN_RISK_HIGH", "30 TIER_DROP",
                                           "40 CHURN_RISK_HIGH", "40 SLA_BREACHES"}));
}

TEST(DetectRunTest, EmptyRuns) {
  const absl::StatusOr<std::vector<Alert>> none = Detector().DetectRun({}, {});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  const std::vector<AccountRunResult> previous = {Result(1, kA, 90)};
  EXPECT_TRUE(Detector().DetectRun(previous, {})->empty());
}

TEST(DetectRunTest, RefusesDuplicatesAndBadResults) {
  const std::vector<AccountRunResult> twice = {Result(5, kA), Result(6, kA), Result(5, kB)};
  const absl::StatusOr<std::vector<Alert>> duplicate = Detector().DetectRun({}, twice);
  ASSERT_FALSE(duplicate.ok());
  ExpectInvalid(duplicate.status(), "current[2].account_id", "repeats account 5 (also current[0])");
  const absl::StatusOr<std::vector<Alert>> previous_twice = Detector().DetectRun(twice, {});
  ExpectInvalid(previous_twice.status(), "previous[2].account_id");
  const std::vector<AccountRunResult> bad = {Result(5, kA), Result(6, kA, 200)};
  ExpectInvalid(Detector().DetectRun(bad, {}).status(), "previous[1].churn_risk", "(got 200)");
  ExpectInvalid(Detector().DetectRun({}, bad).status(), "current[1].churn_risk");
}

// Deterministic synthetic runs: the second moves tiers, risk, breaches and
// overdue amounts a little.
AccountRunResult SyntheticResult(uint64_t i, int run) {
  Mixer next((i + 1) * 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(run) * 0xD1B54A32D192ED03ull,
             31, 29);
  AccountRunResult r;
  r.account_id = static_cast<int64_t>(i + 1);
  const uint64_t rank = (i * 7919) % 100;  // stable base tier: 1% A, 4% B, 15% C, 80% D
  int tier = rank < 1 ? 1 : rank < 5 ? 2 : rank < 20 ? 3 : 4;
  if (run == 1 && next(20) == 0) tier = tier < 4 ? tier + 1 : tier;
  r.tier = static_cast<v1::Tier>(tier);
  r.churn_risk = static_cast<int32_t>(next(101));
  r.sla_breach_count = static_cast<int32_t>(next(6));
  r.receivables_minor = static_cast<int64_t>(next(2000000));
  r.overdue_minor = r.receivables_minor == 0 ? 0 : static_cast<int64_t>(next(r.receivables_minor));
  return r;
}

TEST(DetectRunTest, OneMillionAccounts) {
  constexpr uint64_t kAccounts = 1000000;
  std::vector<AccountRunResult> previous;
  std::vector<AccountRunResult> current;
  previous.reserve(kAccounts);
  current.reserve(kAccounts);
  for (uint64_t i = 0; i < kAccounts; ++i) {
    previous.push_back(SyntheticResult(i, 0));
    current.push_back(SyntheticResult(kAccounts - 1 - i, 1));  // reversed: the join must sort
  }
  const AlertDetector detector = Detector();
  const absl::StatusOr<std::vector<Alert>> alerts = detector.DetectRun(previous, current);
  ASSERT_TRUE(alerts.ok()) << alerts.status();

  // The same as checking each account on its own (previous[i] is account i+1).
  std::vector<Alert> one_by_one;
  for (uint64_t i = 0; i < kAccounts; ++i) {
    const AccountRunResult& now = current[kAccounts - 1 - i];
    ASSERT_TRUE(detector.DetectAccount(&previous[i], now, &one_by_one).ok());
  }
  ASSERT_EQ(alerts->size(), one_by_one.size());
  for (size_t k = 0; k < one_by_one.size(); ++k) {
    ASSERT_EQ((*alerts)[k].account_id, one_by_one[k].account_id) << k;
    ASSERT_EQ((*alerts)[k].kind, one_by_one[k].kind) << k;
    ASSERT_EQ((*alerts)[k].message, one_by_one[k].message) << k;
  }
  for (size_t k = 1; k < alerts->size(); ++k) {
    const Alert& a = (*alerts)[k - 1];
    const Alert& b = (*alerts)[k];
    ASSERT_TRUE(a.account_id < b.account_id || (a.account_id == b.account_id && a.kind < b.kind))
        << k;
  }
}

}  // namespace
}  // namespace kam::scoring::rules
