#include "services/account/accounts/account_fields.h"

#include <cstddef>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/api/validation.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "services/account/shared/requests.h"

namespace kam::account::accounts {
namespace {

constexpr size_t kMaxDisplayName = 200;
constexpr size_t kMaxExternalId = 128;
constexpr size_t kMaxIndustryOrRegion = 100;
constexpr int kMaxPaymentTermsDays = 365;

// A limit (`field` names it): a known currency and no negative amount.
absl::Status ValidateLimit(absl::string_view field, const kam::type::v1::Money& limit) {
  KAM_RETURN_IF_ERROR(
      common::CheckCurrencyCode(absl::StrCat(field, ".currency_code"), limit.currency_code()));
  if (limit.minor_units() < 0) {
    return common::InvalidField(absl::StrCat(field, ".minor_units"),
                                absl::StrCat("must not be negative (got ", limit.minor_units(), ")"));
  }
  return absl::OkStatus();
}

absl::Status ValidateCredit(const v1::CreditProfile& credit) {
  if (credit.has_credit_limit()) {
    KAM_RETURN_IF_ERROR(ValidateLimit("account.credit.credit_limit", credit.credit_limit()));
  }
  if (credit.has_group_credit_limit()) {
    KAM_RETURN_IF_ERROR(
        ValidateLimit("account.credit.group_credit_limit", credit.group_credit_limit()));
  }
  KAM_RETURN_IF_ERROR(common::CheckRange("account.credit.payment_terms_days",
                                         credit.payment_terms_days(), 0, kMaxPaymentTermsDays));
  if (!v1::CreditRiskLevel_IsValid(credit.risk_level())) {
    return common::InvalidField("account.credit.risk_level", "must be a known CreditRiskLevel");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateAccountFields(const v1::Account& account) {
  KAM_RETURN_IF_ERROR(FirstError({
      common::CheckRequiredText("account.display_name", account.display_name(), kMaxDisplayName),
      common::CheckIdentifier("account.external_id", account.external_id(), kMaxExternalId,
                              /*required=*/false),
      common::CheckText("account.industry", account.industry(), kMaxIndustryOrRegion),
      common::CheckText("account.region", account.region(), kMaxIndustryOrRegion),
      common::CheckUserId("account.owner", account.owner(), /*required=*/false),
      common::CheckLabels("account.labels", account.labels()),
  }));
  if (!v1::AccountCategory_IsValid(account.category())) {
    return common::InvalidField("account.category", "must be a known AccountCategory");
  }
  return ValidateCredit(account.credit());
}

absl::Status ExternalIdTaken(const v1::Account& account) {
  return absl::AlreadyExistsError(absl::StrCat("account.external_id \"", account.external_id(),
                                               "\" is already used by a live account"));
}

void DropEmptyCredit(v1::Account& account) {
  const v1::CreditProfile& credit = account.credit();
  if (account.has_credit() && !credit.has_credit_limit() && credit.payment_terms_days() == 0 &&
      credit.risk_level() == v1::CREDIT_RISK_LEVEL_UNSPECIFIED &&
      !credit.has_group_credit_limit()) {
    account.clear_credit();
  }
}

absl::StatusOr<AccountOrder> ParseAccountOrder(absl::string_view order_by) {
  AccountOrder order;
  std::vector<absl::string_view> words =
      absl::StrSplit(order_by, absl::ByAnyChar(" \t"), absl::SkipEmpty());
  if (words.empty()) return order;
  auto invalid = [&] {
    return common::InvalidField(
        "order_by", absl::StrCat("must be one of display_name, create_time, update_time, tier, "
                                 "optionally followed by \" desc\" (got \"",
                                 order_by.substr(0, 64), "\")"));
  };
  if (words.size() > 2) return invalid();
  if (words[0] == "display_name") {
    order.key = AccountOrder::Key::kDisplayName;
  } else if (words[0] == "create_time") {
    order.key = AccountOrder::Key::kCreateTime;
  } else if (words[0] == "update_time") {
    order.key = AccountOrder::Key::kUpdateTime;
  } else if (words[0] == "tier") {
    order.key = AccountOrder::Key::kTier;
  } else {
    return invalid();
  }
  const std::string direction = words.size() == 2 ? absl::AsciiStrToLower(words[1]) : "asc";
  if (direction != "asc" && direction != "desc") return invalid();
  order.descending = direction == "desc";
  return order;
}

common::PageCursor AccountCursor(const StoredAccount& row, const AccountOrder& order) {
  const v1::Account& a = row.account;
  switch (order.key) {
    case AccountOrder::Key::kDisplayName: return {{a.display_name()}, row.id};
    case AccountOrder::Key::kCreateTime:
      return {{common::ToSqlDateTime(common::FromProtoTimestamp(a.create_time()))}, row.id};
    case AccountOrder::Key::kUpdateTime:
      return {{common::ToSqlDateTime(common::FromProtoTimestamp(a.update_time()))}, row.id};
    case AccountOrder::Key::kTier: return {{absl::StrCat(static_cast<int>(a.tier()))}, row.id};
    case AccountOrder::Key::kId: break;
  }
  return {{}, row.id};
}

const common::UpdateMaskRules& AccountMaskRules() {
  static const common::UpdateMaskRules* rules = new common::UpdateMaskRules{
      /*updatable=*/{"display_name", "external_id", "industry", "region", "category",
                     "parent_account", "owner", "labels", "credit", "credit.credit_limit",
                     "credit.payment_terms_days", "credit.risk_level",
                     "credit.group_credit_limit"},
      /*output_only=*/
      {"name", "stage_update_time", "tier", "tier_rating_run", "tier_policy_version",
       "tier_update_time", "state", "contact_count", "single_contact_risk",
       "account_manager_handover_count", "create_time", "update_time", "delete_time", "etag"},
      /*use_method=*/
      {{"stage", "TransitionStage"}, {"share_of_wallet_percent", "TransitionStage"}}};
  return *rules;
}

}  // namespace kam::account::accounts
