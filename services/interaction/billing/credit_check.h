// The credit check (docs/domain.md §8: big customers pay late, so what they may
// owe us at once is capped by the credit limit finance grants).
//
// exposure = amounts of OPEN orders + unpaid balances of OPEN invoices. A
// write that adds `amount` to the exposure passes when exposure + amount <=
// credit limit: reaching the limit exactly is allowed, a limit of 0 refuses
// every such write (no credit). The arithmetic is exact for every int64.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace kam::interaction::billing {

// An account's open amounts in one currency.
struct OpenTotals {
  std::string currency_code;
  int64_t open_orders = 0;    // amounts of OPEN orders
  int64_t open_invoices = 0;  // unpaid balances of OPEN invoices
};

// What the check decides on.
struct CreditPosition {
  std::string currency_code;
  int64_t credit_limit = 0;
  int64_t open_orders = 0;
  int64_t open_invoices = 0;
  // open_orders + open_invoices (saturating: it cannot wrap).
  int64_t exposure = 0;
};

// True when exposure + amount <= credit_limit, computed without overflow
// for any int64 inputs.
bool FitsCreditLimit(int64_t credit_limit, int64_t exposure, int64_t amount);

// credit_limit - exposure, saturating.
int64_t AvailableCredit(const CreditPosition& position);

// The position in `currency_code` from the account's open totals (which may
// list several currencies; missing means 0).
CreditPosition PositionOf(const std::string& currency_code, int64_t credit_limit,
                          const std::vector<OpenTotals>& totals);

// OK when adding `amount` keeps the account within its limit. Otherwise
// FAILED_PRECONDITION naming `account` and giving the figures: limit,
// exposure (open orders, unpaid invoices), the amount, what is available and
// the currency. Also FAILED_PRECONDITION when the account still has open
// amounts in a currency other than its credit currency (its currency was
// changed): those cannot be added to the exposure, so nothing new is
// allowed until they are settled or cancelled. `what` names the write
// ("order", "order increase", "invoice").
absl::Status CheckCredit(absl::string_view account, absl::string_view what,
                         const std::string& currency_code, int64_t credit_limit,
                         const std::vector<OpenTotals>& totals, int64_t amount);

// A group customer's credit limit (docs/domain.md §1, §8), set on `group`:
// the account being written to or one of its ancestors. It caps what the
// group account and every account below it owe together.
struct GroupLimit {
  std::string group;  // "accounts/{account}", the account that sets it
  int64_t group_id = 0;
  std::string currency_code;
  int64_t limit = 0;
  // The group account and its descendants (live ones, as the account
  // service lists them).
  std::vector<int64_t> member_ids;
};

// OK when adding `amount` to member `account`'s exposure keeps the group's
// exposure (the members' open orders and unpaid invoices in the limit's
// currency, `member_totals`) within the limit. FAILED_PRECONDITION naming
// the group and giving its figures otherwise, and when the member's credit
// currency `currency_code` is not the limit's (the amounts could not be
// added up). Members' open amounts in other currencies are not counted.
absl::Status CheckGroupCredit(const GroupLimit& group, absl::string_view account,
                              absl::string_view what, const std::string& currency_code,
                              const std::vector<OpenTotals>& member_totals, int64_t amount);

}  // namespace kam::interaction::billing
