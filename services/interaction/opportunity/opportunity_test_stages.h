// Short names of the six pipeline stages, in order, for the opportunity
// area's unit tests (a table of stage rules reads better with them).
#pragma once

#include "kam/interaction/v1/opportunity.pb.h"

namespace kam::interaction::opportunity {

using v1::OpportunityStage;

inline constexpr OpportunityStage kDev = v1::OPPORTUNITY_STAGE_CUSTOMER_DEVELOPMENT;
inline constexpr OpportunityStage kInit = v1::OPPORTUNITY_STAGE_PROJECT_INITIATION;
inline constexpr OpportunityStage kProposal = v1::OPPORTUNITY_STAGE_PROPOSAL;
inline constexpr OpportunityStage kBid = v1::OPPORTUNITY_STAGE_BIDDING;
inline constexpr OpportunityStage kNego = v1::OPPORTUNITY_STAGE_COMMERCIAL_NEGOTIATION;
inline constexpr OpportunityStage kImpl = v1::OPPORTUNITY_STAGE_IMPLEMENTATION;

}  // namespace kam::interaction::opportunity
