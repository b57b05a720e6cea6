#include "services/scoring/rules/policy_settings.h"

#include <map>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/api/validation.h"
#include "common/base/status_macros.h"
#include "common/base/time_range.h"

namespace kam::scoring::rules {
namespace {

constexpr absl::string_view kTierNames[] = {"", "A", "B", "C", "D"};

// Tier letter -> index 1..4; 0 for anything else.
int TierIndex(absl::string_view letter) {
  for (int i = 1; i <= 4; ++i) {
    if (letter == kTierNames[i]) return i;
  }
  return 0;
}

// The API's tier rule checked under its own field names ("<field>.pyramid.
// b_cumulative_bp", "<field>.thresholds.c_min") and converted. tiering.h
// checks the same rules under its internal names; those must never reach a
// caller, so the checks are made here first.
absl::StatusOr<TierRule> ToTierRule(const std::string& field, const v1::TierRule& rule) {
  switch (rule.rule_case()) {
    case v1::TierRule::kPyramid: {
      const v1::PyramidShares& shares = rule.pyramid();
      const std::string base = absl::StrCat(field, ".pyramid.");
      const std::pair<const char*, int32_t> fields[] = {
          {"a_cumulative_bp", shares.a_cumulative_bp()},
          {"b_cumulative_bp", shares.b_cumulative_bp()},
          {"c_cumulative_bp", shares.c_cumulative_bp()}};
      for (const auto& [name, value] : fields) {
        KAM_RETURN_IF_ERROR(common::CheckRange(absl::StrCat(base, name), value, 0, 10000));
      }
      // Cumulative shares: each tier's share includes the better tiers'.
      for (int i = 1; i < 3; ++i) {
        if (fields[i].second < fields[i - 1].second) {
          return common::InvalidField(
              absl::StrCat(base, fields[i].first),
              absl::StrCat("must be at least ", fields[i - 1].first, " (", fields[i].second, " < ",
                           fields[i - 1].second, ")"));
        }
      }
      PyramidRule pyramid;
      pyramid.a_cumulative_bp = shares.a_cumulative_bp();
      pyramid.b_cumulative_bp = shares.b_cumulative_bp();
      pyramid.c_cumulative_bp = shares.c_cumulative_bp();
      return TierRule(pyramid);
    }
    case v1::TierRule::kThresholds: {
      const v1::Thresholds& t = rule.thresholds();
      const std::string base = absl::StrCat(field, ".thresholds.");
      if (t.b_min() > t.a_min()) {
        return common::InvalidField(
            absl::StrCat(base, "b_min"),
            absl::StrCat("must be at most a_min (", t.b_min(), " > ", t.a_min(), ")"));
      }
      if (t.c_min() > t.b_min()) {
        return common::InvalidField(
            absl::StrCat(base, "c_min"),
            absl::StrCat("must be at most b_min (", t.c_min(), " > ", t.b_min(), ")"));
      }
      ThresholdRule thresholds;
      thresholds.a_min_value = t.a_min();
      thresholds.b_min_value = t.b_min();
      thresholds.c_min_value = t.c_min();
      return TierRule(thresholds);
    }
    default: return common::InvalidField(field, "must set pyramid or thresholds");
  }
}

// Rule id -> the ramp rule it configures.
std::map<std::string, RampRule*> RampRules(RiskHealthPolicy& p, bool health) {
  if (health) {
    return {{"REVENUE_GROWTH", &p.health.revenue_growth},
            {"CSAT_HIGH", &p.health.csat_high},
            {"NPS_HIGH", &p.health.nps_high},
            {"EXECUTIVE_CONTACT_RECENT", &p.health.executive_contact_recent},
            {"MULTI_LEVEL_CONTACTS", &p.health.multi_level_contacts}};
  }
  return {{"REVENUE_DROP", &p.risk.revenue_drop},
          {"BUSINESS_CHURN", &p.risk.business_churn},
          {"COMPLAINTS", &p.risk.complaints},
          {"SLA_BREACHES", &p.risk.sla_breaches},
          {"OVERDUE_SHARE", &p.risk.overdue_share},
          {"OVERDUE_90_SHARE", &p.risk.overdue_90_share},
          {"CSAT_LOW", &p.risk.csat_low},
          {"CSAT_DROP", &p.risk.csat_drop},
          {"NPS_LOW", &p.risk.nps_low},
          {"MANAGER_CONTACT_OVERDUE", &p.risk.manager_contact_overdue},
          {"EXECUTIVE_CONTACT_OVERDUE", &p.risk.executive_contact_overdue},
          {"MANAGER_HANDOVERS", &p.risk.manager_handovers},
          {"SINGLE_CONTACT", &p.risk.single_contact}};
}

std::map<std::string, FlagRule*> FlagRules(RiskHealthPolicy& p, bool health) {
  if (health) return {{"STRATEGIC_STAGE", &p.health.strategic_stage}};
  return {{"INTERRUPTED", &p.risk.interrupted},
          {"CUSTOMER_CHURNED", &p.risk.customer_churned},
          {"STRATEGIC_STAGE", &p.risk.strategic_stage}};
}

// The API field of one rule's setting: `map_field`["ID"].weight|start|full.
std::string RuleField(const std::string& map_field, const std::string& id, absl::string_view part) {
  return absl::StrCat(map_field, "[\"", id.substr(0, 64), "\"].", part);
}

// risk.h validates under its internal names ("risk.revenue_drop.ramp.full
// must be ..."); a caller sent policy.risk.risk_rules["REVENUE_DROP"].full.
// Rules are applied one at a time onto valid defaults, so the first error
// after applying one is that rule's, and only its field name needs
// translating.
absl::Status RenameRuleError(const absl::Status& status, const std::string& map_field,
                             const std::string& id) {
  const absl::string_view message = status.message();
  const size_t space = message.find(' ');
  const absl::string_view internal = message.substr(0, space);
  const absl::string_view rule =
      space == absl::string_view::npos ? absl::string_view() : message.substr(space + 1);
  absl::string_view part = "weight";
  if (absl::EndsWith(internal, ".ramp.start")) part = "start";
  if (absl::EndsWith(internal, ".ramp.full")) part = "full";
  return common::InvalidField(RuleField(map_field, id, part), rule);
}

absl::Status ApplyRules(const google::protobuf::Map<std::string, v1::RuleSetting>& settings,
                        bool health, RiskHealthPolicy* policy) {
  const std::string field = health ? "policy.risk.health_rules" : "policy.risk.risk_rules";
  std::map<std::string, RampRule*> ramps = RampRules(*policy, health);
  std::map<std::string, FlagRule*> flags = FlagRules(*policy, health);
  for (const auto& [id, setting] : settings) {
    if (health && id == "BASE") {
      policy->health.base = setting.weight();
    } else if (auto it = ramps.find(id); it != ramps.end()) {
      it->second->weight = setting.weight();
      it->second->ramp = {setting.start(), setting.full()};
    } else if (auto flag = flags.find(id); flag != flags.end()) {
      flag->second->weight = setting.weight();
    } else {
      return common::InvalidField(absl::StrCat(field, "[\"", id.substr(0, 64), "\"]"),
                                  "is not a known rule id (see README, \"Scoring\")");
    }
    if (absl::Status s = ValidatePolicy(*policy); !s.ok()) return RenameRuleError(s, field, id);
  }
  return absl::OkStatus();
}

// Reads a tier-letter map onto defaults; days 0..3660.
absl::Status ApplyTierDays(const std::string& field,
                           const google::protobuf::Map<std::string, int32_t>& by_tier, int32_t low,
                           int32_t high, std::array<int32_t, 5>* out) {
  for (const auto& [letter, value] : by_tier) {
    const int index = TierIndex(letter);
    const std::string entry = absl::StrCat(field, "[\"", letter.substr(0, 16), "\"]");
    if (index == 0) return common::InvalidField(entry, "must be keyed by a tier: A, B, C or D");
    KAM_RETURN_IF_ERROR(common::CheckRange(entry, value, low, high));
    (*out)[index] = value;
  }
  return absl::OkStatus();
}

absl::Status CheckCriteria(const v1::ScoringPolicy& policy) {
  std::set<int> seen;
  int total = 0;
  for (int i = 0; i < policy.criteria_size(); ++i) {
    const v1::CriterionWeight& c = policy.criteria(i);
    const std::string field = absl::StrCat("policy.criteria[", i, "]");
    if (c.criterion() == v1::CRITERION_UNSPECIFIED || !v1::Criterion_IsValid(c.criterion())) {
      return common::InvalidField(absl::StrCat(field, ".criterion"), "must be a known Criterion");
    }
    if (!seen.insert(c.criterion()).second) {
      return common::InvalidField(absl::StrCat(field, ".criterion"), "appears twice");
    }
    KAM_RETURN_IF_ERROR(common::CheckRange(absl::StrCat(field, ".weight"), c.weight(), 0, 100));
    const bool qualitative =
        c.criterion() == v1::CRITERION_INFLUENCE || c.criterion() == v1::CRITERION_REPUTATION;
    if (!qualitative && c.full_marks_at() <= 0) {
      return common::InvalidField(absl::StrCat(field, ".full_marks_at"), "must be positive");
    }
    total += c.weight();
  }
  if (policy.criteria_size() > 0 && total != 100) {
    return common::InvalidField("policy.criteria",
                                absl::StrCat("weights must add up to 100 (got ", total, ")"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RatingSettings> ToRatingSettings(const v1::ScoringPolicy& policy) {
  KAM_RETURN_IF_ERROR(common::CheckRequiredText("policy.display_name", policy.display_name(), 200));
  RatingSettings settings;
  settings.period_days = policy.period_days() == 0 ? kDefaultPeriodDays : policy.period_days();
  KAM_RETURN_IF_ERROR(
      common::CheckRange("policy.period_days", settings.period_days, 1, kMaxPeriodDays));
  if (!v1::ValueMeasure_IsValid(policy.value_measure())) {
    return common::InvalidField("policy.value_measure", "must be a known ValueMeasure");
  }
  if (policy.value_measure() != v1::VALUE_MEASURE_UNSPECIFIED) {
    settings.value_measure = policy.value_measure();
  }
  KAM_RETURN_IF_ERROR(CheckCriteria(policy));
  settings.criteria.assign(policy.criteria().begin(), policy.criteria().end());
  if (!v1::RankBy_IsValid(policy.rank_by())) {
    return common::InvalidField("policy.rank_by", "must be a known RankBy");
  }
  if (policy.rank_by() != v1::RANK_BY_UNSPECIFIED) settings.rank_by = policy.rank_by();
  if (settings.rank_by == v1::RANK_BY_SCORE && policy.criteria_size() == 0) {
    return common::InvalidField("policy.rank_by", "SCORE needs criteria to score on");
  }

  // Tiering.
  const v1::Tiering& tiering = policy.tiering();
  if (!v1::SegmentBy_IsValid(tiering.segment_by())) {
    return common::InvalidField("policy.tiering.segment_by", "must be a known SegmentBy");
  }
  settings.segment_by = tiering.segment_by();
  if (tiering.has_default_rule()) {
    KAM_ASSIGN_OR_RETURN(TierRule rule,
                         ToTierRule("policy.tiering.default_rule", tiering.default_rule()));
    settings.tiering.default_rule = rule;
  }
  settings.tiering.by_segment = tiering.segment_by() != v1::SEGMENT_BY_UNSPECIFIED;
  if (!settings.tiering.by_segment && !tiering.segment_rules().empty()) {
    return common::InvalidField("policy.tiering.segment_rules", "needs segment_by to be set");
  }
  for (const auto& [segment, rule] : tiering.segment_rules()) {
    KAM_ASSIGN_OR_RETURN(
        TierRule converted,
        ToTierRule(absl::StrCat("policy.tiering.segment_rules[\"", segment.substr(0, 64), "\"]"),
                   rule));
    settings.tiering.segment_rules.emplace(segment, converted);
  }
  if (!v1::RankUnit_IsValid(tiering.rank_unit())) {
    return common::InvalidField("policy.tiering.rank_unit", "must be a known RankUnit");
  }
  settings.tiering.by_group = tiering.rank_unit() == v1::RANK_UNIT_GROUP;
  if (settings.tiering.by_group && settings.rank_by == v1::RANK_BY_SCORE) {
    return common::InvalidField("policy.tiering.rank_unit",
                                "GROUP needs rank_by VALUE (scores do not add up over a group)");
  }
  // Every rule was checked above under its API name; this cannot fail.
  if (absl::Status s = ValidatePolicy(settings.tiering); !s.ok()) {
    return absl::InternalError(absl::StrCat("tiering rules passed the API checks: ", s.message()));
  }

  // Key tiers and alerts.
  if (policy.key_tiers_size() > 0) {
    settings.alerts.key_tiers.clear();
    for (int i = 0; i < policy.key_tiers_size(); ++i) {
      settings.alerts.key_tiers.push_back(static_cast<account::v1::Tier>(policy.key_tiers(i)));
    }
  }
  const v1::AlertSettings& alerts = policy.alerts();
  if (alerts.churn_risk_threshold() != 0) {
    settings.alerts.churn_risk_threshold = alerts.churn_risk_threshold();
  }
  if (alerts.sla_breach_threshold() != 0) {
    settings.alerts.sla_breach_threshold = alerts.sla_breach_threshold();
  }
  if (alerts.overdue_share_threshold_bp() != 0) {
    settings.alerts.overdue_share_threshold_bp = alerts.overdue_share_threshold_bp();
  }
  settings.alerts.overdue_amount_threshold_minor = alerts.overdue_amount_threshold_minor();
  if (alerts.agreement_notice_window_days() != 0) {
    settings.alerts.agreement_notice_window_days = alerts.agreement_notice_window_days();
  }
  if (absl::Status s = ValidateAlertPolicy(settings.alerts); !s.ok()) {
    // alerts.h names its fields as the API does, below policy.alerts, except
    // key_tiers, which is a field of the policy itself.
    return absl::InvalidArgumentError(absl::StrCat(
        absl::StartsWith(s.message(), "key_tiers") ? "policy." : "policy.alerts.", s.message()));
  }

  // Lifetime value.
  const v1::ClvSettings& clv = policy.clv();
  const int32_t default_churn =
      clv.default_churn_rate_bp() == 0 ? kDefaultChurnRateBp : clv.default_churn_rate_bp();
  KAM_RETURN_IF_ERROR(
      common::CheckRange("policy.clv.default_churn_rate_bp", default_churn, 1, 10000));
  settings.churn_rate_bp.fill(default_churn);
  KAM_RETURN_IF_ERROR(ApplyTierDays("policy.clv.churn_rate_bp_by_tier", clv.churn_rate_bp_by_tier(),
                                    1, 10000, &settings.churn_rate_bp));
  if (clv.acquisition_cost_minor() < 0) {
    return common::InvalidField("policy.clv.acquisition_cost_minor", "must not be negative");
  }
  if (clv.yearly_retention_cost_minor() < 0) {
    return common::InvalidField("policy.clv.yearly_retention_cost_minor", "must not be negative");
  }
  KAM_RETURN_IF_ERROR(
      common::CheckRange("policy.clv.discount_rate_bp", clv.discount_rate_bp(), 0, 10000));
  settings.acquisition_cost_minor = clv.acquisition_cost_minor();
  settings.yearly_retention_cost_minor = clv.yearly_retention_cost_minor();
  settings.discount_rate_bp = clv.discount_rate_bp();

  // Risk and health.
  const v1::RiskSettings& risk = policy.risk();
  KAM_RETURN_IF_ERROR(ApplyRules(risk.risk_rules(), /*health=*/false, &settings.risk));
  KAM_RETURN_IF_ERROR(ApplyRules(risk.health_rules(), /*health=*/true, &settings.risk));
  settings.manager_cadence_days = {0, 30, 60, 90, 0};
  settings.executive_cadence_days = {0, 180, 365, 0, 0};
  KAM_RETURN_IF_ERROR(ApplyTierDays("policy.risk.manager_cadence_days_by_tier",
                                    risk.manager_cadence_days_by_tier(), 0, kMaxPeriodDays,
                                    &settings.manager_cadence_days));
  KAM_RETURN_IF_ERROR(ApplyTierDays("policy.risk.executive_cadence_days_by_tier",
                                    risk.executive_cadence_days_by_tier(), 0, kMaxPeriodDays,
                                    &settings.executive_cadence_days));
  return settings;
}

absl::Status ValidateScoringPolicy(const v1::ScoringPolicy& policy) {
  return ToRatingSettings(policy).status();
}

absl::StatusOr<absl::Time> PeriodStart(const RatingSettings& settings, absl::Time as_of,
                                       absl::string_view as_of_field) {
  const absl::Time start = as_of - absl::Hours(24) * settings.period_days;
  if (common::InTimestampRange(start)) return start;
  return common::InvalidField(
      as_of_field, absl::StrCat("must be at least the policy's period (", settings.period_days,
                                " days) after 0001-01-01T00:00:00Z: a run's period cannot "
                                "start before year 1"));
}

}  // namespace kam::scoring::rules
