// An invoice's money over time, as the receivables reports need it: what
// was invoiced, when it fell due, and each payment applied to it with the
// time the money arrived. Balances at a past time come from this history,
// not from the invoice's current status.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace kam::interaction::billing {

// The part of one payment applied to the invoice.
struct PaymentPart {
  int64_t amount = 0;
  absl::Time received_time;
};

// A non-void invoice and the payments applied to it.
struct InvoiceHistory {
  int64_t invoice_id = 0;
  int64_t account_id = 0;
  std::string currency_code;
  int64_t amount = 0;
  int64_t cost = 0;
  absl::Time issue_time;
  absl::Time due_time;
  std::vector<PaymentPart> payments;
};

// Paid by payments received strictly before `t`.
int64_t PaidBefore(const InvoiceHistory& invoice, absl::Time t);

// Paid by payments received at or before `t`.
int64_t PaidThrough(const InvoiceHistory& invoice, absl::Time t);

}  // namespace kam::interaction::billing
