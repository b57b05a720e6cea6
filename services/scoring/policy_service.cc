#include "services/scoring/policy_service.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "common/api/field_mask.h"
#include "common/api/page_token.h"
#include "common/api/resource_name.h"
#include "common/api/validation.h"
#include "common/base/fingerprint.h"
#include "common/base/proto_time.h"
#include "common/server/service_methods.h"
#include "services/scoring/policy_settings.h"

namespace kam::scoring {
namespace {

using common::CallContext;

const common::UpdateMaskRules& PolicyMaskRules() {
  static const common::UpdateMaskRules* rules = new common::UpdateMaskRules{
      /*updatable=*/{"display_name", "period_days", "value_measure", "criteria", "rank_by",
                     "tiering", "key_tiers", "clv", "risk", "alerts"},
      /*output_only=*/{"name", "version", "used", "create_time", "update_time", "etag"},
      /*use_method=*/{}};
  return *rules;
}

absl::StatusOr<std::optional<common::PageCursor>> DecodeCursor(const std::string& token,
                                                               uint64_t query) {
  if (token.empty()) return std::optional<common::PageCursor>();
  absl::StatusOr<common::PageCursor> cursor = common::DecodePageToken(token, query);
  if (!cursor.ok()) return cursor.status();
  return std::optional<common::PageCursor>(*cursor);
}

}  // namespace

absl::StatusOr<std::pair<int64_t, int>> ParsePolicyName(absl::string_view field,
                                                        absl::string_view name) {
  if (absl::StrContains(name, "/versions/")) {
    absl::StatusOr<std::vector<int64_t>> ids =
        common::ParseResourceName(field, name, {"policies", "versions"});
    if (!ids.ok()) return ids.status();
    if ((*ids)[1] > INT32_MAX) return common::InvalidField(field, "has a version out of range");
    return std::make_pair((*ids)[0], static_cast<int>((*ids)[1]));
  }
  absl::StatusOr<std::vector<int64_t>> ids = common::ParseResourceName(field, name, {"policies"});
  if (!ids.ok()) return ids.status();
  return std::make_pair((*ids)[0], 0);
}

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
  if (absl::Status s = common::CheckRequestId("request_id", request.request_id()); !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateScoringPolicy(request.policy()); !s.ok()) return s;
  v1::CreateScoringPolicyRequest hashed = request;
  hashed.clear_request_id();
  const std::string hash = common::FingerprintHex(common::MessageFingerprint(hashed));
  absl::StatusOr<int64_t> id = store_->NewPolicyId();
  if (!id.ok()) return id.status();
  absl::StatusOr<CreateOutcome> outcome =
      store_->CreatePolicy(*id, request.policy(), common::NowMicros(), request.request_id(), hash);
  if (!outcome.ok()) return outcome.status();
  int64_t policy_id = *id;
  if (*outcome == CreateOutcome::kDuplicateRequest) {
    absl::StatusOr<std::pair<int64_t, std::string>> first =
        store_->FindPolicyByRequest(request.request_id());
    if (!first.ok()) return first.status();
    if (first->second != hash) {
      return absl::AlreadyExistsError(absl::StrCat("request_id \"", request.request_id(),
                                                   "\" was already used by a different "
                                                   "CreateScoringPolicy request"));
    }
    policy_id = first->first;
    // The first result is version 1 as it was created.
    absl::StatusOr<StoredPolicy> stored = store_->GetPolicy(policy_id, 1);
    if (!stored.ok()) return stored.status();
    *response = stored->policy;
    return absl::OkStatus();
  }
  absl::StatusOr<StoredPolicy> stored = store_->GetPolicy(policy_id, 1);
  if (!stored.ok()) return stored.status();
  *response = stored->policy;
  return absl::OkStatus();
}

absl::Status PolicyService::GetScoringPolicy(const Ctx&, const v1::GetScoringPolicyRequest& request,
                                             v1::ScoringPolicy* response) {
  absl::StatusOr<std::pair<int64_t, int>> name = ParsePolicyName("name", request.name());
  if (!name.ok()) return name.status();
  absl::StatusOr<StoredPolicy> stored = store_->GetPolicy(name->first, name->second);
  if (!stored.ok()) return stored.status();
  *response = std::move(stored->policy);
  return absl::OkStatus();
}

absl::Status PolicyService::ListScoringPolicies(const Ctx&,
                                                const v1::ListScoringPoliciesRequest& request,
                                                v1::ListScoringPoliciesResponse* response) {
  absl::StatusOr<int> limit = common::ResolvePageSize(request.page_size());
  if (!limit.ok()) return limit.status();
  const uint64_t query = common::Fingerprint64({"ListScoringPolicies"});
  absl::StatusOr<std::optional<common::PageCursor>> cursor = DecodeCursor(request.page_token(), query);
  if (!cursor.ok()) return cursor.status();
  absl::StatusOr<std::vector<StoredPolicy>> rows =
      store_->ListPolicies(cursor->has_value() ? (*cursor)->last_id : 0, *limit);
  if (!rows.ok()) return rows.status();
  if (static_cast<int>(rows->size()) > *limit) {
    rows->resize(*limit);
    response->set_next_page_token(
        common::EncodePageToken(query, common::PageCursor{{}, rows->back().id}));
  }
  for (StoredPolicy& row : *rows) *response->add_policies() = std::move(row.policy);
  return absl::OkStatus();
}

absl::Status PolicyService::UpdateScoringPolicy(const Ctx&,
                                                const v1::UpdateScoringPolicyRequest& request,
                                                v1::ScoringPolicy* response) {
  if (!request.has_policy()) return common::InvalidField("policy", "is required");
  const v1::ScoringPolicy& patch = request.policy();
  absl::StatusOr<std::vector<int64_t>> id =
      common::ParseResourceName("policy.name", patch.name(), {"policies"});
  if (!id.ok()) return id.status();
  absl::StatusOr<std::vector<std::string>> paths =
      common::ResolveUpdateMask(request.update_mask(), patch, PolicyMaskRules());
  if (!paths.ok()) return paths.status();
  absl::StatusOr<StoredPolicy> updated = store_->UpdatePolicy(
      (*id)[0], common::NowMicros(),
      [&](const StoredPolicy& current) -> absl::StatusOr<v1::ScoringPolicy> {
        if (!patch.etag().empty() && patch.etag() != current.policy.etag()) {
          return absl::AbortedError(absl::StrCat("etag does not match the current version of ",
                                                 current.policy.name(),
                                                 "; read it again and retry"));
        }
        v1::ScoringPolicy next = current.policy;
        common::ApplyUpdateMask(*paths, patch, &next);
        if (absl::Status s = ValidateScoringPolicy(next); !s.ok()) return s;
        return next;
      });
  if (!updated.ok()) return updated.status();
  *response = std::move(updated->policy);
  return absl::OkStatus();
}

absl::Status PolicyService::ListScoringPolicyVersions(
    const Ctx&, const v1::ListScoringPolicyVersionsRequest& request,
    v1::ListScoringPolicyVersionsResponse* response) {
  absl::StatusOr<std::vector<int64_t>> id =
      common::ParseResourceName("name", request.name(), {"policies"});
  if (!id.ok()) return id.status();
  absl::StatusOr<int> limit = common::ResolvePageSize(request.page_size());
  if (!limit.ok()) return limit.status();
  const uint64_t query = common::Fingerprint64({"ListScoringPolicyVersions", request.name()});
  absl::StatusOr<std::optional<common::PageCursor>> cursor = DecodeCursor(request.page_token(), query);
  if (!cursor.ok()) return cursor.status();
  const int before = cursor->has_value() ? static_cast<int>((*cursor)->last_id) : 0;
  absl::StatusOr<std::vector<StoredPolicy>> rows = store_->ListVersions((*id)[0], before, *limit);
  if (!rows.ok()) return rows.status();
  if (static_cast<int>(rows->size()) > *limit) {
    rows->resize(*limit);
    response->set_next_page_token(common::EncodePageToken(
        query, common::PageCursor{{}, rows->back().policy.version()}));
  }
  for (StoredPolicy& row : *rows) *response->add_versions() = std::move(row.policy);
  return absl::OkStatus();
}

}  // namespace kam::scoring
