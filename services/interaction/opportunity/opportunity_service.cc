#include "services/interaction/opportunity/opportunity_service.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "common/api/field_mask.h"
#include "common/api/idempotency.h"
#include "common/api/list_request.h"
#include "common/api/resource_name.h"
#include "common/api/validation.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "common/server/service_methods.h"
#include "services/interaction/opportunity/opportunity_fields.h"
#include "services/interaction/opportunity/opportunity_pipeline.h"
#include "services/interaction/opportunity/opportunity_qualification.h"
#include "services/interaction/opportunity/opportunity_stages.h"
#include "services/interaction/shared/account_checks.h"
#include "services/interaction/shared/create_retry.h"
#include "services/interaction/shared/list_page.h"
#include "services/interaction/shared/names.h"
#include "services/interaction/shared/narrowing.h"

namespace kam::interaction::opportunity {
namespace {

using common::CallContext;

constexpr char kProbabilitiesName[] = "opportunityStageProbabilities";
// Clock skew allowed for a caller's close_time.
constexpr absl::Duration kFutureSlack = absl::Minutes(1);

// The area's words: "account accounts/7 is deleted; its opportunities
// cannot change" (GetLiveAccount's remedy), and ABORTED for a create whose
// request id a concurrent call took but has not committed.
constexpr absl::string_view kAccountDeleted = "its opportunities cannot change";
constexpr absl::string_view kConcurrentCreateUnfinished =
    "a concurrent request with the same request_id did not finish; retry";

// FAILED_PRECONDITION "opportunity <name> is deleted; undelete it first".
absl::Status Deleted(const v1::Opportunity& o) {
  return DeletedError("opportunity", o.name(), kUndeleteFirst);
}

// The derived class from the judgements and the class in effect.
void Reclassify(v1::Opportunity& o) {
  o.set_derived_class(DeriveOpportunityClass(o.judgements()));
  o.set_opportunity_class(EffectiveOpportunityClass(o.derived_class(), o.class_override()));
}

// A history row of `o` as it is now (before the change), by `ctx.actor`.
v1::OpportunityStageMove MoveFrom(const v1::Opportunity& o, v1::OpportunityStageMoveKind kind,
                                  const CallContext& ctx, absl::Time now) {
  v1::OpportunityStageMove move;
  move.set_kind(kind);
  move.set_from_stage(o.stage());
  move.set_to_stage(o.stage());
  move.set_from_state(o.state());
  move.set_to_state(o.state());
  move.set_actor(ctx.actor);
  *move.mutable_move_time() = common::ToProtoTimestamp(now);
  return move;
}

v1::OpportunityStageProbabilities ProbabilitiesResource(const StoredStageProbabilities& table) {
  v1::OpportunityStageProbabilities out;
  out.set_name(kProbabilitiesName);
  FillStageProbabilities(table.percents, out.mutable_probabilities());
  out.set_update_actor(table.update_actor);
  if (table.update_time.has_value()) {
    *out.mutable_update_time() = common::ToProtoTimestamp(*table.update_time);
  }
  out.set_etag(common::MakeEtag(kProbabilitiesName, table.version));
  return out;
}

// The opportunity of `row` into `*response`, or the error.
absl::Status Answer(absl::StatusOr<StoredOpportunity> row, v1::Opportunity* response) {
  if (!row.ok()) return row.status();
  *response = std::move(row->opportunity);
  return absl::OkStatus();
}

// OK when `agreement` is empty or an agreement of account `account_id`
// (the name's form is checked already).
absl::Status CheckRenewsAgreement(OpportunityStore& store, absl::string_view agreement,
                                  int64_t account_id) {
  if (agreement.empty()) return absl::OkStatus();
  constexpr absl::string_view kField = "opportunity.renews_agreement";
  KAM_ASSIGN_OR_RETURN(int64_t id, common::ParseId(kField, agreement, "agreements"));
  KAM_ASSIGN_OR_RETURN(int64_t owner, store.AgreementAccount(kField, id));
  if (owner == account_id) return absl::OkStatus();
  return common::InvalidField(
      kField, absl::StrCat("must be an agreement of ", AccountName(account_id), " (", agreement,
                           " is of ", AccountName(owner), ")"));
}

bool Contains(const std::vector<std::string>& paths, absl::string_view path) {
  return std::find(paths.begin(), paths.end(), path) != paths.end();
}

}  // namespace

void OpportunityService::Register(common::GrpcServer& server) {
  common::ServeMethods(
      server, &service_, this, &OpportunityService::CreateOpportunity,
      &OpportunityService::GetOpportunity, &OpportunityService::ListOpportunities,
      &OpportunityService::UpdateOpportunity, &OpportunityService::DeleteOpportunity,
      &OpportunityService::UndeleteOpportunity, &OpportunityService::MoveOpportunityStage,
      &OpportunityService::CloseOpportunity, &OpportunityService::ReopenOpportunity,
      &OpportunityService::ListOpportunityStageHistory, &OpportunityService::GetStageProbabilities,
      &OpportunityService::UpdateStageProbabilities, &OpportunityService::GetWeightedPipeline);
}

absl::StatusOr<StoredOpportunity> OpportunityService::ReadOpportunity(const Ctx& ctx, int64_t id) {
  return OwnRow(*accounts_, ctx, store_->Get(id), "opportunity", OpportunityName(id));
}

absl::StatusOr<StoredOpportunity> OpportunityService::ChangeOpportunity(
    const Ctx& ctx, absl::string_view context, int64_t id, absl::string_view etag, absl::Time now,
    absl::FunctionRef<absl::Status(OpportunityTx&, StoredOpportunity&)> change) {
  // An opportunity's account never changes: a narrowed call checks it before
  // the transaction (no call to the account service while the row is locked).
  if (!NarrowedUser(ctx).empty()) KAM_RETURN_IF_ERROR(ReadOpportunity(ctx, id).status());
  StoredOpportunity result;
  absl::Status status = store_->Transact(context, [&](OpportunityTx& tx) -> absl::Status {
    KAM_ASSIGN_OR_RETURN(StoredOpportunity row, tx.Lock(id));
    KAM_RETURN_IF_ERROR(common::CheckEtag(row.opportunity.name(), row.version, etag));
    KAM_RETURN_IF_ERROR(change(tx, row));
    common::StampWrite(&row.version, &row.opportunity, now);
    KAM_RETURN_IF_ERROR(tx.Write(row));
    result = std::move(row);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

absl::Status OpportunityService::RecordStageMove(
    const Ctx& ctx, absl::string_view context, int64_t id, absl::string_view etag, absl::Time now,
    absl::FunctionRef<absl::Status(const v1::Opportunity&, v1::OpportunityStageMove*)> plan,
    absl::FunctionRef<void(v1::Opportunity&, const v1::OpportunityStageMove&)> apply,
    v1::Opportunity* opportunity, v1::OpportunityStageMove* move) {
  auto change = [&](OpportunityTx& tx, StoredOpportunity& row) -> absl::Status {
    v1::Opportunity& o = row.opportunity;
    if (o.has_delete_time()) return Deleted(o);
    *move = MoveFrom(o, v1::OPPORTUNITY_STAGE_MOVE_KIND_UNSPECIFIED, ctx, now);
    KAM_RETURN_IF_ERROR(plan(o, move));
    KAM_RETURN_IF_ERROR(tx.InsertMove(row.id, move));
    apply(o, *move);
    return absl::OkStatus();
  };
  return Answer(ChangeOpportunity(ctx, context, id, etag, now, change), opportunity);
}

// --- standard methods ---------------------------------------------------------------

absl::Status OpportunityService::CreateOpportunity(const Ctx& ctx,
                                                   const v1::CreateOpportunityRequest& request,
                                                   v1::Opportunity* response) {
  if (!request.has_opportunity()) return common::InvalidField("opportunity", "is required");
  const v1::Opportunity& in = request.opportunity();
  KAM_ASSIGN_OR_RETURN(
      const CreateTarget target,
      ReadCreateTarget(request, "CreateOpportunity", "opportunity.account", in.account()));
  KAM_RETURN_IF_ERROR(ValidateOpportunityFields(in));
  KAM_RETURN_IF_ERROR(ValidateNewOpportunityStage(in));
  // A retry of a create that succeeded gets its result without asking the
  // account service again (so it works while that service is down).
  absl::StatusOr<bool> answered = AnsweredEarlier(
      target.key, [&](const std::string& id) { return store_->FindByRequest(id); },
      [](StoredOpportunity& row) { return std::move(row.opportunity); }, response);
  if (!answered.ok() || *answered) return answered.status();
  const std::string account_name = AccountName(target.account_id);
  KAM_ASSIGN_OR_RETURN(kam::account::v1::Account account,
                       GetLiveAccount(*accounts_, ctx, account_name, kAccountDeleted));
  KAM_RETURN_IF_ERROR(CheckRenewsAgreement(*store_, in.renews_agreement(), target.account_id));
  if (in.has_amount()) {
    KAM_RETURN_IF_ERROR(CheckAmountCurrency(in.amount(), account));
  }
  const std::string owner = in.owner().empty() ? account.owner() : in.owner();
  KAM_RETURN_IF_ERROR(CheckOwnerPresent(
      owner, absl::StrCat(": account ", account_name, " has no owner to default to")));
  KAM_ASSIGN_OR_RETURN(const int64_t id, store_->NewOpportunityId());
  const absl::Time now = common::NowMicros();

  StoredOpportunity row;
  row.id = id;
  row.account_id = target.account_id;
  v1::Opportunity& o = row.opportunity;
  o.set_name(OpportunityName(row.id));
  o.set_account(account_name);
  o.set_title(in.title());
  o.set_owner(owner);
  if (in.has_amount()) *o.mutable_amount() = in.amount();
  o.set_stage(kFirstStage);
  *o.mutable_stage_update_time() = common::ToProtoTimestamp(now);
  o.set_state(v1::OPPORTUNITY_STATE_OPEN);
  *o.mutable_milestones() = in.milestones();
  KAM_RETURN_IF_ERROR(SettleMilestones(nullptr, o.mutable_milestones(), kFirstStage, now));
  *o.mutable_judgements() = in.judgements();
  o.set_class_override(in.class_override());
  Reclassify(o);
  if (in.has_expected_close_time()) *o.mutable_expected_close_time() = in.expected_close_time();
  o.set_renews_agreement(in.renews_agreement());
  common::StampCreate(&row.version, &o, now);
  FillOpportunityShape(&o);

  common::InsertOutcome outcome = common::InsertOutcome::kInserted;
  absl::Status status = store_->Transact("creating opportunity", [&](OpportunityTx& tx) {
    KAM_ASSIGN_OR_RETURN(common::InsertOutcome inserted, tx.Insert(row, target.key));
    outcome = inserted;
    if (outcome == common::InsertOutcome::kDuplicateRequest) return absl::OkStatus();
    v1::OpportunityStageMove created =
        MoveFrom(o, v1::OPPORTUNITY_STAGE_MOVE_KIND_CREATED, ctx, now);
    created.set_from_stage(v1::OPPORTUNITY_STAGE_UNSPECIFIED);
    created.set_from_state(v1::OPPORTUNITY_STATE_UNSPECIFIED);
    return tx.InsertMove(row.id, &created);
  });
  if (!status.ok()) return status;
  if (outcome == common::InsertOutcome::kDuplicateRequest) {
    KAM_ASSIGN_OR_RETURN(StoredOpportunity first,
                         AnswerUnfinishedRetry(target.key, store_->FindByRequest(target.key.id),
                                               kConcurrentCreateUnfinished));
    o = std::move(first.opportunity);
  }
  *response = std::move(o);
  return absl::OkStatus();
}

absl::Status OpportunityService::GetOpportunity(const Ctx& ctx,
                                                const v1::GetOpportunityRequest& request,
                                                v1::Opportunity* response) {
  KAM_ASSIGN_OR_RETURN(int64_t id, ParseOpportunityName("name", request.name()));
  return Answer(ReadOpportunity(ctx, id), response);
}

absl::Status OpportunityService::ListOpportunities(const Ctx& ctx,
                                                   const v1::ListOpportunitiesRequest& request,
                                                   v1::ListOpportunitiesResponse* response) {
  KAM_ASSIGN_OR_RETURN(std::optional<common::ListRequest> list,
                       ReadNarrowedList(*accounts_, ctx, request, "ListOpportunities",
                                        request.filter(), request.show_deleted() ? "1" : "0"));
  if (!list.has_value()) return absl::OkStatus();
  return AnswerPage(
      *list, store_->List(list->filter, request.show_deleted(), list->cursor, list->limit),
      response,
      [&](StoredOpportunity& row) { *response->add_opportunities() = std::move(row.opportunity); });
}

absl::Status OpportunityService::UpdateOpportunity(const Ctx& ctx,
                                                   const v1::UpdateOpportunityRequest& request,
                                                   v1::Opportunity* response) {
  if (!request.has_opportunity()) return common::InvalidField("opportunity", "is required");
  const v1::Opportunity& patch = request.opportunity();
  KAM_ASSIGN_OR_RETURN(int64_t id, ParseOpportunityName("opportunity.name", patch.name()));
  KAM_ASSIGN_OR_RETURN(
      std::vector<std::string> paths,
      common::ResolveUpdateMask(request.update_mask(), patch, OpportunityMaskRules()));
  // A new amount must be in the account's credit currency: ask the account
  // service before the transaction (the account of an opportunity never
  // changes, so reading it first is safe).
  const bool sets_amount = Contains(paths, "amount") && patch.has_amount();
  std::optional<kam::account::v1::Account> account;
  if (sets_amount) {
    KAM_ASSIGN_OR_RETURN(StoredOpportunity current, ReadOpportunity(ctx, id));
    KAM_ASSIGN_OR_RETURN(
        kam::account::v1::Account live,
        GetLiveAccount(*accounts_, ctx, current.opportunity.account(), kAccountDeleted));
    account = std::move(live);
  }
  // An agreement's account never changes either: checked before the
  // transaction too.
  if (Contains(paths, "renews_agreement") && !patch.renews_agreement().empty()) {
    KAM_ASSIGN_OR_RETURN(StoredOpportunity current, ReadOpportunity(ctx, id));
    KAM_RETURN_IF_ERROR(
        CheckRenewsAgreement(*store_, patch.renews_agreement(), current.account_id));
  }
  const absl::Time now = common::NowMicros();
  auto change = [&](OpportunityTx&, StoredOpportunity& row) -> absl::Status {
    v1::Opportunity& o = row.opportunity;
    if (o.has_delete_time()) return Deleted(o);
    if (o.state() != v1::OPPORTUNITY_STATE_OPEN) {
      return absl::FailedPreconditionError(absl::StrCat(
          "opportunity ", o.name(), " is ", OpportunityStateName(o.state()), " (closed at ",
          OpportunityStageName(o.stage()), "); reopen it to change it"));
    }
    const v1::OpportunityMilestones before = o.milestones();
    common::ApplyUpdateMask(paths, patch, &o);
    KAM_RETURN_IF_ERROR(ValidateOpportunityFields(o));
    KAM_RETURN_IF_ERROR(CheckOwnerPresent(o.owner(), ": an opportunity always has an owner"));
    if (StageNeedsAmount(o.stage()) && !o.has_amount()) {
      return absl::FailedPreconditionError(
          absl::StrCat("opportunity.amount cannot be cleared at ", OpportunityStageName(o.stage()),
                       ": an opportunity needs an amount from ",
                       OpportunityStageName(kFirstPricedStage), " on"));
    }
    if (sets_amount) {
      KAM_RETURN_IF_ERROR(CheckAmountCurrency(o.amount(), *account));
    }
    KAM_RETURN_IF_ERROR(SettleMilestones(&before, o.mutable_milestones(), o.stage(), now));
    Reclassify(o);
    FillOpportunityShape(&o);
    return absl::OkStatus();
  };
  return Answer(ChangeOpportunity(ctx, "updating opportunity", id, patch.etag(), now, change),
                response);
}

absl::Status OpportunityService::DeleteOpportunity(const Ctx& ctx,
                                                   const v1::DeleteOpportunityRequest& request,
                                                   v1::Opportunity* response) {
  return SetDeleted(ctx, request.name(), request.etag(), /*deleted=*/true, response);
}

absl::Status OpportunityService::UndeleteOpportunity(const Ctx& ctx,
                                                     const v1::UndeleteOpportunityRequest& request,
                                                     v1::Opportunity* response) {
  return SetDeleted(ctx, request.name(), request.etag(), /*deleted=*/false, response);
}

absl::Status OpportunityService::SetDeleted(const Ctx& ctx, absl::string_view name,
                                            absl::string_view etag, bool deleted,
                                            v1::Opportunity* response) {
  KAM_ASSIGN_OR_RETURN(int64_t id, ParseOpportunityName("name", name));
  const absl::Time now = common::NowMicros();
  auto change = [&](OpportunityTx&, StoredOpportunity& row) -> absl::Status {
    v1::Opportunity& o = row.opportunity;
    if (o.has_delete_time() == deleted) {
      return absl::FailedPreconditionError(absl::StrCat(
          "opportunity ", o.name(), deleted ? " is already deleted" : " is not deleted"));
    }
    if (deleted) {
      *o.mutable_delete_time() = common::ToProtoTimestamp(now);
    } else {
      o.clear_delete_time();
    }
    return absl::OkStatus();
  };
  return Answer(ChangeOpportunity(ctx, deleted ? "deleting opportunity" : "undeleting opportunity",
                                  id, etag, now, change),
                response);
}

// --- stage moves --------------------------------------------------------------------

absl::Status OpportunityService::MoveOpportunityStage(
    const Ctx& ctx, const v1::MoveOpportunityStageRequest& request,
    v1::MoveOpportunityStageResponse* response) {
  KAM_ASSIGN_OR_RETURN(int64_t id, ParseOpportunityName("name", request.name()));
  KAM_RETURN_IF_ERROR(ValidateStageMoveRequest(request.to_stage(), request.reason()));
  auto plan = [&](const v1::Opportunity& o, v1::OpportunityStageMove* move) -> absl::Status {
    KAM_ASSIGN_OR_RETURN(OpportunityStagePlan plan,
                         CheckOpportunityStageMove(o, request.to_stage(), request.reason()));
    move->set_kind(plan.kind);
    move->set_to_stage(request.to_stage());
    for (v1::OpportunityStage stage : plan.skipped) move->add_skipped_stages(stage);
    move->set_reason(request.reason());
    return absl::OkStatus();
  };
  auto apply = [&](v1::Opportunity& o, const v1::OpportunityStageMove& move) {
    o.set_stage(request.to_stage());
    *o.mutable_stage_update_time() = move.move_time();
  };
  return RecordStageMove(ctx, "moving opportunity stage", id, request.etag(), common::NowMicros(),
                         plan, apply, response->mutable_opportunity(), response->mutable_move());
}

absl::Status OpportunityService::CloseOpportunity(const Ctx& ctx,
                                                  const v1::CloseOpportunityRequest& request,
                                                  v1::CloseOpportunityResponse* response) {
  KAM_ASSIGN_OR_RETURN(int64_t id, ParseOpportunityName("name", request.name()));
  KAM_RETURN_IF_ERROR(ValidateCloseRequest(request));
  const absl::Time now = common::NowMicros();
  absl::Time close_time = now;
  if (request.has_close_time()) {
    KAM_RETURN_IF_ERROR(common::CheckTimestamp("close_time", request.close_time()));
    // The database keeps microseconds: drop the rest so the answer equals a
    // later read.
    close_time =
        absl::FromUnixMicros(absl::ToUnixMicros(common::FromProtoTimestamp(request.close_time())));
    if (close_time > now + kFutureSlack) {
      return common::InvalidField("close_time", "must not be in the future");
    }
  }
  const bool won = request.outcome() == v1::OPPORTUNITY_STATE_WON;
  auto plan = [&](const v1::Opportunity& o, v1::OpportunityStageMove* move) -> absl::Status {
    KAM_RETURN_IF_ERROR(CheckOpportunityClose(o, request));
    if (close_time < common::FromProtoTimestamp(o.create_time())) {
      return common::InvalidField("close_time", "must not be before the opportunity was created");
    }
    move->set_kind(won ? v1::OPPORTUNITY_STAGE_MOVE_KIND_WON
                       : v1::OPPORTUNITY_STAGE_MOVE_KIND_LOST);
    move->set_to_state(request.outcome());
    move->set_reason(request.reason());
    move->set_lost_reason(request.lost_reason());
    move->set_lost_to(request.lost_to());
    return absl::OkStatus();
  };
  auto apply = [&](v1::Opportunity& o, const v1::OpportunityStageMove&) {
    o.set_state(request.outcome());
    if (won) {
      o.set_won_reason(request.reason());
    } else {
      o.set_lost_reason(request.lost_reason());
      o.set_lost_reason_detail(request.reason());
      o.set_lost_to(request.lost_to());
    }
    *o.mutable_close_time() = common::ToProtoTimestamp(close_time);
  };
  return RecordStageMove(ctx, "closing opportunity", id, request.etag(), now, plan, apply,
                         response->mutable_opportunity(), response->mutable_move());
}

absl::Status OpportunityService::ReopenOpportunity(const Ctx& ctx,
                                                   const v1::ReopenOpportunityRequest& request,
                                                   v1::ReopenOpportunityResponse* response) {
  KAM_ASSIGN_OR_RETURN(int64_t id, ParseOpportunityName("name", request.name()));
  auto plan = [&](const v1::Opportunity& o, v1::OpportunityStageMove* move) -> absl::Status {
    KAM_RETURN_IF_ERROR(CheckOpportunityReopen(o, request.reason()));
    move->set_kind(v1::OPPORTUNITY_STAGE_MOVE_KIND_REOPENED);
    move->set_to_state(v1::OPPORTUNITY_STATE_OPEN);
    move->set_reason(request.reason());
    return absl::OkStatus();
  };
  auto apply = [](v1::Opportunity& o, const v1::OpportunityStageMove&) {
    o.set_state(v1::OPPORTUNITY_STATE_OPEN);
    o.clear_won_reason();
    o.clear_lost_reason();
    o.clear_lost_reason_detail();
    o.clear_lost_to();
    o.clear_close_time();
  };
  return RecordStageMove(ctx, "reopening opportunity", id, request.etag(), common::NowMicros(),
                         plan, apply, response->mutable_opportunity(), response->mutable_move());
}

absl::Status OpportunityService::ListOpportunityStageHistory(
    const Ctx& ctx, const v1::ListOpportunityStageHistoryRequest& request,
    v1::ListOpportunityStageHistoryResponse* response) {
  KAM_ASSIGN_OR_RETURN(int64_t id, ParseOpportunityName("parent", request.parent()));
  KAM_ASSIGN_OR_RETURN(
      common::ListRequest list,
      common::ReadListRequest(request, {"ListOpportunityStageHistory", request.parent()}));
  KAM_ASSIGN_OR_RETURN(bool exists, store_->Exists(id));
  if (!exists) {
    return absl::NotFoundError(absl::StrCat("opportunity ", request.parent(), " not found"));
  }
  if (!NarrowedUser(ctx).empty()) {
    KAM_RETURN_IF_ERROR(
        OwnRow(*accounts_, ctx, store_->Get(id), "opportunity", request.parent()).status());
  }
  return AnswerPage(list, store_->ListMoves(id, list.cursor, list.limit), response,
                    [&](StoredStageMove& row) { *response->add_moves() = std::move(row.move); });
}

// --- the weighted pipeline ----------------------------------------------------------

absl::Status OpportunityService::GetStageProbabilities(
    const Ctx&, const v1::GetStageProbabilitiesRequest&,
    v1::OpportunityStageProbabilities* response) {
  KAM_ASSIGN_OR_RETURN(StoredStageProbabilities table, store_->GetProbabilities());
  *response = ProbabilitiesResource(table);
  return absl::OkStatus();
}

absl::Status OpportunityService::UpdateStageProbabilities(
    const Ctx& ctx, const v1::UpdateStageProbabilitiesRequest& request,
    v1::OpportunityStageProbabilities* response) {
  if (!request.has_stage_probabilities()) {
    return common::InvalidField("stage_probabilities", "is required");
  }
  const v1::OpportunityStageProbabilities& in = request.stage_probabilities();
  absl::StatusOr<StageProbabilityPercents> percents = ParseStageProbabilities(in.probabilities());
  if (!percents.ok()) return percents.status();
  const absl::Time now = common::NowMicros();
  return store_->Transact("updating stage probabilities", [&](OpportunityTx& tx) -> absl::Status {
    KAM_ASSIGN_OR_RETURN(StoredStageProbabilities table, tx.LockProbabilities());
    KAM_RETURN_IF_ERROR(common::CheckEtag(kProbabilitiesName, table.version, in.etag()));
    table.percents = *percents;
    ++table.version;
    table.update_actor = ctx.actor;
    table.update_time = now;
    KAM_RETURN_IF_ERROR(tx.WriteProbabilities(table));
    *response = ProbabilitiesResource(table);
    return absl::OkStatus();
  });
}

absl::Status OpportunityService::GetWeightedPipeline(const Ctx& ctx,
                                                     const v1::GetWeightedPipelineRequest& request,
                                                     v1::WeightedPipeline* response) {
  PipelineScope scope;
  if (!request.account().empty()) {
    absl::StatusOr<int64_t> account_id = ParseAccountName("account", request.account());
    if (!account_id.ok()) return account_id.status();
    scope.account_id = *account_id;
  }
  KAM_RETURN_IF_ERROR(
      common::CheckIdentifier("owner", request.owner(), kMaxOpportunityOwner, /*required=*/false));
  scope.owner = request.owner();
  if (!v1::OpportunityClass_IsValid(request.opportunity_class())) {
    return common::InvalidField("opportunity_class",
                                "must be A, B, C, D or UNSPECIFIED for every class");
  }
  scope.opportunity_class = request.opportunity_class();
  // A manager's: their accounts only; another's account reads as one that
  // does not exist (no open opportunities).
  KAM_ASSIGN_OR_RETURN(std::shared_ptr<const common::TeamAccounts> theirs,
                       common::NarrowedAccounts(*accounts_, ctx));
  if (theirs != nullptr && scope.account_id == 0) {
    scope.account_ids = theirs->ids();
  } else if (theirs != nullptr && !theirs->Contains(scope.account_id)) {
    scope.account_ids.emplace();
  }
  KAM_ASSIGN_OR_RETURN(PipelineSums sums, store_->ReadPipeline(scope));
  KAM_ASSIGN_OR_RETURN(v1::WeightedPipeline pipeline,
                       ComputeWeightedPipeline(sums.groups, sums.table.percents));
  *response = std::move(pipeline);
  if (scope.account_id != 0) response->set_account(AccountName(scope.account_id));
  response->set_owner(scope.owner);
  response->set_opportunity_class(scope.opportunity_class);
  response->set_probabilities_etag(common::MakeEtag(kProbabilitiesName, sums.table.version));
  return absl::OkStatus();
}

}  // namespace kam::interaction::opportunity
