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
  absl::StatusOr<common::RequestKey> key = common::RequestKeyOf(request, "CreateScoringPolicy");
  if (!key.ok()) return key.status();
  if (absl::Status s = rules::ValidateScoringPolicy(request.policy()); !s.ok()) return s;
  absl::StatusOr<int64_t> id = store_->NewPolicyId();
  if (!id.ok()) return id.status();
  const absl::Time now = common::NowMicros();
  common::InsertOutcome outcome = common::InsertOutcome::kInserted;
  absl::Status created = store_->Transact("creating policy", [&](PolicyTx& tx) -> absl::Status {
    absl::StatusOr<common::InsertOutcome> inserted = tx.InsertPolicy(*id, now, *key);
    if (!inserted.ok()) return inserted.status();
    outcome = *inserted;
    if (outcome == common::InsertOutcome::kDuplicateRequest) return absl::OkStatus();
    return tx.InsertVersion(*id, 1, request.policy(), now);
  });
  if (!created.ok()) return created;
  if (outcome == common::InsertOutcome::kDuplicateRequest) {
    return AnswerPolicy(common::AnswerRetry(*key, store_->FindPolicyByRequest(key->id)), response);
  }
  return AnswerPolicy(store_->GetPolicy(*id, 1), response);
}

absl::Status PolicyService::GetScoringPolicy(const Ctx&, const v1::GetScoringPolicyRequest& request,
                                             v1::ScoringPolicy* response) {
  absl::StatusOr<PolicyRef> name = ParsePolicyName("name", request.name());
  if (!name.ok()) return name.status();
  return AnswerPolicy(store_->GetPolicy(name->id, name->version), response);
}

absl::Status PolicyService::ListScoringPolicies(const Ctx&,
                                                const v1::ListScoringPoliciesRequest& request,
                                                v1::ListScoringPoliciesResponse* response) {
  absl::StatusOr<common::ListRequest> list = common::ReadListRequest(
      request.page_size(), request.page_token(), "", {"ListScoringPolicies"});
  if (!list.ok()) return list.status();
  absl::StatusOr<std::vector<StoredPolicy>> rows =
      store_->ListPolicies(common::CursorId(list->cursor), list->limit);
  if (!rows.ok()) return rows.status();
  common::WritePage(*list, common::TrimPage(*std::move(rows), list->limit),
                    response->mutable_next_page_token(),
                    [&](StoredPolicy& row) { *response->add_policies() = std::move(row.policy); });
  return absl::OkStatus();
}

absl::Status PolicyService::UpdateScoringPolicy(const Ctx&,
                                                const v1::UpdateScoringPolicyRequest& request,
                                                v1::ScoringPolicy* response) {
  if (!request.has_policy()) return common::InvalidField("policy", "is required");
  const v1::ScoringPolicy& patch = request.policy();
  absl::StatusOr<int64_t> id = ParsePolicyId("policy.name", patch.name());
  if (!id.ok()) return id.status();
  absl::StatusOr<std::vector<std::string>> paths =
      common::ResolveUpdateMask(request.update_mask(), patch, PolicyMaskRules());
  if (!paths.ok()) return paths.status();
  const absl::Time now = common::NowMicros();
  StoredPolicy updated;
  absl::Status status = store_->Transact("updating policy", [&](PolicyTx& tx) -> absl::Status {
    absl::StatusOr<StoredPolicy> current = tx.LockLatest(*id);
    if (!current.ok()) return current.status();
    if (!patch.etag().empty() && patch.etag() != current->policy.etag()) {
      return absl::AbortedError(absl::StrCat("etag does not match the current version of ",
                                             current->policy.name(), "; read it again and retry"));
    }
    v1::ScoringPolicy next = current->policy;
    common::ApplyUpdateMask(*paths, patch, &next);
    if (absl::Status s = rules::ValidateScoringPolicy(next); !s.ok()) return s;
    const int version = current->policy.version();
    if (current->policy.used()) {
      // A used version is history: the update becomes the next version.
      if (absl::Status s = tx.InsertVersion(*id, version + 1, next, now); !s.ok()) return s;
      if (absl::Status s = tx.SetLatest(*id, version + 1); !s.ok()) return s;
    } else if (absl::Status s = tx.RewriteVersion(*id, version, next, now); !s.ok()) {
      return s;
    }
    absl::StatusOr<StoredPolicy> read = tx.ReadLatest(*id);
    if (!read.ok()) return read.status();
    updated = *std::move(read);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  *response = std::move(updated.policy);
  return absl::OkStatus();
}

absl::Status PolicyService::ListScoringPolicyVersions(
    const Ctx&, const v1::ListScoringPolicyVersionsRequest& request,
    v1::ListScoringPolicyVersionsResponse* response) {
  absl::StatusOr<int64_t> id = ParsePolicyId("name", request.name());
  if (!id.ok()) return id.status();
  absl::StatusOr<common::ListRequest> list = common::ReadListRequest(
      request.page_size(), request.page_token(), "", {"ListScoringPolicyVersions", request.name()});
  if (!list.ok()) return list.status();
  absl::StatusOr<std::vector<StoredPolicy>> rows =
      store_->ListVersions(*id, static_cast<int>(common::CursorId(list->cursor)), list->limit);
  if (!rows.ok()) return rows.status();
  // Newest first: a page resumes below the last version it showed.
  common::WritePage(
      *list, common::TrimPage(*std::move(rows), list->limit), response->mutable_next_page_token(),
      [&](StoredPolicy& row) { *response->add_versions() = std::move(row.policy); },
      [](const StoredPolicy& row) {
        return common::PageCursor{{}, row.policy.version()};
      });
  return absl::OkStatus();
}

}  // namespace kam::scoring::policy
