// What the rule tests share: checking an INVALID_ARGUMENT; for the risk
// rules (risk_test.cc, risk_policy_test.cc) a neutral account, accounts with
// one kind of signal, evaluating them and finding a factor; for the reports
// (reports_test.cc, report_chart_test.cc) values 1..n and their Pareto curve.
#pragma once

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <optional>
#include <random>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "kam/account/v1/account.pb.h"
#include "services/scoring/rules/reports.h"
#include "services/scoring/rules/risk.h"

namespace kam::scoring::rules {

// A neutral account: active, stable, two contacts, no other facts. Neither
// score has a factor: risk 0, health at its base of 70.
inline AccountSignals Neutral() {
  AccountSignals s;
  s.stage = account::v1::RELATIONSHIP_STAGE_STABLE;
  s.lifecycle = account::v1::LIFECYCLE_STATE_ACTIVE;
  s.live_contact_count = 2;
  return s;
}

inline AccountRiskHealth Evaluate(const AccountSignals& signals,
                                  const RiskHealthPolicy& policy = RiskHealthPolicy()) {
  absl::StatusOr<RiskScorer> scorer = RiskScorer::Create(policy);
  EXPECT_TRUE(scorer.ok()) << scorer.status();
  absl::StatusOr<AccountRiskHealth> result = scorer->Evaluate(signals);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *result : AccountRiskHealth();
}

inline const Factor* Find(const ExplainedScore& score, FactorId id) {
  for (const Factor& factor : score.factors) {
    if (factor.id == id) return &factor;
  }
  return nullptr;
}

// A copy, for results that are temporaries.
inline std::optional<Factor> Get(const ExplainedScore& score, FactorId id) {
  const Factor* factor = Find(score, id);
  if (factor == nullptr) return std::nullopt;
  return *factor;
}

inline void ExpectInvalid(const absl::Status& status, absl::string_view field,
                          absl::string_view also = "") {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_TRUE(absl::StartsWith(status.message(), absl::StrCat(field, " ")))
      << status << " (want field " << field << ")";
  if (!also.empty()) {
    EXPECT_TRUE(absl::StrContains(status.message(), also)) << status << " (want " << also << ")";
  }
}

inline constexpr double kEps = 1e-9;

// Accounts with one kind of signal set (the rest neutral).
inline AccountSignals Revenue(int64_t previous, int64_t current) {
  AccountSignals s = Neutral();
  s.previous_revenue_minor = previous;
  s.revenue_minor = current;
  return s;
}

inline AccountSignals Receivables(int64_t receivables, int64_t overdue, int64_t overdue_90 = 0) {
  AccountSignals s = Neutral();
  s.receivables_minor = receivables;
  s.overdue_minor = overdue;
  s.overdue_90_minor = overdue_90;
  return s;
}

inline AccountSignals Csat(int32_t average, int32_t count, int32_t previous_average = 0,
                           int32_t previous_count = 0) {
  AccountSignals s = Neutral();
  s.csat = {average, count};
  s.previous_csat = {previous_average, previous_count};
  return s;
}

inline AccountSignals ManagerContact(std::optional<int32_t> days, int32_t cadence) {
  AccountSignals s = Neutral();
  s.days_since_manager_contact = days;
  s.manager_cadence_days = cadence;
  return s;
}

// Executive contact `days` ago (never: nullopt) against a cadence of 180 days.
inline AccountSignals ExecutiveContact(std::optional<int32_t> days, int32_t cadence = 180) {
  AccountSignals s = Neutral();
  s.days_since_executive_contact = days;
  s.executive_cadence_days = cadence;
  return s;
}

// A neutral account with one signal set.
template <typename Field, typename Value>
inline AccountSignals With(Field AccountSignals::*field, Value value) {
  AccountSignals s = Neutral();
  s.*field = value;
  return s;
}

// 1..n in a shuffled order.
inline std::vector<int64_t> OneTo(int64_t n, uint64_t seed = 1) {
  std::vector<int64_t> values(n);
  std::iota(values.begin(), values.end(), 1);
  std::shuffle(values.begin(), values.end(), std::mt19937_64(seed));
  return values;
}

// The curve of `values` at `shares` (expected to succeed).
inline ParetoCurve Curve(const std::vector<int64_t>& values,
                         absl::Span<const int32_t> shares = kDefaultParetoTopSharesBp) {
  absl::StatusOr<ParetoCurve> curve = ComputeParetoCurve(values, shares);
  EXPECT_TRUE(curve.ok()) << curve.status();
  return curve.ok() ? *curve : ParetoCurve{};
}

// A deterministic stream of pseudo-random numbers for synthetic test data:
// the state multiplied and xor-shifted by `first` and `second` bits per draw.
class Mixer {
 public:
  Mixer(uint64_t state, int first, int second) : x_(state), first_(first), second_(second) {}

  // The next number, below `range`.
  uint64_t operator()(uint64_t range) {
    x_ ^= x_ >> first_;
    x_ *= 0xBF58476D1CE4E5B9ull;
    x_ ^= x_ >> second_;
    return x_ % range;
  }

 private:
  uint64_t x_;
  const int first_;
  const int second_;
};

}  // namespace kam::scoring::rules
