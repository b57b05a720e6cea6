// Receivables ageing (docs/domain.md §8: track overdue amounts): open balances
// bucketed by days past due, current / 1-30 / 31-60 / 61-90 / over 90.
//
// Days past due at `as_of` are the time since due_time in days, rounded up:
// not yet due or due exactly at as_of is 0 ("current"); 1 microsecond to 24
// hours late is 1 day; 30 days late exactly is 30 (1-30), a moment more is
// 31 (31-60). So "overdue" means as_of > due_time, the same test the
// invoice listing's `overdue` filter uses.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "services/interaction/billing/invoice_history.h"

namespace kam::interaction::billing {

// issue_time + payment_terms_days x 24 h (payment terms of the account at
// issue time; the account service bounds them to 0..365).
absl::Time DueTime(absl::Time issue_time, int payment_terms_days);

// Whole days past due at `as_of`, rounded up; 0 when not yet overdue.
int64_t DaysPastDue(absl::Time due_time, absl::Time as_of);

enum class AgingBucket { kCurrent = 0, kDays1To30, kDays31To60, kDays61To90, kDaysOver90 };
inline constexpr int kAgingBucketCount = 5;

// current: 0; 1-30; 31-60; 61-90; over 90: 91 and more.
AgingBucket BucketOf(int64_t days_past_due);

// One account's balances in one currency.
struct AgingRow {
  int64_t account_id = 0;
  std::string currency_code;
  std::array<int64_t, kAgingBucketCount> buckets{};  // indexed by AgingBucket
  int64_t total = 0;
  int64_t overdue = 0;  // every bucket but current
  int open_invoice_count = 0;
  int64_t max_days_past_due = 0;
};

// Ages `invoices` (non-void) at `as_of`: an invoice counts when it was
// issued at or before as_of and its balance then (amount less payments
// received at or before as_of) is positive. One row per (account,
// currency) with a balance, ordered by account id, then currency.
std::vector<AgingRow> AgeReceivables(const std::vector<InvoiceHistory>& invoices, absl::Time as_of);

}  // namespace kam::interaction::billing
