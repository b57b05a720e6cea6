// Collection figures of one account over a period [start, end): revenue
// and gross profit invoiced, the payment collection rate (回款率) and days
// sales outstanding (DSO). docs/domain.md §1 lists the collection rate, revenue
// and profit among the rating criteria; §8 asks to track collection
// periods. The definitions, with worked examples, are on CollectionStats in
// protos/kam/interaction/v1/billing.proto:
//
//   collection_due       = sum over invoices with due_time < end of their
//                          balance at start (amount - paid before start)
//   collection_collected = sum over the same invoices of payments received
//                          in [start, end)
//   rate                 = collected / due, in basis points, half up
//   receivables_at_end   = sum over invoices issued before end of (amount -
//                          paid before end)
//   DSO                  = receivables_at_end / revenue x period days
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/time/time.h"
#include "services/interaction/billing/invoice_history.h"

namespace kam::interaction::billing {

struct CollectionFigures {
  int64_t invoiced_revenue = 0;  // amounts of invoices issued in the period
  int64_t invoiced_cost = 0;     // their costs
  int64_t gross_profit = 0;      // revenue - cost
  int invoice_count = 0;         // invoices issued in the period
  int64_t collection_due = 0;
  int64_t collection_collected = 0;
  std::optional<int64_t> collection_rate_basis_points;  // unset when due is 0
  int64_t receivables_at_end = 0;
  int64_t overdue_at_end = 0;  // part of receivables_at_end with due_time < end
  double period_days = 0;
  std::optional<double> days_sales_outstanding;  // unset when revenue is 0
};

// numerator / denominator x 10000, rounded half up; unset when the
// denominator is 0 or less. Exact for every int64 input.
std::optional<int64_t> RatioBasisPoints(int64_t numerator, int64_t denominator);

// receivables / revenue x period (in days); unset when revenue is 0 or
// less or the period is not positive.
std::optional<double> DaysSalesOutstanding(int64_t receivables, int64_t revenue,
                                           absl::Duration period);

// Every figure from the account's non-void invoices in one currency (those
// that cannot contribute, settled before start or issued at or after end,
// may be left out or given; they change nothing).
CollectionFigures ComputeCollectionFigures(const std::vector<InvoiceHistory>& invoices,
                                           absl::Time start, absl::Time end);

}  // namespace kam::interaction::billing
