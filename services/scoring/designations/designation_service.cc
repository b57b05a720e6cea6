#include "services/scoring/designations/designation_service.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/idempotency.h"
#include "common/api/list_request.h"
#include "common/api/validation.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "common/server/service_methods.h"
#include "services/scoring/names.h"

namespace kam::scoring::designations {
namespace {

// Who decided: a designation must say (the framework names a caller without
// an identity "anonymous").
absl::Status RequireActor(const common::CallContext& ctx, absl::string_view what) {
  if (ctx.actor.empty() || ctx.actor == "anonymous") {
    return absl::InvalidArgumentError(
        absl::StrCat("x-kam-actor metadata is required: ", what, " records who decided"));
  }
  return absl::OkStatus();
}

absl::Status Answer(absl::StatusOr<StoredDesignation> d, v1::Designation* response) {
  if (d.ok()) *response = ToProto(*d, common::NowMicros());
  return d.status();
}

}  // namespace

void DesignationService::Register(common::GrpcServer& server) {
  common::ServeMethods(server, &service_, this, &DesignationService::CreateDesignation,
                       &DesignationService::GetDesignation, &DesignationService::ListDesignations,
                       &DesignationService::EndDesignation);
}

absl::StatusOr<StoredDesignation> DesignationService::Visible(const Ctx& ctx, int64_t id) {
  KAM_ASSIGN_OR_RETURN(StoredDesignation d, store_->Get(id));
  KAM_RETURN_IF_ERROR(
      common::CheckOwnAccount(*teams_, ctx, d.account_id, [&] { return DesignationNotFound(id); }));
  return d;
}

absl::Status DesignationService::CreateDesignation(const Ctx& ctx,
                                                   const v1::CreateDesignationRequest& request,
                                                   v1::Designation* response) {
  KAM_ASSIGN_OR_RETURN(common::RequestKey key,
                       common::RequestKeyOf(request, "CreateDesignation"));
  if (!request.has_designation()) return common::InvalidField("designation", "is required");
  KAM_ASSIGN_OR_RETURN(int64_t account_id, ParseAccountName("designation.account",
                                                            request.designation().account()));
  KAM_RETURN_IF_ERROR(RequireActor(ctx, "a designation"));
  const absl::Time now = common::NowMicros();
  KAM_ASSIGN_OR_RETURN(StoredDesignation d, NewDesignation(request.designation(), ctx.actor, now));
  d.account_id = account_id;
  // Another's account reads as a missing one, before anything else.
  KAM_RETURN_IF_ERROR(common::CheckOwnAccount(*teams_, ctx, account_id, [&] {
    return absl::NotFoundError(absl::StrCat("account ", AccountName(account_id), " not found"));
  }));
  if (!key.id.empty()) {
    KAM_ASSIGN_OR_RETURN(std::optional<StoredDesignation> first,
                         common::EarlierResult(key, store_->FindByRequest(key.id)));
    if (first.has_value()) return Answer(*std::move(first), response);
  }
  KAM_RETURN_IF_ERROR(accounts_(account_id, ctx));
  KAM_ASSIGN_OR_RETURN(d.id, store_->NewId());
  std::optional<StoredDesignation> conflict;
  KAM_ASSIGN_OR_RETURN(common::InsertOutcome outcome, store_->Create(d, key, &conflict));
  if (outcome == common::InsertOutcome::kDuplicateRequest) {
    return Answer(common::AnswerRetry(key, store_->FindByRequest(key.id)), response);
  }
  if (conflict.has_value()) {
    return absl::AlreadyExistsError(absl::StrCat(
        AccountName(account_id), " already has a ", v1::DesignationKind_Name(d.kind),
        " designation for part of that period (", DesignationName(conflict->id), ", ",
        common::ToSqlDateTime(conflict->start_time), " to ",
        common::ToSqlDateTime(conflict->end_time), "): an account holds one of a kind at a time; "
        "end it first"));
  }
  return Answer(std::move(d), response);
}

absl::Status DesignationService::ListDesignations(const Ctx& ctx,
                                                  const v1::ListDesignationsRequest& request,
                                                  v1::ListDesignationsResponse* response) {
  KAM_ASSIGN_OR_RETURN(
      std::optional<common::ListRequest> list,
      common::ReadNarrowedList(*teams_, ctx, request, "ListDesignations", request.filter()));
  if (!list.has_value()) return absl::OkStatus();
  const absl::Time now = common::NowMicros();
  KAM_ASSIGN_OR_RETURN(std::vector<StoredDesignation> rows,
                       store_->List(list->filter, now, common::CursorId(list->cursor), list->limit));
  common::WritePage(*list, common::TrimPage(std::move(rows), list->limit),
                    response->mutable_next_page_token(), [&](const StoredDesignation& row) {
                      *response->add_designations() = ToProto(row, now);
                    });
  return absl::OkStatus();
}

absl::Status DesignationService::EndDesignation(const Ctx& ctx,
                                                const v1::EndDesignationRequest& request,
                                                v1::Designation* response) {
  KAM_ASSIGN_OR_RETURN(int64_t id, ParseDesignationName("name", request.name()));
  KAM_RETURN_IF_ERROR(common::CheckRequiredText("reason", request.reason(), kMaxReasonChars));
  KAM_RETURN_IF_ERROR(RequireActor(ctx, "ending a designation"));
  KAM_RETURN_IF_ERROR(Visible(ctx, id).status());
  return Answer(store_->End(id, common::NowMicros(), ctx.actor, request.reason()), response);
}

absl::Status DesignationService::GetDesignation(const Ctx& ctx,
                                                const v1::GetDesignationRequest& request,
                                                v1::Designation* response) {
  const absl::StatusOr<int64_t> id = ParseDesignationName("name", request.name());
  return id.ok() ? Answer(Visible(ctx, *id), response) : id.status();
}

}  // namespace kam::scoring::designations
