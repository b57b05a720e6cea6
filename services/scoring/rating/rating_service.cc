#include "services/scoring/rating/rating_service.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api/filter.h"
#include "common/api/idempotency.h"
#include "common/api/list_request.h"
#include "common/api/validation.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "common/server/service_methods.h"
#include "services/scoring/names.h"
#include "services/scoring/rules/policy_settings.h"

namespace kam::scoring::rating {
namespace {

constexpr absl::Duration kFutureSlack = absl::Minutes(1);

std::string TierLetter(int tier) {
  switch (tier) {
    case account::v1::TIER_A: return "A";
    case account::v1::TIER_B: return "B";
    case account::v1::TIER_C: return "C";
    case account::v1::TIER_D: return "D";
    default: return "unrated";
  }
}

v1::KeyAccountChange ToChange(const RatingRow& row) {
  v1::KeyAccountChange change;
  change.set_account(AccountName(row.account_id));
  change.set_from_tier(row.previous_tier);
  change.set_to_tier(row.tier);
  if (row.movement == v1::MOVEMENT_NOT_TIERED) {
    change.set_reason(
        absl::StrCat(TierLetter(row.previous_tier), " -> unrated: churned, not rated into a tier"));
    return change;
  }
  change.set_reason(absl::StrCat(TierLetter(row.previous_tier), " -> ", TierLetter(row.tier),
                                 ": value ", row.value_minor, " ", row.currency, " ranks ",
                                 row.rank, row.group_id == 0 ? "" : " as group ",
                                 row.group_id == 0 ? "" : AccountName(row.group_id),
                                 row.segment.empty() ? "" : " in segment ", row.segment));
  // On or off the list by a designation rather than by the tier alone.
  v1::AccountRating why;
  why.ParseFromString(row.details);
  std::string designated;
  for (int i = 0; i < why.key_reasons_size(); ++i) {
    if (why.key_reasons(i) == v1::KEY_ACCOUNT_REASON_TIER) continue;
    absl::StrAppend(&designated, designated.empty() ? "" : ", ",
                    v1::KeyAccountReason_Name(why.key_reasons(i)).substr(19));
  }
  if (!designated.empty()) {
    absl::StrAppend(change.mutable_reason(), "; designated ", designated, " (",
                    absl::StrJoin(why.designations(), ", "), ")");
  } else if (!row.key_account && row.movement == v1::MOVEMENT_UNCHANGED) {
    change.mutable_reason()->append("; its designation ended or lapsed");
  }
  return change;
}

// ListRatingRuns filter: `state = X`, `policy = "policies/N"`, joined by AND.
absl::Status ReadRunFilter(const common::FilterNode& filter, int64_t* policy_id,
                           v1::RunState* state) {
  std::vector<const common::FilterNode*> terms;
  if (filter.kind == common::FilterNode::Kind::kComparison) {
    terms.push_back(&filter);
  } else if (filter.kind == common::FilterNode::Kind::kAnd) {
    for (const common::FilterNode& child : filter.children) terms.push_back(&child);
  }
  for (const common::FilterNode* term : terms) {
    if (term->kind != common::FilterNode::Kind::kComparison ||
        term->comparison.op != common::FilterOp::kEq) {
      return absl::InvalidArgumentError(
          "filter supports only `state = X` and `policy = \"policies/N\"` joined by AND");
    }
    const common::FilterComparison& c = term->comparison;
    if (c.field == "state") {
      const std::string upper = absl::AsciiStrToUpper(c.value);
      if (!v1::RunState_Parse(upper, state) &&
          !v1::RunState_Parse(absl::StrCat("RUN_STATE_", upper), state)) {
        return absl::InvalidArgumentError(
            absl::StrCat("filter value \"", c.value.substr(0, 64), "\" is not a valid state"));
      }
    } else if (c.field == "policy") {
      KAM_ASSIGN_OR_RETURN(int64_t id, ParsePolicyId("filter value for policy", c.value));
      *policy_id = id;
    } else {
      return absl::InvalidArgumentError(absl::StrCat("filter field \"", c.field.substr(0, 64),
                                                     "\" is not supported; use state or policy"));
    }
  }
  return absl::OkStatus();
}

// A run as the caller sees it.
absl::Status AnswerRun(absl::StatusOr<StoredRun> run, v1::RatingRun* response) {
  if (!run.ok()) return run.status();
  *response = std::move(run->run);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<StoredRun> RatingService::GetRatedRun(int64_t run_id) {
  KAM_ASSIGN_OR_RETURN(StoredRun run, store_->GetRun(run_id));
  const v1::RunState state = run.run.state();
  if (state != v1::RUN_STATE_PUBLISHING && state != v1::RUN_STATE_SUCCEEDED) {
    return absl::FailedPreconditionError(
        absl::StrCat(run.run.name(), " has not finished rating (", v1::RunState_Name(state), ")"));
  }
  return run;
}

void RatingService::Register(common::GrpcServer& server) {
  common::ServeMethods(server, &service_, this, &RatingService::StartRatingRun,
                       &RatingService::GetRatingRun, &RatingService::ListRatingRuns,
                       &RatingService::CancelRatingRun, &RatingService::GetAccountRating,
                       &RatingService::ListAccountRatings, &RatingService::ListKeyAccountChanges);
}

absl::Status RatingService::StartRatingRun(const Ctx& ctx, const v1::StartRatingRunRequest& request,
                                           v1::RatingRun* response) {
  KAM_ASSIGN_OR_RETURN(PolicyRef policy_name, ParsePolicyName("policy", request.policy()));
  KAM_ASSIGN_OR_RETURN(common::RequestKey key, common::RequestKeyOf(request, "StartRatingRun"));
  const absl::Time now = common::NowMicros();
  absl::Time as_of = now;
  if (request.has_as_of()) {
    KAM_RETURN_IF_ERROR(common::CheckTimestamp("as_of", request.as_of()));
    as_of = absl::FromUnixMicros(absl::ToUnixMicros(common::FromProtoTimestamp(request.as_of())));
    if (as_of > now + kFutureSlack)
      return common::InvalidField("as_of", "must not be in the future");
  }
  // A retry answers with the first run before anything else: the policy's
  // latest version may have changed since, and marking it used would freeze
  // a version no run uses. (Concurrent duplicates are caught by CreateRun.)
  if (!key.id.empty()) {
    absl::StatusOr<std::optional<StoredRun>> first =
        common::EarlierResult(key, store_->FindRunByRequest(key.id));
    if (!first.ok()) return first.status();
    if (first->has_value()) return AnswerRun(**std::move(first), response);
  }
  KAM_ASSIGN_OR_RETURN(policy::StoredPolicy policy,
                       policies_->GetPolicy(policy_name.id, policy_name.version));
  KAM_ASSIGN_OR_RETURN(rules::RatingSettings settings, rules::ToRatingSettings(policy.policy));
  KAM_ASSIGN_OR_RETURN(absl::Time period_start, rules::PeriodStart(settings, as_of, "as_of"));
  // The version is frozen now, not when the runner picks the run up: an
  // update in between would otherwise change in place the settings this
  // queued run is to use (policy.proto: a version a run used never changes).
  KAM_RETURN_IF_ERROR(policies_->MarkVersionUsed(policy.id, policy.policy.version()));

  absl::StatusOr<int64_t> id = store_->NewRunId();
  if (!id.ok()) return id.status();
  StoredRun run;
  run.id = *id;
  run.policy_id = policy.id;
  v1::RatingRun& r = run.run;
  r.set_name(RunName(run.id));
  r.set_policy(policy.policy.name());
  r.set_policy_version(policy.policy.version());
  *r.mutable_as_of() = common::ToProtoTimestamp(as_of);
  *r.mutable_period_start() = common::ToProtoTimestamp(period_start);
  r.set_state(v1::RUN_STATE_QUEUED);
  r.set_actor(ctx.actor);
  *r.mutable_create_time() = common::ToProtoTimestamp(now);
  KAM_ASSIGN_OR_RETURN(common::InsertOutcome outcome, store_->CreateRun(run, key));
  if (outcome == common::InsertOutcome::kDuplicateRequest) {
    return AnswerRun(common::AnswerRetry(key, store_->FindRunByRequest(key.id)), response);
  }
  if (wake_) wake_();
  *response = std::move(r);
  return absl::OkStatus();
}

absl::Status RatingService::GetRatingRun(const Ctx&, const v1::GetRatingRunRequest& request,
                                         v1::RatingRun* response) {
  KAM_ASSIGN_OR_RETURN(int64_t id, ParseRunName("name", request.name()));
  return AnswerRun(store_->GetRun(id), response);
}

absl::Status RatingService::ListRatingRuns(const Ctx&, const v1::ListRatingRunsRequest& request,
                                           v1::ListRatingRunsResponse* response) {
  KAM_ASSIGN_OR_RETURN(common::ListRequest list,
                       common::ReadListRequest(request, {"ListRatingRuns", request.filter()}));
  int64_t policy_id = 0;
  v1::RunState state = v1::RUN_STATE_UNSPECIFIED;
  KAM_RETURN_IF_ERROR(ReadRunFilter(list.filter, &policy_id, &state));
  KAM_ASSIGN_OR_RETURN(std::vector<StoredRun> rows, store_->ListRuns(common::CursorId(list.cursor),
                                                                     policy_id, state, list.limit));
  common::WritePage(list, common::TrimPage(std::move(rows), list.limit),
                    response->mutable_next_page_token(),
                    [&](StoredRun& row) { *response->add_runs() = std::move(row.run); });
  return absl::OkStatus();
}

absl::Status RatingService::CancelRatingRun(const Ctx&, const v1::CancelRatingRunRequest& request,
                                            v1::RatingRun* response) {
  KAM_ASSIGN_OR_RETURN(int64_t id, ParseRunName("name", request.name()));
  return AnswerRun(store_->CancelRun(id, common::NowMicros()), response);
}

absl::Status RatingService::GetAccountRating(const Ctx& ctx,
                                             const v1::GetAccountRatingRequest& request,
                                             v1::AccountRating* response) {
  KAM_ASSIGN_OR_RETURN(RatingRef name, ParseRatingName("name", request.name()));
  KAM_RETURN_IF_ERROR(GetRatedRun(name.run).status());
  // Another's account reads as one the run did not rate.
  KAM_RETURN_IF_ERROR(common::CheckOwnAccount(
      *teams_, ctx, name.account, [&] { return RatingNotFound(name.run, name.account); }));
  KAM_ASSIGN_OR_RETURN(RatingRow row, store_->GetRating(name.run, name.account));
  *response = ToAccountRating(name.run, row);
  return absl::OkStatus();
}

absl::Status RatingService::ListAccountRatings(const Ctx& ctx,
                                               const v1::ListAccountRatingsRequest& request,
                                               v1::ListAccountRatingsResponse* response) {
  KAM_ASSIGN_OR_RETURN(int64_t id, ParseRunName("parent", request.parent()));
  KAM_ASSIGN_OR_RETURN(
      common::ListRequest list,
      common::ReadListRequest(
          request, {common::ListQueryName("ListAccountRatings", common::NarrowedUser(ctx)),
                    request.parent(), request.filter()}));
  KAM_RETURN_IF_ERROR(GetRatedRun(id).status());
  KAM_ASSIGN_OR_RETURN(const bool any, common::NarrowList(*teams_, ctx, &list));
  if (!any) return absl::OkStatus();
  KAM_ASSIGN_OR_RETURN(
      std::vector<RatingRow> rows,
      store_->ListRatings(id, list.filter, common::CursorId(list.cursor), list.limit));
  common::WritePage(
      list, common::TrimPage(std::move(rows), list.limit), response->mutable_next_page_token(),
      [&](const RatingRow& row) { *response->add_ratings() = ToAccountRating(id, row); },
      [](const RatingRow& row) {
        return common::PageCursor{{}, row.account_id};
      });
  return absl::OkStatus();
}

absl::Status RatingService::ListKeyAccountChanges(const Ctx& ctx,
                                                  const v1::ListKeyAccountChangesRequest& request,
                                                  v1::ListKeyAccountChangesResponse* response) {
  KAM_ASSIGN_OR_RETURN(int64_t id, ParseRunName("run", request.run()));
  KAM_ASSIGN_OR_RETURN(
      common::ListRequest list,
      common::ReadListRequest(
          request, {common::ListQueryName("ListKeyAccountChanges", common::NarrowedUser(ctx)),
                    request.run()}));
  // One token carries both lists' positions: key_values[0] is where
  // "came on" stopped, last_id where "dropped off" did (-1: list done).
  int64_t on_after = 0, off_after = 0;
  if (list.cursor.has_value()) {
    if (list.cursor->key_values.size() != 1 ||
        !absl::SimpleAtoi(list.cursor->key_values[0], &on_after)) {
      return common::InvalidField("page_token", "is not valid");
    }
    off_after = list.cursor->last_id;
  }
  KAM_ASSIGN_OR_RETURN(StoredRun run, GetRatedRun(id));
  // A manager's: the changes of their accounts only (the request has no
  // filter of its own: `list.filter` is empty, or theirs).
  KAM_ASSIGN_OR_RETURN(const bool any, common::NarrowList(*teams_, ctx, &list));
  if (!any) return absl::OkStatus();
  KAM_ASSIGN_OR_RETURN(policy::StoredPolicy policy,
                       policies_->GetPolicy(run.policy_id, run.run.policy_version()));
  KAM_ASSIGN_OR_RETURN(rules::RatingSettings settings, rules::ToRatingSettings(policy.policy));
  std::vector<int> key_tiers;
  for (account::v1::Tier tier : settings.alerts.key_tiers) key_tiers.push_back(tier);

  bool more = false;
  auto changes = [&](bool came_on, int64_t* after,
                     google::protobuf::RepeatedPtrField<v1::KeyAccountChange>* out) {
    if (*after < 0) return absl::OkStatus();
    KAM_ASSIGN_OR_RETURN(
        std::vector<RatingRow> rows,
        store_->KeyChanges(id, key_tiers, came_on, list.filter, *after, list.limit));
    common::Page<RatingRow> page = common::TrimPage(std::move(rows), list.limit);
    for (const RatingRow& row : page.rows) *out->Add() = ToChange(row);
    *after = page.more ? page.rows.back().account_id : -1;
    more = more || page.more;
    return absl::OkStatus();
  };
  KAM_RETURN_IF_ERROR(changes(true, &on_after, response->mutable_came_on()));
  KAM_RETURN_IF_ERROR(changes(false, &off_after, response->mutable_dropped_off()));
  if (more) {
    response->set_next_page_token(common::EncodePageToken(
        list.query, common::PageCursor{{absl::StrCat(on_after)}, off_after}));
  }
  return absl::OkStatus();
}

}  // namespace kam::scoring::rating
