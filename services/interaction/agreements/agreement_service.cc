#include "services/interaction/agreements/agreement_service.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "common/api/field_mask.h"
#include "common/api/idempotency.h"
#include "common/api/list_request.h"
#include "common/api/validation.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "common/server/service_methods.h"
#include "services/interaction/agreements/agreement_rules.h"
#include "services/interaction/shared/account_checks.h"
#include "services/interaction/shared/create_retry.h"
#include "services/interaction/shared/list_page.h"
#include "services/interaction/shared/names.h"
#include "services/interaction/shared/narrowing.h"

namespace kam::interaction::agreements {
namespace {

// GetLiveAccount's remedy: "account accounts/7 is deleted; its agreements
// cannot change".
constexpr absl::string_view kAccountDeleted = "its agreements cannot change";

// The database keeps microseconds: a time is cut to them before it is
// written, so what a write answers equals a later read.
google::protobuf::Timestamp ToMicros(const google::protobuf::Timestamp& t) {
  return common::ToProtoTimestamp(
      absl::FromUnixMicros(absl::ToUnixMicros(common::FromProtoTimestamp(t))));
}

// The stored shape of caller-written fields: times in microseconds, and no
// price policy when it says nothing (the store reads an empty one as none).
void Normalize(v1::Agreement& a) {
  if (a.has_start_time()) *a.mutable_start_time() = ToMicros(a.start_time());
  if (a.has_end_time()) *a.mutable_end_time() = ToMicros(a.end_time());
  if (a.has_price_policy() && a.price_policy().discount_bp() == 0 &&
      a.price_policy().description().empty()) {
    a.clear_price_policy();
  }
}

absl::Status CheckOwnerPresent(const v1::Agreement& a, absl::string_view why) {
  if (!a.owner().empty()) return absl::OkStatus();
  return common::InvalidField("agreement.owner", absl::StrCat("is required", why));
}

// The resource as answered at `now` (the clock-dependent fields filled).
v1::Agreement Answered(StoredAgreement row, absl::Time now) {
  FillComputed(&row.agreement, now);
  return std::move(row.agreement);
}

}  // namespace

void AgreementService::Register(common::GrpcServer& server) {
  common::ServeMethods(server, &service_, this, &AgreementService::CreateAgreement,
                       &AgreementService::GetAgreement, &AgreementService::ListAgreements,
                       &AgreementService::UpdateAgreement, &AgreementService::TerminateAgreement);
}

absl::Status AgreementService::CreateAgreement(const Ctx& ctx,
                                               const v1::CreateAgreementRequest& request,
                                               v1::Agreement* response) {
  if (!request.has_agreement()) return common::InvalidField("agreement", "is required");
  const v1::Agreement& in = request.agreement();
  KAM_ASSIGN_OR_RETURN(
      const CreateTarget target,
      ReadCreateTarget(request, "CreateAgreement", "agreement.account", in.account()));
  KAM_RETURN_IF_ERROR(ValidateAgreementFields(in));
  // A retry of a create that succeeded gets its result without asking the
  // account service again (so it works while that service is down).
  absl::StatusOr<bool> answered = AnsweredEarlier(
      target.key, [&](const std::string& id) { return store_->FindByRequest(id); },
      [](StoredAgreement& row) { return Answered(std::move(row), common::NowMicros()); },
      response);
  if (!answered.ok() || *answered) return answered.status();
  const std::string account_name = AccountName(target.account_id);
  KAM_ASSIGN_OR_RETURN(kam::account::v1::Account account,
                       GetLiveAccount(*accounts_, ctx, account_name, kAccountDeleted));
  KAM_ASSIGN_OR_RETURN(const int64_t id, store_->NewAgreementId());
  const absl::Time now = common::NowMicros();

  StoredAgreement row;
  row.id = id;
  row.account_id = target.account_id;
  v1::Agreement& a = row.agreement;
  a = in;
  // Only the writable fields are taken from the request.
  a.clear_notice_deadline();
  a.clear_renewal_end_time();
  a.clear_terminate_time();
  a.clear_create_time();
  a.clear_update_time();
  a.clear_state();
  a.clear_termination_reason();
  a.clear_terminated_by();
  a.clear_etag();
  a.set_name(AgreementName(id));
  a.set_account(account_name);
  if (a.owner().empty()) a.set_owner(account.owner());
  KAM_RETURN_IF_ERROR(CheckOwnerPresent(
      a, absl::StrCat(": account ", account_name, " has no owner to default to")));
  Normalize(a);
  common::StampCreate(&row.version, &a, now);

  common::InsertOutcome outcome = common::InsertOutcome::kInserted;
  absl::Status status = store_->Transact("creating agreement", [&](AgreementTx& tx) {
    KAM_ASSIGN_OR_RETURN(common::InsertOutcome inserted, tx.Insert(row, target.key));
    outcome = inserted;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (outcome == common::InsertOutcome::kDuplicateRequest) {
    KAM_ASSIGN_OR_RETURN(StoredAgreement first,
                         AnswerUnfinishedRetry(target.key, store_->FindByRequest(target.key.id)));
    *response = Answered(std::move(first), now);
    return absl::OkStatus();
  }
  *response = Answered(std::move(row), now);
  return absl::OkStatus();
}

absl::Status AgreementService::GetAgreement(const Ctx& ctx, const v1::GetAgreementRequest& request,
                                            v1::Agreement* response) {
  KAM_ASSIGN_OR_RETURN(int64_t id, ParseAgreementName("name", request.name()));
  KAM_ASSIGN_OR_RETURN(StoredAgreement row,
                       OwnRow(*accounts_, ctx, store_->Get(id), "agreement", AgreementName(id)));
  *response = Answered(std::move(row), common::NowMicros());
  return absl::OkStatus();
}

absl::Status AgreementService::ListAgreements(const Ctx& ctx,
                                              const v1::ListAgreementsRequest& request,
                                              v1::ListAgreementsResponse* response) {
  KAM_ASSIGN_OR_RETURN(
      std::optional<common::ListRequest> list,
      ReadNarrowedList(*accounts_, ctx, request, "ListAgreements", request.filter()));
  if (!list.has_value()) return absl::OkStatus();
  KAM_RETURN_IF_ERROR(list->ExpectCursorKeys(1));
  const absl::Time now = common::NowMicros();
  return AnswerPage(
      *list, store_->List(list->filter, now, list->cursor, list->limit), response,
      [&](StoredAgreement& row) { *response->add_agreements() = Answered(std::move(row), now); },
      AgreementCursor);
}

absl::Status AgreementService::ChangeAgreement(
    const Ctx& ctx, absl::string_view context, int64_t id, absl::string_view etag, absl::Time now,
    absl::FunctionRef<absl::Status(v1::Agreement&)> change, v1::Agreement* response) {
  // An agreement's account never changes: a narrowed call checks it before
  // the transaction (no call to the account service while the row is locked).
  if (!NarrowedUser(ctx).empty()) {
    KAM_RETURN_IF_ERROR(
        OwnRow(*accounts_, ctx, store_->Get(id), "agreement", AgreementName(id)).status());
  }
  StoredAgreement result;
  KAM_RETURN_IF_ERROR(store_->Transact(context, [&](AgreementTx& tx) -> absl::Status {
    KAM_ASSIGN_OR_RETURN(StoredAgreement row, tx.Lock(id));
    v1::Agreement& a = row.agreement;
    KAM_RETURN_IF_ERROR(common::CheckEtag(a.name(), row.version, etag));
    if (a.has_terminate_time()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "agreement ", a.name(), " is terminated; a terminated agreement keeps its terms (create "
          "a new agreement instead)"));
    }
    KAM_RETURN_IF_ERROR(change(a));
    common::StampWrite(&row.version, &a, now);
    KAM_RETURN_IF_ERROR(tx.Write(row));
    result = std::move(row);
    return absl::OkStatus();
  }));
  *response = Answered(std::move(result), now);
  return absl::OkStatus();
}

absl::Status AgreementService::UpdateAgreement(const Ctx& ctx,
                                               const v1::UpdateAgreementRequest& request,
                                               v1::Agreement* response) {
  if (!request.has_agreement()) return common::InvalidField("agreement", "is required");
  const v1::Agreement& patch = request.agreement();
  KAM_ASSIGN_OR_RETURN(int64_t id, ParseAgreementName("agreement.name", patch.name()));
  KAM_ASSIGN_OR_RETURN(
      std::vector<std::string> paths,
      common::ResolveUpdateMask(request.update_mask(), patch, AgreementMaskRules()));
  auto change = [&](v1::Agreement& a) -> absl::Status {
    common::ApplyUpdateMask(paths, patch, &a);
    KAM_RETURN_IF_ERROR(ValidateAgreementFields(a));
    KAM_RETURN_IF_ERROR(CheckOwnerPresent(a, ": an agreement always has an owner"));
    Normalize(a);
    return absl::OkStatus();
  };
  return ChangeAgreement(ctx, "updating agreement", id, patch.etag(), common::NowMicros(), change,
                         response);
}

absl::Status AgreementService::TerminateAgreement(const Ctx& ctx,
                                                  const v1::TerminateAgreementRequest& request,
                                                  v1::Agreement* response) {
  KAM_ASSIGN_OR_RETURN(int64_t id, ParseAgreementName("name", request.name()));
  KAM_RETURN_IF_ERROR(common::CheckRequiredText("reason", request.reason(), kMaxAgreementText));
  const absl::Time now = common::NowMicros();
  google::protobuf::Timestamp terminate_time = common::ToProtoTimestamp(now);
  if (request.has_terminate_time()) {
    KAM_RETURN_IF_ERROR(common::CheckTimestamp("terminate_time", request.terminate_time()));
    terminate_time = ToMicros(request.terminate_time());
  }
  auto change = [&](v1::Agreement& a) -> absl::Status {
    if (common::FromProtoTimestamp(terminate_time) > common::FromProtoTimestamp(a.end_time())) {
      return common::InvalidField(
          "terminate_time", absl::StrCat("must not be after the agreement's end_time (",
                                         absl::FormatTime(common::FromProtoTimestamp(a.end_time())),
                                         ")"));
    }
    *a.mutable_terminate_time() = terminate_time;
    a.set_termination_reason(request.reason());
    a.set_terminated_by(ctx.actor);
    return absl::OkStatus();
  };
  return ChangeAgreement(ctx, "terminating agreement", id, request.etag(), now, change, response);
}

}  // namespace kam::interaction::agreements
