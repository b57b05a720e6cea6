// The weighted pipeline: each stage's open amount weighted by the stage's
// win probability. Pure: no I/O; the store supplies the sums.
//
// The probabilities are a data table (GetStageProbabilities /
// UpdateStageProbabilities) with the defaults 10, 20, 40, 60, 80 and 95
// percent for the six stages in order: each 0 to 100 and never below the
// stage before it (a later stage is never less likely to be won).
//
// Money is never added across currencies: every currency gets its own
// block. Rounding: a stage's weighted amount is its summed amount times the
// probability divided by 100, rounded half up to a whole minor unit, applied
// once per stage and currency (not per opportunity), so it is as close to
// the exact value as an integer can be; a currency's weighted total is the
// sum of its stages' weighted amounts, so the rows add up to the total
// exactly.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "kam/interaction/v1/opportunity.pb.h"
#include "services/interaction/opportunity/opportunity_stages.h"

namespace kam::interaction::opportunity {

// Percent by stage: index 0 is CUSTOMER_DEVELOPMENT, 5 IMPLEMENTATION.
using StageProbabilityPercents = std::array<int, kOpportunityStageCount>;

// 10, 20, 40, 60, 80, 95.
StageProbabilityPercents DefaultStageProbabilities();

// The table as the API shows it: six entries in stage order.
void FillStageProbabilities(
    const StageProbabilityPercents& percents,
    google::protobuf::RepeatedPtrField<v1::OpportunityStageProbability>* out);

// Reads a caller's table: each of the six stages exactly once (any order),
// each 0 to 100, never below an earlier stage. INVALID_ARGUMENT naming
// "stage_probabilities.probabilities[i]..." otherwise.
absl::StatusOr<StageProbabilityPercents> ParseStageProbabilities(
    const google::protobuf::RepeatedPtrField<v1::OpportunityStageProbability>& entries);

// OK when `percents` satisfies the rules above (for values read back from
// the database).
absl::Status CheckStageProbabilities(const StageProbabilityPercents& percents);

// round_half_up(amount_minor x percent / 100) for amount_minor >= 0 and
// percent 0..100; exact for every int64 amount.
int64_t WeightedMinorUnits(int64_t amount_minor, int percent);

// One group of OPEN opportunities: those at `stage` whose amount is in
// `currency_code`, or, with an empty currency code, those without an amount.
struct PipelineGroup {
  v1::OpportunityStage stage = v1::OPPORTUNITY_STAGE_UNSPECIFIED;
  std::string currency_code;  // empty: unpriced
  int64_t count = 0;
  int64_t amount_minor = 0;  // sum of the amounts (0 when unpriced)
};

// Builds the pipeline from the groups (any order, a (stage, currency) pair
// at most once) and the probabilities: currency blocks ordered by code with
// six stage rows each, the per-stage counts and the totals. The scope fields
// (account, owner, class) are left for the caller. OUT_OF_RANGE if a sum
// does not fit in int64; INTERNAL for a group with an unknown stage.
absl::StatusOr<v1::WeightedPipeline> ComputeWeightedPipeline(
    const std::vector<PipelineGroup>& groups, const StageProbabilityPercents& percents);

}  // namespace kam::interaction::opportunity
