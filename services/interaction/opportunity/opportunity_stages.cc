#include "services/interaction/opportunity/opportunity_stages.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api/validation.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"

namespace kam::interaction::opportunity {
namespace {

using v1::OpportunityStage;

// Position in the pipeline, 1 to 6; 0 off it.
int Position(OpportunityStage stage) {
  return IsOpportunityStage(stage) ? static_cast<int>(stage) : 0;
}

std::string EnumSuffix(const std::string& full, absl::string_view prefix, absl::string_view what,
                       int number) {
  if (full.size() > prefix.size() && absl::StartsWith(full, prefix)) {
    return full.substr(prefix.size());
  }
  return absl::StrCat(what, " ", number);
}

std::string StageList(const std::vector<OpportunityStage>& stages) {
  return absl::StrJoin(stages, ", ", [](std::string* out, OpportunityStage stage) {
    out->append(OpportunityStageName(stage));
  });
}

bool HasText(absl::string_view text) { return !absl::StripAsciiWhitespace(text).empty(); }

absl::Status CheckReasonText(absl::string_view reason) {
  return common::CheckText("reason", reason, kMaxOpportunityReason, /*multiline=*/true);
}

// A reason that must be given: not empty or only white space, then as
// CheckReasonText (newlines allowed).
absl::Status CheckRequiredReason(absl::string_view reason, absl::string_view why) {
  if (!HasText(reason)) return common::InvalidField("reason", absl::StrCat("is required ", why));
  return CheckReasonText(reason);
}

absl::Status NotOpen(const v1::Opportunity& opportunity, absl::string_view what) {
  return absl::FailedPreconditionError(absl::StrCat(
      "opportunity ", opportunity.name(), " is ", OpportunityStateName(opportunity.state()),
      " (closed at ", OpportunityStageName(opportunity.stage()), "); ", what));
}

// "the PROPOSAL milestone (effective progress in the relationship)"
std::string MilestoneLabel(OpportunityStage stage) {
  return absl::StrCat("the ", OpportunityStageName(stage), " milestone (",
                      MilestoneDescription(stage), ")");
}

}  // namespace

const std::vector<OpportunityStage>& OpportunityStagesInOrder() {
  static const std::vector<OpportunityStage>* stages = new std::vector<OpportunityStage>{
      v1::OPPORTUNITY_STAGE_CUSTOMER_DEVELOPMENT, v1::OPPORTUNITY_STAGE_PROJECT_INITIATION,
      v1::OPPORTUNITY_STAGE_PROPOSAL,             v1::OPPORTUNITY_STAGE_BIDDING,
      v1::OPPORTUNITY_STAGE_COMMERCIAL_NEGOTIATION, v1::OPPORTUNITY_STAGE_IMPLEMENTATION};
  return *stages;
}

bool IsOpportunityStage(OpportunityStage stage) {
  return stage >= v1::OPPORTUNITY_STAGE_CUSTOMER_DEVELOPMENT &&
         stage <= v1::OPPORTUNITY_STAGE_IMPLEMENTATION;
}

std::string OpportunityStageName(OpportunityStage stage) {
  if (!v1::OpportunityStage_IsValid(stage)) return absl::StrCat("stage ", static_cast<int>(stage));
  return EnumSuffix(v1::OpportunityStage_Name(stage), "OPPORTUNITY_STAGE_", "stage", stage);
}

std::string OpportunityStateName(v1::OpportunityState state) {
  if (!v1::OpportunityState_IsValid(state)) return absl::StrCat("state ", static_cast<int>(state));
  return EnumSuffix(v1::OpportunityState_Name(state), "OPPORTUNITY_STATE_", "state", state);
}

std::string OpportunityLostReasonName(v1::OpportunityLostReason reason) {
  if (!v1::OpportunityLostReason_IsValid(reason)) {
    return absl::StrCat("lost reason ", static_cast<int>(reason));
  }
  return EnumSuffix(v1::OpportunityLostReason_Name(reason), "OPPORTUNITY_LOST_REASON_",
                    "lost reason", reason);
}

absl::string_view MilestoneDescription(OpportunityStage stage) {
  switch (stage) {
    case v1::OPPORTUNITY_STAGE_CUSTOMER_DEVELOPMENT: return "accurate project information";
    case v1::OPPORTUNITY_STAGE_PROJECT_INITIATION: return "pre-sales project set up";
    case v1::OPPORTUNITY_STAGE_PROPOSAL: return "effective progress in the relationship";
    case v1::OPPORTUNITY_STAGE_BIDDING: return "tender or negotiated bid submitted";
    case v1::OPPORTUNITY_STAGE_COMMERCIAL_NEGOTIATION: return "contract approved and signed";
    case v1::OPPORTUNITY_STAGE_IMPLEMENTATION: return "acceptance and project close";
    default: return "";
  }
}

absl::string_view MilestoneField(OpportunityStage stage) {
  switch (stage) {
    case v1::OPPORTUNITY_STAGE_CUSTOMER_DEVELOPMENT: return "customer_development";
    case v1::OPPORTUNITY_STAGE_PROJECT_INITIATION: return "project_initiation";
    case v1::OPPORTUNITY_STAGE_PROPOSAL: return "proposal";
    case v1::OPPORTUNITY_STAGE_BIDDING: return "bidding";
    case v1::OPPORTUNITY_STAGE_COMMERCIAL_NEGOTIATION: return "commercial_negotiation";
    case v1::OPPORTUNITY_STAGE_IMPLEMENTATION: return "implementation";
    default: return "";
  }
}

const v1::OpportunityMilestone& MilestoneOf(const v1::OpportunityMilestones& m,
                                            OpportunityStage stage) {
  switch (stage) {
    case v1::OPPORTUNITY_STAGE_CUSTOMER_DEVELOPMENT: return m.customer_development();
    case v1::OPPORTUNITY_STAGE_PROJECT_INITIATION: return m.project_initiation();
    case v1::OPPORTUNITY_STAGE_PROPOSAL: return m.proposal();
    case v1::OPPORTUNITY_STAGE_BIDDING: return m.bidding();
    case v1::OPPORTUNITY_STAGE_COMMERCIAL_NEGOTIATION: return m.commercial_negotiation();
    case v1::OPPORTUNITY_STAGE_IMPLEMENTATION: return m.implementation();
    default: return v1::OpportunityMilestone::default_instance();
  }
}

v1::OpportunityMilestone* MutableMilestoneOf(v1::OpportunityMilestones* m,
                                             OpportunityStage stage) {
  switch (stage) {
    case v1::OPPORTUNITY_STAGE_CUSTOMER_DEVELOPMENT: return m->mutable_customer_development();
    case v1::OPPORTUNITY_STAGE_PROJECT_INITIATION: return m->mutable_project_initiation();
    case v1::OPPORTUNITY_STAGE_PROPOSAL: return m->mutable_proposal();
    case v1::OPPORTUNITY_STAGE_BIDDING: return m->mutable_bidding();
    case v1::OPPORTUNITY_STAGE_COMMERCIAL_NEGOTIATION: return m->mutable_commercial_negotiation();
    case v1::OPPORTUNITY_STAGE_IMPLEMENTATION: return m->mutable_implementation();
    default: return nullptr;
  }
}

bool StageNeedsAmount(OpportunityStage stage) {
  return Position(stage) >= Position(kFirstPricedStage);
}

absl::Status SettleMilestones(const v1::OpportunityMilestones* before,
                              v1::OpportunityMilestones* after, OpportunityStage current,
                              absl::Time now) {
  for (OpportunityStage stage : OpportunityStagesInOrder()) {
    v1::OpportunityMilestone* milestone = MutableMilestoneOf(after, stage);
    const v1::OpportunityMilestone& old =
        before == nullptr ? v1::OpportunityMilestone::default_instance()
                          : MilestoneOf(*before, stage);
    milestone->set_description(std::string(MilestoneDescription(stage)));
    if (!milestone->achieved()) {
      milestone->clear_achieve_time();
      continue;
    }
    if (old.achieved()) {
      if (old.has_achieve_time()) {
        *milestone->mutable_achieve_time() = old.achieve_time();
      } else {
        milestone->clear_achieve_time();
      }
      continue;
    }
    if (Position(stage) > Position(current)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "milestones.", MilestoneField(stage), ".achieved cannot be set while the opportunity "
          "is at ", OpportunityStageName(current), ": ", MilestoneLabel(stage),
          " can be achieved only once the opportunity has reached ",
          OpportunityStageName(stage)));
    }
    *milestone->mutable_achieve_time() = common::ToProtoTimestamp(now);
  }
  return absl::OkStatus();
}

absl::Status ValidateNewOpportunityStage(const v1::Opportunity& opportunity) {
  if (opportunity.stage() != v1::OPPORTUNITY_STAGE_UNSPECIFIED &&
      opportunity.stage() != kFirstStage) {
    return common::InvalidField(
        "opportunity.stage",
        absl::StrCat("must be unset or CUSTOMER_DEVELOPMENT on create (got ",
                     OpportunityStageName(opportunity.stage()),
                     "): every opportunity starts there; MoveOpportunityStage takes it further "
                     "(a skip needs a reason)"));
  }
  for (v1::OpportunityStage stage : OpportunityStagesInOrder()) {
    if (stage != kFirstStage && MilestoneOf(opportunity.milestones(), stage).achieved()) {
      return common::InvalidField(
          absl::StrCat("opportunity.milestones.", MilestoneField(stage), ".achieved"),
          "can be true on create only for customer_development, the stage a new opportunity "
          "starts at");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateStageMoveRequest(OpportunityStage to_stage, absl::string_view reason) {
  if (!IsOpportunityStage(to_stage)) {
    return common::InvalidField(
        "to_stage", absl::StrCat("must be one of the six stages (got ",
                                 OpportunityStageName(to_stage), ")"));
  }
  return CheckReasonText(reason);
}

absl::StatusOr<OpportunityStagePlan> CheckOpportunityStageMove(const v1::Opportunity& opportunity,
                                                               OpportunityStage to_stage,
                                                               absl::string_view reason) {
  KAM_RETURN_IF_ERROR(ValidateStageMoveRequest(to_stage, reason));
  const OpportunityStage from = opportunity.stage();
  const std::string move =
      absl::StrCat("cannot move from ", OpportunityStageName(from), " to ",
                   OpportunityStageName(to_stage));
  if (opportunity.state() != v1::OPPORTUNITY_STATE_OPEN) {
    return NotOpen(opportunity, absl::StrCat(move, "; reopen it first"));
  }
  const int from_position = Position(from);
  const int to_position = Position(to_stage);
  if (from_position == to_position) {
    return absl::FailedPreconditionError(absl::StrCat("opportunity ", opportunity.name(),
                                                      " is already at ",
                                                      OpportunityStageName(to_stage)));
  }
  const bool has_reason = HasText(reason);
  OpportunityStagePlan plan;
  if (to_position < from_position) {
    if (!has_reason) {
      return common::InvalidField(
          "reason", absl::StrCat("is required to move back from ", OpportunityStageName(from),
                                 " to ", OpportunityStageName(to_stage)));
    }
    plan.kind = v1::OPPORTUNITY_STAGE_MOVE_KIND_MOVED_BACK;
    return plan;
  }
  for (int p = from_position + 1; p < to_position; ++p) {
    plan.skipped.push_back(static_cast<OpportunityStage>(p));
  }
  if (!plan.skipped.empty() && !has_reason) {
    return common::InvalidField(
        "reason", absl::StrCat("is required to skip ", StageList(plan.skipped), " (moving from ",
                               OpportunityStageName(from), " to ",
                               OpportunityStageName(to_stage), ")"));
  }
  if (!MilestoneOf(opportunity.milestones(), from).achieved()) {
    return absl::FailedPreconditionError(absl::StrCat(
        move, ": ", MilestoneLabel(from), " is not achieved; record it (milestones.",
        MilestoneField(from), ".achieved) first"));
  }
  if (StageNeedsAmount(to_stage) && !opportunity.has_amount()) {
    return absl::FailedPreconditionError(absl::StrCat(
        move, ": an opportunity needs an amount from ", OpportunityStageName(kFirstPricedStage),
        " on; set amount first"));
  }
  plan.kind = plan.skipped.empty() ? v1::OPPORTUNITY_STAGE_MOVE_KIND_ADVANCED
                                   : v1::OPPORTUNITY_STAGE_MOVE_KIND_SKIPPED_AHEAD;
  return plan;
}

absl::Status ValidateCloseRequest(const v1::CloseOpportunityRequest& request) {
  const bool won = request.outcome() == v1::OPPORTUNITY_STATE_WON;
  const bool lost = request.outcome() == v1::OPPORTUNITY_STATE_LOST;
  if (!won && !lost) {
    return common::InvalidField("outcome", absl::StrCat("must be WON or LOST (got ",
                                                        OpportunityStateName(request.outcome()),
                                                        ")"));
  }
  KAM_RETURN_IF_ERROR(CheckRequiredReason(
      request.reason(),
      absl::StrCat("to close an opportunity as ", OpportunityStateName(request.outcome()))));
  if (won) {
    if (request.lost_reason() != v1::OPPORTUNITY_LOST_REASON_UNSPECIFIED) {
      return common::InvalidField("lost_reason", "must be unset when the outcome is WON");
    }
    if (!request.lost_to().empty()) {
      return common::InvalidField("lost_to", "must be empty when the outcome is WON");
    }
    return absl::OkStatus();
  }
  if (request.lost_reason() == v1::OPPORTUNITY_LOST_REASON_UNSPECIFIED ||
      !v1::OpportunityLostReason_IsValid(request.lost_reason())) {
    return common::InvalidField(
        "lost_reason", "is required when the outcome is LOST: PRICE, PRODUCT_FIT, RELATIONSHIP, "
                       "TIMING, NO_DECISION or OTHER");
  }
  if (request.lost_reason() == v1::OPPORTUNITY_LOST_REASON_NO_DECISION) {
    if (!request.lost_to().empty()) {
      return common::InvalidField(
          "lost_to", "must be empty when lost_reason is NO_DECISION (no one won the business)");
    }
    return absl::OkStatus();
  }
  if (!HasText(request.lost_to())) {
    return common::InvalidField(
        "lost_to", absl::StrCat("is required when lost_reason is ",
                                OpportunityLostReasonName(request.lost_reason()),
                                ": name the competitor who won, or use lost_reason NO_DECISION "
                                "if no one did"));
  }
  return common::CheckText("lost_to", request.lost_to(), kMaxOpportunityCompetitor);
}

absl::Status CheckOpportunityClose(const v1::Opportunity& opportunity,
                                   const v1::CloseOpportunityRequest& request) {
  KAM_RETURN_IF_ERROR(ValidateCloseRequest(request));
  const std::string outcome = OpportunityStateName(request.outcome());
  if (opportunity.state() != v1::OPPORTUNITY_STATE_OPEN) {
    return NotOpen(opportunity, absl::StrCat("cannot close it as ", outcome, "; reopen it first"));
  }
  if (request.outcome() == v1::OPPORTUNITY_STATE_LOST) return absl::OkStatus();
  const OpportunityStage stage = opportunity.stage();
  if (Position(stage) < Position(kContractStage)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot close as WON at ", OpportunityStageName(stage), ": an opportunity is won at ",
        OpportunityStageName(kContractStage), " or ",
        OpportunityStageName(v1::OPPORTUNITY_STAGE_IMPLEMENTATION), " only"));
  }
  if (!MilestoneOf(opportunity.milestones(), kContractStage).achieved()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot close as WON at ", OpportunityStageName(stage), ": ",
        MilestoneLabel(kContractStage), " is not achieved; record it (milestones.",
        MilestoneField(kContractStage), ".achieved) first"));
  }
  if (!opportunity.has_amount()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot close as WON at ", OpportunityStageName(stage), ": the opportunity has no amount"));
  }
  return absl::OkStatus();
}

absl::Status CheckOpportunityReopen(const v1::Opportunity& opportunity, absl::string_view reason) {
  KAM_RETURN_IF_ERROR(CheckRequiredReason(reason, "to reopen an opportunity"));
  if (opportunity.state() != v1::OPPORTUNITY_STATE_WON &&
      opportunity.state() != v1::OPPORTUNITY_STATE_LOST) {
    return absl::FailedPreconditionError(absl::StrCat(
        "opportunity ", opportunity.name(), " is ", OpportunityStateName(opportunity.state()),
        " at ", OpportunityStageName(opportunity.stage()),
        "; only a WON or LOST opportunity can be reopened"));
  }
  return absl::OkStatus();
}

}  // namespace kam::interaction::opportunity
