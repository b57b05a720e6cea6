// What a caller may write into an order, an invoice or a payment, and what
// the billing area needs from the account service's account. Field rules
// only: pure, no I/O. Every INVALID_ARGUMENT message starts with the field
// path (common::InvalidField).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/api/field_mask.h"
#include "google/protobuf/timestamp.pb.h"
#include "kam/account/v1/account.pb.h"
#include "kam/interaction/v1/billing.pb.h"
#include "kam/type/v1/money.pb.h"
#include "services/interaction/billing/credit_check.h"
#include "services/interaction/billing/payment_allocation.h"

namespace kam::interaction::billing {

inline constexpr size_t kMaxBillingText = 1000;  // descriptions and reasons
inline constexpr size_t kMaxPaymentReference = 200;
inline constexpr int kMaxAllocations = 1000;
// Clock skew allowed for caller times that must not be in the future.
inline constexpr absl::Duration kFutureSlack = absl::Minutes(1);

// What a money write needs from the account (account service): its credit
// currency, limit and payment terms.
struct AccountTerms {
  std::string name;  // "accounts/{account}"
  std::string currency_code;
  int64_t credit_limit = 0;
  int payment_terms_days = 0;
  // The group credit limits over the account (group_limits.h), read only
  // for writes that add to its exposure.
  std::vector<GroupLimit> groups;
};

// The terms of `account`. FAILED_PRECONDITION when it has no credit limit
// and so no credit currency: such an account takes no money writes.
absl::StatusOr<AccountTerms> TermsOf(const account::v1::Account& account);

// `minor_units` of `currency_code`.
type::v1::Money MoneyOf(const std::string& currency_code, int64_t minor_units);

// `money` has an ISO 4217 code and minor_units >= `min_units` (1: "more than
// 0"; 0: "0 or more"). Messages name "<field>.currency_code" or
// "<field>.minor_units".
absl::Status CheckMoneyShape(absl::string_view field, const type::v1::Money& money,
                             int64_t min_units);

// `money` is in the account's credit currency: INVALID_ARGUMENT naming
// "<field>.currency_code" otherwise.
absl::Status CheckCurrency(absl::string_view field, const type::v1::Money& money,
                           absl::string_view currency_code);

// A caller time that defaults to `now` and must not be in the future (more
// than kFutureSlack after now), truncated to microseconds (what the database
// keeps, so a returned value equals a later read).
absl::StatusOr<absl::Time> TimeOrNow(absl::string_view field, bool present,
                                     const google::protobuf::Timestamp& time, absl::Time now);

// The id of CancelOrder's or VoidInvoice's `name` ("<collection>/{id}"),
// given a valid `reason` (at most kMaxBillingText characters, lines allowed).
absl::StatusOr<int64_t> ParseStatusChange(absl::string_view name, absl::string_view collection,
                                          absl::string_view reason);

// The caller's fields of a new order (prefix "order."): amount required and
// > 0, cost >= 0 when set, description. The account name and order_time are
// checked by the caller.
absl::Status ValidateOrderFields(const v1::Order& order);

// The caller's fields of a new invoice (prefix "invoice."): amount > 0 when
// set (required without an order), cost >= 0 when set (not with an order),
// description.
absl::Status ValidateInvoiceFields(const v1::Invoice& invoice);

// The caller's fields of a new payment (prefix "payment."): amount > 0,
// reference, and the shape of explicit allocations (at most
// kMaxAllocations; each names an invoice once, with an amount > 0 in the
// payment's currency; together exactly the payment's amount).
absl::Status ValidatePaymentFields(const v1::Payment& payment);

// The explicit allocations of a payment validated by ValidatePaymentFields,
// as invoice ids and amounts in request order.
std::vector<Allocation> RequestedAllocations(const v1::Payment& payment);

// UpdateOrder's mask rules: description, amount and cost.
const common::UpdateMaskRules& OrderMaskRules();

}  // namespace kam::interaction::billing
