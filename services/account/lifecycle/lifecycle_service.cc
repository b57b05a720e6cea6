#include "services/account/lifecycle/lifecycle_service.h"

#include "absl/functional/function_ref.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/api/etag.h"
#include "common/api/field_mask.h"
#include "common/api/list_request.h"
#include "common/api/validation.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "services/account/accounts/account_steps.h"
#include "services/account/accounts/account_store.h"
#include "services/account/lifecycle/stage_machine.h"
#include "services/account/shared/account_names.h"
#include "services/account/shared/narrowing.h"
#include "services/account/shared/requests.h"

namespace kam::account::lifecycle {
namespace {

constexpr int kMaxLostProductLines = 50;
constexpr size_t kMaxProductLine = 100;
constexpr char kStageSettingsName[] = "stageSettings";

v1::StageSettings ToStageSettings(const StoredStageSettings& stored) {
  v1::StageSettings settings;
  settings.set_name(kStageSettingsName);
  settings.set_band_version(stored.band_version == v1::STAGE_BAND_VERSION_UNSPECIFIED
                                ? v1::STAGE_BAND_VERSION_V1
                                : stored.band_version);
  if (stored.update_time.has_value()) {
    *settings.mutable_update_time() = common::ToProtoTimestamp(*stored.update_time);
  }
  settings.set_update_actor(stored.update_actor);
  settings.set_etag(common::MakeEtag(kStageSettingsName, stored.version));
  return settings;
}

absl::Status CheckStageSettingsName(absl::string_view field, absl::string_view name) {
  if (name.empty() || name == kStageSettingsName) return absl::OkStatus();
  return common::InvalidField(field, absl::StrCat("must be \"", kStageSettingsName, "\" or empty"));
}

const common::UpdateMaskRules& StageSettingsMaskRules() {
  static const common::UpdateMaskRules* rules =
      new common::UpdateMaskRules{/*updatable=*/{"band_version"},
                                  /*output_only=*/{"name", "update_time", "update_actor", "etag"},
                                  /*use_method=*/{}};
  return *rules;
}

// The checks of a TransitionStage request before the account is read.
absl::Status CheckTransitionRequest(const v1::TransitionStageRequest& request, absl::Time now) {
  KAM_RETURN_IF_ERROR(CheckNote("reason", request.reason()));
  if (!request.has_measurement()) return absl::OkStatus();
  return CheckMeasurement(request.measurement(), now);
}

// The reason a measured move records when the caller gives none: the
// measurement itself.
std::string MeasuredReason(const v1::ShareOfWalletMeasurement& measurement) {
  return absl::StrCat(
      "share of wallet measured at ", measurement.share_percent(), "% (", measurement.source(),
      ", ",
      absl::FormatTime("%Y-%m-%d", common::FromProtoTimestamp(measurement.measure_time()),
                       absl::UTCTimeZone()),
      ")");
}

// The checks of a MarkChurned request, in the order callers see them.
absl::Status CheckChurnRequest(const v1::MarkChurnedRequest& request) {
  const bool customer = request.kind() == v1::CHURN_EVENT_KIND_CUSTOMER_CHURN;
  if (!customer && request.kind() != v1::CHURN_EVENT_KIND_BUSINESS_CHURN) {
    return common::InvalidField("kind", "must be CUSTOMER_CHURN or BUSINESS_CHURN");
  }
  if (request.reason() == v1::CHURN_REASON_UNSPECIFIED ||
      !v1::ChurnReason_IsValid(request.reason())) {
    return common::InvalidField("reason", "is required: one of the seven ChurnReason values");
  }
  const int lines = request.lost_product_lines_size();
  if (!customer && lines == 0) {
    return common::InvalidField("lost_product_lines",
                                "must name at least one product line for business churn");
  }
  if (lines > kMaxLostProductLines) {
    return common::InvalidField(
        "lost_product_lines", absl::StrCat("must hold at most ", kMaxLostProductLines, " entries"));
  }
  for (int i = 0; i < lines; ++i) {
    KAM_RETURN_IF_ERROR(common::CheckRequiredText(absl::StrCat("lost_product_lines[", i, "]"),
                                                  request.lost_product_lines(i), kMaxProductLine));
  }
  return CheckNote("note", request.note());
}

using ChangeFn =
    absl::FunctionRef<absl::Status(Transaction&, accounts::StoredAccount&, absl::Time)>;

// A stage move, a churn event or a win-back of account `name`: `checked` is
// the request's other checks, answered after the name's and the narrowing
// of an account manager's call (`ctx`); then, in one
// transaction named `context`, `change(tx, row, now)` gets the live account
// locked (ABORTED when `etag` is stale) and writes what the move writes. The
// response's account is the row as `change` leaves it.
template <typename Response>
absl::Status ChangeAccount(Transactions& transactions, const common::CallContext& ctx,
                           absl::string_view name, absl::string_view etag,
                           const absl::Status& checked, absl::string_view context,
                           Response* response, ChangeFn change) {
  KAM_ASSIGN_OR_RETURN(int64_t id, AccountOnTeam(transactions, ctx, "name", name));
  KAM_RETURN_IF_ERROR(checked);
  const absl::Time now = common::NowMicros();
  return transactions.Transact(context, [&](Transaction& tx) -> absl::Status {
    KAM_ASSIGN_OR_RETURN(accounts::StoredAccount row,
                         accounts::LockLiveAccount(tx.accounts(), id, etag));
    KAM_RETURN_IF_ERROR(change(tx, row, now));
    *response->mutable_account() = std::move(row.account);
    return absl::OkStatus();
  });
}

}  // namespace

// --- relationship stage ---------------------------------------------------

absl::Status LifecycleService::TransitionStage(const Ctx& ctx,
                                               const v1::TransitionStageRequest& request,
                                               v1::TransitionStageResponse* response) {
  // The move the stage machine allows, and its history row.
  auto move_stage = [&](Transaction& tx, accounts::StoredAccount& row,
                        absl::Time now) -> absl::Status {
    KAM_ASSIGN_OR_RETURN(StoredStageSettings settings,
                         tx.lifecycle().ReadStageSettings(/*for_update=*/false));
    StageMove move;
    move.from = row.account.stage();
    move.current_share = row.account.share_of_wallet_percent();
    move.state = row.account.state();
    move.to = request.to_stage();
    if (request.has_share_of_wallet_percent()) move.share = request.share_of_wallet_percent();
    move.cause = request.interruption_cause();
    move.has_reason = !absl::StripAsciiWhitespace(request.reason()).empty();
    move.bands = settings.band_version;
    if (request.has_measurement()) move.measured_share = request.measurement().share_percent();
    KAM_ASSIGN_OR_RETURN(int share, CheckStageMove(move));
    move.to = TargetOf(move);

    StageChangeRow change;
    change.account_id = row.id;
    v1::StageChange& c = change.resource;
    c.set_from_stage(move.from);
    c.set_to_stage(move.to);
    c.set_share_of_wallet_percent(share);
    c.set_interruption_cause(move.cause);
    c.set_reason(request.reason());
    if (request.has_measurement()) {
      // The measurement is the move's reason (and the only one when none is
      // given).
      *c.mutable_measurement() = request.measurement();
      if (!move.has_reason) c.set_reason(MeasuredReason(request.measurement()));
    }
    c.set_actor(ctx.actor);
    *c.mutable_change_time() = common::ToProtoTimestamp(now);
    KAM_RETURN_IF_ERROR(tx.lifecycle().InsertStageChange(&change));

    row.account.set_stage(move.to);
    row.account.set_share_of_wallet_percent(share);
    *row.account.mutable_stage_update_time() = c.change_time();
    *response->mutable_change() = std::move(c);
    return accounts::WriteStamped(tx.accounts(), row, now);
  };
  KAM_RETURN_IF_ERROR(ChangeAccount(*transactions_, ctx, request.name(), request.etag(),
                                    CheckTransitionRequest(request, common::NowMicros()),
                                    "changing stage", response, move_stage));
  *response->mutable_playbook() = PlaybookFor(response->account().stage());
  return absl::OkStatus();
}

absl::Status LifecycleService::ListStageHistory(const Ctx& ctx,
                                                const v1::ListStageHistoryRequest& request,
                                                v1::ListStageHistoryResponse* response) {
  return ListHistory(ctx, *transactions_, request, "ListStageHistory", store_,
                     &LifecycleStore::ListStageChanges, response,
                     &v1::ListStageHistoryResponse::add_changes);
}

absl::Status LifecycleService::GetStagePlaybook(const Ctx&,
                                                const v1::GetStagePlaybookRequest& request,
                                                v1::StagePlaybook* response) {
  if (request.stage() == v1::RELATIONSHIP_STAGE_UNSPECIFIED ||
      !v1::RelationshipStage_IsValid(request.stage())) {
    return common::InvalidField("stage", "must be a known RelationshipStage");
  }
  *response = PlaybookFor(request.stage());
  return absl::OkStatus();
}

absl::Status LifecycleService::GetStageSettings(const Ctx&,
                                                const v1::GetStageSettingsRequest& request,
                                                v1::StageSettings* response) {
  KAM_RETURN_IF_ERROR(CheckStageSettingsName("name", request.name()));
  return transactions_->Transact("reading stage settings", [&](Transaction& tx) -> absl::Status {
    KAM_ASSIGN_OR_RETURN(StoredStageSettings stored,
                         tx.lifecycle().ReadStageSettings(/*for_update=*/false));
    *response = ToStageSettings(stored);
    return absl::OkStatus();
  });
}

absl::Status LifecycleService::UpdateStageSettings(const Ctx& ctx,
                                                   const v1::UpdateStageSettingsRequest& request,
                                                   v1::StageSettings* response) {
  KAM_RETURN_IF_ERROR(common::CheckPresent("settings", request.has_settings()));
  const v1::StageSettings& patch = request.settings();
  KAM_RETURN_IF_ERROR(CheckStageSettingsName("settings.name", patch.name()));
  KAM_RETURN_IF_ERROR(
      common::ResolveUpdateMask(request.update_mask(), patch, StageSettingsMaskRules()).status());
  // band_version is the one field: whatever the mask, it must be a version.
  KAM_RETURN_IF_ERROR(CheckBandVersion("settings.band_version", patch.band_version()));
  const absl::Time now = common::NowMicros();
  return transactions_->Transact("changing stage settings", [&](Transaction& tx) -> absl::Status {
    KAM_ASSIGN_OR_RETURN(StoredStageSettings stored,
                         tx.lifecycle().ReadStageSettings(/*for_update=*/true));
    KAM_RETURN_IF_ERROR(common::CheckEtag(kStageSettingsName, stored.version, patch.etag()));
    stored.band_version = patch.band_version();
    ++stored.version;
    stored.update_actor = ctx.actor;
    stored.update_time = now;
    KAM_RETURN_IF_ERROR(tx.lifecycle().WriteStageSettings(stored));
    *response = ToStageSettings(stored);
    return absl::OkStatus();
  });
}

// --- churn ------------------------------------------------------------------

absl::Status LifecycleService::MarkChurned(const Ctx& ctx, const v1::MarkChurnedRequest& request,
                                           v1::MarkChurnedResponse* response) {
  return ChangeAccount(
      *transactions_, ctx, request.name(), request.etag(), CheckChurnRequest(request),
      "recording churn", response,
      [&](Transaction& tx, accounts::StoredAccount& row, absl::Time now) {
        if (row.account.state() == v1::LIFECYCLE_STATE_CHURNED) {
          return absl::FailedPreconditionError(absl::StrCat(
              "account ", row.account.name(), " has already churned; record a win-back first"));
        }
        ChurnEventRow event;
        event.account_id = row.id;
        v1::ChurnEvent& e = event.resource;
        e.set_kind(request.kind());
        e.set_reason(request.reason());
        *e.mutable_lost_product_lines() = request.lost_product_lines();
        e.set_note(request.note());
        e.set_actor(ctx.actor);
        *e.mutable_event_time() = common::ToProtoTimestamp(now);
        KAM_RETURN_IF_ERROR(tx.lifecycle().InsertChurnEvent(&event));
        *response->mutable_event() = std::move(e);
        // Business churn (product lines lost) leaves the account active.
        if (request.kind() != v1::CHURN_EVENT_KIND_CUSTOMER_CHURN) return absl::OkStatus();
        row.account.set_state(v1::LIFECYCLE_STATE_CHURNED);
        return accounts::WriteStamped(tx.accounts(), row, now);
      });
}

absl::Status LifecycleService::RecordWinBack(const Ctx& ctx,
                                             const v1::RecordWinBackRequest& request,
                                             v1::RecordWinBackResponse* response) {
  return ChangeAccount(
      *transactions_, ctx, request.name(), request.etag(), CheckNote("note", request.note()),
      "recording win-back", response,
      [&](Transaction& tx, accounts::StoredAccount& row, absl::Time now) {
        if (row.account.state() != v1::LIFECYCLE_STATE_CHURNED) {
          return absl::FailedPreconditionError(absl::StrCat(
              "account ", row.account.name(), " has not churned; nothing to win back"));
        }
        const google::protobuf::Timestamp when = common::ToProtoTimestamp(now);
        ChurnEventRow event;
        event.account_id = row.id;
        v1::ChurnEvent& e = event.resource;
        e.set_kind(v1::CHURN_EVENT_KIND_WIN_BACK);
        e.set_note(request.note());
        e.set_actor(ctx.actor);
        *e.mutable_event_time() = when;
        KAM_RETURN_IF_ERROR(tx.lifecycle().InsertChurnEvent(&event));
        // docs/domain.md §5: churned customers re-enter at incubation.
        StageChangeRow change;
        change.account_id = row.id;
        change.resource.set_from_stage(row.account.stage());
        change.resource.set_to_stage(v1::RELATIONSHIP_STAGE_DEVELOPMENT);
        change.resource.set_reason(
            request.note().empty() ? "win-back" : absl::StrCat("win-back: ", request.note()));
        change.resource.set_actor(ctx.actor);
        *change.resource.mutable_change_time() = when;
        KAM_RETURN_IF_ERROR(tx.lifecycle().InsertStageChange(&change));
        row.account.set_state(v1::LIFECYCLE_STATE_ACTIVE);
        row.account.set_stage(v1::RELATIONSHIP_STAGE_DEVELOPMENT);
        row.account.set_share_of_wallet_percent(0);
        *row.account.mutable_stage_update_time() = when;
        *response->mutable_event() = std::move(e);
        return accounts::WriteStamped(tx.accounts(), row, now);
      });
}

absl::Status LifecycleService::ListChurnHistory(const Ctx& ctx,
                                                const v1::ListChurnHistoryRequest& request,
                                                v1::ListChurnHistoryResponse* response) {
  return ListHistory(ctx, *transactions_, request, "ListChurnHistory", store_,
                     &LifecycleStore::ListChurnEvents, response,
                     &v1::ListChurnHistoryResponse::add_events);
}

}  // namespace kam::account::lifecycle
