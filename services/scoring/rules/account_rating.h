// One account's rating from what the other services know about it: the
// account service's snapshot and the interaction service's facts for the
// period. Pure: no I/O. A run builds one AccountRater from its policy
// version and calls it once per account per pass; the pieces it is made of
// (value, score, segment, signals, CLV, movement) are below it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kam/account/v1/account.pb.h"
#include "kam/interaction/v1/facts.pb.h"
#include "kam/scoring/v1/rating.pb.h"
#include "services/scoring/rules/alerts.h"
#include "services/scoring/rules/policy_settings.h"
#include "services/scoring/rules/risk.h"
#include "services/scoring/rules/tiering.h"

namespace kam::scoring::rules {

// The facts of an account with no record in the interaction service.
const interaction::v1::AccountFacts& NoFacts();

// The figures of one account that a group roll-up adds up. Kept beside
// its rating so that a roll-up reads one run and nothing else.
struct RollupFigures {
  std::optional<int64_t> parent_id;  // unset for a root
  std::string owner;                 // the account manager's user id
  int64_t revenue_minor = 0;
  int64_t gross_profit_minor = 0;
  int64_t cost_to_serve_minor = 0;
  int32_t activity_count = 0;
  int64_t open_pipeline_minor = 0;
  int64_t weighted_pipeline_minor = 0;
  int32_t open_cases = 0;
  int32_t csat_count = 0;
  int64_t csat_sum = 0;
  int32_t complaints = 0;
  // The overdue receivables by days past due (they add up to the row's
  // overdue_minor when the facts are consistent).
  int64_t overdue_1_30_minor = 0;
  int64_t overdue_31_60_minor = 0;
  int64_t overdue_61_90_minor = 0;
  int64_t overdue_90_plus_minor = 0;
  int64_t credit_exposure_minor = 0;
  // The group credit limit the account sets, in its own currency.
  std::optional<int64_t> group_credit_limit_minor;
  std::string group_credit_currency;
  int32_t handovers = 0;
  // For the account manager's appraisal: collection cases (disputes) opened
  // in the period and follow-ups overdue at its end.
  int32_t disputes = 0;
  int32_t overdue_follow_ups = 0;
};

// One account's rating in a run: what a run stores per account (the rating
// store's row) and what GetAccountRating shows.
struct RatingRow {
  int64_t account_id = 0;
  // Value: the measure (in the account's currency), the weighted score
  // (0..10000) and the customer lifetime value.
  std::string currency;
  int64_t value_minor = 0;
  int32_t value_score = 0;
  int64_t clv_minor = 0;
  // Tier: the rank in its ranking (all accounts, or its segment), the tier
  // given, the tier held before and the movement between them.
  std::string segment;
  int64_t rank = 0;
  account::v1::Tier tier = account::v1::TIER_UNSPECIFIED;
  account::v1::Tier previous_tier = account::v1::TIER_UNSPECIFIED;
  v1::Movement movement = v1::MOVEMENT_UNSPECIFIED;
  bool key_account = false;
  // On the key-account list before this run (its previous tier a key tier,
  // or a designation active at the previous run's as_of): what
  // ListKeyAccountChanges compares key_account with. Set by the runner
  // (designations::RunDesignations::Apply).
  bool was_key = false;
  // Under rank unit GROUP: the root of the group it was rated as (itself
  // for a root or standalone account); 0 when rated on its own.
  int64_t group_id = 0;
  // Risk: churn risk and health (0..100) and the figures the alert rules
  // compare between runs.
  int churn_risk = 0;
  int health = 0;
  int32_t sla_breaches = 0;
  int64_t receivables_minor = 0;
  int64_t overdue_minor = 0;
  // The agreement ending soonest as this run found it (AgreementNoticeOf).
  AgreementNotice agreement;
  // The explanations: an AccountRating with value_factors, churn_risk and
  // health filled in, serialized.
  std::string details;
  // What a group roll-up sums (ReportService.GetGroupRollup), as the run
  // read it (RollupFiguresOf): the group hierarchy and owner from the
  // snapshot, the figures from the facts, money in `currency`.
  RollupFigures rollup;
};

// The roll-up figures of an account from what the run read of it.
RollupFigures RollupFiguresOf(const account::v1::AccountSnapshot& account,
                              const interaction::v1::AccountFacts& facts);

// What the alert rules compare between two runs (alerts.h) of a rating.
AccountRunResult RunResultOf(const RatingRow& rating);

// The agreement figures of a rating (RatingRow.agreement) from the facts'
// next_agreement at `as_of`: its id, end and notice deadline (Unix
// microseconds; a missing deadline is the end), whether the deadline is at
// most `window_days` days after as_of with the agreement not ended
// (AGREEMENT_ENDING, alerts.h), and the whole days left to the deadline
// (rounded down; negative once passed). All zero when the facts name no
// agreement (or one the rule cannot read).
AgreementNotice AgreementNoticeOf(const interaction::v1::AccountFacts& facts, absl::Time as_of,
                                  int32_t window_days);

// Rates the accounts of one run under one policy version. Immutable once
// made: cheap to share between calls, thread-safe.
class AccountRater {
 public:
  // INVALID_ARGUMENT when the policy's settings are not valid (the error of
  // ToRatingSettings, RiskScorer::Create or AlertDetector::Create).
  static absl::StatusOr<AccountRater> Create(const v1::ScoringPolicy& policy);

  const RatingSettings& settings() const { return settings_; }
  // The policy's alert rules (key tiers included).
  const AlertDetector& alerts() const { return detector_; }

  // Pass 1: what tiering ranks account `account_id` by (its value, or its
  // score when the policy ranks by score), its segment, and whether it has
  // churned (a churned account is not ranked: docs/domain.md §2). The
  // caller fills in parent_id (from the snapshot's parent) when ranking
  // groups.
  AccountValue RankingEntry(int64_t account_id, const account::v1::AccountSnapshot& account,
                            const interaction::v1::AccountFacts& facts) const;

  // Pass 2: the full rating of the account tiering gave `assignment` (value
  // and score with their factors, CLV, churn risk and health with theirs,
  // movement from the tier it holds, key-account flag), into `*out`. An
  // account tiering did not tier (churned) gets its figures but no tier:
  // tier unspecified, rank 0, movement NOT_TIERED, not a key account, CLV 0,
  // and the reason NOT_TIERED_REASON_CHURNED in its details.
  // INVALID_ARGUMENT as RiskScorer::Evaluate; `*out` is then unspecified.
  absl::Status Rate(const account::v1::AccountSnapshot& account,
                    const interaction::v1::AccountFacts& facts, const TierAssignment& assignment,
                    absl::Time as_of, RatingRow* out) const;

 private:
  AccountRater(RatingSettings settings, RiskScorer scorer, AlertDetector detector)
      : settings_(std::move(settings)),
        scorer_(std::move(scorer)),
        detector_(std::move(detector)) {}

  RatingSettings settings_;
  RiskScorer scorer_;
  AlertDetector detector_;
};

// The value measure (minor units): revenue, or gross profit minus cost to
// serve (docs/domain.md §1).
int64_t ValueOf(const RatingSettings& settings, const interaction::v1::AccountFacts& facts);

// The weighted value score, 0..10000 (hundredths of a point), and the
// criteria that made it, largest first.
struct ValueScore {
  int32_t score = 0;
  std::vector<v1::ScoreFactor> factors;
};
ValueScore ScoreOf(const RatingSettings& settings, const account::v1::AccountSnapshot& account,
                   const interaction::v1::AccountFacts& facts);

// What tiering ranks: the value or the score.
int64_t RankingKey(const RatingSettings& settings, int64_t value, int32_t score);

// The segment an account is ranked in ("" when the policy does not segment).
std::string SegmentOf(const RatingSettings& settings, const account::v1::AccountSnapshot& account);

// The churn-risk signals of an account: facts, snapshot and the cadence of
// the tier it is getting. Inconsistent figures are clamped into the ranges
// the risk rules require (a rating run never fails on one account's data).
AccountSignals SignalsOf(const RatingSettings& settings,
                         const account::v1::AccountSnapshot& account,
                         const interaction::v1::AccountFacts& facts, account::v1::Tier tier,
                         absl::Time as_of);

// Customer lifetime value (docs/domain.md §3) from the period's profit made yearly
// and the tier's churn rate; saturates at the int64 range.
int64_t ClvOf(const RatingSettings& settings, const interaction::v1::AccountFacts& facts,
              account::v1::Tier tier);

// NEW / PROMOTED / DEMOTED / UNCHANGED from the tier held before to the new.
v1::Movement MovementOf(account::v1::Tier previous, account::v1::Tier current);

// A risk or health score as the API reports it: the score and its top three
// factors.
v1::ExplainedScore ToExplainedScore(const ExplainedScore& score);

}  // namespace kam::scoring::rules
