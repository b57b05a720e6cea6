// The handlers of SLA policies, the routing table and the on-demand sweep
// (CaseService, case_service.h).
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "common/api/etag.h"
#include "common/api/field_mask.h"
#include "common/api/list_request.h"
#include "common/api/validation.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "services/interaction/cases/case_rules.h"
#include "services/interaction/cases/case_service.h"
#include "services/interaction/cases/case_sla_policy.h"
#include "services/interaction/shared/list_page.h"

namespace kam::interaction::cases {
namespace {

const common::UpdateMaskRules& PolicyMaskRules() {
  static const common::UpdateMaskRules* rules = new common::UpdateMaskRules{
      /*updatable=*/{"first_response_minutes", "resolution_minutes"},
      /*output_only=*/{"name", "priority", "tier", "update_actor", "update_time", "etag"},
      /*use_method=*/{}};
  return *rules;
}

// The time of a write to a row last updated at `update_time`: now, but never
// before that update, so a row's history carries increasing times.
absl::Time WriteTime(const google::protobuf::Timestamp& update_time) {
  return std::max(common::NowMicros(), common::FromProtoTimestamp(update_time));
}

// Moves the API view (`view`) of each row into `out`: the whole of a list
// that is not paged.
template <typename Row, typename View>
absl::Status AddViews(absl::StatusOr<std::vector<Row>> rows, View Row::*view,
                      google::protobuf::RepeatedPtrField<View>* out) {
  if (!rows.ok()) return rows.status();
  for (Row& row : *rows) *out->Add() = std::move(row.*view);
  return absl::OkStatus();
}

// Moves the API view (`view`) of a row into `out`.
template <typename Row, typename View>
absl::Status SetView(absl::StatusOr<Row> row, View Row::*view, View* out) {
  if (!row.ok()) return row.status();
  *out = std::move((*row).*view);
  return absl::OkStatus();
}

}  // namespace

absl::Status CaseService::ListSlaPolicies(const Ctx&, const v1::ListSlaPoliciesRequest&,
                                          v1::ListSlaPoliciesResponse* response) {
  return AddViews(store_->ListPolicies(), &StoredPolicy::policy, response->mutable_policies());
}

absl::Status CaseService::GetSlaPolicy(const Ctx&, const v1::GetSlaPolicyRequest& request,
                                       v1::SlaPolicy* response) {
  KAM_ASSIGN_OR_RETURN(SlaPolicyKey key, ParseSlaPolicyName("name", request.name()));
  return SetView(store_->GetPolicy(key), &StoredPolicy::policy, response);
}

absl::Status CaseService::UpdateSlaPolicy(const Ctx& ctx, const v1::UpdateSlaPolicyRequest& request,
                                          v1::SlaPolicy* response) {
  if (!request.has_policy()) return common::InvalidField("policy", "is required");
  KAM_ASSIGN_OR_RETURN(SlaPolicyKey key,
                       ParseSlaPolicyName("policy.name", request.policy().name()));
  const v1::SlaPolicy& patch = request.policy();
  KAM_ASSIGN_OR_RETURN(std::vector<std::string> paths,
                       common::ResolveUpdateMask(request.update_mask(), patch, PolicyMaskRules()));
  KAM_RETURN_IF_ERROR(CheckReason("reason", request.reason(), /*required=*/false));
  StoredPolicy result;
  absl::Status status = store_->Transact("updating SLA policy", [&](CaseTx& tx) {
    KAM_ASSIGN_OR_RETURN(StoredPolicy before, tx.ReadPolicy(key, /*lock=*/true));
    const absl::Time now = WriteTime(before.policy.update_time());
    KAM_RETURN_IF_ERROR(common::CheckEtag(before.policy.name(), before.version, patch.etag()));
    StoredPolicy after = before;
    common::ApplyUpdateMask(paths, patch, &after.policy);
    const v1::SlaPolicy& p = after.policy;
    KAM_RETURN_IF_ERROR(ValidateSlaTargets(p.first_response_minutes(), p.resolution_minutes()));
    if (p.first_response_minutes() == before.policy.first_response_minutes() &&
        p.resolution_minutes() == before.policy.resolution_minutes()) {
      result = std::move(before);  // nothing changes: no version, no history row
      return absl::OkStatus();
    }
    after.policy.set_update_actor(ctx.actor);
    common::StampWrite(&after.version, &after.policy, now);
    KAM_RETURN_IF_ERROR(tx.WritePolicy(after));
    KAM_ASSIGN_OR_RETURN(v1::SlaPolicyChange change,
                         tx.InsertPolicyChange(before, after, request.reason()));
    result = std::move(after);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  *response = std::move(result.policy);
  return absl::OkStatus();
}

absl::Status CaseService::ListSlaPolicyChanges(const Ctx&,
                                               const v1::ListSlaPolicyChangesRequest& request,
                                               v1::ListSlaPolicyChangesResponse* response) {
  std::optional<SlaPolicyKey> key;
  if (!request.policy().empty()) {
    KAM_ASSIGN_OR_RETURN(SlaPolicyKey parsed, ParseSlaPolicyName("policy", request.policy()));
    key = parsed;
  }
  KAM_ASSIGN_OR_RETURN(
      common::ListRequest list,
      common::ReadListRequest(request, {"ListSlaPolicyChanges", request.policy()}));
  return AnswerPage(
      list, store_->ListPolicyChanges(key, list.cursor, list.limit), response,
      [&](v1::SlaPolicyChange& change) { *response->add_changes() = std::move(change); },
      CursorAfter<v1::SlaPolicyChange>);
}

absl::Status CaseService::ListCaseRoutes(const Ctx&, const v1::ListCaseRoutesRequest&,
                                         v1::ListCaseRoutesResponse* response) {
  return AddViews(store_->ListRoutes(), &StoredRoute::route, response->mutable_routes());
}

absl::Status CaseService::UpdateCaseRoute(const Ctx& ctx, const v1::UpdateCaseRouteRequest& request,
                                          v1::CaseRoute* response) {
  if (!request.has_route()) return common::InvalidField("route", "is required");
  const v1::CaseRoute& in = request.route();
  KAM_RETURN_IF_ERROR(ValidateRoute(in.case_type(), in.level()));
  StoredRoute result;
  absl::Status status = store_->Transact("updating case route", [&](CaseTx& tx) {
    KAM_ASSIGN_OR_RETURN(StoredRoute row, tx.ReadRoute(in.case_type(), /*lock=*/true));
    const absl::Time now = WriteTime(row.route.update_time());
    KAM_RETURN_IF_ERROR(common::CheckEtag(CaseRouteName(in.case_type()), row.version, in.etag()));
    if (row.route.level() != in.level()) {
      row.route.set_level(in.level());
      row.route.set_update_actor(ctx.actor);
      *row.route.mutable_update_time() = common::ToProtoTimestamp(now);
      ++row.version;
      SetEtag(row);
      KAM_RETURN_IF_ERROR(tx.WriteRoute(row));
    }
    result = std::move(row);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  *response = std::move(result.route);
  return absl::OkStatus();
}

absl::Status CaseService::RunSlaSweep(const Ctx&, const v1::RunSlaSweepRequest&,
                                      v1::RunSlaSweepResponse* response) {
  KAM_ASSIGN_OR_RETURN(SweepResult swept, sweeper_->SweepOnce());
  response->set_breaches(swept.breaches);
  response->set_escalations(swept.escalations);
  return absl::OkStatus();
}

}  // namespace kam::interaction::cases
