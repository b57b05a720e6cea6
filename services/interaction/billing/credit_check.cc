#include "services/interaction/billing/credit_check.h"

#include "absl/numeric/int128.h"
#include "absl/strings/str_cat.h"
#include "services/interaction/shared/money_math.h"

namespace kam::interaction::billing {

bool FitsCreditLimit(int64_t credit_limit, int64_t exposure, int64_t amount) {
  return absl::int128(exposure) + amount <= credit_limit;
}

int64_t AvailableCredit(const CreditPosition& position) {
  return SaturatingSub(position.credit_limit, position.exposure);
}

CreditPosition PositionOf(const std::string& currency_code, int64_t credit_limit,
                          const std::vector<OpenTotals>& totals) {
  CreditPosition position;
  position.currency_code = currency_code;
  position.credit_limit = credit_limit;
  for (const OpenTotals& t : totals) {
    if (t.currency_code != currency_code) continue;
    position.open_orders = SaturatingAdd(position.open_orders, t.open_orders);
    position.open_invoices = SaturatingAdd(position.open_invoices, t.open_invoices);
  }
  position.exposure = SaturatingAdd(position.open_orders, position.open_invoices);
  return position;
}

absl::Status CheckCredit(absl::string_view account, absl::string_view what,
                         const std::string& currency_code, int64_t credit_limit,
                         const std::vector<OpenTotals>& totals, int64_t amount) {
  for (const OpenTotals& t : totals) {
    if (t.currency_code == currency_code || (t.open_orders == 0 && t.open_invoices == 0)) continue;
    return absl::FailedPreconditionError(absl::StrCat(
        "account ", account, " still has open amounts in ", t.currency_code, " (open orders ",
        t.open_orders, ", unpaid invoices ", t.open_invoices,
        " minor units) but its credit currency is now ", currency_code,
        "; settle or cancel them before adding new exposure"));
  }
  const CreditPosition position = PositionOf(currency_code, credit_limit, totals);
  if (FitsCreditLimit(credit_limit, position.exposure, amount)) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "credit limit exceeded for account ", account, ": credit limit ", credit_limit,
      ", exposure ", position.exposure, " (open orders ", position.open_orders,
      ", unpaid invoices ", position.open_invoices, "), ", what, " ", amount, ", available ",
      AvailableCredit(position), " (", currency_code, " minor units)"));
}

absl::Status CheckGroupCredit(const GroupLimit& group, absl::string_view account,
                              absl::string_view what, const std::string& currency_code,
                              const std::vector<OpenTotals>& member_totals, int64_t amount) {
  if (currency_code != group.currency_code) {
    return absl::FailedPreconditionError(absl::StrCat(
        "account ", account, "'s credit currency ", currency_code,
        " is not the currency of the group credit limit of ", group.group, " (",
        group.currency_code, "); the group's members must use its currency to take credit"));
  }
  const CreditPosition position = PositionOf(group.currency_code, group.limit, member_totals);
  if (FitsCreditLimit(group.limit, position.exposure, amount)) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "group credit limit exceeded for group ", group.group, " (", group.member_ids.size(),
      " accounts, ", account, " among them): group credit limit ", group.limit, ", exposure ",
      position.exposure, " (open orders ", position.open_orders, ", unpaid invoices ",
      position.open_invoices, "), ", what, " ", amount, ", available ", AvailableCredit(position),
      " (", group.currency_code, " minor units)"));
}

}  // namespace kam::interaction::billing
