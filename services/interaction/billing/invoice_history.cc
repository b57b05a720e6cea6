#include "services/interaction/billing/invoice_history.h"

#include "services/interaction/shared/money_math.h"

namespace kam::interaction::billing {

int64_t PaidBefore(const InvoiceHistory& invoice, absl::Time t) {
  int64_t paid = 0;
  for (const PaymentPart& p : invoice.payments) {
    if (p.received_time < t) paid = SaturatingAdd(paid, p.amount);
  }
  return paid;
}

int64_t PaidThrough(const InvoiceHistory& invoice, absl::Time t) {
  int64_t paid = 0;
  for (const PaymentPart& p : invoice.payments) {
    if (p.received_time <= t) paid = SaturatingAdd(paid, p.amount);
  }
  return paid;
}

}  // namespace kam::interaction::billing
