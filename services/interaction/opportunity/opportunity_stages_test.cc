#include "services/interaction/opportunity/opportunity_stages.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "kam/interaction/v1/opportunity.pb.h"
#include "services/interaction/opportunity/opportunity_test_stages.h"

namespace kam::interaction::opportunity {
namespace {

// An OPEN opportunity at `stage` with an amount and every milestone up to
// and including `stage` achieved.
v1::Opportunity At(OpportunityStage stage, bool with_amount = true) {
  v1::Opportunity o;
  o.set_name("opportunities/7");
  o.set_stage(stage);
  o.set_state(v1::OPPORTUNITY_STATE_OPEN);
  if (with_amount) {
    o.mutable_amount()->set_currency_code("CNY");
    o.mutable_amount()->set_minor_units(100000);
  }
  for (OpportunityStage s : OpportunityStagesInOrder()) {
    if (s <= stage) MutableMilestoneOf(o.mutable_milestones(), s)->set_achieved(true);
  }
  return o;
}

::testing::AssertionResult Fails(const absl::Status& status, absl::StatusCode code,
                                 const std::vector<std::string>& needles) {
  if (status.code() != code) {
    return ::testing::AssertionFailure()
           << "expected " << absl::StatusCodeToString(code) << ", got " << status;
  }
  for (const std::string& needle : needles) {
    if (!absl::StrContains(status.message(), needle)) {
      return ::testing::AssertionFailure() << "message lacks \"" << needle << "\": " << status;
    }
  }
  return ::testing::AssertionSuccess();
}

// --- names and milestones -------------------------------------------------------

TEST(OpportunityStagesTest, NamesAndOrder) {
  ASSERT_EQ(OpportunityStagesInOrder().size(), 6u);
  EXPECT_EQ(OpportunityStagesInOrder().front(), kDev);
  EXPECT_EQ(OpportunityStagesInOrder().back(), kImpl);
  EXPECT_EQ(OpportunityStageName(kNego), "COMMERCIAL_NEGOTIATION");
  EXPECT_EQ(OpportunityStageName(v1::OPPORTUNITY_STAGE_UNSPECIFIED), "UNSPECIFIED");
  EXPECT_EQ(OpportunityStageName(static_cast<OpportunityStage>(42)), "stage 42");
  EXPECT_EQ(OpportunityStateName(v1::OPPORTUNITY_STATE_WON), "WON");
  EXPECT_EQ(OpportunityLostReasonName(v1::OPPORTUNITY_LOST_REASON_NO_DECISION), "NO_DECISION");
  EXPECT_FALSE(IsOpportunityStage(v1::OPPORTUNITY_STAGE_UNSPECIFIED));
  EXPECT_FALSE(IsOpportunityStage(static_cast<OpportunityStage>(7)));
}

TEST(OpportunityStagesTest, MilestonesFollowDomainSection6) {
  EXPECT_EQ(MilestoneDescription(kDev), "accurate project information");
  EXPECT_EQ(MilestoneDescription(kInit), "pre-sales project set up");
  EXPECT_EQ(MilestoneDescription(kProposal), "effective progress in the relationship");
  EXPECT_EQ(MilestoneDescription(kBid), "tender or negotiated bid submitted");
  EXPECT_EQ(MilestoneDescription(kNego), "contract approved and signed");
  EXPECT_EQ(MilestoneDescription(kImpl), "acceptance and project close");
  v1::OpportunityMilestones m;
  for (OpportunityStage stage : OpportunityStagesInOrder()) {
    MutableMilestoneOf(&m, stage)->set_note(std::string(MilestoneField(stage)));
  }
  // Each stage reaches the milestone of its name.
  EXPECT_EQ(m.ShortDebugString(),
            "customer_development { note: \"customer_development\" } "
            "project_initiation { note: \"project_initiation\" } "
            "proposal { note: \"proposal\" } bidding { note: \"bidding\" } "
            "commercial_negotiation { note: \"commercial_negotiation\" } "
            "implementation { note: \"implementation\" }");
  EXPECT_EQ(&MilestoneOf(m, kBid), &m.bidding());
}

TEST(OpportunityStagesTest, AmountIsNeededFromProposalOn) {
  const std::pair<v1::OpportunityStage, bool> kNeeds[] = {
      {kDev, false}, {kInit, false}, {kProposal, true}, {kBid, true}, {kNego, true}, {kImpl, true}};
  for (const auto& [stage, needs] : kNeeds) EXPECT_EQ(StageNeedsAmount(stage), needs) << stage;
}

TEST(OpportunityStagesTest, SettleMilestonesStampsAndClearsTimes) {
  const absl::Time t1 = absl::FromUnixSeconds(1'700'000'000);
  const absl::Time t2 = t1 + absl::Hours(5);
  v1::OpportunityMilestones first;
  first.mutable_customer_development()->set_achieved(true);
  // Output-only values sent by a caller are ignored.
  first.mutable_customer_development()->set_description("mine");
  first.mutable_project_initiation()->mutable_achieve_time()->set_seconds(5);
  ASSERT_TRUE(SettleMilestones(nullptr, &first, kInit, t1).ok());
  EXPECT_EQ(first.customer_development().description(), "accurate project information");
  EXPECT_EQ(first.customer_development().achieve_time().seconds(), absl::ToUnixSeconds(t1));
  EXPECT_FALSE(first.project_initiation().has_achieve_time());
  EXPECT_EQ(first.implementation().description(), "acceptance and project close");

  // Still achieved: the first time stays; newly achieved: now; un-achieved:
  // cleared.
  v1::OpportunityMilestones second = first;
  second.mutable_customer_development()->mutable_achieve_time()->set_seconds(1);
  second.mutable_project_initiation()->set_achieved(true);
  ASSERT_TRUE(SettleMilestones(&first, &second, kInit, t2).ok());
  EXPECT_EQ(second.customer_development().achieve_time().seconds(), absl::ToUnixSeconds(t1));
  EXPECT_EQ(second.project_initiation().achieve_time().seconds(), absl::ToUnixSeconds(t2));

  v1::OpportunityMilestones third = second;
  third.mutable_customer_development()->set_achieved(false);
  ASSERT_TRUE(SettleMilestones(&second, &third, kInit, t2).ok());
  EXPECT_FALSE(third.customer_development().has_achieve_time());
  EXPECT_TRUE(third.project_initiation().has_achieve_time());
}

TEST(OpportunityStagesTest, MilestoneOfALaterStageCannotBeAchieved) {
  v1::OpportunityMilestones before;
  v1::OpportunityMilestones after;
  after.mutable_bidding()->set_achieved(true);
  EXPECT_TRUE(Fails(SettleMilestones(&before, &after, kProposal, absl::Now()),
                    absl::StatusCode::kFailedPrecondition,
                    {"milestones.bidding.achieved", "at PROPOSAL", "reached BIDDING"}));
  // A milestone already achieved (before a move back) may stay achieved.
  before.mutable_bidding()->set_achieved(true);
  EXPECT_TRUE(SettleMilestones(&before, &after, kProposal, absl::Now()).ok());
  // Earlier and current stages are fine (a skipped stage can be backfilled).
  v1::OpportunityMilestones backfill;
  backfill.mutable_project_initiation()->set_achieved(true);
  backfill.mutable_proposal()->set_achieved(true);
  EXPECT_TRUE(SettleMilestones(nullptr, &backfill, kProposal, absl::Now()).ok());
}

// --- moves ----------------------------------------------------------------------

TEST(OpportunityStagesTest, EveryForwardStepWithTheMilestoneIsAnAdvance) {
  const auto& stages = OpportunityStagesInOrder();
  for (size_t i = 0; i + 1 < stages.size(); ++i) {
    absl::StatusOr<OpportunityStagePlan> plan =
        CheckOpportunityStageMove(At(stages[i]), stages[i + 1], "");
    ASSERT_TRUE(plan.ok()) << OpportunityStageName(stages[i]) << ": " << plan.status();
    EXPECT_EQ(plan->kind, v1::OPPORTUNITY_STAGE_MOVE_KIND_ADVANCED);
    EXPECT_TRUE(plan->skipped.empty());
  }
}

TEST(OpportunityStagesTest, ForwardNeedsTheCurrentMilestone) {
  v1::Opportunity o = At(kProposal);
  MutableMilestoneOf(o.mutable_milestones(), kProposal)->set_achieved(false);
  EXPECT_TRUE(Fails(CheckOpportunityStageMove(o, kBid, "").status(),
                    absl::StatusCode::kFailedPrecondition,
                    {"cannot move from PROPOSAL to BIDDING", "PROPOSAL milestone",
                     "effective progress in the relationship", "milestones.proposal.achieved"}));
  // A reason does not replace the milestone, on a skip either.
  EXPECT_TRUE(Fails(CheckOpportunityStageMove(o, kNego, "fast track").status(),
                    absl::StatusCode::kFailedPrecondition,
                    {"cannot move from PROPOSAL to COMMERCIAL_NEGOTIATION"}));
  // Only the current stage's milestone counts, not earlier ones.
  v1::Opportunity skipped_earlier = At(kProposal);
  MutableMilestoneOf(skipped_earlier.mutable_milestones(), kInit)->set_achieved(false);
  EXPECT_TRUE(CheckOpportunityStageMove(skipped_earlier, kBid, "").ok());
}

TEST(OpportunityStagesTest, SkipNeedsAReasonAndRecordsTheSkippedStages) {
  EXPECT_TRUE(Fails(CheckOpportunityStageMove(At(kDev), kBid, "").status(),
                    absl::StatusCode::kInvalidArgument,
                    {"reason is required to skip PROJECT_INITIATION, PROPOSAL",
                     "from CUSTOMER_DEVELOPMENT to BIDDING"}));
  EXPECT_TRUE(absl::StartsWith(
      CheckOpportunityStageMove(At(kDev), kBid, " \n\t").status().message(), "reason "));
  absl::StatusOr<OpportunityStagePlan> plan =
      CheckOpportunityStageMove(At(kDev), kBid, "invited straight to tender");
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->kind, v1::OPPORTUNITY_STAGE_MOVE_KIND_SKIPPED_AHEAD);
  EXPECT_EQ(plan->skipped, (std::vector<OpportunityStage>{kInit, kProposal}));

  plan = CheckOpportunityStageMove(At(kDev), kImpl, "framework contract call-off");
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->skipped, (std::vector<OpportunityStage>{kInit, kProposal, kBid, kNego}));
}

TEST(OpportunityStagesTest, MovingBackNeedsAReason) {
  EXPECT_TRUE(Fails(CheckOpportunityStageMove(At(kBid), kInit, "").status(),
                    absl::StatusCode::kInvalidArgument,
                    {"reason is required to move back from BIDDING to PROJECT_INITIATION"}));
  absl::StatusOr<OpportunityStagePlan> plan =
      CheckOpportunityStageMove(At(kBid), kInit, "tender cancelled and re-scoped");
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->kind, v1::OPPORTUNITY_STAGE_MOVE_KIND_MOVED_BACK);
  EXPECT_TRUE(plan->skipped.empty());
  // Moving back needs no milestone.
  v1::Opportunity o = At(kBid);
  MutableMilestoneOf(o.mutable_milestones(), kBid)->set_achieved(false);
  EXPECT_TRUE(CheckOpportunityStageMove(o, kProposal, "price rework").ok());
}

TEST(OpportunityStagesTest, AmountIsNeededToReachProposal) {
  EXPECT_TRUE(CheckOpportunityStageMove(At(kDev, false), kInit, "").ok());
  EXPECT_TRUE(Fails(CheckOpportunityStageMove(At(kInit, false), kProposal, "").status(),
                    absl::StatusCode::kFailedPrecondition,
                    {"cannot move from PROJECT_INITIATION to PROPOSAL", "amount"}));
  EXPECT_TRUE(Fails(CheckOpportunityStageMove(At(kDev, false), kBid, "why").status(),
                    absl::StatusCode::kFailedPrecondition, {"amount"}));
}

TEST(OpportunityStagesTest, SameStageAndBadTargetsAreRefused) {
  EXPECT_TRUE(Fails(CheckOpportunityStageMove(At(kBid), kBid, "").status(),
                    absl::StatusCode::kFailedPrecondition, {"already at BIDDING"}));
  EXPECT_TRUE(
      Fails(CheckOpportunityStageMove(At(kBid), v1::OPPORTUNITY_STAGE_UNSPECIFIED, "").status(),
            absl::StatusCode::kInvalidArgument, {"to_stage must be one of the six"}));
  EXPECT_TRUE(
      Fails(CheckOpportunityStageMove(At(kBid), static_cast<OpportunityStage>(9), "").status(),
            absl::StatusCode::kInvalidArgument, {"to_stage", "stage 9"}));
  EXPECT_TRUE(Fails(CheckOpportunityStageMove(At(kDev), kInit, std::string(1001, 'x')).status(),
                    absl::StatusCode::kInvalidArgument, {"reason must be at most 1000"}));
}

TEST(OpportunityStagesTest, ClosedOpportunitiesDoNotMove) {
  for (v1::OpportunityState state : {v1::OPPORTUNITY_STATE_WON, v1::OPPORTUNITY_STATE_LOST}) {
    v1::Opportunity o = At(kNego);
    o.set_state(state);
    for (OpportunityStage to : {kImpl, kBid, kDev}) {
      EXPECT_TRUE(Fails(
          CheckOpportunityStageMove(o, to, "a reason").status(),
          absl::StatusCode::kFailedPrecondition,
          {OpportunityStateName(state), "closed at COMMERCIAL_NEGOTIATION",
           absl::StrCat("cannot move from COMMERCIAL_NEGOTIATION to ", OpportunityStageName(to)),
           "reopen"}));
    }
  }
}

// --- closing and reopening ------------------------------------------------------

v1::CloseOpportunityRequest Won(const std::string& reason = "best technical offer") {
  v1::CloseOpportunityRequest request;
  request.set_outcome(v1::OPPORTUNITY_STATE_WON);
  request.set_reason(reason);
  return request;
}

v1::CloseOpportunityRequest Lost(v1::OpportunityLostReason why, const std::string& to,
                                 const std::string& reason = "lost on price") {
  v1::CloseOpportunityRequest request;
  request.set_outcome(v1::OPPORTUNITY_STATE_LOST);
  request.set_reason(reason);
  request.set_lost_reason(why);
  request.set_lost_to(to);
  return request;
}

TEST(OpportunityStagesTest, WonOnlyFromTheLaterStagesWithTheContract) {
  EXPECT_TRUE(CheckOpportunityClose(At(kNego), Won()).ok());
  EXPECT_TRUE(CheckOpportunityClose(At(kImpl), Won()).ok());
  for (OpportunityStage stage : {kDev, kInit, kProposal, kBid}) {
    EXPECT_TRUE(Fails(CheckOpportunityClose(At(stage), Won()),
                      absl::StatusCode::kFailedPrecondition,
                      {absl::StrCat("cannot close as WON at ", OpportunityStageName(stage)),
                       "COMMERCIAL_NEGOTIATION or IMPLEMENTATION"}));
  }
  v1::Opportunity unsigned_deal = At(kNego);
  MutableMilestoneOf(unsigned_deal.mutable_milestones(), kNego)->set_achieved(false);
  EXPECT_TRUE(Fails(CheckOpportunityClose(unsigned_deal, Won()),
                    absl::StatusCode::kFailedPrecondition,
                    {"COMMERCIAL_NEGOTIATION milestone (contract approved and signed)"}));
  // Skipped to implementation without the contract milestone: not won yet.
  v1::Opportunity skipped = At(kImpl);
  MutableMilestoneOf(skipped.mutable_milestones(), kNego)->set_achieved(false);
  EXPECT_TRUE(Fails(CheckOpportunityClose(skipped, Won()), absl::StatusCode::kFailedPrecondition,
                    {"at IMPLEMENTATION", "contract approved and signed"}));
}

TEST(OpportunityStagesTest, WonNeedsAReasonAndNoLossFields) {
  EXPECT_TRUE(Fails(CheckOpportunityClose(At(kNego), Won("")), absl::StatusCode::kInvalidArgument,
                    {"reason is required to close an opportunity as WON"}));
  EXPECT_TRUE(Fails(CheckOpportunityClose(At(kNego), Won("  ")), absl::StatusCode::kInvalidArgument,
                    {"reason is required"}));
  v1::CloseOpportunityRequest with_loss = Won();
  with_loss.set_lost_to("Rival Co");
  EXPECT_TRUE(Fails(CheckOpportunityClose(At(kNego), with_loss), absl::StatusCode::kInvalidArgument,
                    {"lost_to must be empty"}));
  with_loss = Won();
  with_loss.set_lost_reason(v1::OPPORTUNITY_LOST_REASON_PRICE);
  EXPECT_TRUE(Fails(CheckOpportunityClose(At(kNego), with_loss), absl::StatusCode::kInvalidArgument,
                    {"lost_reason must be unset"}));
  v1::CloseOpportunityRequest multiline = Won("line one\nline two");
  EXPECT_TRUE(CheckOpportunityClose(At(kNego), multiline).ok());
}

TEST(OpportunityStagesTest, LostNeedsAReasonKindAndTheCompetitor) {
  EXPECT_TRUE(
      CheckOpportunityClose(At(kDev), Lost(v1::OPPORTUNITY_LOST_REASON_PRICE, "Rival")).ok());
  EXPECT_TRUE(
      CheckOpportunityClose(At(kImpl, false), Lost(v1::OPPORTUNITY_LOST_REASON_NO_DECISION, ""))
          .ok());
  EXPECT_TRUE(Fails(CheckOpportunityClose(At(kBid), Lost(v1::OPPORTUNITY_LOST_REASON_PRICE, "")),
                    absl::StatusCode::kInvalidArgument,
                    {"lost_to is required when lost_reason is PRICE", "NO_DECISION"}));
  EXPECT_TRUE(
      Fails(CheckOpportunityClose(At(kBid), Lost(v1::OPPORTUNITY_LOST_REASON_NO_DECISION, "Rival")),
            absl::StatusCode::kInvalidArgument,
            {"lost_to must be empty when lost_reason is NO_DECISION"}));
  EXPECT_TRUE(
      Fails(CheckOpportunityClose(At(kBid), Lost(v1::OPPORTUNITY_LOST_REASON_UNSPECIFIED, "Rival")),
            absl::StatusCode::kInvalidArgument, {"lost_reason is required"}));
  EXPECT_TRUE(Fails(
      CheckOpportunityClose(At(kBid), Lost(static_cast<v1::OpportunityLostReason>(99), "Rival")),
      absl::StatusCode::kInvalidArgument, {"lost_reason is required"}));
  EXPECT_TRUE(Fails(
      CheckOpportunityClose(At(kBid), Lost(v1::OPPORTUNITY_LOST_REASON_PRICE, "Rival", "")),
      absl::StatusCode::kInvalidArgument, {"reason is required to close an opportunity as LOST"}));
  EXPECT_TRUE(Fails(CheckOpportunityClose(
                        At(kBid), Lost(v1::OPPORTUNITY_LOST_REASON_OTHER, std::string(201, 'r'))),
                    absl::StatusCode::kInvalidArgument, {"lost_to must be at most 200"}));
  EXPECT_TRUE(
      Fails(CheckOpportunityClose(At(kBid), Lost(v1::OPPORTUNITY_LOST_REASON_OTHER, "two\nlines")),
            absl::StatusCode::kInvalidArgument, {"lost_to"}));
}

TEST(OpportunityStagesTest, OutcomeMustBeWonOrLost) {
  v1::CloseOpportunityRequest request = Won();
  for (v1::OpportunityState outcome :
       {v1::OPPORTUNITY_STATE_UNSPECIFIED, v1::OPPORTUNITY_STATE_OPEN}) {
    request.set_outcome(outcome);
    EXPECT_TRUE(Fails(CheckOpportunityClose(At(kNego), request), absl::StatusCode::kInvalidArgument,
                      {"outcome must be WON or LOST"}));
  }
}

TEST(OpportunityStagesTest, ClosingTwiceIsRefused) {
  v1::Opportunity o = At(kNego);
  o.set_state(v1::OPPORTUNITY_STATE_LOST);
  EXPECT_TRUE(Fails(CheckOpportunityClose(o, Won()), absl::StatusCode::kFailedPrecondition,
                    {"is LOST", "cannot close it as WON"}));
  o.set_state(v1::OPPORTUNITY_STATE_WON);
  EXPECT_TRUE(Fails(CheckOpportunityClose(o, Lost(v1::OPPORTUNITY_LOST_REASON_PRICE, "Rival")),
                    absl::StatusCode::kFailedPrecondition, {"is WON", "cannot close it as LOST"}));
}

TEST(OpportunityStagesTest, ReopenOnlyClosedWithAReason) {
  v1::Opportunity o = At(kBid);
  EXPECT_TRUE(Fails(CheckOpportunityReopen(o, "customer came back"),
                    absl::StatusCode::kFailedPrecondition,
                    {"is OPEN at BIDDING", "only a WON or LOST opportunity"}));
  o.set_state(v1::OPPORTUNITY_STATE_LOST);
  EXPECT_TRUE(Fails(CheckOpportunityReopen(o, ""), absl::StatusCode::kInvalidArgument,
                    {"reason is required to reopen"}));
  EXPECT_TRUE(CheckOpportunityReopen(o, "the winner went bankrupt").ok());
  o.set_state(v1::OPPORTUNITY_STATE_WON);
  EXPECT_TRUE(CheckOpportunityReopen(o, "contract rescinded").ok());
}

}  // namespace
}  // namespace kam::interaction::opportunity
