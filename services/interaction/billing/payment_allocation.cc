#include "services/interaction/billing/payment_allocation.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/interaction/shared/money_math.h"

namespace kam::interaction::billing {

absl::StatusOr<std::vector<Allocation>> AllocateOldestDueFirst(int64_t amount,
                                                               std::vector<OpenBalance> open) {
  std::sort(open.begin(), open.end(), [](const OpenBalance& a, const OpenBalance& b) {
    if (a.due_time != b.due_time) return a.due_time < b.due_time;
    if (a.issue_time != b.issue_time) return a.issue_time < b.issue_time;
    return a.invoice_id < b.invoice_id;
  });
  int64_t total = 0;
  for (const OpenBalance& o : open) total = SaturatingAdd(total, o.balance);
  if (amount > total) {
    return absl::FailedPreconditionError(absl::StrCat(
        "payment.amount ", amount, " is more than the account's open invoices owe (", total,
        " minor units); record the payment against invoices first, or record a smaller "
        "amount"));
  }
  std::vector<Allocation> allocations;
  int64_t left = amount;
  for (const OpenBalance& o : open) {
    if (left <= 0) break;
    if (o.balance <= 0) continue;
    const int64_t part = std::min(left, o.balance);
    allocations.push_back({o.invoice_id, part});
    left -= part;
  }
  return allocations;
}

absl::Status CheckAllocationsAgainstBalances(const std::vector<Allocation>& requested,
                                             const std::vector<OpenBalance>& open) {
  for (size_t i = 0; i < requested.size(); ++i) {
    const Allocation& a = requested[i];
    auto it = std::find_if(open.begin(), open.end(),
                           [&](const OpenBalance& o) { return o.invoice_id == a.invoice_id; });
    const std::string field = absl::StrCat("payment.allocations[", i, "]");
    if (it == open.end()) {
      return absl::FailedPreconditionError(
          absl::StrCat(field, ".invoice invoices/", a.invoice_id, " is not open"));
    }
    if (a.amount > it->balance) {
      return absl::FailedPreconditionError(
          absl::StrCat(field, ".amount ", a.amount, " is more than the balance of invoices/",
                       a.invoice_id, " (", it->balance, " minor units)"));
    }
  }
  return absl::OkStatus();
}

}  // namespace kam::interaction::billing
