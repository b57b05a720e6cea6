// Churn risk and relationship health of one account: explainable, rule-based
// scores from the facts of a period (docs/domain.md §4, §5, §7, §8). Pure: no I/O.
//
// Both scores run 0..100. Risk high is bad; health high is good.
//
// How a score is made
//   Every rule measures one figure (revenue drop in basis points, complaint
//   count, days without contact, ...) and turns it into a severity in [0, 1]
//   with a linear ramp (`Ramp`): 0 at or before `start`, 1 at or beyond
//   `full` (the threshold), linear in between. A rule's contribution is
//   weight x severity points; a rule with severity 0 or weight 0 is not a
//   factor. Yes/no rules (INTERRUPTED stage, CHURNED, STRATEGIC stage) have
//   severity 0 or 1.
//
//   risk   = clamp(round(sum of risk contributions), 0, 100)
//   health = clamp(round(health.base - sum of positive risk contributions
//                        + sum of health contributions), 0, 100)
//
//   Rounding is half away from zero. Risk contributions are positive except
//   the STRATEGIC stage, which lowers risk (a strategic supplier is the hardest
//   to replace, §4). Health starts from a base (70: an account we know
//   nothing about is "fair", not "excellent"), loses exactly the points each
//   risk factor adds to risk, and gains points for good signs (revenue growth,
//   high CSAT and NPS, recent executive contact, a multi-level relationship,
//   the STRATEGIC stage). So the two scores move in opposite directions on
//   every risk fact, and health can tell an excellent account from one with
//   no news.
//
//   Each score lists its factors: the rule, the points it added (negative:
//   subtracted), the figure and the thresholds as numbers, and an evidence
//   text ("revenue fell 34% (1,200,000 -> 792,000 minor units); threshold 20%
//   (linear from 5%)"). Factors are sorted by the size of their contribution,
//   largest first, ties in FactorId order; the top three explain the score.
//
// No signal, no factor: no surveys in a period means no CSAT rule; no
// previous revenue (or none above 0) means no revenue rule; no contact
// cadence for the tier means no contact rule, even for a never-contacted
// account.
//
// Cost: an evaluation allocates only the factor vectors and the evidence
// strings of the rules that fire; reuse an AccountRiskHealth across calls
// (Evaluate(signals, &out)) to keep the vectors' capacity.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "kam/account/v1/account.pb.h"

namespace kam::scoring::rules {

// ---------------------------------------------------------------- signals

// A CSAT aggregate: surveys on the 1-5 scale (the interaction service's
// satisfaction surveys), averaged.
struct CsatFigure {
  // Average in hundredths, 100..500 (4.25 -> 425); ignored when count is 0.
  int32_t average_hundredths = 0;
  // Surveys answered; 0 means no signal.
  int32_t survey_count = 0;
};

// The average of `count` answers (1-5) summing to `sum`, in hundredths,
// round-half-up and kept within 100..500; no signal when count <= 0.
CsatFigure CsatAverage(int64_t count, int64_t sum);

// Which organisational levels of the customer (docs/domain.md §4) have at
// least one live contact. Three flags rather than a set: the rating runner
// fills one per account of the book.
struct ContactLevels {
  bool executive = false;
  bool management = false;
  bool front_line = false;

  // Levels covered, 0..3.
  int count() const { return int{executive} + int{management} + int{front_line}; }
};

// The facts of one account for one scoring period. Money is integer minor
// units of the account's currency. Every count is of the period unless named
// otherwise.
struct AccountSignals {
  // Revenue in this period; may be negative (credit notes).
  int64_t revenue_minor = 0;
  // Revenue in the previous period of the same length; nullopt (a new
  // account) or <= 0 means no revenue signal.
  std::optional<int64_t> previous_revenue_minor;
  // Product lines the customer dropped in the period: business churn (§5).
  int32_t product_lines_lost = 0;
  // Complaints received in the period.
  int32_t complaint_count = 0;
  // Service cases that breached an SLA target in the period.
  int32_t sla_breach_count = 0;
  // Open receivables at the end of the period, >= 0 (§8).
  int64_t receivables_minor = 0;
  // Of which overdue, 0..receivables_minor.
  int64_t overdue_minor = 0;
  // Of which more than 90 days overdue, 0..overdue_minor.
  int64_t overdue_90_minor = 0;
  // CSAT this period and the period before.
  CsatFigure csat;
  CsatFigure previous_csat;
  // Net promoter score of the period, -100..100; nullopt when nobody answered.
  std::optional<int32_t> nps;
  // Days since the last contact at account-manager level and at executive
  // level (§7: visits at several levels); nullopt means never.
  std::optional<int32_t> days_since_manager_contact;
  std::optional<int32_t> days_since_executive_contact;
  // The tier's visit cadence (interaction service: "A: a visit every 30
  // days, an executive visit every 180 days"); 0 means no requirement.
  int32_t manager_cadence_days = 0;
  int32_t executive_cadence_days = 0;
  // Account-manager handovers in the last 12 months (§4: frequent changes of
  // our account manager interrupt relationships).
  int32_t manager_handovers_12m = 0;
  // Live (not deleted) contacts at the customer (§4: relying on one contact
  // is a major risk).
  int32_t live_contact_count = 0;
  // The organisational levels with at least one live contact (§4:
  // relationships at several levels). A contact without a recorded level
  // covers none.
  ContactLevels contact_levels;
  // Relationship stage and lifecycle state from the account service.
  account::v1::RelationshipStage stage = account::v1::RELATIONSHIP_STAGE_UNSPECIFIED;
  account::v1::LifecycleState lifecycle = account::v1::LIFECYCLE_STATE_ACTIVE;
};

// The account export's per-level counts of live contacts as coverage.
ContactLevels ContactLevelsOf(const account::v1::AccountSnapshot& account);

// OK, or INVALID_ARGUMENT naming the field ("signals.complaint_count must be
// >= 0 (got -1)"): counts, days, cadences and receivables >= 0; overdue
// within receivables and 90+ within overdue; CSAT averages 100..500 when
// counted; NPS -100..100; known enum values.
absl::Status ValidateSignals(const AccountSignals& signals);

// ---------------------------------------------------------------- policy

// Severity 0 at or before `start`, 1 at or beyond `full`, linear between.
// For rules where more is worse `full` > `start`; where less is worse (CSAT,
// NPS, contacts, recency) `full` < `start`. Units are the rule's figure.
struct Ramp {
  int64_t start = 0;
  int64_t full = 0;
};

// A rule with a ramp. `weight` is the points at full severity, 0..100
// (0 switches the rule off).
struct RampRule {
  double weight = 0;
  Ramp ramp;
};

// A yes/no rule.
struct FlagRule {
  double weight = 0;
};

// The risk rules. Defaults cite docs/domain.md where it gives a reason; the
// numbers are the product's defaults (the source gives none) and are policy.
struct RiskRules {
  // Revenue drop against the previous period, basis points (0..10000):
  // counts above 5%, full at 20%.
  RampRule revenue_drop{20, {500, 2000}};
  // Product lines lost (business churn, §5 "drops one or two products"):
  // one line is half, two are full. Counts 0..1000.
  RampRule business_churn{20, {0, 2}};
  // Complaints in the period, counts 0..100000: full at 3.
  RampRule complaints{10, {0, 3}};
  // SLA breaches in the period, counts 0..100000: full at 3.
  RampRule sla_breaches{10, {0, 3}};
  // Overdue share of receivables, basis points 0..10000: big customers pay
  // late (§8), so it counts above 10% and is full at 30%.
  RampRule overdue_share{10, {1000, 3000}};
  // Share of receivables more than 90 days overdue, basis points 0..10000:
  // any counts, full at 10%.
  RampRule overdue_90_share{10, {0, 1000}};
  // CSAT average, hundredths 100..500 (less is worse): counts below 4.00,
  // full at 3.00 (satisfaction = perceived against expected service, §7).
  RampRule csat_low{10, {400, 300}};
  // CSAT fall against the previous period, hundredths 0..400: counts above
  // 0.10, full at a fall of 0.50.
  RampRule csat_drop{10, {10, 50}};
  // NPS, -100..100 (less is worse): counts below 0, full at -50.
  RampRule nps_low{5, {0, -50}};
  // Days without account-manager-level contact, in percent of the tier's
  // cadence (0..10000): counts once overdue (100%), full at twice the
  // cadence (200%). Never contacted is full. No cadence, no rule.
  RampRule manager_contact_overdue{10, {100, 200}};
  // The same at executive level (§7: executives' visits, a yearly forum).
  RampRule executive_contact_overdue{5, {100, 200}};
  // Account-manager handovers in 12 months, counts 0..1000 (§4): one is
  // ordinary turnover, two are half, three or more are full.
  RampRule manager_handovers{10, {1, 3}};
  // Live contacts, counts 0..1000 (less is worse): a single contact (or none)
  // is full; the relationship lives in one person (§4, §8).
  RampRule single_contact{15, {2, 1}};
  // Stage INTERRUPTED: trade stopped and contact broken (§4).
  FlagRule interrupted{40};
  // Lifecycle CHURNED: the customer stopped using every product (§5). Full
  // risk by default: the churn has happened.
  FlagRule customer_churned{100};
  // Stage STRATEGIC lowers risk by its weight (§4); not for a churned
  // customer (the account service keeps its last stage).
  FlagRule strategic_stage{10};
};

// The health-only rules: good signs that raise health.
struct HealthRules {
  // Where health starts before risk factors and good signs, 0..100.
  double base = 70;
  // Revenue growth against the previous period, basis points 0..1000000:
  // full at 20%.
  RampRule revenue_growth{10, {0, 2000}};
  // CSAT average, hundredths 100..500: counts above 4.00, full at 4.50.
  RampRule csat_high{10, {400, 450}};
  // NPS, -100..100: counts above 20, full at 50.
  RampRule nps_high{5, {20, 50}};
  // Days since executive-level contact, 0..3650 (less is better): counts
  // within 180 days, full within 90 (§7).
  RampRule executive_contact_recent{5, {180, 90}};
  // Organisational levels covered by live contacts, 0..3 (executive,
  // management, front line): one level is no multi-level relationship, two
  // are half, all three are full (§4). The figure counts levels, not heads
  // (a thousand front-line contacts are still one level); SINGLE_CONTACT
  // keeps the head count. Policies may still set a ramp up to 1000, as
  // policies written when the figure was a head count did.
  RampRule multi_level_contacts{5, {1, 3}};
  // Stage STRATEGIC (§4); not for a churned customer.
  FlagRule strategic_stage{10};
};

// A versionable policy: the scoring service stores it with each rating run.
struct RiskHealthPolicy {
  RiskRules risk;
  HealthRules health;
};

// OK, or INVALID_ARGUMENT naming the field ("risk.csat_low.ramp.full must be
// below ramp.start (400) ..."): weights and base finite and 0..100; each
// ramp's ends within the rule's range (given above) and `full` on the worse
// side of `start`.
absl::Status ValidatePolicy(const RiskHealthPolicy& policy);

// ---------------------------------------------------------------- output

// Every rule that can explain a score. Risk rules first, then health-only
// rules; the order breaks ties between factors of equal size.
enum class FactorId : uint8_t {
  kCustomerChurned,
  kInterrupted,
  kRevenueDrop,
  kBusinessChurn,
  kComplaints,
  kSlaBreaches,
  kOverdueShare,
  kOverdue90Share,
  kCsatLow,
  kCsatDrop,
  kNpsLow,
  kManagerContactOverdue,
  kExecutiveContactOverdue,
  kManagerHandovers,
  kSingleContact,
  kStrategicStage,
  kRevenueGrowth,
  kCsatHigh,
  kNpsHigh,
  kExecutiveContactRecent,
  kMultiLevelContacts,
};

// "REVENUE_DROP" for kRevenueDrop: the stable id stored with a result.
absl::string_view FactorName(FactorId id);

// What a factor's figure and thresholds count.
enum class FigureUnit : uint8_t {
  kBasisPoints,  // a share or a change: 2000 = 20%
  kCount,
  kHundredths,  // CSAT: 425 = 4.25
  kNps,         // -100..100
  kDays,        // -1 = never
  kFlag,        // 1 = yes
};

// One rule's contribution to one score.
struct Factor {
  FactorId id = FactorId::kCustomerChurned;
  // Points added to the score (negative: subtracted).
  double points = 0;
  FigureUnit unit = FigureUnit::kFlag;
  // The measured figure, e.g. a revenue drop of 3400 (basis points).
  int64_t figure = 0;
  // Where the rule starts to count and where it reaches full weight (the
  // threshold). For contact rules, days derived from the cadence.
  int64_t start = 0;
  int64_t threshold = 0;
  // The figure, the thresholds and their source in words.
  std::string evidence;
};

// A 0..100 score with its explanation.
struct ExplainedScore {
  int value = 0;
  // Base plus contributions, before rounding and clamping.
  double raw_points = 0;
  // Largest contribution first (see the file comment).
  std::vector<Factor> factors;

  // The first min(n, factors.size()) factors.
  absl::Span<const Factor> Top(size_t n = 3) const {
    return absl::MakeConstSpan(factors).first(n < factors.size() ? n : factors.size());
  }
};

struct AccountRiskHealth {
  ExplainedScore risk;
  ExplainedScore health;
};

// Evaluates accounts under one validated policy. Cheap to copy; thread-safe
// (const).
class RiskScorer {
 public:
  // INVALID_ARGUMENT as ValidatePolicy.
  static absl::StatusOr<RiskScorer> Create(const RiskHealthPolicy& policy);

  // Scores one account into `out` (its vectors are cleared and reused).
  // INVALID_ARGUMENT as ValidateSignals; `out` is then unspecified.
  absl::Status Evaluate(const AccountSignals& signals, AccountRiskHealth* out) const;
  absl::StatusOr<AccountRiskHealth> Evaluate(const AccountSignals& signals) const;

  const RiskHealthPolicy& policy() const { return policy_; }

 private:
  explicit RiskScorer(const RiskHealthPolicy& policy) : policy_(policy) {}

  RiskHealthPolicy policy_;
};

}  // namespace kam::scoring::rules
