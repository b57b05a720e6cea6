#include "services/interaction/billing/billing_fields.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/api/validation.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "services/interaction/shared/money_math.h"

namespace kam::interaction::billing {

absl::StatusOr<AccountTerms> TermsOf(const account::v1::Account& account) {
  const account::v1::CreditProfile& credit = account.credit();
  if (!credit.has_credit_limit() || credit.credit_limit().currency_code().empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "account ", account.name(),
        " has no credit limit and so no credit currency; set credit.credit_limit in the "
        "account service before recording orders, invoices or payments"));
  }
  AccountTerms terms;
  terms.name = account.name();
  terms.currency_code = credit.credit_limit().currency_code();
  terms.credit_limit = credit.credit_limit().minor_units();
  terms.payment_terms_days = credit.payment_terms_days();
  return terms;
}

type::v1::Money MoneyOf(const std::string& currency_code, int64_t minor_units) {
  type::v1::Money money;
  money.set_currency_code(currency_code);
  money.set_minor_units(minor_units);
  return money;
}

absl::Status CheckMoneyShape(absl::string_view field, const type::v1::Money& money,
                             int64_t min_units) {
  KAM_RETURN_IF_ERROR(
      common::CheckCurrencyCode(absl::StrCat(field, ".currency_code"), money.currency_code()));
  if (money.minor_units() < min_units) {
    return common::InvalidField(
        absl::StrCat(field, ".minor_units"),
        absl::StrCat(min_units == 1 ? "must be more than 0" : "must be 0 or more", " (got ",
                     money.minor_units(), ")"));
  }
  return absl::OkStatus();
}

absl::Status CheckCurrency(absl::string_view field, const type::v1::Money& money,
                           absl::string_view currency_code) {
  if (money.currency_code() == currency_code) return absl::OkStatus();
  return common::InvalidField(
      absl::StrCat(field, ".currency_code"),
      absl::StrCat("must be ", currency_code, ", the account's credit currency (got \"",
                   money.currency_code().substr(0, 8), "\")"));
}

absl::StatusOr<absl::Time> TimeOrNow(absl::string_view field, bool present,
                                     const google::protobuf::Timestamp& time, absl::Time now) {
  if (!present) return now;
  KAM_RETURN_IF_ERROR(common::CheckTimestamp(field, time));
  const absl::Time t =
      absl::FromUnixMicros(absl::ToUnixMicros(common::FromProtoTimestamp(time)));
  if (t > now + kFutureSlack) return common::InvalidField(field, "must not be in the future");
  return t;
}

namespace {

// "<resource>.cost": 0 or more, in the currency of "<resource>.amount".
absl::Status CheckCost(absl::string_view resource, const type::v1::Money& cost,
                       const type::v1::Money& amount) {
  const std::string field = absl::StrCat(resource, ".cost");
  KAM_RETURN_IF_ERROR(CheckMoneyShape(field, cost, 0));
  if (cost.currency_code() == amount.currency_code()) return absl::OkStatus();
  return common::InvalidField(absl::StrCat(field, ".currency_code"),
                              absl::StrCat("must be the currency of ", resource, ".amount"));
}

absl::Status CheckDescription(absl::string_view resource, const std::string& description) {
  return common::CheckText(absl::StrCat(resource, ".description"), description, kMaxBillingText,
                           /*multiline=*/true);
}

}  // namespace

absl::StatusOr<int64_t> ParseStatusChange(absl::string_view name, absl::string_view collection,
                                          absl::string_view reason) {
  KAM_ASSIGN_OR_RETURN(int64_t id, common::ParseId("name", name, collection));
  KAM_RETURN_IF_ERROR(common::CheckText("reason", reason, kMaxBillingText, /*multiline=*/true));
  return id;
}

absl::Status ValidateOrderFields(const v1::Order& order) {
  if (!order.has_amount()) return common::InvalidField("order.amount", "is required");
  KAM_RETURN_IF_ERROR(CheckMoneyShape("order.amount", order.amount(), 1));
  if (order.has_cost()) {
    KAM_RETURN_IF_ERROR(CheckCost("order", order.cost(), order.amount()));
  }
  return CheckDescription("order", order.description());
}

absl::Status ValidateInvoiceFields(const v1::Invoice& invoice) {
  const bool for_order = !invoice.order().empty();
  if (invoice.has_amount()) {
    KAM_RETURN_IF_ERROR(CheckMoneyShape("invoice.amount", invoice.amount(), 1));
  } else if (!for_order) {
    return common::InvalidField("invoice.amount", "is required for an invoice without an order");
  }
  if (invoice.has_cost()) {
    if (for_order) {
      return common::InvalidField("invoice.cost",
                                  "must not be set when invoicing an order (the order's cost "
                                  "is used)");
    }
    KAM_RETURN_IF_ERROR(CheckCost("invoice", invoice.cost(), invoice.amount()));
  }
  return CheckDescription("invoice", invoice.description());
}

absl::Status ValidatePaymentFields(const v1::Payment& payment) {
  if (!payment.has_amount()) return common::InvalidField("payment.amount", "is required");
  KAM_RETURN_IF_ERROR(CheckMoneyShape("payment.amount", payment.amount(), 1));
  KAM_RETURN_IF_ERROR(
      common::CheckText("payment.reference", payment.reference(), kMaxPaymentReference));
  if (payment.allocations_size() > kMaxAllocations) {
    return common::InvalidField("payment.allocations",
                                absl::StrCat("must hold at most ", kMaxAllocations,
                                             " entries (got ", payment.allocations_size(), ")"));
  }
  std::set<int64_t> seen;
  int64_t sum = 0;
  for (int i = 0; i < payment.allocations_size(); ++i) {
    const v1::PaymentAllocation& a = payment.allocations(i);
    const std::string field = absl::StrCat("payment.allocations[", i, "]");
    KAM_ASSIGN_OR_RETURN(int64_t id,
                         common::ParseId(absl::StrCat(field, ".invoice"), a.invoice(), "invoices"));
    if (!seen.insert(id).second) {
      return common::InvalidField(absl::StrCat(field, ".invoice"),
                                  absl::StrCat("names ", a.invoice(), " a second time"));
    }
    if (!a.has_amount()) return common::InvalidField(absl::StrCat(field, ".amount"), "is required");
    KAM_RETURN_IF_ERROR(CheckMoneyShape(absl::StrCat(field, ".amount"), a.amount(), 1));
    if (a.amount().currency_code() != payment.amount().currency_code()) {
      return common::InvalidField(absl::StrCat(field, ".amount.currency_code"),
                                  "must be the currency of payment.amount");
    }
    if (!CheckedAdd(sum, a.amount().minor_units(), &sum)) {
      return common::InvalidField("payment.allocations", "amounts overflow when summed");
    }
  }
  if (payment.allocations_size() > 0 && sum != payment.amount().minor_units()) {
    return common::InvalidField(
        "payment.allocations",
        absl::StrCat("amounts must add up to payment.amount (", payment.amount().minor_units(),
                     "); they add up to ", sum));
  }
  return absl::OkStatus();
}

std::vector<Allocation> RequestedAllocations(const v1::Payment& payment) {
  std::vector<Allocation> out;
  out.reserve(payment.allocations_size());
  for (const v1::PaymentAllocation& a : payment.allocations()) {
    absl::StatusOr<int64_t> id = common::ParseId("invoice", a.invoice(), "invoices");
    out.push_back({id.ok() ? *id : 0, a.amount().minor_units()});
  }
  return out;
}

const common::UpdateMaskRules& OrderMaskRules() {
  static const common::UpdateMaskRules* rules = new common::UpdateMaskRules{
      /*updatable=*/{"description", "amount", "cost"},
      /*output_only=*/
      {"name", "invoice", "cancel_reason", "actor", "create_time", "update_time", "etag"},
      /*use_method=*/{{"status", "CancelOrder (or CreateInvoice to invoice it)"}}};
  return *rules;
}

}  // namespace kam::interaction::billing
