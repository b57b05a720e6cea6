#include "services/interaction/billing/collection_stats.h"

#include <limits>

#include "absl/numeric/int128.h"
#include "services/interaction/shared/money_math.h"

namespace kam::interaction::billing {

namespace {

// floor(n / d) for d > 0 (C++ division truncates towards zero).
absl::int128 FloorDiv(absl::int128 n, absl::int128 d) {
  absl::int128 q = n / d;
  if (n % d != 0 && n < 0) q -= 1;
  return q;
}

int64_t Clamp(absl::int128 v) {
  if (v > std::numeric_limits<int64_t>::max()) return std::numeric_limits<int64_t>::max();
  if (v < std::numeric_limits<int64_t>::min()) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

}  // namespace

std::optional<int64_t> RatioBasisPoints(int64_t numerator, int64_t denominator) {
  if (denominator <= 0) return std::nullopt;
  // n/d x 10000 rounded half up = floor((20000 n + d) / (2 d)).
  return Clamp(FloorDiv(absl::int128(numerator) * 20000 + denominator,
                        absl::int128(denominator) * 2));
}

std::optional<double> DaysSalesOutstanding(int64_t receivables, int64_t revenue,
                                           absl::Duration period) {
  if (revenue <= 0 || period <= absl::ZeroDuration()) return std::nullopt;
  // receivables x period / (revenue x 1 day), in exact integers (micro-
  // seconds) first: whole days plus the remainder's fraction, so results
  // such as 1500 / 3100 x 31 = 15 come out exact.
  constexpr int64_t kDayMicros = int64_t{86400} * 1000000;
  const absl::int128 num = absl::int128(receivables) * absl::ToInt64Microseconds(period);
  const absl::int128 den = absl::int128(revenue) * kDayMicros;
  const absl::int128 whole = FloorDiv(num, den);
  const absl::int128 rest = num - whole * den;  // 0 <= rest < den
  return static_cast<double>(whole) + static_cast<double>(rest) / static_cast<double>(den);
}

CollectionFigures ComputeCollectionFigures(const std::vector<InvoiceHistory>& invoices,
                                           absl::Time start, absl::Time end) {
  CollectionFigures f;
  for (const InvoiceHistory& invoice : invoices) {
    if (invoice.issue_time >= start && invoice.issue_time < end) {
      f.invoiced_revenue = SaturatingAdd(f.invoiced_revenue, invoice.amount);
      f.invoiced_cost = SaturatingAdd(f.invoiced_cost, invoice.cost);
      ++f.invoice_count;
    }
    if (invoice.due_time < end) {
      const int64_t paid_before = PaidBefore(invoice, start);
      const int64_t paid_by_end = PaidBefore(invoice, end);
      f.collection_due = SaturatingAdd(f.collection_due, SaturatingSub(invoice.amount, paid_before));
      f.collection_collected =
          SaturatingAdd(f.collection_collected, SaturatingSub(paid_by_end, paid_before));
    }
    if (invoice.issue_time < end) {
      const int64_t owed = SaturatingSub(invoice.amount, PaidBefore(invoice, end));
      if (owed > 0) {
        f.receivables_at_end = SaturatingAdd(f.receivables_at_end, owed);
        if (invoice.due_time < end) f.overdue_at_end = SaturatingAdd(f.overdue_at_end, owed);
      }
    }
  }
  f.gross_profit = SaturatingSub(f.invoiced_revenue, f.invoiced_cost);
  f.collection_rate_basis_points = RatioBasisPoints(f.collection_collected, f.collection_due);
  f.period_days = absl::FDivDuration(end - start, absl::Hours(24));
  f.days_sales_outstanding =
      DaysSalesOutstanding(f.receivables_at_end, f.invoiced_revenue, end - start);
  return f;
}

}  // namespace kam::interaction::billing
