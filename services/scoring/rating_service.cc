#include "services/scoring/rating_service.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/api/filter.h"
#include "common/api/page_token.h"
#include "common/api/resource_name.h"
#include "common/api/validation.h"
#include "common/base/fingerprint.h"
#include "common/base/proto_time.h"
#include "common/server/service_methods.h"
#include "services/scoring/policy_service.h"
#include "services/scoring/policy_settings.h"

namespace kam::scoring {
namespace {

using common::CallContext;

constexpr absl::Duration kFutureSlack = absl::Minutes(1);

absl::StatusOr<std::optional<common::PageCursor>> DecodeCursor(const std::string& token,
                                                               uint64_t query) {
  if (token.empty()) return std::optional<common::PageCursor>();
  absl::StatusOr<common::PageCursor> cursor = common::DecodePageToken(token, query);
  if (!cursor.ok()) return cursor.status();
  return std::optional<common::PageCursor>(*cursor);
}

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
  change.set_account(absl::StrCat("accounts/", row.account_id));
  change.set_from_tier(static_cast<account::v1::Tier>(row.previous_tier));
  change.set_to_tier(static_cast<account::v1::Tier>(row.tier));
  change.set_reason(absl::StrCat(TierLetter(row.previous_tier), " -> ", TierLetter(row.tier),
                                 ": value ", row.value_minor, " ", row.currency, " ranks ",
                                 row.rank, row.segment.empty() ? "" : " in segment ",
                                 row.segment));
  return change;
}

// ListRatingRuns filter: `state = X`, `policy = "policies/N"`, joined by AND.
absl::Status ParseRunFilter(const std::string& text, int64_t* policy_id, v1::RunState* state) {
  absl::StatusOr<common::FilterNode> filter = common::ParseFilter(text);
  if (!filter.ok()) return filter.status();
  std::vector<const common::FilterNode*> terms;
  if (filter->kind == common::FilterNode::Kind::kComparison) {
    terms.push_back(&*filter);
  } else if (filter->kind == common::FilterNode::Kind::kAnd) {
    for (const common::FilterNode& child : filter->children) terms.push_back(&child);
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
      absl::StatusOr<std::vector<int64_t>> id =
          common::ParseResourceName("filter value for policy", c.value, {"policies"});
      if (!id.ok()) return id.status();
      *policy_id = (*id)[0];
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "filter field \"", c.field.substr(0, 64), "\" is not supported; use state or policy"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<int64_t> ParseRunName(absl::string_view field, absl::string_view name) {
  absl::StatusOr<std::vector<int64_t>> ids = common::ParseResourceName(field, name, {"ratingRuns"});
  if (!ids.ok()) return ids.status();
  return (*ids)[0];
}

absl::StatusOr<StoredRun> GetRatedRun(ScoringStore& store, int64_t run_id) {
  absl::StatusOr<StoredRun> run = store.GetRun(run_id);
  if (!run.ok()) return run.status();
  const v1::RunState state = run->run.state();
  if (state != v1::RUN_STATE_PUBLISHING && state != v1::RUN_STATE_SUCCEEDED) {
    return absl::FailedPreconditionError(absl::StrCat(
        run->run.name(), " has not finished rating (", v1::RunState_Name(state), ")"));
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
  absl::StatusOr<std::pair<int64_t, int>> policy_name = ParsePolicyName("policy", request.policy());
  if (!policy_name.ok()) return policy_name.status();
  if (absl::Status s = common::CheckRequestId("request_id", request.request_id()); !s.ok()) {
    return s;
  }
  const absl::Time now = common::NowMicros();
  absl::Time as_of = now;
  if (request.has_as_of()) {
    if (absl::Status s = common::CheckTimestamp("as_of", request.as_of()); !s.ok()) return s;
    as_of = absl::FromUnixMicros(absl::ToUnixMicros(common::FromProtoTimestamp(request.as_of())));
    if (as_of > now + kFutureSlack) return common::InvalidField("as_of", "must not be in the future");
  }
  v1::StartRatingRunRequest hashed = request;
  hashed.clear_request_id();
  const std::string hash = common::FingerprintHex(common::MessageFingerprint(hashed));
  // A retry answers with the first run before anything else: the policy's
  // latest version may have changed since, and marking it used would freeze
  // a version no run uses. (Concurrent duplicates are caught by CreateRun.)
  if (!request.request_id().empty()) {
    absl::StatusOr<std::pair<StoredRun, std::string>> first =
        store_->FindRunByRequest(request.request_id());
    if (first.ok()) {
      if (first->second != hash) {
        return absl::AlreadyExistsError(absl::StrCat("request_id \"", request.request_id(),
                                                     "\" was already used by a different "
                                                     "StartRatingRun request"));
      }
      *response = std::move(first->first.run);
      return absl::OkStatus();
    }
    // ABORTED is FindRunByRequest's "no run has this request_id".
    if (first.status().code() != absl::StatusCode::kAborted) return first.status();
  }
  absl::StatusOr<StoredPolicy> policy = store_->GetPolicy(policy_name->first, policy_name->second);
  if (!policy.ok()) return policy.status();
  absl::StatusOr<RatingSettings> settings = ToRatingSettings(policy->policy);
  if (!settings.ok()) return settings.status();
  // The version is frozen now, not when the runner picks the run up: an
  // update in between would otherwise change in place the settings this
  // queued run is to use (policy.proto: a version a run used never changes).
  if (absl::Status s = store_->MarkVersionUsed(policy->id, policy->policy.version()); !s.ok()) {
    return s;
  }

  absl::StatusOr<int64_t> id = store_->NewRunId();
  if (!id.ok()) return id.status();
  StoredRun run;
  run.id = *id;
  run.policy_id = policy->id;
  v1::RatingRun& r = run.run;
  r.set_name(absl::StrCat("ratingRuns/", run.id));
  r.set_policy(policy->policy.name());
  r.set_policy_version(policy->policy.version());
  *r.mutable_as_of() = common::ToProtoTimestamp(as_of);
  *r.mutable_period_start() =
      common::ToProtoTimestamp(as_of - absl::Hours(24) * settings->period_days);
  r.set_state(v1::RUN_STATE_QUEUED);
  r.set_actor(ctx.actor);
  *r.mutable_create_time() = common::ToProtoTimestamp(now);
  absl::StatusOr<CreateOutcome> outcome = store_->CreateRun(run, request.request_id(), hash);
  if (!outcome.ok()) return outcome.status();
  if (*outcome == CreateOutcome::kDuplicateRequest) {
    absl::StatusOr<std::pair<StoredRun, std::string>> first =
        store_->FindRunByRequest(request.request_id());
    if (!first.ok()) return first.status();
    if (first->second != hash) {
      return absl::AlreadyExistsError(absl::StrCat("request_id \"", request.request_id(),
                                                   "\" was already used by a different "
                                                   "StartRatingRun request"));
    }
    *response = std::move(first->first.run);
    return absl::OkStatus();
  }
  if (wake_) wake_();
  *response = std::move(r);
  return absl::OkStatus();
}

absl::Status RatingService::GetRatingRun(const Ctx&, const v1::GetRatingRunRequest& request,
                                         v1::RatingRun* response) {
  absl::StatusOr<int64_t> id = ParseRunName("name", request.name());
  if (!id.ok()) return id.status();
  absl::StatusOr<StoredRun> run = store_->GetRun(*id);
  if (!run.ok()) return run.status();
  *response = std::move(run->run);
  return absl::OkStatus();
}

absl::Status RatingService::ListRatingRuns(const Ctx&, const v1::ListRatingRunsRequest& request,
                                           v1::ListRatingRunsResponse* response) {
  absl::StatusOr<int> limit = common::ResolvePageSize(request.page_size());
  if (!limit.ok()) return limit.status();
  int64_t policy_id = 0;
  v1::RunState state = v1::RUN_STATE_UNSPECIFIED;
  if (absl::Status s = ParseRunFilter(request.filter(), &policy_id, &state); !s.ok()) return s;
  const uint64_t query = common::Fingerprint64({"ListRatingRuns", request.filter()});
  absl::StatusOr<std::optional<common::PageCursor>> cursor = DecodeCursor(request.page_token(), query);
  if (!cursor.ok()) return cursor.status();
  absl::StatusOr<std::vector<StoredRun>> rows = store_->ListRuns(
      cursor->has_value() ? (*cursor)->last_id : 0, policy_id, state, *limit);
  if (!rows.ok()) return rows.status();
  if (static_cast<int>(rows->size()) > *limit) {
    rows->resize(*limit);
    response->set_next_page_token(
        common::EncodePageToken(query, common::PageCursor{{}, rows->back().id}));
  }
  for (StoredRun& row : *rows) *response->add_runs() = std::move(row.run);
  return absl::OkStatus();
}

absl::Status RatingService::CancelRatingRun(const Ctx&, const v1::CancelRatingRunRequest& request,
                                            v1::RatingRun* response) {
  absl::StatusOr<int64_t> id = ParseRunName("name", request.name());
  if (!id.ok()) return id.status();
  absl::StatusOr<StoredRun> run = store_->CancelRun(*id, common::NowMicros());
  if (!run.ok()) return run.status();
  *response = std::move(run->run);
  return absl::OkStatus();
}

absl::Status RatingService::GetAccountRating(const Ctx&, const v1::GetAccountRatingRequest& request,
                                             v1::AccountRating* response) {
  absl::StatusOr<std::vector<int64_t>> ids =
      common::ParseResourceName("name", request.name(), {"ratingRuns", "ratings"});
  if (!ids.ok()) return ids.status();
  absl::StatusOr<StoredRun> run = GetRatedRun(*store_, (*ids)[0]);
  if (!run.ok()) return run.status();
  absl::StatusOr<RatingRow> row = store_->GetRating((*ids)[0], (*ids)[1]);
  if (!row.ok()) return row.status();
  *response = ToAccountRating((*ids)[0], *row);
  return absl::OkStatus();
}

absl::Status RatingService::ListAccountRatings(const Ctx&,
                                               const v1::ListAccountRatingsRequest& request,
                                               v1::ListAccountRatingsResponse* response) {
  absl::StatusOr<int64_t> id = ParseRunName("parent", request.parent());
  if (!id.ok()) return id.status();
  absl::StatusOr<int> limit = common::ResolvePageSize(request.page_size());
  if (!limit.ok()) return limit.status();
  absl::StatusOr<common::FilterNode> filter = common::ParseFilter(request.filter());
  if (!filter.ok()) return filter.status();
  const uint64_t query =
      common::Fingerprint64({"ListAccountRatings", request.parent(), request.filter()});
  absl::StatusOr<std::optional<common::PageCursor>> cursor = DecodeCursor(request.page_token(), query);
  if (!cursor.ok()) return cursor.status();
  absl::StatusOr<StoredRun> run = GetRatedRun(*store_, *id);
  if (!run.ok()) return run.status();
  absl::StatusOr<std::vector<RatingRow>> rows =
      store_->ListRatings(*id, *filter, cursor->has_value() ? (*cursor)->last_id : 0, *limit);
  if (!rows.ok()) return rows.status();
  if (static_cast<int>(rows->size()) > *limit) {
    rows->resize(*limit);
    response->set_next_page_token(
        common::EncodePageToken(query, common::PageCursor{{}, rows->back().account_id}));
  }
  for (const RatingRow& row : *rows) *response->add_ratings() = ToAccountRating(*id, row);
  return absl::OkStatus();
}

absl::Status RatingService::ListKeyAccountChanges(const Ctx&,
                                                  const v1::ListKeyAccountChangesRequest& request,
                                                  v1::ListKeyAccountChangesResponse* response) {
  absl::StatusOr<int64_t> id = ParseRunName("run", request.run());
  if (!id.ok()) return id.status();
  absl::StatusOr<int> limit = common::ResolvePageSize(request.page_size());
  if (!limit.ok()) return limit.status();
  const uint64_t query = common::Fingerprint64({"ListKeyAccountChanges", request.run()});
  absl::StatusOr<std::optional<common::PageCursor>> cursor = DecodeCursor(request.page_token(), query);
  if (!cursor.ok()) return cursor.status();
  // One token carries both lists' positions: key_values[0] is where
  // "came on" stopped, last_id where "dropped off" did (-1: list done).
  int64_t on_after = 0, off_after = 0;
  if (cursor->has_value()) {
    if ((*cursor)->key_values.size() != 1 ||
        !absl::SimpleAtoi((*cursor)->key_values[0], &on_after)) {
      return common::InvalidField("page_token", "is not valid");
    }
    off_after = (*cursor)->last_id;
  }
  absl::StatusOr<StoredRun> run = GetRatedRun(*store_, *id);
  if (!run.ok()) return run.status();
  absl::StatusOr<StoredPolicy> policy = store_->GetPolicy(run->policy_id, run->run.policy_version());
  if (!policy.ok()) return policy.status();
  absl::StatusOr<RatingSettings> settings = ToRatingSettings(policy->policy);
  if (!settings.ok()) return settings.status();
  std::vector<int> key_tiers;
  for (account::v1::Tier tier : settings->alerts.key_tiers) key_tiers.push_back(tier);

  bool more = false;
  auto list = [&](bool came_on, int64_t* after,
                  google::protobuf::RepeatedPtrField<v1::KeyAccountChange>* out) -> absl::Status {
    if (*after < 0) return absl::OkStatus();
    absl::StatusOr<std::vector<RatingRow>> rows =
        store_->KeyChanges(*id, key_tiers, came_on, *after, *limit);
    if (!rows.ok()) return rows.status();
    const bool list_more = static_cast<int>(rows->size()) > *limit;
    if (list_more) rows->resize(*limit);
    for (const RatingRow& row : *rows) *out->Add() = ToChange(row);
    *after = list_more ? rows->back().account_id : -1;
    more = more || list_more;
    return absl::OkStatus();
  };
  if (absl::Status s = list(true, &on_after, response->mutable_came_on()); !s.ok()) return s;
  if (absl::Status s = list(false, &off_after, response->mutable_dropped_off()); !s.ok()) return s;
  if (more) {
    response->set_next_page_token(common::EncodePageToken(
        query, common::PageCursor{{absl::StrCat(on_after)}, off_after}));
  }
  return absl::OkStatus();
}

}  // namespace kam::scoring
