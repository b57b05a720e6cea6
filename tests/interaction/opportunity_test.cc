// The opportunity pipeline through the public API (kam.interaction.v1.
// OpportunityService), with MariaDB, kam-account and kam-interaction as
// processes: the six stages to WON, skips with and without a reason, moves
// back, LOST with the competitor, refusals after close and reopening, the
// qualifying judgements and the class, the weighted pipeline per account and
// per owner with exact figures, the stage probability table, idempotency,
// etags, masks, filters, pagination, soft delete, the account checks, and the
// account service stopped mid-run.
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "kam/interaction/v1/opportunity.grpc.pb.h"
#include "tests/interaction/interaction_client.h"

namespace kam::testing {
namespace {

namespace ov1 = ::kam::interaction::v1;
using google::protobuf::util::MessageDifferencer;
using OppStub = ov1::OpportunityService::Stub;
using ov1::OpportunityStage;

constexpr OpportunityStage kDev = ov1::OPPORTUNITY_STAGE_CUSTOMER_DEVELOPMENT;
constexpr OpportunityStage kInit = ov1::OPPORTUNITY_STAGE_PROJECT_INITIATION;
constexpr OpportunityStage kProposal = ov1::OPPORTUNITY_STAGE_PROPOSAL;
constexpr OpportunityStage kBid = ov1::OPPORTUNITY_STAGE_BIDDING;
constexpr OpportunityStage kNego = ov1::OPPORTUNITY_STAGE_COMMERCIAL_NEGOTIATION;
constexpr OpportunityStage kImpl = ov1::OPPORTUNITY_STAGE_IMPLEMENTATION;

// --- calls ------------------------------------------------------------------------

OppStub& Opps() { return InteractionApi<ov1::OpportunityService>(); }

// `code` and a message containing every needle.
::testing::AssertionResult Refused(const grpc::Status& status, grpc::StatusCode code,
                                   const std::vector<std::string>& needles) {
  ::testing::AssertionResult result = HasCode(status, code);
  if (!result) return result;
  for (const std::string& needle : needles) {
    if (!absl::StrContains(status.error_message(), needle)) {
      return ::testing::AssertionFailure() << "message lacks \"" << needle
                                           << "\": " << status.error_message();
    }
  }
  return ::testing::AssertionSuccess();
}

constexpr auto kInvalid = grpc::StatusCode::INVALID_ARGUMENT;
constexpr auto kPrecondition = grpc::StatusCode::FAILED_PRECONDITION;

// --- accounts (through the account service) ------------------------------------------

// An account with a credit currency (none when empty) and an owner (none
// when empty).
v1::Account NewAccount(const std::string& currency, const std::string& owner) {
  v1::CreateAccountRequest request;
  v1::Account* a = request.mutable_account();
  a->set_display_name(Unique("Opportunity customer"));
  a->set_owner(owner);
  if (!currency.empty()) {
    a->mutable_credit()->mutable_credit_limit()->set_currency_code(currency);
    a->mutable_credit()->mutable_credit_limit()->set_minor_units(1'000'000'000);
  }
  v1::Account account;
  grpc::Status status = Accounts().CreateAccount(Context().get(), request, &account);
  EXPECT_TRUE(HasCode(status, grpc::StatusCode::OK));
  return account;
}

// --- opportunities ------------------------------------------------------------------

kam::type::v1::Money Money(const std::string& currency, int64_t minor) {
  kam::type::v1::Money money;
  money.set_currency_code(currency);
  money.set_minor_units(minor);
  return money;
}

ov1::Opportunity Draft(const v1::Account& account, const std::string& title = "Network upgrade") {
  ov1::Opportunity o;
  o.set_account(account.name());
  o.set_title(Unique(title));
  return o;
}

// A draft with an amount of `minor_units` in `currency`.
ov1::Opportunity Priced(const v1::Account& account, const std::string& currency,
                        int64_t minor_units) {
  ov1::Opportunity draft = Draft(account);
  *draft.mutable_amount() = Money(currency, minor_units);
  return draft;
}

Reply<ov1::Opportunity> Create(const ov1::Opportunity& opportunity,
                               const std::string& request_id = "",
                               const std::string& actor = "test") {
  ov1::CreateOpportunityRequest request;
  *request.mutable_opportunity() = opportunity;
  request.set_request_id(request_id);
  return Call(Opps(), &OppStub::CreateOpportunity, request, actor);
}

ov1::Opportunity MustCreate(const ov1::Opportunity& opportunity) {
  return OkValue(Create(opportunity));
}

Reply<ov1::Opportunity> Get(const std::string& name) {
  return Call(Opps(), &OppStub::GetOpportunity, ByName<ov1::GetOpportunityRequest>(name));
}

ov1::Opportunity MustGet(const std::string& name) { return OkValue(Get(name)); }

Reply<ov1::Opportunity> Update(const ov1::Opportunity& patch, const std::vector<std::string>& paths,
                               const std::string& actor = "test") {
  return Call(Opps(), &OppStub::UpdateOpportunity,
              UpdateRequest<ov1::UpdateOpportunityRequest>(patch, paths), actor);
}

// Marks the milestone of `field` ("proposal", ...) achieved.
Reply<ov1::Opportunity> Achieve(const std::string& name, const std::string& field,
                                const std::string& note = "") {
  ov1::Opportunity patch = Patch<ov1::Opportunity>(name);
  ov1::OpportunityMilestones* m = patch.mutable_milestones();
  const google::protobuf::FieldDescriptor* descriptor =
      m->GetDescriptor()->FindFieldByName(field);
  auto* milestone = static_cast<ov1::OpportunityMilestone*>(
      m->GetReflection()->MutableMessage(m, descriptor));
  milestone->set_achieved(true);
  milestone->set_note(note);
  return Update(patch, {absl::StrCat("milestones.", field)});
}

Reply<ov1::MoveOpportunityStageResponse> Move(const std::string& name, OpportunityStage to,
                                              const std::string& reason = "",
                                              const std::string& etag = "",
                                              const std::string& actor = "test") {
  ov1::MoveOpportunityStageRequest request = ByName<ov1::MoveOpportunityStageRequest>(name);
  request.set_to_stage(to);
  request.set_reason(reason);
  request.set_etag(etag);
  return Call(Opps(), &OppStub::MoveOpportunityStage, request, actor);
}

Reply<ov1::CloseOpportunityResponse> CloseWon(const std::string& name, const std::string& reason,
                                              const std::string& actor = "test") {
  ov1::CloseOpportunityRequest request = ByName<ov1::CloseOpportunityRequest>(name);
  request.set_outcome(ov1::OPPORTUNITY_STATE_WON);
  request.set_reason(reason);
  return Call(Opps(), &OppStub::CloseOpportunity, request, actor);
}

Reply<ov1::CloseOpportunityResponse> CloseLost(const std::string& name,
                                               ov1::OpportunityLostReason why,
                                               const std::string& lost_to,
                                               const std::string& reason = "lost the tender") {
  ov1::CloseOpportunityRequest request = ByName<ov1::CloseOpportunityRequest>(name);
  request.set_outcome(ov1::OPPORTUNITY_STATE_LOST);
  request.set_reason(reason);
  request.set_lost_reason(why);
  request.set_lost_to(lost_to);
  return Call(Opps(), &OppStub::CloseOpportunity, request);
}

Reply<ov1::ReopenOpportunityResponse> Reopen(const std::string& name, const std::string& reason) {
  ov1::ReopenOpportunityRequest request = ByName<ov1::ReopenOpportunityRequest>(name);
  request.set_reason(reason);
  return Call(Opps(), &OppStub::ReopenOpportunity, request);
}

std::vector<ov1::OpportunityStageMove> History(const std::string& name) {
  ov1::ListOpportunityStageHistoryRequest request;
  request.set_parent(name);
  request.set_page_size(1000);
  return AllPages<ov1::OpportunityStageMove>(Opps(), &OppStub::ListOpportunityStageHistory,
                                             request);
}

// Every opportunity matching `filter`, following the pages.
std::vector<ov1::Opportunity> ListAll(const std::string& filter, bool show_deleted = false,
                                      int page_size = 1000) {
  return ListMatching<ov1::Opportunity>(Opps(), &OppStub::ListOpportunities, filter, show_deleted,
                                        page_size);
}

std::string AccountFilter(const v1::Account& account) {
  return absl::StrCat("account = \"", account.name(), "\"");
}

// An OPEN opportunity of `account` at `stage` with `amount` (minor units in
// the account's currency; none when nullopt), reached from
// CUSTOMER_DEVELOPMENT in one move (a skip, with a reason).
ov1::Opportunity OpenAt(const v1::Account& account, OpportunityStage stage,
                        std::optional<int64_t> amount, const std::string& owner = "") {
  ov1::Opportunity draft = Draft(account);
  draft.set_owner(owner);
  if (amount.has_value()) {
    *draft.mutable_amount() = Money(account.credit().credit_limit().currency_code(), *amount);
  }
  draft.mutable_milestones()->mutable_customer_development()->set_achieved(true);
  ov1::Opportunity created = MustCreate(draft);
  if (stage == kDev) return created;
  Reply<ov1::MoveOpportunityStageResponse> moved =
      Move(created.name(), stage, "set up by the test");
  EXPECT_OK(moved.status);
  return moved.value.opportunity();
}

// --- the pipeline to WON --------------------------------------------------------------

TEST(OpportunityTest, FullPipelineToWon) {
  const std::string owner = Unique("am");
  const v1::Account account = NewAccount("CNY", owner);
  ov1::Opportunity draft = Draft(account, "Core network");
  draft.set_stage(kDev);  // allowed: the only stage a create may name
  Reply<ov1::Opportunity> created = Create(draft, Unique("req"), "alice");
  ASSERT_OK(created.status);
  ov1::Opportunity o = created.value;
  EXPECT_TRUE(absl::StartsWith(o.name(), "opportunities/"));
  EXPECT_EQ(o.account(), account.name());
  EXPECT_EQ(o.owner(), owner);  // defaults to the account's owner
  EXPECT_EQ(o.stage(), kDev);
  EXPECT_EQ(o.state(), ov1::OPPORTUNITY_STATE_OPEN);
  EXPECT_FALSE(o.has_amount());
  EXPECT_EQ(o.derived_class(), ov1::OPPORTUNITY_CLASS_D);
  EXPECT_EQ(o.opportunity_class(), ov1::OPPORTUNITY_CLASS_D);
  EXPECT_EQ(o.milestones().commercial_negotiation().description(), "contract approved and signed");
  EXPECT_FALSE(o.milestones().customer_development().achieved());
  EXPECT_FALSE(o.etag().empty());
  EXPECT_TRUE(Same(MustGet(o.name()), o)) << MustGet(o.name()).ShortDebugString() << "\n"
                                          << o.ShortDebugString();

  // Forward needs the current milestone.
  EXPECT_TRUE(Refused(Move(o.name(), kInit).status, kPrecondition,
                      {"cannot move from CUSTOMER_DEVELOPMENT to PROJECT_INITIATION",
                       "accurate project information"}));
  Reply<ov1::Opportunity> achieved = Achieve(o.name(), "customer_development", "RFI answered");
  ASSERT_OK(achieved.status);
  EXPECT_TRUE(achieved.value.milestones().customer_development().achieved());
  EXPECT_TRUE(achieved.value.milestones().customer_development().has_achieve_time());
  EXPECT_EQ(achieved.value.milestones().customer_development().note(), "RFI answered");
  Reply<ov1::MoveOpportunityStageResponse> moved = Move(o.name(), kInit, "", "", "bob");
  ASSERT_OK(moved.status);
  EXPECT_EQ(moved.value.opportunity().stage(), kInit);
  EXPECT_EQ(moved.value.move().kind(), ov1::OPPORTUNITY_STAGE_MOVE_KIND_ADVANCED);
  EXPECT_EQ(moved.value.move().actor(), "bob");

  // PROPOSAL needs an amount.
  ASSERT_OK(Achieve(o.name(), "project_initiation").status);
  EXPECT_TRUE(Refused(Move(o.name(), kProposal).status, kPrecondition,
                      {"PROJECT_INITIATION to PROPOSAL", "amount"}));
  ov1::Opportunity patch = Patch<ov1::Opportunity>(o.name());
  *patch.mutable_amount() = Money("CNY", 12'345'600);
  ASSERT_OK(Update(patch, {"amount"}).status);
  ASSERT_OK(Move(o.name(), kProposal).status);
  ASSERT_OK(Achieve(o.name(), "proposal").status);
  ASSERT_OK(Move(o.name(), kBid).status);
  // WON before the contract stage is refused.
  EXPECT_TRUE(Refused(CloseWon(o.name(), "too early").status, kPrecondition,
                      {"cannot close as WON at BIDDING"}));
  ASSERT_OK(Achieve(o.name(), "bidding").status);
  ASSERT_OK(Move(o.name(), kNego).status);
  EXPECT_TRUE(Refused(CloseWon(o.name(), "no contract yet").status, kPrecondition,
                      {"contract approved and signed"}));
  ASSERT_OK(Achieve(o.name(), "commercial_negotiation").status);
  Reply<ov1::CloseOpportunityResponse> won = CloseWon(o.name(), "best total cost", "carol");
  ASSERT_OK(won.status);
  o = won.value.opportunity();
  EXPECT_EQ(o.state(), ov1::OPPORTUNITY_STATE_WON);
  EXPECT_EQ(o.stage(), kNego);
  EXPECT_EQ(o.won_reason(), "best total cost");
  EXPECT_TRUE(o.has_close_time());
  EXPECT_EQ(won.value.move().kind(), ov1::OPPORTUNITY_STAGE_MOVE_KIND_WON);
  EXPECT_EQ(won.value.move().from_state(), ov1::OPPORTUNITY_STATE_OPEN);
  EXPECT_EQ(won.value.move().to_state(), ov1::OPPORTUNITY_STATE_WON);
  EXPECT_TRUE(Same(MustGet(o.name()), o));

  // The history: creation, four advances, the win; with the actors.
  std::vector<ov1::OpportunityStageMove> history = History(o.name());
  ASSERT_EQ(history.size(), 6u);
  EXPECT_EQ(history[0].kind(), ov1::OPPORTUNITY_STAGE_MOVE_KIND_CREATED);
  EXPECT_EQ(history[0].from_stage(), ov1::OPPORTUNITY_STAGE_UNSPECIFIED);
  EXPECT_EQ(history[0].to_stage(), kDev);
  EXPECT_EQ(history[0].actor(), "alice");
  const OpportunityStage path[] = {kDev, kInit, kProposal, kBid, kNego};
  for (int i = 1; i <= 4; ++i) {
    EXPECT_EQ(history[i].kind(), ov1::OPPORTUNITY_STAGE_MOVE_KIND_ADVANCED);
    EXPECT_EQ(history[i].from_stage(), path[i - 1]);
    EXPECT_EQ(history[i].to_stage(), path[i]);
  }
  EXPECT_EQ(history[1].actor(), "bob");
  EXPECT_EQ(history[5].kind(), ov1::OPPORTUNITY_STAGE_MOVE_KIND_WON);
  EXPECT_EQ(history[5].reason(), "best total cost");
  EXPECT_EQ(history[5].actor(), "carol");
  EXPECT_TRUE(Same(history[5], won.value.move()));

  // Closed: no moves, no updates, no second close; reopen, then win again
  // at IMPLEMENTATION.
  EXPECT_TRUE(Refused(Move(o.name(), kImpl).status, kPrecondition,
                      {"is WON", "closed at COMMERCIAL_NEGOTIATION",
                       "cannot move from COMMERCIAL_NEGOTIATION to IMPLEMENTATION"}));
  patch.set_title("renamed");
  EXPECT_TRUE(Refused(Update(patch, {"title"}).status, kPrecondition, {"is WON", "reopen"}));
  EXPECT_TRUE(Refused(CloseWon(o.name(), "again").status, kPrecondition, {"is WON"}));
  Reply<ov1::ReopenOpportunityResponse> reopened = Reopen(o.name(), "track implementation here");
  ASSERT_OK(reopened.status);
  EXPECT_EQ(reopened.value.opportunity().state(), ov1::OPPORTUNITY_STATE_OPEN);
  EXPECT_EQ(reopened.value.opportunity().won_reason(), "");
  EXPECT_FALSE(reopened.value.opportunity().has_close_time());
  EXPECT_EQ(reopened.value.move().kind(), ov1::OPPORTUNITY_STAGE_MOVE_KIND_REOPENED);
  ASSERT_OK(Move(o.name(), kImpl).status);
  ASSERT_OK(Achieve(o.name(), "implementation", "accepted").status);
  Reply<ov1::CloseOpportunityResponse> won_again = CloseWon(o.name(), "accepted and closed");
  ASSERT_OK(won_again.status);
  EXPECT_EQ(won_again.value.opportunity().stage(), kImpl);
  EXPECT_EQ(History(o.name()).size(), 9u);
}

// --- skips and moves back ---------------------------------------------------------------

TEST(OpportunityTest, SkipNeedsAReasonAndRecordsTheSkippedStages) {
  const v1::Account account = NewAccount("CNY", Unique("am"));
  ov1::Opportunity o = OpenAt(account, kDev, 500'000);
  EXPECT_TRUE(Refused(Move(o.name(), kBid).status, kInvalid,
                      {"reason is required to skip PROJECT_INITIATION, PROPOSAL",
                       "from CUSTOMER_DEVELOPMENT to BIDDING"}));
  EXPECT_TRUE(IsInvalidField(Move(o.name(), kBid, "   ").status, "reason"));
  EXPECT_TRUE(Same(MustGet(o.name()), o));  // nothing changed
  EXPECT_EQ(History(o.name()).size(), 1u);

  Reply<ov1::MoveOpportunityStageResponse> moved =
      Move(o.name(), kBid, "invited straight to the tender", o.etag());
  ASSERT_OK(moved.status);
  EXPECT_EQ(moved.value.opportunity().stage(), kBid);
  EXPECT_NE(moved.value.opportunity().etag(), o.etag());
  const ov1::OpportunityStageMove& move = moved.value.move();
  EXPECT_EQ(move.kind(), ov1::OPPORTUNITY_STAGE_MOVE_KIND_SKIPPED_AHEAD);
  EXPECT_EQ(move.from_stage(), kDev);
  EXPECT_EQ(move.to_stage(), kBid);
  ASSERT_EQ(move.skipped_stages_size(), 2);
  EXPECT_EQ(move.skipped_stages(0), kInit);
  EXPECT_EQ(move.skipped_stages(1), kProposal);
  EXPECT_EQ(move.reason(), "invited straight to the tender");
  std::vector<ov1::OpportunityStageMove> history = History(o.name());
  ASSERT_EQ(history.size(), 2u);
  EXPECT_TRUE(Same(history[1], move));

  // A skip also needs the current stage's milestone (a reason does not
  // replace it).
  EXPECT_TRUE(Refused(Move(o.name(), kImpl, "fast").status, kPrecondition,
                      {"BIDDING milestone", "tender or negotiated bid submitted"}));
}

TEST(OpportunityTest, MovesBackNeedAReasonAndKeepTheMilestones) {
  const v1::Account account = NewAccount("CNY", Unique("am"));
  ov1::Opportunity o = OpenAt(account, kBid, 800'000);
  ASSERT_OK(Achieve(o.name(), "bidding").status);
  EXPECT_TRUE(Refused(Move(o.name(), kInit).status, kInvalid,
                      {"reason is required to move back from BIDDING to PROJECT_INITIATION"}));
  Reply<ov1::MoveOpportunityStageResponse> back =
      Move(o.name(), kInit, "tender withdrawn; re-scoping");
  ASSERT_OK(back.status);
  EXPECT_EQ(back.value.move().kind(), ov1::OPPORTUNITY_STAGE_MOVE_KIND_MOVED_BACK);
  EXPECT_EQ(back.value.move().from_stage(), kBid);
  EXPECT_EQ(back.value.move().to_stage(), kInit);
  EXPECT_EQ(back.value.move().skipped_stages_size(), 0);
  EXPECT_TRUE(back.value.opportunity().milestones().bidding().achieved());
  EXPECT_TRUE(Refused(Move(o.name(), kInit, "again").status, kPrecondition,
                      {"already at PROJECT_INITIATION"}));
  EXPECT_TRUE(IsInvalidField(Move(o.name(), ov1::OPPORTUNITY_STAGE_UNSPECIFIED).status,
                             "to_stage"));
  EXPECT_TRUE(IsInvalidField(Move(o.name(), static_cast<OpportunityStage>(12)).status,
                             "to_stage"));
}

// --- lost, refusals after close, reopen -----------------------------------------------------

TEST(OpportunityTest, LostWithTheCompetitorAndRefusalsAfterClose) {
  const v1::Account account = NewAccount("EUR", Unique("am"));
  ov1::Opportunity o = OpenAt(account, kBid, 2'000'000);
  EXPECT_TRUE(IsInvalidField(CloseLost(o.name(), ov1::OPPORTUNITY_LOST_REASON_PRICE, "").status,
                             "lost_to"));
  EXPECT_TRUE(IsInvalidField(
      CloseLost(o.name(), ov1::OPPORTUNITY_LOST_REASON_NO_DECISION, "Rival AG").status, "lost_to"));
  EXPECT_TRUE(IsInvalidField(
      CloseLost(o.name(), ov1::OPPORTUNITY_LOST_REASON_UNSPECIFIED, "Rival AG").status,
      "lost_reason"));
  EXPECT_TRUE(IsInvalidField(
      CloseLost(o.name(), ov1::OPPORTUNITY_LOST_REASON_PRICE, "Rival AG", "").status, "reason"));
  ov1::CloseOpportunityRequest no_outcome = ByName<ov1::CloseOpportunityRequest>(o.name());
  no_outcome.set_reason("x");
  EXPECT_TRUE(
      IsInvalidField(Call(Opps(), &OppStub::CloseOpportunity, no_outcome).status, "outcome"));
  EXPECT_EQ(MustGet(o.name()).state(), ov1::OPPORTUNITY_STATE_OPEN);

  Reply<ov1::CloseOpportunityResponse> lost =
      CloseLost(o.name(), ov1::OPPORTUNITY_LOST_REASON_PRICE, "Rival AG", "undercut by 12%");
  ASSERT_OK(lost.status);
  o = lost.value.opportunity();
  EXPECT_EQ(o.state(), ov1::OPPORTUNITY_STATE_LOST);
  EXPECT_EQ(o.stage(), kBid);
  EXPECT_EQ(o.lost_reason(), ov1::OPPORTUNITY_LOST_REASON_PRICE);
  EXPECT_EQ(o.lost_reason_detail(), "undercut by 12%");
  EXPECT_EQ(o.lost_to(), "Rival AG");
  EXPECT_TRUE(o.has_close_time());
  EXPECT_EQ(lost.value.move().kind(), ov1::OPPORTUNITY_STAGE_MOVE_KIND_LOST);
  EXPECT_EQ(lost.value.move().lost_to(), "Rival AG");
  EXPECT_EQ(lost.value.move().lost_reason(), ov1::OPPORTUNITY_LOST_REASON_PRICE);

  for (OpportunityStage to : {kNego, kInit}) {
    EXPECT_TRUE(Refused(Move(o.name(), to, "try").status, kPrecondition,
                        {"is LOST", "closed at BIDDING",
                         absl::StrCat("cannot move from BIDDING to ",
                                      ov1::OpportunityStage_Name(to).substr(18))}));
  }
  EXPECT_TRUE(Refused(CloseLost(o.name(), ov1::OPPORTUNITY_LOST_REASON_PRICE, "X").status,
                      kPrecondition, {"is LOST"}));
  ov1::Opportunity patch = Patch<ov1::Opportunity>(o.name());
  patch.set_title("changed");
  EXPECT_TRUE(Refused(Update(patch, {"title"}).status, kPrecondition, {"is LOST"}));
  EXPECT_TRUE(Same(MustGet(o.name()), o));

  EXPECT_TRUE(IsInvalidField(Reopen(o.name(), "").status, "reason"));
  Reply<ov1::ReopenOpportunityResponse> reopened = Reopen(o.name(), "the winner could not deliver");
  ASSERT_OK(reopened.status);
  EXPECT_EQ(reopened.value.opportunity().state(), ov1::OPPORTUNITY_STATE_OPEN);
  EXPECT_EQ(reopened.value.opportunity().lost_to(), "");
  EXPECT_EQ(reopened.value.opportunity().lost_reason(), ov1::OPPORTUNITY_LOST_REASON_UNSPECIFIED);
  EXPECT_EQ(reopened.value.move().from_state(), ov1::OPPORTUNITY_STATE_LOST);
  EXPECT_TRUE(Refused(Reopen(o.name(), "twice").status, kPrecondition, {"is OPEN at BIDDING"}));
  // The history keeps the loss.
  std::vector<ov1::OpportunityStageMove> history = History(o.name());
  ASSERT_EQ(history.size(), 4u);
  EXPECT_EQ(history[2].lost_to(), "Rival AG");

  // No decision: no competitor.
  ov1::Opportunity shelved = OpenAt(account, kInit, std::nullopt);
  Reply<ov1::CloseOpportunityResponse> no_decision =
      CloseLost(shelved.name(), ov1::OPPORTUNITY_LOST_REASON_NO_DECISION, "", "project shelved");
  ASSERT_OK(no_decision.status);
  EXPECT_EQ(no_decision.value.opportunity().lost_to(), "");
}

TEST(OpportunityTest, CloseTimeIsCheckedAndKept) {
  const v1::Account account = NewAccount("CNY", Unique("am"));
  ov1::Opportunity o = OpenAt(account, kProposal, 1000);
  ov1::CloseOpportunityRequest request = ByName<ov1::CloseOpportunityRequest>(o.name());
  request.set_outcome(ov1::OPPORTUNITY_STATE_LOST);
  request.set_reason("budget cut");
  request.set_lost_reason(ov1::OPPORTUNITY_LOST_REASON_NO_DECISION);
  request.mutable_close_time()->set_seconds(absl::ToUnixSeconds(absl::Now() + absl::Hours(2)));
  EXPECT_TRUE(
      IsInvalidField(Call(Opps(), &OppStub::CloseOpportunity, request).status, "close_time"));
  request.mutable_close_time()->set_seconds(o.create_time().seconds() - 86400);
  EXPECT_TRUE(
      IsInvalidField(Call(Opps(), &OppStub::CloseOpportunity, request).status, "close_time"));
  request.mutable_close_time()->set_seconds(o.create_time().seconds() + 1);
  request.mutable_close_time()->set_nanos(123456789);
  Reply<ov1::CloseOpportunityResponse> closed = Call(Opps(), &OppStub::CloseOpportunity, request);
  ASSERT_OK(closed.status);
  EXPECT_EQ(closed.value.opportunity().close_time().seconds(), o.create_time().seconds() + 1);
  EXPECT_EQ(closed.value.opportunity().close_time().nanos(), 123456000);
  EXPECT_TRUE(Same(MustGet(o.name()), closed.value.opportunity()));
}

// --- judgements and class ------------------------------------------------------------------

TEST(OpportunityTest, JudgementsGiveTheClassAndAnOverrideWins) {
  const v1::Account account = NewAccount("CNY", Unique("am"));
  ov1::Opportunity draft = Draft(account);
  ov1::OpportunityJudgements* j = draft.mutable_judgements();
  j->mutable_need()->set_assessment(ov1::QUALIFICATION_ASSESSMENT_STRONG);
  j->mutable_schedule()->set_assessment(ov1::QUALIFICATION_ASSESSMENT_STRONG);
  j->mutable_budget()->set_assessment(ov1::QUALIFICATION_ASSESSMENT_WEAK);
  j->mutable_budget()->set_note("not in this year's plan");
  j->mutable_competition()->set_assessment(ov1::QUALIFICATION_ASSESSMENT_FAIR);
  j->mutable_decision_process()->set_assessment(ov1::QUALIFICATION_ASSESSMENT_FAIR);
  j->mutable_evaluation_priorities()->set_assessment(ov1::QUALIFICATION_ASSESSMENT_FAIR);
  ov1::Opportunity o = MustCreate(draft);  // 3+3+1+2+2+2 = 13, one below FAIR: B
  EXPECT_EQ(o.derived_class(), ov1::OPPORTUNITY_CLASS_B);
  EXPECT_EQ(o.opportunity_class(), ov1::OPPORTUNITY_CLASS_B);
  EXPECT_EQ(o.judgements().budget().note(), "not in this year's plan");

  // The budget is confirmed: all FAIR or better but 14: still B.
  ov1::Opportunity patch = Patch<ov1::Opportunity>(o.name());
  patch.mutable_judgements()->mutable_budget()->set_assessment(
      ov1::QUALIFICATION_ASSESSMENT_FAIR);
  patch.mutable_judgements()->mutable_budget()->set_note("approved");
  Reply<ov1::Opportunity> updated = Update(patch, {"judgements.budget"});
  ASSERT_OK(updated.status);
  EXPECT_EQ(updated.value.derived_class(), ov1::OPPORTUNITY_CLASS_B);
  // ... and fits our price: 3+3+3+2+2+2 = 15 with none below FAIR: A.
  patch.mutable_judgements()->mutable_budget()->set_assessment(
      ov1::QUALIFICATION_ASSESSMENT_STRONG);
  updated = Update(patch, {"judgements.budget.assessment"});
  ASSERT_OK(updated.status);
  EXPECT_EQ(updated.value.derived_class(), ov1::OPPORTUNITY_CLASS_A);
  EXPECT_EQ(updated.value.opportunity_class(), ov1::OPPORTUNITY_CLASS_A);
  EXPECT_EQ(updated.value.judgements().budget().note(), "approved");
  EXPECT_EQ(updated.value.judgements().need().assessment(), ov1::QUALIFICATION_ASSESSMENT_STRONG);

  // The caller's class wins over the judgements, and filters use it.
  patch.Clear();
  patch.set_name(o.name());
  patch.set_class_override(ov1::OPPORTUNITY_CLASS_C);
  updated = Update(patch, {"class_override"});
  ASSERT_OK(updated.status);
  EXPECT_EQ(updated.value.derived_class(), ov1::OPPORTUNITY_CLASS_A);
  EXPECT_EQ(updated.value.class_override(), ov1::OPPORTUNITY_CLASS_C);
  EXPECT_EQ(updated.value.opportunity_class(), ov1::OPPORTUNITY_CLASS_C);
  EXPECT_EQ(ListAll(absl::StrCat(AccountFilter(account), " AND class = C")).size(), 1u);
  EXPECT_EQ(ListAll(absl::StrCat(AccountFilter(account), " AND class = A")).size(), 0u);
  // Clearing the override follows the judgements again.
  patch.set_class_override(ov1::OPPORTUNITY_CLASS_UNSPECIFIED);
  updated = Update(patch, {"class_override"});
  ASSERT_OK(updated.status);
  EXPECT_EQ(updated.value.opportunity_class(), ov1::OPPORTUNITY_CLASS_A);
  EXPECT_EQ(ListAll(absl::StrCat(AccountFilter(account), " AND opportunity_class = A")).size(), 1u);

  // Validation.
  patch.Clear();
  patch.set_name(o.name());
  patch.mutable_judgements()->mutable_need()->set_assessment(
      static_cast<ov1::QualificationAssessment>(7));
  EXPECT_TRUE(IsInvalidField(Update(patch, {"judgements.need"}).status,
                             "opportunity.judgements.need.assessment"));
  patch.Clear();
  patch.set_name(o.name());
  patch.set_class_override(static_cast<ov1::OpportunityClass>(9));
  EXPECT_TRUE(IsInvalidField(Update(patch, {"class_override"}).status,
                             "opportunity.class_override"));
  // A later stage's milestone cannot be achieved yet.
  EXPECT_TRUE(Refused(Achieve(o.name(), "bidding").status, kPrecondition,
                      {"milestones.bidding.achieved", "at CUSTOMER_DEVELOPMENT"}));
  ov1::Opportunity bad = Draft(account);
  bad.mutable_milestones()->mutable_proposal()->set_achieved(true);
  EXPECT_TRUE(IsInvalidField(Create(bad).status, "opportunity.milestones.proposal.achieved"));
  bad = Draft(account);
  bad.set_stage(kBid);
  EXPECT_TRUE(IsInvalidField(Create(bad).status, "opportunity.stage"));
}

// --- the weighted pipeline ----------------------------------------------------------------

ov1::OpportunityStageProbabilities Probabilities() {
  return OkValue(
      Call(Opps(), &OppStub::GetStageProbabilities, ov1::GetStageProbabilitiesRequest()));
}

Reply<ov1::OpportunityStageProbabilities> SetProbabilities(const std::vector<int>& percents,
                                                           const std::string& etag,
                                                           const std::string& actor = "test") {
  ov1::UpdateStageProbabilitiesRequest request;
  ov1::OpportunityStageProbabilities* table = request.mutable_stage_probabilities();
  for (size_t i = 0; i < percents.size(); ++i) {
    ov1::OpportunityStageProbability* entry = table->add_probabilities();
    entry->set_stage(static_cast<OpportunityStage>(i + 1));
    entry->set_probability_percent(percents[i]);
  }
  table->set_etag(etag);
  return Call(Opps(), &OppStub::UpdateStageProbabilities, request, actor);
}

ov1::WeightedPipeline Pipeline(const std::string& account, const std::string& owner,
                               ov1::OpportunityClass opportunity_class =
                                   ov1::OPPORTUNITY_CLASS_UNSPECIFIED) {
  ov1::GetWeightedPipelineRequest request;
  request.set_account(account);
  request.set_owner(owner);
  request.set_opportunity_class(opportunity_class);
  return OkValue(Call(Opps(), &OppStub::GetWeightedPipeline, request));
}

// One currency block's figures: per stage {count, amount, weighted} in stage
// order, and the totals.
struct Expected {
  std::string currency;
  std::vector<std::vector<int64_t>> stages;  // six rows of {count, amount, weighted}
  int64_t count;
  int64_t amount;
  int64_t weighted;
};

void ExpectBlock(const ov1::WeightedPipelineCurrency& block, const Expected& want,
                 const std::vector<int>& percents) {
  SCOPED_TRACE(block.ShortDebugString());
  EXPECT_EQ(block.currency_code(), want.currency);
  ASSERT_EQ(block.stages_size(), 6);
  for (int i = 0; i < 6; ++i) {
    const ov1::WeightedPipelineStage& row = block.stages(i);
    EXPECT_EQ(row.stage(), static_cast<OpportunityStage>(i + 1));
    EXPECT_EQ(row.probability_percent(), percents[i]);
    EXPECT_EQ(row.count(), want.stages[i][0]) << "stage " << i + 1;
    EXPECT_EQ(row.amount().minor_units(), want.stages[i][1]) << "stage " << i + 1;
    EXPECT_EQ(row.weighted_amount().minor_units(), want.stages[i][2]) << "stage " << i + 1;
    EXPECT_EQ(row.amount().currency_code(), want.currency);
  }
  EXPECT_EQ(block.count(), want.count);
  EXPECT_EQ(block.amount().minor_units(), want.amount);
  EXPECT_EQ(block.weighted_amount().minor_units(), want.weighted);
  EXPECT_EQ(block.weighted_amount().currency_code(), want.currency);
}

// The pipeline's currency blocks are `want`, in that order.
void ExpectBlocks(const ov1::WeightedPipeline& pipeline, const std::vector<Expected>& want,
                  const std::vector<int>& percents) {
  ASSERT_EQ(pipeline.currencies_size(), static_cast<int>(want.size()));
  for (size_t i = 0; i < want.size(); ++i) {
    ExpectBlock(pipeline.currencies(static_cast<int>(i)), want[i], percents);
  }
}

// `block` with the same counts and amounts, weighted by other probabilities:
// per stage and in total.
Expected Reweighted(Expected block, const std::vector<int64_t>& stages, int64_t total) {
  for (size_t i = 0; i < stages.size(); ++i) block.stages[i][2] = stages[i];
  block.weighted = total;
  return block;
}

TEST(OpportunityTest, WeightedPipelinePerAccountAndPerOwner) {
  // The defaults, whatever an earlier run left.
  const std::vector<int> defaults = {10, 20, 40, 60, 80, 95};
  ASSERT_OK(SetProbabilities(defaults, "").status);

  const std::string o1 = Unique("owner-one");
  const std::string o2 = Unique("owner-two");
  const v1::Account a = NewAccount("CNY", o1);
  const v1::Account b = NewAccount("EUR", o1);  // the same owner, another currency
  const v1::Account c = NewAccount("CNY", o2);

  // Account a (owner o1 by default).
  OpenAt(a, kDev, 1'000'000);                 // 10%: 100,000
  OpenAt(a, kDev, std::nullopt);              // unpriced
  OpenAt(a, kProposal, 250'005);              // PROPOSAL sum 350,005 at 40%:
  OpenAt(a, kProposal, 100'000);              //   140,002 (140,002.0)
  OpenAt(a, kImpl, 999);                      // 95%: 949.05 -> 949
  ov1::Opportunity lost = OpenAt(a, kBid, 500'000);
  ASSERT_OK(CloseLost(lost.name(), ov1::OPPORTUNITY_LOST_REASON_PRICE, "Rival").status);
  ov1::Opportunity deleted = OpenAt(a, kNego, 777'777);
  ov1::DeleteOpportunityRequest del = ByName<ov1::DeleteOpportunityRequest>(deleted.name());
  ASSERT_OK(Call(Opps(), &OppStub::DeleteOpportunity, del).status);
  OpenAt(a, kDev, 10'000, o2);                // another owner in the same account
  // Account b (EUR, owner o1).
  OpenAt(b, kBid, 50'001);                    // 60%: 30,000.6 -> 30,001
  ov1::Opportunity b2 = OpenAt(b, kNego, 200'000);  // 80%: 160,000
  ov1::Opportunity patch = Patch<ov1::Opportunity>(b2.name());
  patch.set_class_override(ov1::OPPORTUNITY_CLASS_A);
  ASSERT_OK(Update(patch, {"class_override"}).status);
  // Account c (CNY, owner o2).
  OpenAt(c, kDev, 5'000);                     // 10%: 500

  ov1::WeightedPipeline p = Pipeline(a.name(), "");
  EXPECT_EQ(p.account(), a.name());
  ASSERT_EQ(p.currencies_size(), 1);
  ExpectBlock(p.currencies(0),
              {"CNY",
               {{2, 1'010'000, 101'000}, {0, 0, 0}, {2, 350'005, 140'002}, {0, 0, 0}, {0, 0, 0},
                {1, 999, 949}},
               5, 1'361'004, 241'951},
              defaults);
  ASSERT_EQ(p.stage_counts_size(), 6);
  EXPECT_EQ(p.stage_counts(0).count(), 3);
  EXPECT_EQ(p.stage_counts(0).unpriced_count(), 1);
  EXPECT_EQ(p.stage_counts(3).count(), 0);  // the lost one is out
  EXPECT_EQ(p.stage_counts(4).count(), 0);  // the deleted one is out
  EXPECT_EQ(p.open_count(), 6);
  EXPECT_EQ(p.unpriced_count(), 1);
  EXPECT_EQ(p.probabilities_etag(), Probabilities().etag());

  // Owner o1 spans two currencies: one block each, never added together.
  const Expected o1_cny = {"CNY",
                           {{1, 1'000'000, 100'000},
                            {0, 0, 0},
                            {2, 350'005, 140'002},
                            {0, 0, 0},
                            {0, 0, 0},
                            {1, 999, 949}},
                           4,
                           1'351'004,
                           240'951};
  const Expected o1_eur = {
      "EUR",
      {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {1, 50'001, 30'001}, {1, 200'000, 160'000}, {0, 0, 0}},
      2,
      250'001,
      190'001};
  p = Pipeline("", o1);
  EXPECT_EQ(p.owner(), o1);
  ExpectBlocks(p, {o1_cny, o1_eur}, defaults);
  EXPECT_EQ(p.open_count(), 7);
  EXPECT_EQ(p.unpriced_count(), 1);

  p = Pipeline("", o2);
  ASSERT_EQ(p.currencies_size(), 1);
  ExpectBlock(p.currencies(0),
              {"CNY", {{2, 15'000, 1'500}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}},
               2, 15'000, 1'500},
              defaults);

  // Account and owner together; a class filter.
  p = Pipeline(a.name(), o2);
  ASSERT_EQ(p.currencies_size(), 1);
  EXPECT_EQ(p.currencies(0).amount().minor_units(), 10'000);
  p = Pipeline("", o1, ov1::OPPORTUNITY_CLASS_A);
  EXPECT_EQ(p.opportunity_class(), ov1::OPPORTUNITY_CLASS_A);
  ASSERT_EQ(p.currencies_size(), 1);
  ExpectBlock(p.currencies(0),
              {"EUR",
               {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {1, 200'000, 160'000}, {0, 0, 0}},
               1, 200'000, 160'000},
              defaults);
  p = Pipeline("", o1, ov1::OPPORTUNITY_CLASS_D);
  EXPECT_EQ(p.open_count(), 6);

  // New probabilities change the weights at once.
  const std::vector<int> changed = {5, 10, 30, 50, 70, 100};
  const ov1::OpportunityStageProbabilities before = Probabilities();
  EXPECT_TRUE(Refused(SetProbabilities(changed, "stale-etag").status, grpc::StatusCode::ABORTED,
                      {}));
  Reply<ov1::OpportunityStageProbabilities> set = SetProbabilities(changed, before.etag(), "dave");
  ASSERT_OK(set.status);
  EXPECT_EQ(set.value.update_actor(), "dave");
  EXPECT_NE(set.value.etag(), before.etag());
  p = Pipeline("", o1);
  ExpectBlocks(p,
               {Reweighted(o1_cny, {50'000, 0, 105'002, 0, 0, 999}, 156'001),
                Reweighted(o1_eur, {0, 0, 0, 25'001, 140'000, 0}, 165'001)},
               changed);
  EXPECT_EQ(p.probabilities_etag(), set.value.etag());
  ASSERT_OK(SetProbabilities(defaults, set.value.etag()).status);

  // Bad scopes.
  ov1::GetWeightedPipelineRequest bad;
  bad.set_account("accounts/x");
  EXPECT_TRUE(IsInvalidField(Call(Opps(), &OppStub::GetWeightedPipeline, bad).status, "account"));
  bad.Clear();
  bad.set_owner("two words");
  EXPECT_TRUE(IsInvalidField(Call(Opps(), &OppStub::GetWeightedPipeline, bad).status, "owner"));
}

TEST(OpportunityTest, StageProbabilityTable) {
  ov1::OpportunityStageProbabilities table = Probabilities();
  EXPECT_EQ(table.name(), "opportunityStageProbabilities");
  ASSERT_EQ(table.probabilities_size(), 6);
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(table.probabilities(i).stage(), static_cast<OpportunityStage>(i + 1));
  }
  EXPECT_TRUE(IsInvalidField(SetProbabilities({10, 20, 40}, "").status,
                             "stage_probabilities.probabilities"));
  EXPECT_TRUE(IsInvalidField(SetProbabilities({10, 20, 40, 30, 80, 95}, "").status,
                             "stage_probabilities.probabilities[3].probability_percent"));
  EXPECT_TRUE(IsInvalidField(SetProbabilities({10, 20, 40, 60, 80, 101}, "").status,
                             "stage_probabilities.probabilities[5].probability_percent"));
  EXPECT_TRUE(IsInvalidField(
      Call(Opps(), &OppStub::UpdateStageProbabilities, ov1::UpdateStageProbabilitiesRequest())
          .status,
      "stage_probabilities"));
  EXPECT_TRUE(Same(Probabilities(), table));  // nothing changed
}

// --- idempotency, etags, masks, filters, pagination, delete ----------------------------------

TEST(OpportunityTest, CreateIsIdempotentByRequestId) {
  const v1::Account account = NewAccount("CNY", Unique("am"));
  const ov1::Opportunity draft = Priced(account, "CNY", 42);
  const std::string request_id = Unique("req");
  Reply<ov1::Opportunity> first = Create(draft, request_id);
  ASSERT_OK(first.status);
  Reply<ov1::Opportunity> retry = Create(draft, request_id);
  ASSERT_OK(retry.status);
  EXPECT_TRUE(Same(retry.value, first.value));
  ov1::Opportunity other = draft;
  other.set_title("another deal");
  EXPECT_TRUE(Refused(Create(other, request_id).status, grpc::StatusCode::ALREADY_EXISTS,
                      {"request_id"}));
  EXPECT_EQ(ListAll(AccountFilter(account)).size(), 1u);
  EXPECT_EQ(History(first.value.name()).size(), 1u);
  EXPECT_TRUE(IsInvalidField(Create(draft, "has space").status, "request_id"));
}

TEST(OpportunityTest, ConcurrentRetriesCreateOneOpportunity) {
  const v1::Account account = NewAccount("CNY", Unique("am"));
  const ov1::Opportunity draft = Draft(account);
  const std::string request_id = Unique("req");
  // A loser may be told to retry while the winner commits; nothing else.
  EXPECT_EQ(CreatedNames(CallTogether(8, [&](int) { return Create(draft, request_id); }),
                         grpc::StatusCode::ABORTED)
                .size(),
            1u);
  ASSERT_EQ(ListAll(AccountFilter(account)).size(), 1u);
  EXPECT_EQ(History(ListAll(AccountFilter(account))[0].name()).size(), 1u);
}

TEST(OpportunityTest, ConcurrentMovesWithOneEtagMoveOnce) {
  const v1::Account account = NewAccount("CNY", Unique("am"));
  const ov1::Opportunity o = OpenAt(account, kDev, 100);
  const std::vector<grpc::Status> statuses =
      CallTogether(6, [&](int) { return Move(o.name(), kInit, "", o.etag()).status; });
  EXPECT_EQ(CountOk(statuses, grpc::StatusCode::ABORTED), 1);
  EXPECT_EQ(History(o.name()).size(), 2u);
  EXPECT_EQ(MustGet(o.name()).stage(), kInit);
}

TEST(OpportunityTest, EtagsAndMasks) {
  const std::string owner = Unique("am");
  const v1::Account account = NewAccount("CNY", owner);
  ov1::Opportunity o = OpenAt(account, kInit, std::nullopt);

  ov1::Opportunity patch = Patch<ov1::Opportunity>(o.name());
  patch.set_title("Renamed deal");
  patch.set_owner("someone-else");
  patch.set_etag(o.etag());
  // Only the masked field changes.
  Reply<ov1::Opportunity> updated = Update(patch, {"title"});
  ASSERT_OK(updated.status);
  EXPECT_EQ(updated.value.title(), "Renamed deal");
  EXPECT_EQ(updated.value.owner(), owner);
  EXPECT_NE(updated.value.etag(), o.etag());
  EXPECT_TRUE(Same(MustGet(o.name()), updated.value));
  // The old etag is stale now: ABORTED and nothing changes.
  patch.set_title("Stale write");
  EXPECT_TRUE(HasCode(Update(patch, {"title"}).status, grpc::StatusCode::ABORTED));
  EXPECT_TRUE(HasCode(Move(o.name(), kDev, "back", o.etag()).status, grpc::StatusCode::ABORTED));
  ov1::DeleteOpportunityRequest del =
      ByNameAndEtag<ov1::DeleteOpportunityRequest>(o.name(), o.etag());
  EXPECT_TRUE(
      HasCode(Call(Opps(), &OppStub::DeleteOpportunity, del).status, grpc::StatusCode::ABORTED));
  EXPECT_TRUE(Same(MustGet(o.name()), updated.value));

  // Mask rules.
  patch.clear_etag();
  EXPECT_TRUE(Refused(Update(patch, {"stage"}).status, kInvalid, {"MoveOpportunityStage"}));
  EXPECT_TRUE(Refused(Update(patch, {"lost_to"}).status, kInvalid, {"CloseOpportunity"}));
  EXPECT_TRUE(Refused(Update(patch, {"account"}).status, kInvalid, {"output-only"}));
  EXPECT_TRUE(Refused(Update(patch, {"milestones.proposal.achieve_time"}).status, kInvalid,
                      {"output-only"}));
  EXPECT_TRUE(IsInvalidField(Update(patch, {"no_such_field"}).status, "update_mask"));
  ov1::Opportunity empty = Patch<ov1::Opportunity>(o.name());
  EXPECT_TRUE(IsInvalidField(Update(empty, {}).status, "update_mask"));
  // An empty mask updates the fields set; "*" replaces them all.
  patch.set_owner("new-owner");
  updated = Update(patch, {});
  ASSERT_OK(updated.status);
  EXPECT_EQ(updated.value.owner(), "new-owner");
  EXPECT_EQ(updated.value.title(), "Stale write");
  EXPECT_TRUE(IsInvalidField(Update(empty, {"owner"}).status, "opportunity.owner"));
  EXPECT_TRUE(IsInvalidField(Update(empty, {"*"}).status, "opportunity.title"));

  // Amount: the account's currency only; not cleared from PROPOSAL on.
  patch.Clear();
  patch.set_name(o.name());
  *patch.mutable_amount() = Money("USD", 100);
  EXPECT_TRUE(IsInvalidField(Update(patch, {"amount"}).status, "opportunity.amount.currency_code"));
  *patch.mutable_amount() = Money("CNY", -5);
  EXPECT_TRUE(IsInvalidField(Update(patch, {"amount"}).status, "opportunity.amount.minor_units"));
  *patch.mutable_amount() = Money("CNY", 9'900);
  ASSERT_OK(Update(patch, {"amount"}).status);
  ASSERT_OK(Achieve(o.name(), "project_initiation").status);
  ASSERT_OK(Move(o.name(), kProposal).status);
  patch.clear_amount();
  EXPECT_TRUE(Refused(Update(patch, {"amount"}).status, kPrecondition,
                      {"cannot be cleared at PROPOSAL"}));
  EXPECT_EQ(MustGet(o.name()).amount().minor_units(), 9'900);

  // Milestone notes and times.
  patch.Clear();
  patch.set_name(o.name());
  patch.mutable_milestones()->mutable_proposal()->set_note("workshop held");
  updated = Update(patch, {"milestones.proposal.note"});
  ASSERT_OK(updated.status);
  EXPECT_EQ(updated.value.milestones().proposal().note(), "workshop held");
  EXPECT_FALSE(updated.value.milestones().proposal().achieved());
  EXPECT_TRUE(updated.value.milestones().project_initiation().achieved());
  const google::protobuf::Timestamp achieved_at =
      updated.value.milestones().project_initiation().achieve_time();
  patch.mutable_milestones()->mutable_project_initiation()->set_achieved(true);
  patch.mutable_milestones()->mutable_project_initiation()->set_note("kick-off done");
  updated = Update(patch, {"milestones.project_initiation"});
  ASSERT_OK(updated.status);
  EXPECT_TRUE(Same(updated.value.milestones().project_initiation().achieve_time(), achieved_at));
}

TEST(OpportunityTest, FiltersAndPagination) {
  const std::string owner = Unique("pager");
  const v1::Account account = NewAccount("CNY", owner);
  std::vector<std::string> names;
  for (int i = 0; i < 7; ++i) {
    ov1::Opportunity draft = Draft(account, absl::StrCat("deal ", i));
    draft.mutable_expected_close_time()->set_seconds(1'900'000'000 + i * 86'400);
    names.push_back(MustCreate(draft).name());
  }
  ASSERT_OK(Achieve(names[6], "customer_development").status);
  ASSERT_OK(Move(names[6], kInit).status);

  ov1::ListOpportunitiesRequest request;
  request.set_filter(AccountFilter(account));
  request.set_page_size(3);
  std::vector<std::string> seen;
  std::vector<int> sizes;
  for (int page = 0; page < 10; ++page) {
    Reply<ov1::ListOpportunitiesResponse> reply =
        Call(Opps(), &OppStub::ListOpportunities, request);
    ASSERT_OK(reply.status);
    sizes.push_back(reply.value.opportunities_size());
    for (const ov1::Opportunity& o : reply.value.opportunities()) seen.push_back(o.name());
    if (reply.value.next_page_token().empty()) break;
    request.set_page_token(reply.value.next_page_token());
    if (page == 0) {
      // A token works only with the query that made it.
      ov1::ListOpportunitiesRequest other = request;
      other.set_filter(absl::StrCat(AccountFilter(account), " AND state = OPEN"));
      EXPECT_TRUE(
          IsInvalidField(Call(Opps(), &OppStub::ListOpportunities, other).status, "page_token"));
    }
  }
  EXPECT_EQ(sizes, (std::vector<int>{3, 3, 1}));
  EXPECT_EQ(seen, names);

  const std::string f = AccountFilter(account);
  EXPECT_EQ(ListAll(absl::StrCat(f, " AND owner = \"", owner, "\"")).size(), 7u);
  EXPECT_EQ(ListAll(absl::StrCat(f, " AND stage = PROJECT_INITIATION")).size(), 1u);
  EXPECT_EQ(ListAll(absl::StrCat(f, " AND stage = OPPORTUNITY_STAGE_CUSTOMER_DEVELOPMENT")).size(),
            6u);
  EXPECT_EQ(ListAll(absl::StrCat(f, " AND (stage = PROJECT_INITIATION OR stage = BIDDING)")).size(),
            1u);
  EXPECT_EQ(ListAll(absl::StrCat(f, " AND state = OPEN AND class = D")).size(), 7u);
  // 1'900'000'000 is 2030-03-17T17:46:40Z; the deals close a day apart.
  EXPECT_EQ(ListAll(absl::StrCat(f, " AND expected_close_time >= \"2030-03-19T17:46:40Z\"")).size(),
            5u);
  EXPECT_EQ(ListAll(absl::StrCat(f, " AND expected_close_time >= \"2030-03-18T00:00:00Z\" AND "
                                    "expected_close_time < \"2030-03-20T00:00:00Z\""))
                .size(),
            2u);
  ov1::ListOpportunitiesRequest bad;
  bad.set_filter("amount > 5");
  EXPECT_TRUE(Refused(Call(Opps(), &OppStub::ListOpportunities, bad).status, kInvalid, {"filter"}));
  bad.set_filter("stage = NOWHERE");
  EXPECT_TRUE(Refused(Call(Opps(), &OppStub::ListOpportunities, bad).status, kInvalid, {"filter"}));
  bad.set_filter("account = \"accounts/abc\"");
  EXPECT_TRUE(Refused(Call(Opps(), &OppStub::ListOpportunities, bad).status, kInvalid, {"filter"}));
  bad.set_filter("owner > \"a\"");
  EXPECT_TRUE(Refused(Call(Opps(), &OppStub::ListOpportunities, bad).status, kInvalid, {"filter"}));
}

TEST(OpportunityTest, SoftDeleteAndUndelete) {
  const v1::Account account = NewAccount("CNY", Unique("am"));
  ov1::Opportunity o = OpenAt(account, kDev, 100);
  ov1::DeleteOpportunityRequest del =
      ByNameAndEtag<ov1::DeleteOpportunityRequest>(o.name(), o.etag());
  Reply<ov1::Opportunity> deleted = Call(Opps(), &OppStub::DeleteOpportunity, del);
  ASSERT_OK(deleted.status);
  EXPECT_TRUE(deleted.value.has_delete_time());
  EXPECT_TRUE(Same(MustGet(o.name()), deleted.value));
  EXPECT_EQ(ListAll(AccountFilter(account)).size(), 0u);
  EXPECT_EQ(ListAll(AccountFilter(account), /*show_deleted=*/true).size(), 1u);
  EXPECT_TRUE(Refused(Move(o.name(), kInit).status, kPrecondition, {"is deleted"}));
  EXPECT_TRUE(Refused(Call(Opps(), &OppStub::DeleteOpportunity, del).status,
                      grpc::StatusCode::ABORTED, {}));
  del.clear_etag();
  EXPECT_TRUE(Refused(Call(Opps(), &OppStub::DeleteOpportunity, del).status, kPrecondition,
                      {"already deleted"}));
  ov1::UndeleteOpportunityRequest undelete = ByName<ov1::UndeleteOpportunityRequest>(o.name());
  Reply<ov1::Opportunity> restored = Call(Opps(), &OppStub::UndeleteOpportunity, undelete);
  ASSERT_OK(restored.status);
  EXPECT_FALSE(restored.value.has_delete_time());
  EXPECT_EQ(ListAll(AccountFilter(account)).size(), 1u);

  EXPECT_TRUE(HasCode(Get("opportunities/999999999").status, grpc::StatusCode::NOT_FOUND));
  EXPECT_TRUE(IsInvalidField(Get("accounts/1").status, "name"));
  ov1::ListOpportunityStageHistoryRequest history;
  history.set_parent("opportunities/999999999");
  EXPECT_TRUE(HasCode(Call(Opps(), &OppStub::ListOpportunityStageHistory, history).status,
                      grpc::StatusCode::NOT_FOUND));
}

// --- what the account service says ------------------------------------------------------

TEST(OpportunityTest, AccountChecks) {
  ov1::Opportunity draft;
  draft.set_title("deal");
  draft.set_account("accounts/999999999");
  draft.set_owner("u1");
  EXPECT_TRUE(Refused(Create(draft).status, grpc::StatusCode::NOT_FOUND, {"accounts/999999999"}));
  draft.set_account("");
  EXPECT_TRUE(IsInvalidField(Create(draft).status, "opportunity.account"));
  EXPECT_TRUE(IsInvalidField(
      Call(Opps(), &OppStub::CreateOpportunity, ov1::CreateOpportunityRequest()).status,
      "opportunity"));

  // A deleted account takes no new opportunities.
  const v1::Account gone = NewAccount("CNY", Unique("am"));
  v1::DeleteAccountRequest del = ByName<v1::DeleteAccountRequest>(gone.name());
  v1::Account ignored;
  ASSERT_OK(Accounts().DeleteAccount(Context().get(), del, &ignored));
  EXPECT_TRUE(Refused(Create(Draft(gone)).status, kPrecondition, {gone.name(), "deleted"}));

  // Money needs the account's credit currency.
  const v1::Account no_credit = NewAccount("", Unique("am"));
  EXPECT_TRUE(
      Refused(Create(Priced(no_credit, "CNY", 100)).status, kPrecondition, {"no credit currency"}));
  EXPECT_OK(Create(Draft(no_credit)).status);  // no amount: fine
  const v1::Account cny = NewAccount("CNY", Unique("am"));
  EXPECT_TRUE(
      IsInvalidField(Create(Priced(cny, "EUR", 100)).status, "opportunity.amount.currency_code"));
  EXPECT_EQ(ListAll(AccountFilter(cny)).size(), 0u);

  // No owner given and none on the account.
  const v1::Account ownerless = NewAccount("CNY", "");
  EXPECT_TRUE(IsInvalidField(Create(Draft(ownerless)).status, "opportunity.owner"));
  ov1::Opportunity owned = Draft(ownerless);
  owned.set_owner("explicit-owner");
  Reply<ov1::Opportunity> created = Create(owned);
  ASSERT_OK(created.status);
  EXPECT_EQ(created.value.owner(), "explicit-owner");
}

// Runs last: stops and restarts the account service.
TEST(OpportunityTest, AccountServiceStoppedMidRun) {
  const v1::Account account = NewAccount("CNY", Unique("am"));
  const ov1::Opportunity draft = Priced(account, "CNY", 7'000);
  const std::string done_id = Unique("req");
  Reply<ov1::Opportunity> done = Create(draft, done_id);
  ASSERT_OK(done.status);
  ov1::Opportunity o = OpenAt(account, kInit, std::nullopt);

  ASSERT_TRUE(Suite().StopAccount().ok());
  ov1::Opportunity fresh = Draft(account);
  const std::string fresh_id = Unique("req");
  EXPECT_TRUE(Refused(Create(fresh, fresh_id).status, grpc::StatusCode::UNAVAILABLE,
                      {"account service"}));
  EXPECT_TRUE(Refused(Create(fresh).status, grpc::StatusCode::UNAVAILABLE, {"account service"}));
  // Setting an amount needs the account's currency: refused, nothing written.
  ov1::Opportunity patch = Patch<ov1::Opportunity>(o.name());
  *patch.mutable_amount() = Money("CNY", 1);
  const ov1::Opportunity before = MustGet(o.name());
  EXPECT_TRUE(HasCode(Update(patch, {"amount"}).status, grpc::StatusCode::UNAVAILABLE));
  EXPECT_TRUE(Same(MustGet(o.name()), before));
  EXPECT_EQ(ListAll(AccountFilter(account)).size(), 2u);
  // What does not depend on the account keeps working: reads, moves, a retry
  // of a create that already succeeded.
  Reply<ov1::Opportunity> retry = Create(draft, done_id);
  ASSERT_OK(retry.status);
  EXPECT_TRUE(Same(retry.value, done.value));
  EXPECT_OK(Move(o.name(), kDev, "re-qualify while the account service is down").status);
  EXPECT_EQ(Pipeline(account.name(), "").open_count(), 2);

  ASSERT_TRUE(Suite().StartAccount().ok());
  // The interaction service reconnects within its back-off; retry with the
  // same request id, so however many attempts it takes, one row is written.
  Reply<ov1::Opportunity> created;
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  do {
    created = Create(fresh, fresh_id);
    if (created.status.error_code() != grpc::StatusCode::UNAVAILABLE) break;
    absl::SleepFor(absl::Milliseconds(200));
  } while (absl::Now() < deadline);
  ASSERT_OK(created.status);
  EXPECT_EQ(ListAll(AccountFilter(account)).size(), 3u);
  EXPECT_OK(Update(patch, {"amount"}).status);
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  return kam::testing::RunTestsOnSuite(argc, argv, kam::testing::InteractionSuiteOptions());
}
