// The stage rules of the key-account sales pipeline (docs/domain.md §6). Pure: no
// I/O. The rules, as documented in kam/interaction/v1/opportunity.proto:
//
//   CUSTOMER_DEVELOPMENT -> PROJECT_INITIATION -> PROPOSAL -> BIDDING
//     -> COMMERCIAL_NEGOTIATION -> IMPLEMENTATION
//
// - Each stage's key milestone is what completes it, so leaving a stage
//   forward (one step or a skip) needs the current stage's milestone
//   achieved: FAILED_PRECONDITION naming the stage and its milestone.
// - Skipping (forward more than one stage) also needs a reason:
//   INVALID_ARGUMENT naming `reason` and the stages skipped, which the
//   history row records.
// - Moving back needs a reason (INVALID_ARGUMENT naming `reason`); the
//   milestones already achieved stay as they are.
// - From PROPOSAL on an opportunity must have an amount: a proposal has a
//   price.
// - Only OPEN opportunities move; a WON or LOST one is FAILED_PRECONDITION
//   until reopened.
// - WON: at COMMERCIAL_NEGOTIATION or IMPLEMENTATION only, with the
//   COMMERCIAL_NEGOTIATION milestone (contract approved and signed)
//   achieved and an amount: a deal without a signed contract is not won.
// - LOST: from any stage, with a lost_reason and the competitor who won,
//   unless the customer bought from no one (NO_DECISION).
// - Reopen: WON or LOST back to OPEN at the same stage, with a reason.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "kam/interaction/v1/opportunity.pb.h"

namespace kam::interaction::opportunity {

inline constexpr int kOpportunityStageCount = 6;
inline constexpr size_t kMaxOpportunityReason = 1000;
inline constexpr size_t kMaxOpportunityCompetitor = 200;

// The six stages in order.
const std::vector<v1::OpportunityStage>& OpportunityStagesInOrder();

// True for the six stages (not UNSPECIFIED, not unknown numbers).
bool IsOpportunityStage(v1::OpportunityStage stage);

// "PROPOSAL" for OPPORTUNITY_STAGE_PROPOSAL; "stage 9" for unknown numbers.
std::string OpportunityStageName(v1::OpportunityStage stage);
// "WON" for OPPORTUNITY_STATE_WON.
std::string OpportunityStateName(v1::OpportunityState state);
// "NO_DECISION" for OPPORTUNITY_LOST_REASON_NO_DECISION.
std::string OpportunityLostReasonName(v1::OpportunityLostReason reason);

// The stage's key milestone in words (docs/domain.md §6), e.g. "contract approved
// and signed".
absl::string_view MilestoneDescription(v1::OpportunityStage stage);
// The stage's field in OpportunityMilestones, e.g. "commercial_negotiation".
absl::string_view MilestoneField(v1::OpportunityStage stage);
// The stage's milestone (stage must be one of the six).
const v1::OpportunityMilestone& MilestoneOf(const v1::OpportunityMilestones& milestones,
                                            v1::OpportunityStage stage);
v1::OpportunityMilestone* MutableMilestoneOf(v1::OpportunityMilestones* milestones,
                                             v1::OpportunityStage stage);

// Where every opportunity starts.
inline constexpr v1::OpportunityStage kFirstStage = v1::OPPORTUNITY_STAGE_CUSTOMER_DEVELOPMENT;
// The stage where the contract is signed: its milestone must be achieved to
// close WON.
inline constexpr v1::OpportunityStage kContractStage =
    v1::OPPORTUNITY_STAGE_COMMERCIAL_NEGOTIATION;
// The first stage that needs an amount.
inline constexpr v1::OpportunityStage kFirstPricedStage = v1::OPPORTUNITY_STAGE_PROPOSAL;

// True when an opportunity at `stage` must have an amount.
bool StageNeedsAmount(v1::OpportunityStage stage);

// Makes the milestones consistent after a caller wrote them (`after`, from
// `before`; `before` is null on create), for an opportunity at `current`:
// every description is reset from docs/domain.md §6; `achieve_time` becomes `now`
// when `achieved` turns true, is kept while it stays true and is cleared when
// it turns false (whatever the caller sent). Achieving the milestone of a
// stage after `current` is FAILED_PRECONDITION naming both stages.
absl::Status SettleMilestones(const v1::OpportunityMilestones* before,
                              v1::OpportunityMilestones* after, v1::OpportunityStage current,
                              absl::Time now);

// The stage fields of a new opportunity (INVALID_ARGUMENT): `stage` unset or
// kFirstStage (MoveOpportunityStage takes it further), and no milestone
// achieved but kFirstStage's.
absl::Status ValidateNewOpportunityStage(const v1::Opportunity& opportunity);

// The static checks of MoveOpportunityStage: `to_stage` is one of the six,
// `reason` is text of at most 1000 characters. INVALID_ARGUMENT.
absl::Status ValidateStageMoveRequest(v1::OpportunityStage to_stage, absl::string_view reason);

// A move that the rules allow.
struct OpportunityStagePlan {
  v1::OpportunityStageMoveKind kind = v1::OPPORTUNITY_STAGE_MOVE_KIND_UNSPECIFIED;
  // The stages jumped over by a skip, in order.
  std::vector<v1::OpportunityStage> skipped;
};

// Checks a move of `opportunity` (as stored) to `to_stage` with `reason`
// (white space only counts as none). Runs ValidateStageMoveRequest first.
//   INVALID_ARGUMENT: to_stage, or a missing reason for a skip or a move
//     back ("reason is required to skip PROJECT_INITIATION, PROPOSAL ...").
//   FAILED_PRECONDITION: not OPEN; already at to_stage; the current stage's
//     milestone not achieved on a forward move; no amount for a move to
//     PROPOSAL or later. Each message names the stages involved.
absl::StatusOr<OpportunityStagePlan> CheckOpportunityStageMove(
    const v1::Opportunity& opportunity, v1::OpportunityStage to_stage, absl::string_view reason);

// The static checks of CloseOpportunity (INVALID_ARGUMENT naming the field):
// outcome WON or LOST; reason 1 to 1000 characters; for LOST a known
// lost_reason and lost_to of 1 to 200 characters unless lost_reason is
// NO_DECISION (then lost_to must be empty); for WON no lost_reason and no
// lost_to.
absl::Status ValidateCloseRequest(const v1::CloseOpportunityRequest& request);

// Checks closing `opportunity` (as stored): ValidateCloseRequest, then
// FAILED_PRECONDITION when it is not OPEN, or for WON when it is not at
// COMMERCIAL_NEGOTIATION or IMPLEMENTATION, the contract milestone is not
// achieved, or it has no amount.
absl::Status CheckOpportunityClose(const v1::Opportunity& opportunity,
                                   const v1::CloseOpportunityRequest& request);

// Checks reopening: INVALID_ARGUMENT when `reason` is missing or too long;
// FAILED_PRECONDITION when `opportunity` is not WON or LOST.
absl::Status CheckOpportunityReopen(const v1::Opportunity& opportunity, absl::string_view reason);

}  // namespace kam::interaction::opportunity
