// A scoring policy (kam.scoring.v1.ScoringPolicy) checked and turned into
// the settings the rule modules take: tiering.h, risk.h, clv.h, alerts.h.
// Pure: no I/O.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "kam/scoring/v1/policy.pb.h"
#include "services/scoring/rules/alerts.h"
#include "services/scoring/rules/risk.h"
#include "services/scoring/rules/tiering.h"

namespace kam::scoring::rules {

inline constexpr int kDefaultPeriodDays = 365;
inline constexpr int kMaxPeriodDays = 3660;
inline constexpr int32_t kDefaultChurnRateBp = 1000;  // docs/domain.md §3: 10% a year

// Everything a rating run needs from a policy version.
struct RatingSettings {
  int period_days = kDefaultPeriodDays;
  v1::ValueMeasure value_measure = v1::VALUE_MEASURE_PROFIT;
  // The value score's criteria; weights add up to 100.
  std::vector<v1::CriterionWeight> criteria;
  v1::RankBy rank_by = v1::RANK_BY_VALUE;
  v1::SegmentBy segment_by = v1::SEGMENT_BY_UNSPECIFIED;
  TieringPolicy tiering;
  RiskHealthPolicy risk;
  AlertPolicy alerts;
  // Indexed by account::v1::Tier (0 = unrated, 1..4 = A..D).
  std::array<int32_t, 5> churn_rate_bp{};
  std::array<int32_t, 5> manager_cadence_days{};
  std::array<int32_t, 5> executive_cadence_days{};
  int64_t acquisition_cost_minor = 0;
  int64_t yearly_retention_cost_minor = 0;
  int32_t discount_rate_bp = 0;
};

// Checks `policy` (field names in errors start with "policy.") and fills in
// defaults: period 365 days, PROFIT, rank by VALUE, the default pyramid, key
// tiers A and B, churn 10% a year, cadences A 30/180, B 60/365, C 90/0,
// D 0/0 (manager/executive days), the risk module's default rules.
absl::StatusOr<RatingSettings> ToRatingSettings(const v1::ScoringPolicy& policy);

// Validation only (CreateScoringPolicy, UpdateScoringPolicy).
absl::Status ValidateScoringPolicy(const v1::ScoringPolicy& policy);

// Where a run as of `as_of` starts its period: `settings.period_days` days
// earlier. A period cannot start before year 1 (no Timestamp can say when
// it starts): INVALID_ARGUMENT naming `as_of_field` and the period then.
absl::StatusOr<absl::Time> PeriodStart(const RatingSettings& settings, absl::Time as_of,
                                       absl::string_view as_of_field);

}  // namespace kam::scoring::rules
