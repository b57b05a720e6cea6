#include "services/interaction/billing/receivables_aging.h"

#include <algorithm>
#include <map>
#include <utility>

#include "services/interaction/shared/money_math.h"

namespace kam::interaction::billing {

absl::Time DueTime(absl::Time issue_time, int payment_terms_days) {
  return issue_time + absl::Hours(24) * payment_terms_days;
}

int64_t DaysPastDue(absl::Time due_time, absl::Time as_of) {
  if (as_of <= due_time) return 0;
  absl::Duration rest;
  const int64_t whole = absl::IDivDuration(as_of - due_time, absl::Hours(24), &rest);
  return rest > absl::ZeroDuration() ? whole + 1 : whole;
}

AgingBucket BucketOf(int64_t days_past_due) {
  if (days_past_due <= 0) return AgingBucket::kCurrent;
  if (days_past_due <= 30) return AgingBucket::kDays1To30;
  if (days_past_due <= 60) return AgingBucket::kDays31To60;
  if (days_past_due <= 90) return AgingBucket::kDays61To90;
  return AgingBucket::kDaysOver90;
}

std::vector<AgingRow> AgeReceivables(const std::vector<InvoiceHistory>& invoices,
                                     absl::Time as_of) {
  std::map<std::pair<int64_t, std::string>, AgingRow> rows;
  for (const InvoiceHistory& invoice : invoices) {
    if (invoice.issue_time > as_of) continue;
    const int64_t balance = SaturatingSub(invoice.amount, PaidThrough(invoice, as_of));
    if (balance <= 0) continue;
    AgingRow& row = rows[{invoice.account_id, invoice.currency_code}];
    row.account_id = invoice.account_id;
    row.currency_code = invoice.currency_code;
    const int64_t days = DaysPastDue(invoice.due_time, as_of);
    const AgingBucket bucket = BucketOf(days);
    int64_t& slot = row.buckets[static_cast<int>(bucket)];
    slot = SaturatingAdd(slot, balance);
    row.total = SaturatingAdd(row.total, balance);
    if (bucket != AgingBucket::kCurrent) row.overdue = SaturatingAdd(row.overdue, balance);
    ++row.open_invoice_count;
    row.max_days_past_due = std::max(row.max_days_past_due, days);
  }
  std::vector<AgingRow> out;
  out.reserve(rows.size());
  for (auto& [key, row] : rows) out.push_back(std::move(row));
  return out;
}

}  // namespace kam::interaction::billing
