// The pipeline part of the demo: open opportunities at five of the six
// stages, qualified from weak to strong, one won and two lost.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/field_mask.pb.h"
#include "tests/harness/demo/demo_book.h"

namespace kam::testing::demo {
namespace {

struct DemoOpportunity {
  const char* id;  // the request_id's suffix: never change it once shipped
  const char* account;
  const char* owner;  // set: not every demo account has an account manager
  const char* title;
  int64_t amount_yuan;  // 0: not priced yet
  // Scores 0 to 3 for need, schedule, budget, competition, decision process
  // and evaluation priorities (QualificationAssessment numbers).
  std::vector<int> judgements;
  int close_in_days;  // expected close, days ahead
  iv1::OpportunityStage stage;
  iv1::OpportunityState outcome;  // OPEN, WON or LOST
  const char* close_reason;
  iv1::OpportunityLostReason lost_reason;
  const char* lost_to;
};

const std::vector<DemoOpportunity>& Opportunities() {
  using S = iv1::OpportunityStage;
  static const std::vector<DemoOpportunity> opportunities = {
      {"hx-private-5g",
       "HX-GROUP",
       "am.liu",
       "5G private network for 12 provincial branches",
       9000000,
       {3, 3, 2, 2, 3, 3},
       45,
       S::OPPORTUNITY_STAGE_BIDDING,
       iv1::OPPORTUNITY_STATE_OPEN,
       "",
       iv1::OPPORTUNITY_LOST_REASON_UNSPECIFIED,
       ""},
      {"hx-zj-capacity",
       "HX-GROUP",
       "am.liu",
       "Capacity upgrade, Zhejiang",
       1800000,
       {3, 2, 2, 1, 2, 2},
       90,
       S::OPPORTUNITY_STAGE_PROPOSAL,
       iv1::OPPORTUNITY_STATE_OPEN,
       "",
       iv1::OPPORTUNITY_LOST_REASON_UNSPECIFIED,
       ""},
      {"gd-edge",
       "HX-GD",
       "am.liu",
       "Edge computing nodes",
       0,
       {2, 1, 0, 0, 1, 0},
       180,
       S::OPPORTUNITY_STAGE_CUSTOMER_DEVELOPMENT,
       iv1::OPPORTUNITY_STATE_OPEN,
       "",
       iv1::OPPORTUNITY_LOST_REASON_UNSPECIFIED,
       ""},
      {"bs-line-2",
       "BS-STEEL",
       "am.zhou",
       "Network for the second production line",
       2400000,
       {3, 3, 3, 2, 2, 3},
       20,
       S::OPPORTUNITY_STAGE_COMMERCIAL_NEGOTIATION,
       iv1::OPPORTUNITY_STATE_OPEN,
       "",
       iv1::OPPORTUNITY_LOST_REASON_UNSPECIFIED,
       ""},
      {"cm-atm",
       "CM-BANK",
       "am.qian",
       "SD-WAN for the ATM network",
       1100000,
       {2, 2, 1, 1, 1, 2},
       120,
       S::OPPORTUNITY_STAGE_PROJECT_INITIATION,
       iv1::OPPORTUNITY_STATE_OPEN,
       "",
       iv1::OPPORTUNITY_LOST_REASON_UNSPECIFIED,
       ""},
      {"nx-factory",
       "NX-ROBOT",
       "am.zhou",
       "Factory 5G network",
       700000,
       {3, 3, 3, 3, 2, 3},
       10,
       S::OPPORTUNITY_STAGE_COMMERCIAL_NEGOTIATION,
       iv1::OPPORTUNITY_STATE_WON,
       "Best latency in the proof of concept",
       iv1::OPPORTUNITY_LOST_REASON_UNSPECIFIED,
       ""},
      {"cm-dci",
       "CM-BANK",
       "am.qian",
       "Data centre interconnect",
       3000000,
       {2, 2, 2, 1, 1, 1},
       30,
       S::OPPORTUNITY_STAGE_BIDDING,
       iv1::OPPORTUNITY_STATE_LOST,
       "Competitor bid 18% below ours",
       iv1::OPPORTUNITY_LOST_REASON_PRICE,
       "Skyline Networks"},
      {"yh-renewal",
       "YH-RETAIL",
       "am.zhou",
       "Store network renewal",
       500000,
       {2, 1, 1, 1, 1, 1},
       30,
       S::OPPORTUNITY_STAGE_PROPOSAL,
       iv1::OPPORTUNITY_STATE_LOST,
       "Customer moved to a cheaper supplier",
       iv1::OPPORTUNITY_LOST_REASON_PRICE,
       "CheapNet"},
  };
  return opportunities;
}

void SetJudgements(const std::vector<int>& scores, iv1::OpportunityJudgements* j) {
  iv1::OpportunityJudgement* all[] = {
      j->mutable_need(),        j->mutable_schedule(),         j->mutable_budget(),
      j->mutable_competition(), j->mutable_decision_process(), j->mutable_evaluation_priorities()};
  for (size_t i = 0; i < scores.size() && i < 6; ++i) {
    all[i]->set_assessment(static_cast<iv1::QualificationAssessment>(scores[i]));
  }
}

// Moves, wins or loses `o` as DemoOpportunity says, each step only if it is
// still to be done; keeps `o` current.
void Advance(DemoClient& client, const DemoOpportunity& demo, iv1::Opportunity* o) {
  if (o->state() != iv1::OPPORTUNITY_STATE_OPEN) return;
  if (o->stage() < demo.stage) {
    iv1::MoveOpportunityStageRequest request;
    request.set_name(o->name());
    request.set_to_stage(demo.stage);
    request.set_reason("worked before it was recorded here");
    iv1::MoveOpportunityStageResponse response;
    if (client.Call(client.opportunities(), &iv1::OpportunityService::Stub::MoveOpportunityStage,
                    request, &response, absl::StrCat("move opportunity ", demo.id))) {
      *o = response.opportunity();
    }
  }
  if (demo.outcome == iv1::OPPORTUNITY_STATE_OPEN || !client.ok()) return;
  if (demo.outcome == iv1::OPPORTUNITY_STATE_WON &&
      !o->milestones().commercial_negotiation().achieved()) {
    iv1::UpdateOpportunityRequest request;
    request.mutable_opportunity()->set_name(o->name());
    request.mutable_opportunity()
        ->mutable_milestones()
        ->mutable_commercial_negotiation()
        ->set_achieved(true);
    request.mutable_update_mask()->add_paths("milestones.commercial_negotiation.achieved");
    client.Call(client.opportunities(), &iv1::OpportunityService::Stub::UpdateOpportunity, request,
                o, absl::StrCat("sign the contract of opportunity ", demo.id));
  }
  iv1::CloseOpportunityRequest request;
  request.set_name(o->name());
  request.set_outcome(demo.outcome);
  request.set_reason(demo.close_reason);
  request.set_lost_reason(demo.lost_reason);
  request.set_lost_to(demo.lost_to);
  iv1::CloseOpportunityResponse response;
  if (client.Call(client.opportunities(), &iv1::OpportunityService::Stub::CloseOpportunity, request,
                  &response, absl::StrCat("close opportunity ", demo.id))) {
    *o = response.opportunity();
  }
}

}  // namespace

void LoadOpportunities(DemoClient& client, const DemoBook& book, const DemoClock& clock) {
  for (const DemoOpportunity& demo : Opportunities()) {
    iv1::CreateOpportunityRequest request;
    iv1::Opportunity* o = request.mutable_opportunity();
    o->set_account(book.Account(demo.account));
    o->set_owner(demo.owner);
    o->set_title(demo.title);
    if (demo.amount_yuan > 0) *o->mutable_amount() = Yuan(demo.amount_yuan);
    SetJudgements(demo.judgements, o->mutable_judgements());
    // Achieved, so the first move may skip stages (with a reason).
    o->mutable_milestones()->mutable_customer_development()->set_achieved(true);
    *o->mutable_expected_close_time() = clock.DaysAgo(-demo.close_in_days);
    iv1::Opportunity created;
    if (!client.CreateAndRead(client.opportunities(),
                              &iv1::OpportunityService::Stub::CreateOpportunity,
                              &iv1::OpportunityService::Stub::GetOpportunity, "opportunity",
                              demo.id, request, &created)) {
      return;
    }
    Advance(client, demo, &created);
  }
}

}  // namespace kam::testing::demo
