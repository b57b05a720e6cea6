#include "services/interaction/credit_hold/credit_hold_service.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/api/idempotency.h"
#include "common/api/validation.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "common/server/service_methods.h"
#include "services/interaction/credit_hold/hold_check.h"
#include "services/interaction/shared/account_checks.h"
#include "services/interaction/shared/names.h"
#include "services/interaction/shared/singleton_policy.h"

namespace kam::interaction::credit_hold {
namespace {

constexpr char kHoldSuffix[] = "/creditHold";
constexpr size_t kMaxReason = 1000;
constexpr char kPolicyName[] = "creditHoldPolicy";

// "accounts/{account}/creditHold" -> the account id; INVALID_ARGUMENT
// naming `name` otherwise.
absl::StatusOr<int64_t> ParseHoldName(absl::string_view name) {
  if (name.empty()) return common::InvalidField("name", "is required");
  absl::string_view account = name;
  if (absl::ConsumeSuffix(&account, kHoldSuffix)) {
    absl::StatusOr<int64_t> id = ParseAccountName("name", account);
    if (id.ok()) return id;
  }
  return common::InvalidField(
      "name", absl::StrCat("must look like accounts/{account}/creditHold (got ",
                           name.substr(0, 64), ")"));
}

void FillHold(int64_t account_id, const HoldState& state, v1::CreditHold* out) {
  const HoldDecision& d = state.decision;
  out->set_name(absl::StrCat(AccountName(account_id), kHoldSuffix));
  out->set_on_hold(d.on_hold);
  out->set_strike_count(d.strike_count);
  out->set_strikes_after_last_lift(d.strikes_after_last_lift);
  const size_t listed = std::min<size_t>(d.strikes.size(), kMaxListedStrikes);
  for (size_t n = 0; n < listed; ++n) {
    const Strike& s = d.strikes[n];
    v1::CreditStrike* strike = out->add_strikes();
    strike->set_invoice(absl::StrCat("invoices/", s.invoice_id));
    *strike->mutable_due_time() = common::ToProtoTimestamp(s.due_time);
    strike->set_days_past_due(s.days_past_due);
    strike->set_paid(s.paid);
    strike->set_after_last_lift(s.after_last_lift);
  }
  out->set_strike_days(state.settings.strike_days);
  out->set_strike_threshold(state.settings.strike_threshold);
  if (state.last_lift.has_value()) {
    v1::CreditHoldLift* lift = out->mutable_last_lift();
    lift->set_actor(state.last_lift->actor);
    *lift->mutable_lift_time() = common::ToProtoTimestamp(state.last_lift->lift_time);
    lift->set_reason(state.last_lift->reason);
    lift->set_strike_count(state.last_lift->strike_count);
  }
}

v1::CreditHoldPolicy PolicyToProto(const StoredHoldPolicy& stored) {
  v1::CreditHoldPolicy out;
  out.set_name(kPolicyName);
  out.set_strike_days(stored.settings.strike_days);
  out.set_strike_threshold(stored.settings.strike_threshold);
  *out.mutable_update_time() = common::ToProtoTimestamp(stored.update_time);
  out.set_updated_by(stored.updated_by);
  out.set_etag(common::MakeEtag(kPolicyName, stored.version));
  return out;
}

}  // namespace

void CreditHoldService::Register(common::GrpcServer& server) {
  common::ServeMethods(server, &service_, this, &CreditHoldService::GetCreditHold,
                       &CreditHoldService::LiftCreditHold, &CreditHoldService::GetCreditHoldPolicy,
                       &CreditHoldService::UpdateCreditHoldPolicy);
}

absl::StatusOr<StoredHoldPolicy> CreditHoldService::ReadPolicy() {
  StoredHoldPolicy policy;
  KAM_RETURN_IF_ERROR(
      store_->Transact("reading the credit hold policy", [&](billing::BillingTx& tx) {
        absl::StatusOr<StoredHoldPolicy> read = tx.CreditHold().Settings();
        if (read.ok()) policy = *std::move(read);
        return read.status();
      }));
  return policy;
}

absl::Status CreditHoldService::GetCreditHoldPolicy(const Ctx&,
                                                    const v1::GetCreditHoldPolicyRequest& request,
                                                    v1::CreditHoldPolicy* response) {
  return GetSingletonPolicy(
      request, kPolicyName, [&] { return ReadPolicy(); }, PolicyToProto, response);
}

absl::Status CreditHoldService::UpdateCreditHoldPolicy(
    const Ctx& ctx, const v1::UpdateCreditHoldPolicyRequest& request,
    v1::CreditHoldPolicy* response) {
  const v1::CreditHoldPolicy& patch = request.policy();
  // The stored values with the patch's over them.
  auto patched = [&](StrikeSettings settings) {
    if (patch.has_strike_days()) settings.strike_days = patch.strike_days();
    if (patch.has_strike_threshold()) settings.strike_threshold = patch.strike_threshold();
    return settings;
  };
  auto check = [&](const v1::CreditHoldPolicy&) { return CheckSettings(patched(StrikeSettings{})); };
  auto write = [&](const StoredHoldPolicy& stored) -> absl::StatusOr<bool> {
    StoredHoldPolicy updated{patched(stored.settings), stored.version + 1, common::NowMicros(),
                             ctx.actor};
    bool written = false;
    KAM_RETURN_IF_ERROR(store_->Transact(
        "updating the credit hold policy", [&](billing::BillingTx& tx) -> absl::Status {
          KAM_ASSIGN_OR_RETURN(written, tx.CreditHold().WriteSettingsIfVersion(
                                            updated.settings, stored.version,
                                            updated.update_time, ctx.actor));
          return absl::OkStatus();
        }));
    if (written) *response = PolicyToProto(updated);
    return written;
  };
  return UpdateSingletonPolicy(request, kPolicyName, "the credit hold policy", check,
                               [&] { return ReadPolicy(); }, write);
}

absl::Status CreditHoldService::GetCreditHold(const Ctx& ctx,
                                              const v1::GetCreditHoldRequest& request,
                                              v1::CreditHold* response) {
  KAM_ASSIGN_OR_RETURN(const int64_t account_id, ParseHoldName(request.name()));
  // NOT_FOUND for a missing account, and for another's on a narrowed call.
  KAM_RETURN_IF_ERROR(ReadAccount(*accounts_, ctx, AccountName(account_id)).status());
  const absl::Time now = common::NowMicros();
  return store_->Transact("reading credit hold", [&](billing::BillingTx& tx) -> absl::Status {
    KAM_ASSIGN_OR_RETURN(HoldState state, ReadHold(tx.CreditHold(), account_id, now));
    response->Clear();
    FillHold(account_id, state, response);
    return absl::OkStatus();
  });
}

absl::Status CreditHoldService::LiftCreditHold(const Ctx& ctx,
                                               const v1::LiftCreditHoldRequest& request,
                                               v1::CreditHold* response) {
  KAM_ASSIGN_OR_RETURN(const int64_t account_id, ParseHoldName(request.name()));
  KAM_RETURN_IF_ERROR(common::CheckRequiredText("reason", request.reason(), kMaxReason));
  KAM_ASSIGN_OR_RETURN(common::RequestKey key, common::RequestKeyOf(request, "LiftCreditHold"));
  KAM_RETURN_IF_ERROR(GetLiveAccount(*accounts_, ctx, AccountName(account_id)).status());
  const absl::Time now = common::NowMicros();
  return store_->Transact("lifting credit hold", [&](billing::BillingTx& tx) -> absl::Status {
    // The lock every order of the account takes: the hold a lift sees is
    // the one the next order sees, with no order in between.
    KAM_RETURN_IF_ERROR(tx.LockAccount(account_id));
    CreditHoldSteps& steps = tx.CreditHold();
    bool retried = false;
    if (!key.id.empty()) {
      KAM_ASSIGN_OR_RETURN(std::optional<std::string> hash, steps.LiftRequestHash(key.id));
      if (hash.has_value() && *hash != key.hash) return common::RequestIdReused(key);
      retried = hash.has_value();  // answered with the hold as it is now
    }
    KAM_ASSIGN_OR_RETURN(HoldState state, ReadHold(steps, account_id, now));
    if (!retried) {
      if (!state.decision.on_hold) {
        return absl::FailedPreconditionError(absl::StrCat(
            "account ", AccountName(account_id), " is not on credit hold (",
            state.decision.strike_count, " strikes, ", state.decision.strikes_after_last_lift,
            " since the last lift; hold from ", state.settings.strike_threshold,
            "): there is nothing to lift"));
      }
      Lift lift{now, state.decision.strike_count, ctx.actor, request.reason()};
      KAM_RETURN_IF_ERROR(steps.InsertLift(account_id, lift, key));
      WithLift(std::move(lift), now, &state);
    }
    response->Clear();
    FillHold(account_id, state, response);
    return absl::OkStatus();
  });
}

}  // namespace kam::interaction::credit_hold
