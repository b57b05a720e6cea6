#include "services/scoring/policy/policy_service.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/field_mask.h"
#include "common/api/idempotency.h"
#include "common/api/list_request.h"
#include "common/api/validation.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "common/server/service_methods.h"
#include "services/scoring/names.h"
#include "services/scoring/rules/policy_settings.h"

namespace kam::scoring::policy {
namespace {

const common::UpdateMaskRules& PolicyMaskRules() {
  static const common::UpdateMaskRules* rules = new common::UpdateMaskRules{
      /*updatable=*/{"display_name", "period_days", "value_measure", "criteria", "rank_by",
                     "tiering", "key_tiers", "clv", "risk", "alerts"},
      /*output_only=*/{"name", "version", "used", "create_time", "update_time", "etag"},
      /*use_method=*/{}};
  return *rules;
}

// A policy version as the caller sees it.
absl::Status AnswerPolicy(absl::StatusOr<StoredPolicy> stored, v1::ScoringPolicy* response) {
  if (!stored.ok()) return stored.status();
  *response = std::move(stored->policy);
  return absl::OkStatus();
}

}  // namespace

void PolicyService::Register(common::GrpcServer& server) {
  common::ServeMethods(server, &service_, this, &PolicyService::CreateScoringPolicy,
                       &PolicyService::GetScoringPolicy, &PolicyService::ListScoringPolicies,
                       &PolicyService::UpdateScoringPolicy,
                       &PolicyService::ListScoringPolicyVersions);
}

absl::Status PolicyService::CreateScoringPolicy(const Ctx&,
                                                const v1::CreateScoringPolicyRequest& request,
                                                v1::ScoringPolicy* response) {
  if (!request.has_policy()) return common::InvalidField("policy", "is required");
  KAM_ASSIGN_OR_RETURN(common::RequestKey key,
                       common::RequestKeyOf(request, "CreateScoringPolicy"));
  KAM_RETURN_IF_ERROR(rules::ValidateScoringPolicy(request.policy()));
  KAM_ASSIGN_OR_RETURN(int64_t id, store_->NewPolicyId());
  const absl::Time now = common::NowMicros();
  common::InsertOutcome outcome = common::InsertOutcome::kInserted;
  absl::Status created = store_->Transact("creating policy", [&](PolicyTx& tx) -> absl::Status {
    KAM_ASSIGN_OR_RETURN(common::InsertOutcome inserted, tx.InsertPolicy(id, now, key));
    outcome = inserted;
    if (outcome == common::InsertOutcome::kDuplicateRequest) return absl::OkStatus();
    return tx.InsertVersion(id, 1, request.policy(), now);
  });
  if (!created.ok()) return created;
  if (outcome == common::InsertOutcome::kDuplicateRequest) {
    return AnswerPolicy(common::AnswerRetry(key, store_->FindPolicyByRequest(key.id)), response);
  }
  return AnswerPolicy(store_->GetPolicy(id, 1), response);
}

absl::Status PolicyService::GetScoringPolicy(const Ctx&, const v1::GetScoringPolicyRequest& request,
                                             v1::ScoringPolicy* response) {
  KAM_ASSIGN_OR_RETURN(PolicyRef name, ParsePolicyName("name", request.name()));
  return AnswerPolicy(store_->GetPolicy(name.id, name.version), response);
}

absl::Status PolicyService::ListScoringPolicies(const Ctx&,
                                                const v1::ListScoringPoliciesRequest& request,
                                                v1::ListScoringPoliciesResponse* response) {
  KAM_ASSIGN_OR_RETURN(common::ListRequest list,
                       common::ReadListRequest(request.page_size(), request.page_token(), "",
                                               {"ListScoringPolicies"}));
  KAM_ASSIGN_OR_RETURN(std::vector<StoredPolicy> rows,
                       store_->ListPolicies(common::CursorId(list.cursor), list.limit));
  common::WritePage(list, common::TrimPage(std::move(rows), list.limit),
                    response->mutable_next_page_token(),
                    [&](StoredPolicy& row) { *response->add_policies() = std::move(row.policy); });
  return absl::OkStatus();
}

absl::Status PolicyService::UpdateScoringPolicy(const Ctx&,
                                                const v1::UpdateScoringPolicyRequest& request,
                                                v1::ScoringPolicy* response) {
  if (!request.has_policy()) return common::InvalidField("policy", "is required");
  const v1::ScoringPolicy& patch = request.policy();
  KAM_ASSIGN_OR_RETURN(int64_t id, ParsePolicyId("policy.name", patch.name()));
  KAM_ASSIGN_OR_RETURN(std::vector<std::string> paths,
                       common::ResolveUpdateMask(request.update_mask(), patch, PolicyMaskRules()));
  const absl::Time now = common::NowMicros();
  StoredPolicy updated;
  absl::Status status = store_->Transact("updating policy", [&](PolicyTx& tx) -> absl::Status {
    KAM_ASSIGN_OR_RETURN(StoredPolicy current, tx.LockLatest(id));
    if (!patch.etag().empty() && patch.etag() != current.policy.etag()) {
      return absl::AbortedError(absl::StrCat("etag does not match the current version of ",
                                             current.policy.name(), "; read it again and retry"));
    }
    v1::ScoringPolicy next = current.policy;
    common::ApplyUpdateMask(paths, patch, &next);
    KAM_RETURN_IF_ERROR(rules::ValidateScoringPolicy(next));
    const int version = current.policy.version();
    if (current.policy.used()) {
      // A used version is history: the update becomes the next version.
      KAM_RETURN_IF_ERROR(tx.InsertVersion(id, version + 1, next, now));
      KAM_RETURN_IF_ERROR(tx.SetLatest(id, version + 1));
    } else
      KAM_RETURN_IF_ERROR(tx.RewriteVersion(id, version, next, now));
    KAM_ASSIGN_OR_RETURN(StoredPolicy read, tx.ReadLatest(id));
    updated = std::move(read);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  *response = std::move(updated.policy);
  return absl::OkStatus();
}

absl::Status PolicyService::ListScoringPolicyVersions(
    const Ctx&, const v1::ListScoringPolicyVersionsRequest& request,
    v1::ListScoringPolicyVersionsResponse* response) {
  KAM_ASSIGN_OR_RETURN(int64_t id, ParsePolicyId("name", request.name()));
  KAM_ASSIGN_OR_RETURN(common::ListRequest list,
                       common::ReadListRequest(request.page_size(), request.page_token(), "",
                                               {"ListScoringPolicyVersions", request.name()}));
  KAM_ASSIGN_OR_RETURN(
      std::vector<StoredPolicy> rows,
      store_->ListVersions(id, static_cast<int>(common::CursorId(list.cursor)), list.limit));
  // Newest first: a page resumes below the last version it showed.
  common::WritePage(
      list, common::TrimPage(std::move(rows), list.limit), response->mutable_next_page_token(),
      [&](StoredPolicy& row) { *response->add_versions() = std::move(row.policy); },
      [](const StoredPolicy& row) {
        return common::PageCursor{{}, row.policy.version()};
      });
  return absl::OkStatus();
}

}  // namespace kam::scoring::policy
