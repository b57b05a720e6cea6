#include "services/scoring/rules/risk.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/numeric/int128.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/api/validation.h"
#include "common/base/status_macros.h"
#include "services/scoring/rules/checks.h"
#include "services/scoring/rules/evidence_text.h"

namespace kam::scoring::rules {
namespace {

namespace v1 = ::kam::account::v1;

constexpr int64_t kBasisPoints = 10000;

// ---------------------------------------------------------------- severity

// See Ramp: 0 at or before start, 1 at or beyond full, linear between, in
// either direction. Doubles are exact at the ends for any integer figure
// below 2^53, so "at the threshold" is exactly full weight.
double Severity(double figure, double start, double full) {
  if (full > start) {
    if (figure <= start) return 0;
    if (figure >= full) return 1;
    return (figure - start) / (full - start);
  }
  if (figure >= start) return 0;
  if (figure <= full) return 1;
  return (start - figure) / (start - full);
}

double Severity(int64_t figure, const Ramp& ramp) {
  return Severity(static_cast<double>(figure), static_cast<double>(ramp.start),
                  static_cast<double>(ramp.full));
}

// floor(part x 10000 / whole) for whole > 0, saturated to int64: a change or
// a share in basis points. Flooring keeps "at least 20%" exact: floor(x) >=
// 2000 exactly when x >= 2000.
int64_t BasisPointsOf(absl::int128 part, int64_t whole) {
  absl::int128 bp = part * kBasisPoints / whole;  // truncates toward zero
  if (bp * whole > part * kBasisPoints) bp -= 1;  // floor for negatives
  if (bp > std::numeric_limits<int64_t>::max()) return std::numeric_limits<int64_t>::max();
  if (bp < std::numeric_limits<int64_t>::min()) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(bp);
}

// ---------------------------------------------------------------- evidence
//
// Every text is appended into the factor's own string, reserved once, so a
// factor costs one allocation for its text whatever its length.

constexpr size_t kEvidenceReserve = 160;

void AppendFigure(std::string* text, FigureUnit unit, int64_t value) {
  switch (unit) {
    case FigureUnit::kBasisPoints: return absl::StrAppend(text, PercentFromBasisPoints(value));
    case FigureUnit::kHundredths: return absl::StrAppend(text, Hundredths(value));
    case FigureUnit::kDays: return absl::StrAppend(text, GroupThousands(value), " days");
    case FigureUnit::kCount:
    case FigureUnit::kNps:
    case FigureUnit::kFlag: break;
  }
  absl::StrAppend(text, GroupThousands(value));
}

// "; threshold 20% (linear from 5%)"; a one-step ramp of a count is just a
// threshold ("; threshold 1").
void AppendThreshold(std::string* text, FigureUnit unit, int64_t start, int64_t full) {
  text->append("; threshold ");
  AppendFigure(text, unit, full);
  const bool step = (unit == FigureUnit::kCount || unit == FigureUnit::kNps) &&
                    (full - start == 1 || start - full == 1);
  if (step) return;
  text->append(" (linear from ");
  AppendFigure(text, unit, start);
  text->append(")");
}

// "1 complaint" / "3 complaints".
void AppendCounted(std::string* text, int64_t n, absl::string_view one, absl::string_view many) {
  absl::StrAppend(text, GroupThousands(n), " ", n == 1 ? one : many);
}

// ---------------------------------------------------------------- factors

// Appends factors to one score. `sign` is +1 for rules that add their points
// and -1 for rules that subtract them.
class FactorList {
 public:
  explicit FactorList(std::vector<Factor>* out) : out_(out) {}

  // Adds the factor when the rule fires (weight x severity > 0).
  // `evidence(std::string*)` appends the text; it is called only then, so
  // rules that do not fire build no text.
  template <typename EvidenceFn>
  void Add(FactorId id, double sign, double weight, double severity, FigureUnit unit,
           int64_t figure, int64_t start, int64_t threshold, EvidenceFn&& evidence) {
    if (weight <= 0 || severity <= 0) return;
    Factor& factor = out_->emplace_back();
    factor.id = id;
    factor.points = sign * weight * severity;
    factor.unit = unit;
    factor.figure = figure;
    factor.start = start;
    factor.threshold = threshold;
    factor.evidence.reserve(kEvidenceReserve);
    evidence(&factor.evidence);
  }

  // A ramp rule over `figure`; the text is `what` plus the thresholds.
  template <typename WhatFn>
  void AddRamp(FactorId id, double sign, const RampRule& rule, FigureUnit unit, int64_t figure,
               WhatFn&& what) {
    Add(id, sign, rule.weight, Severity(figure, rule.ramp), unit, figure, rule.ramp.start,
        rule.ramp.full, [&](std::string* text) {
          what(text);
          AppendThreshold(text, unit, rule.ramp.start, rule.ramp.full);
        });
  }

  // A yes/no rule.
  void AddFlag(FactorId id, double sign, const FlagRule& rule, bool holds,
               absl::string_view evidence) {
    Add(id, sign, rule.weight, holds ? 1.0 : 0.0, FigureUnit::kFlag, 1, 0, 1,
        [&](std::string* text) { text->append(evidence.data(), evidence.size()); });
  }

 private:
  std::vector<Factor>* out_;
};

constexpr double kAdds = 1;
constexpr double kSubtracts = -1;

// ---- revenue

void RevenueRules(const AccountSignals& s, const RiskRules& risk, const HealthRules& health,
                  FactorList* risk_out, FactorList* health_out) {
  if (!s.previous_revenue_minor.has_value() || *s.previous_revenue_minor <= 0) return;
  const int64_t previous = *s.previous_revenue_minor;
  const int64_t current = s.revenue_minor;
  // "revenue fell 34% (1,200,000 -> 792,000 minor units)"
  const auto movement = [&](absl::string_view verb, int64_t bp) {
    return [&, verb, bp](std::string* text) {
      absl::StrAppend(text, "revenue ", verb, " ", PercentFromBasisPoints(bp), " (",
                      GroupThousands(previous), " -> ", GroupThousands(current), " minor units)");
    };
  };
  if (current < previous) {
    const int64_t drop = BasisPointsOf(absl::int128(previous) - current, previous);
    risk_out->AddRamp(FactorId::kRevenueDrop, kAdds, risk.revenue_drop, FigureUnit::kBasisPoints,
                      drop, movement("fell", drop));
  } else if (current > previous) {
    const int64_t growth = BasisPointsOf(absl::int128(current) - previous, previous);
    health_out->AddRamp(FactorId::kRevenueGrowth, kAdds, health.revenue_growth,
                        FigureUnit::kBasisPoints, growth, movement("grew", growth));
  }
}

// ---- business churn, complaints, SLA breaches

void EventCountRules(const AccountSignals& s, const RiskRules& risk, FactorList* out) {
  out->AddRamp(FactorId::kBusinessChurn, kAdds, risk.business_churn, FigureUnit::kCount,
               s.product_lines_lost, [&](std::string* text) {
                 AppendCounted(text, s.product_lines_lost, "product line", "product lines");
                 text->append(" lost in the period (business churn, docs/domain.md §5)");
               });
  out->AddRamp(FactorId::kComplaints, kAdds, risk.complaints, FigureUnit::kCount, s.complaint_count,
               [&](std::string* text) {
                 AppendCounted(text, s.complaint_count, "complaint", "complaints");
                 text->append(" in the period");
               });
  out->AddRamp(FactorId::kSlaBreaches, kAdds, risk.sla_breaches, FigureUnit::kCount,
               s.sla_breach_count, [&](std::string* text) {
                 AppendCounted(text, s.sla_breach_count, "SLA breach", "SLA breaches");
                 text->append(" in the period");
               });
}

// ---- receivables (docs/domain.md §8)

void ReceivablesRules(const AccountSignals& s, const RiskRules& risk, FactorList* out) {
  if (s.receivables_minor <= 0) return;
  const int64_t overdue = BasisPointsOf(s.overdue_minor, s.receivables_minor);
  out->AddRamp(FactorId::kOverdueShare, kAdds, risk.overdue_share, FigureUnit::kBasisPoints,
               overdue, [&](std::string* text) {
                 absl::StrAppend(text, PercentFromBasisPoints(overdue), " of receivables overdue (",
                                 GroupThousands(s.overdue_minor), " of ",
                                 GroupThousands(s.receivables_minor), " minor units)");
               });
  const int64_t overdue_90 = BasisPointsOf(s.overdue_90_minor, s.receivables_minor);
  out->AddRamp(FactorId::kOverdue90Share, kAdds, risk.overdue_90_share, FigureUnit::kBasisPoints,
               overdue_90, [&](std::string* text) {
                 absl::StrAppend(text, PercentFromBasisPoints(overdue_90),
                                 " of receivables more than 90 days overdue (",
                                 GroupThousands(s.overdue_90_minor), " of ",
                                 GroupThousands(s.receivables_minor), " minor units)");
               });
}

// ---- satisfaction (docs/domain.md §7)

// "CSAT 3.40 of 5 (12 surveys)"
void AppendCsat(std::string* text, const CsatFigure& csat) {
  absl::StrAppend(text, "CSAT ", Hundredths(csat.average_hundredths), " of 5 (");
  AppendCounted(text, csat.survey_count, "survey", "surveys");
  text->append(")");
}

void SatisfactionRules(const AccountSignals& s, const RiskRules& risk, const HealthRules& health,
                       FactorList* risk_out, FactorList* health_out) {
  if (s.csat.survey_count > 0) {
    const int64_t average = s.csat.average_hundredths;
    const auto csat_text = [&](std::string* text) { AppendCsat(text, s.csat); };
    risk_out->AddRamp(FactorId::kCsatLow, kAdds, risk.csat_low, FigureUnit::kHundredths, average,
                      csat_text);
    health_out->AddRamp(FactorId::kCsatHigh, kAdds, health.csat_high, FigureUnit::kHundredths,
                        average, csat_text);
    if (s.previous_csat.survey_count > 0) {
      const int64_t fall = int64_t{s.previous_csat.average_hundredths} - average;
      risk_out->AddRamp(FactorId::kCsatDrop, kAdds, risk.csat_drop, FigureUnit::kHundredths, fall,
                        [&](std::string* text) {
                          absl::StrAppend(text, "CSAT fell ", Hundredths(fall), " (",
                                          Hundredths(s.previous_csat.average_hundredths), " -> ",
                                          Hundredths(average), ")");
                        });
    }
  }
  if (s.nps.has_value()) {
    const int64_t nps = *s.nps;
    const auto nps_text = [&](std::string* text) { absl::StrAppend(text, "NPS ", nps); };
    risk_out->AddRamp(FactorId::kNpsLow, kAdds, risk.nps_low, FigureUnit::kNps, nps, nps_text);
    health_out->AddRamp(FactorId::kNpsHigh, kAdds, health.nps_high, FigureUnit::kNps, nps,
                        nps_text);
  }
}

// ---- contact at the right level (docs/domain.md §7)

// Overdue contact against a cadence. The ramp is in percent of the cadence;
// the factor reports days (figure -1 = never) and the ramp's ends in days.
void ContactOverdueRule(FactorId id, absl::string_view level,
                        const std::optional<int32_t>& days_since, int32_t cadence_days,
                        const RampRule& rule, FactorList* out) {
  if (cadence_days <= 0) return;  // no requirement, no signal
  const int64_t start_days = int64_t{cadence_days} * rule.ramp.start / 100;
  const int64_t full_days = int64_t{cadence_days} * rule.ramp.full / 100;
  const auto append_cadence = [&](std::string* text) {
    absl::StrAppend(text, "; cadence ", GroupThousands(cadence_days), " days");
    AppendThreshold(text, FigureUnit::kDays, start_days, full_days);
  };
  if (!days_since.has_value()) {
    out->Add(id, kAdds, rule.weight, 1.0, FigureUnit::kDays, -1, start_days, full_days,
             [&](std::string* text) {
               absl::StrAppend(text, "no ", level, "-level contact on record");
               append_cadence(text);
             });
    return;
  }
  const int64_t days = *days_since;
  const double percent_of_cadence = static_cast<double>(days) * 100.0 / cadence_days;
  const double severity = Severity(percent_of_cadence, static_cast<double>(rule.ramp.start),
                                   static_cast<double>(rule.ramp.full));
  out->Add(id, kAdds, rule.weight, severity, FigureUnit::kDays, days, start_days, full_days,
           [&](std::string* text) {
             absl::StrAppend(text, "no ", level, "-level contact for ", GroupThousands(days),
                             " days");
             append_cadence(text);
           });
}

void ContactRules(const AccountSignals& s, const RiskRules& risk, const HealthRules& health,
                  FactorList* risk_out, FactorList* health_out) {
  ContactOverdueRule(FactorId::kManagerContactOverdue, "account-manager",
                     s.days_since_manager_contact, s.manager_cadence_days,
                     risk.manager_contact_overdue, risk_out);
  ContactOverdueRule(FactorId::kExecutiveContactOverdue, "executive",
                     s.days_since_executive_contact, s.executive_cadence_days,
                     risk.executive_contact_overdue, risk_out);
  if (s.days_since_executive_contact.has_value()) {
    const int64_t days = *s.days_since_executive_contact;
    health_out->AddRamp(FactorId::kExecutiveContactRecent, kAdds, health.executive_contact_recent,
                        FigureUnit::kDays, days, [&](std::string* text) {
                          absl::StrAppend(text, "executive-level contact ", GroupThousands(days),
                                          " days ago (docs/domain.md §7)");
                        });
  }
}

// ---- people (docs/domain.md §4, §8)

// "2 of 3 levels covered: executive, front line".
void AppendLevelsCovered(std::string* text, const ContactLevels& levels) {
  absl::StrAppend(text, levels.count(), " of 3 levels covered");
  const char* separator = ": ";
  for (const auto& [covered, name] :
       {std::pair{levels.executive, "executive"}, std::pair{levels.management, "management"},
        std::pair{levels.front_line, "front line"}}) {
    if (!covered) continue;
    absl::StrAppend(text, separator, name);
    separator = ", ";
  }
}

void PeopleRules(const AccountSignals& s, const RiskRules& risk, const HealthRules& health,
                 FactorList* risk_out, FactorList* health_out) {
  risk_out->AddRamp(FactorId::kManagerHandovers, kAdds, risk.manager_handovers, FigureUnit::kCount,
                    s.manager_handovers_12m, [&](std::string* text) {
                      AppendCounted(text, s.manager_handovers_12m, "account-manager handover",
                                    "account-manager handovers");
                      text->append(" in 12 months (docs/domain.md §4)");
                    });
  const int64_t contacts = s.live_contact_count;
  risk_out->AddRamp(
      FactorId::kSingleContact, kAdds, risk.single_contact, FigureUnit::kCount, contacts,
      [&](std::string* text) {
        if (contacts == 0) {
          text->append("no live contacts on record");
          return;
        }
        AppendCounted(text, contacts, "live contact", "live contacts");
        text->append(": the relationship lives in too few people (docs/domain.md §4, §8)");
      });
  health_out->AddRamp(FactorId::kMultiLevelContacts, kAdds, health.multi_level_contacts,
                      FigureUnit::kCount, s.contact_levels.count(), [&](std::string* text) {
                        AppendLevelsCovered(text, s.contact_levels);
                        text->append(" (docs/domain.md §4)");
                      });
}

// ---- stage and lifecycle (docs/domain.md §4, §5)

void StateRules(const AccountSignals& s, const RiskRules& risk, const HealthRules& health,
                FactorList* risk_out, FactorList* health_out) {
  risk_out->AddFlag(FactorId::kCustomerChurned, kAdds, risk.customer_churned,
                    s.lifecycle == v1::LIFECYCLE_STATE_CHURNED,
                    "lifecycle state CHURNED: the customer stopped using every product "
                    "(docs/domain.md §5)");
  risk_out->AddFlag(FactorId::kInterrupted, kAdds, risk.interrupted,
                    s.stage == v1::RELATIONSHIP_STAGE_INTERRUPTED,
                    "relationship stage INTERRUPTED: trade stopped and contact broken "
                    "(docs/domain.md §4)");
  constexpr absl::string_view kStrategic =
      "relationship stage STRATEGIC: we are the strategic supplier (docs/domain.md §4)";
  // A churned customer keeps its last stage in the account service; a stage
  // it no longer trades in protects nothing.
  const bool strategic =
      s.stage == v1::RELATIONSHIP_STAGE_STRATEGIC && s.lifecycle != v1::LIFECYCLE_STATE_CHURNED;
  risk_out->AddFlag(FactorId::kStrategicStage, kSubtracts, risk.strategic_stage, strategic,
                    kStrategic);
  health_out->AddFlag(FactorId::kStrategicStage, kAdds, health.strategic_stage, strategic,
                      kStrategic);
}

// ---------------------------------------------------------------- totals

// Largest contribution first; FactorId order between equals, so the order
// never depends on the sort algorithm.
bool ExplainsMore(const Factor& a, const Factor& b) {
  const double size_a = std::fabs(a.points);
  const double size_b = std::fabs(b.points);
  if (size_a != size_b) return size_a > size_b;
  return a.id < b.id;
}

void Finish(double base, ExplainedScore* score) {
  double raw = base;
  for (const Factor& factor : score->factors) raw += factor.points;
  score->raw_points = raw;
  const long rounded = std::lround(raw);  // half away from zero
  score->value = static_cast<int>(std::clamp(rounded, 0L, 100L));
  std::sort(score->factors.begin(), score->factors.end(), ExplainsMore);
}

// ---------------------------------------------------------------- validation

enum class Direction {
  kRising,   // severity grows with the figure: full > start
  kFalling,  // severity grows as the figure falls: full < start
};

absl::Status CheckWeight(absl::string_view field, double weight) {
  if (!std::isfinite(weight) || weight < 0 || weight > 100) {
    return common::InvalidField(field,
                                absl::StrCat("must be a number from 0 to 100 (got ", weight, ")"));
  }
  return absl::OkStatus();
}

struct RampCheck {
  absl::string_view field;  // "risk.revenue_drop"
  const RampRule* rule;
  int64_t low;
  int64_t high;
  Direction direction;
};

absl::Status CheckRampRule(const RampCheck& check) {
  const RampRule& rule = *check.rule;
  KAM_RETURN_IF_ERROR(CheckWeight(absl::StrCat(check.field, ".weight"), rule.weight));
  KAM_RETURN_IF_ERROR(common::CheckRange(absl::StrCat(check.field, ".ramp.start"), rule.ramp.start,
                                         check.low, check.high));
  KAM_RETURN_IF_ERROR(common::CheckRange(absl::StrCat(check.field, ".ramp.full"), rule.ramp.full,
                                         check.low, check.high));
  const bool rising = check.direction == Direction::kRising;
  if (rising ? rule.ramp.full <= rule.ramp.start : rule.ramp.full >= rule.ramp.start) {
    return common::InvalidField(
        absl::StrCat(check.field, ".ramp.full"),
        absl::StrCat("must be ", rising ? "above" : "below", " ramp.start (", rule.ramp.start,
                     ") (got ", rule.ramp.full, ")"));
  }
  return absl::OkStatus();
}

absl::Status CheckCsat(absl::string_view field, const CsatFigure& csat) {
  KAM_RETURN_IF_ERROR(CheckNonNegative(absl::StrCat(field, ".survey_count"), csat.survey_count));
  if (csat.survey_count == 0) return absl::OkStatus();
  return common::CheckRange(absl::StrCat(field, ".average_hundredths"), csat.average_hundredths,
                            100, 500);
}

absl::Status CheckAtMost(absl::string_view field, int64_t value, absl::string_view bound_field,
                         int64_t bound) {
  if (value > bound) {
    return common::InvalidField(
        field, absl::StrCat("must be at most ", bound_field, " (", bound, ") (got ", value, ")"));
  }
  return absl::OkStatus();
}

}  // namespace

CsatFigure CsatAverage(int64_t count, int64_t sum) {
  CsatFigure csat;
  if (count <= 0) return csat;
  csat.survey_count =
      static_cast<int32_t>(std::min<int64_t>(count, std::numeric_limits<int32_t>::max()));
  // In 128 bits: a roll-up's or an appraisal's sums are a whole book's.
  __extension__ typedef __int128 Int128;
  const Int128 rounded = (Int128{sum} * 200 + count) / (Int128{count} * 2);
  csat.average_hundredths = static_cast<int32_t>(std::clamp<Int128>(rounded, 100, 500));
  return csat;
}

absl::string_view FactorName(FactorId id) {
  switch (id) {
    case FactorId::kCustomerChurned: return "CUSTOMER_CHURNED";
    case FactorId::kInterrupted: return "INTERRUPTED";
    case FactorId::kRevenueDrop: return "REVENUE_DROP";
    case FactorId::kBusinessChurn: return "BUSINESS_CHURN";
    case FactorId::kComplaints: return "COMPLAINTS";
    case FactorId::kSlaBreaches: return "SLA_BREACHES";
    case FactorId::kOverdueShare: return "OVERDUE_SHARE";
    case FactorId::kOverdue90Share: return "OVERDUE_90_SHARE";
    case FactorId::kCsatLow: return "CSAT_LOW";
    case FactorId::kCsatDrop: return "CSAT_DROP";
    case FactorId::kNpsLow: return "NPS_LOW";
    case FactorId::kManagerContactOverdue: return "MANAGER_CONTACT_OVERDUE";
    case FactorId::kExecutiveContactOverdue: return "EXECUTIVE_CONTACT_OVERDUE";
    case FactorId::kManagerHandovers: return "MANAGER_HANDOVERS";
    case FactorId::kSingleContact: return "SINGLE_CONTACT";
    case FactorId::kStrategicStage: return "STRATEGIC_STAGE";
    case FactorId::kRevenueGrowth: return "REVENUE_GROWTH";
    case FactorId::kCsatHigh: return "CSAT_HIGH";
    case FactorId::kNpsHigh: return "NPS_HIGH";
    case FactorId::kExecutiveContactRecent: return "EXECUTIVE_CONTACT_RECENT";
    case FactorId::kMultiLevelContacts: return "MULTI_LEVEL_CONTACTS";
  }
  return "UNKNOWN";
}

absl::Status ValidatePolicy(const RiskHealthPolicy& policy) {
  const RiskRules& r = policy.risk;
  const HealthRules& h = policy.health;
  constexpr int64_t kMaxCount = 100000;
  const RampCheck ramps[] = {
      {"risk.revenue_drop", &r.revenue_drop, 0, kBasisPoints, Direction::kRising},
      {"risk.business_churn", &r.business_churn, 0, 1000, Direction::kRising},
      {"risk.complaints", &r.complaints, 0, kMaxCount, Direction::kRising},
      {"risk.sla_breaches", &r.sla_breaches, 0, kMaxCount, Direction::kRising},
      {"risk.overdue_share", &r.overdue_share, 0, kBasisPoints, Direction::kRising},
      {"risk.overdue_90_share", &r.overdue_90_share, 0, kBasisPoints, Direction::kRising},
      {"risk.csat_low", &r.csat_low, 100, 500, Direction::kFalling},
      {"risk.csat_drop", &r.csat_drop, 0, 400, Direction::kRising},
      {"risk.nps_low", &r.nps_low, -100, 100, Direction::kFalling},
      {"risk.manager_contact_overdue", &r.manager_contact_overdue, 0, 10000, Direction::kRising},
      {"risk.executive_contact_overdue", &r.executive_contact_overdue, 0, 10000,
       Direction::kRising},
      {"risk.manager_handovers", &r.manager_handovers, 0, 1000, Direction::kRising},
      {"risk.single_contact", &r.single_contact, 0, 1000, Direction::kFalling},
      {"health.revenue_growth", &h.revenue_growth, 0, 100 * kBasisPoints, Direction::kRising},
      {"health.csat_high", &h.csat_high, 100, 500, Direction::kRising},
      {"health.nps_high", &h.nps_high, -100, 100, Direction::kRising},
      {"health.executive_contact_recent", &h.executive_contact_recent, 0, 3650,
       Direction::kFalling},
      {"health.multi_level_contacts", &h.multi_level_contacts, 0, 1000, Direction::kRising},
  };
  for (const RampCheck& check : ramps) {
    KAM_RETURN_IF_ERROR(CheckRampRule(check));
  }
  const std::pair<absl::string_view, const FlagRule*> flags[] = {
      {"risk.interrupted.weight", &r.interrupted},
      {"risk.customer_churned.weight", &r.customer_churned},
      {"risk.strategic_stage.weight", &r.strategic_stage},
      {"health.strategic_stage.weight", &h.strategic_stage},
  };
  for (const auto& [field, rule] : flags) {
    KAM_RETURN_IF_ERROR(CheckWeight(field, rule->weight));
  }
  return CheckWeight("health.base", h.base);
}

ContactLevels ContactLevelsOf(const v1::AccountSnapshot& account) {
  ContactLevels levels;
  levels.executive = account.executive_contact_count() > 0;
  levels.management = account.management_contact_count() > 0;
  levels.front_line = account.front_line_contact_count() > 0;
  return levels;
}

absl::Status ValidateSignals(const AccountSignals& s) {
  const std::pair<absl::string_view, int64_t> non_negative[] = {
      {"signals.product_lines_lost", s.product_lines_lost},
      {"signals.complaint_count", s.complaint_count},
      {"signals.sla_breach_count", s.sla_breach_count},
      {"signals.receivables_minor", s.receivables_minor},
      {"signals.overdue_minor", s.overdue_minor},
      {"signals.overdue_90_minor", s.overdue_90_minor},
      {"signals.days_since_manager_contact", s.days_since_manager_contact.value_or(0)},
      {"signals.days_since_executive_contact", s.days_since_executive_contact.value_or(0)},
      {"signals.manager_cadence_days", s.manager_cadence_days},
      {"signals.executive_cadence_days", s.executive_cadence_days},
      {"signals.manager_handovers_12m", s.manager_handovers_12m},
      {"signals.live_contact_count", s.live_contact_count},
  };
  for (const auto& [field, value] : non_negative) {
    KAM_RETURN_IF_ERROR(CheckNonNegative(field, value));
  }
  KAM_RETURN_IF_ERROR(CheckAtMost("signals.overdue_minor", s.overdue_minor,
                                  "signals.receivables_minor", s.receivables_minor));
  KAM_RETURN_IF_ERROR(CheckAtMost("signals.overdue_90_minor", s.overdue_90_minor,
                                  "signals.overdue_minor", s.overdue_minor));
  KAM_RETURN_IF_ERROR(CheckCsat("signals.csat", s.csat));
  KAM_RETURN_IF_ERROR(CheckCsat("signals.previous_csat", s.previous_csat));
  if (s.nps.has_value()) {
    KAM_RETURN_IF_ERROR(common::CheckRange("signals.nps", *s.nps, -100, 100));
  }
  if (!v1::RelationshipStage_IsValid(s.stage)) {
    return common::InvalidField(
        "signals.stage",
        absl::StrCat("must be a known RelationshipStage (got ", static_cast<int>(s.stage), ")"));
  }
  if (!v1::LifecycleState_IsValid(s.lifecycle)) {
    return common::InvalidField(
        "signals.lifecycle",
        absl::StrCat("must be a known LifecycleState (got ", static_cast<int>(s.lifecycle), ")"));
  }
  return absl::OkStatus();
}

absl::StatusOr<RiskScorer> RiskScorer::Create(const RiskHealthPolicy& policy) {
  KAM_RETURN_IF_ERROR(ValidatePolicy(policy));
  return RiskScorer(policy);
}

absl::Status RiskScorer::Evaluate(const AccountSignals& signals, AccountRiskHealth* out) const {
  KAM_RETURN_IF_ERROR(ValidateSignals(signals));
  const RiskRules& risk = policy_.risk;
  const HealthRules& health = policy_.health;
  out->risk.factors.clear();
  out->health.factors.clear();
  FactorList risk_factors(&out->risk.factors);
  // Good signs go straight to health; the risk factors join it below.
  FactorList health_factors(&out->health.factors);

  StateRules(signals, risk, health, &risk_factors, &health_factors);
  RevenueRules(signals, risk, health, &risk_factors, &health_factors);
  EventCountRules(signals, risk, &risk_factors);
  ReceivablesRules(signals, risk, &risk_factors);
  SatisfactionRules(signals, risk, health, &risk_factors, &health_factors);
  ContactRules(signals, risk, health, &risk_factors, &health_factors);
  PeopleRules(signals, risk, health, &risk_factors, &health_factors);

  // Health loses exactly what each risk factor adds to risk. The STRATEGIC
  // mitigation is not a risk and is not copied: health has its own rule.
  for (const Factor& factor : out->risk.factors) {
    if (factor.points <= 0) continue;
    Factor& deduction = out->health.factors.emplace_back(factor);
    deduction.points = -factor.points;
  }
  Finish(0, &out->risk);
  Finish(health.base, &out->health);
  return absl::OkStatus();
}

absl::StatusOr<AccountRiskHealth> RiskScorer::Evaluate(const AccountSignals& signals) const {
  AccountRiskHealth result;
  KAM_RETURN_IF_ERROR(Evaluate(signals, &result));
  return result;
}

}  // namespace kam::scoring::rules
