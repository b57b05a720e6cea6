// One account's rating from what the other services know about it: the
// account service's snapshot and the interaction service's facts for the
// period. Pure: no I/O; a run calls it once per account per pass.
#ifndef KAM_SERVICES_SCORING_ACCOUNT_RATING_H_
#define KAM_SERVICES_SCORING_ACCOUNT_RATING_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "kam/account/v1/account.pb.h"
#include "kam/interaction/v1/facts.pb.h"
#include "kam/scoring/v1/rating.pb.h"
#include "services/scoring/policy_settings.h"
#include "services/scoring/risk.h"

namespace kam::scoring {

// The facts of an account with no record in the interaction service.
const interaction::v1::AccountFacts& NoFacts();

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
AccountSignals SignalsOf(const RatingSettings& settings, const account::v1::AccountSnapshot& account,
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

}  // namespace kam::scoring

#endif  // KAM_SERVICES_SCORING_ACCOUNT_RATING_H_
