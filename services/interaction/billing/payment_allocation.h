// How a payment is applied to invoices (docs/domain.md §8: big customers pay the
// last order when placing the next, so what each payment settled must be
// recorded). Either the caller says which invoices a payment pays, or it
// goes to the account's open invoices oldest due first.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace kam::interaction::billing {

// An OPEN invoice of the paying account, in the payment's currency.
struct OpenBalance {
  int64_t invoice_id = 0;
  int64_t balance = 0;  // amount - paid, > 0
  absl::Time due_time;
  absl::Time issue_time;
};

// Part of a payment applied to one invoice.
struct Allocation {
  int64_t invoice_id = 0;
  int64_t amount = 0;
};

// Applies `amount` to `open` oldest due first (then oldest issued, then
// lowest id), paying each invoice in full before the next. A payment larger
// than the total open balance is FAILED_PRECONDITION giving both figures
// (no unapplied credit is kept); `amount` must be > 0.
absl::StatusOr<std::vector<Allocation>> AllocateOldestDueFirst(int64_t amount,
                                                               std::vector<OpenBalance> open);

// Checks allocations the caller chose against the invoices' balances:
// `requested` was validated for shape already (ValidateAllocationShape:
// positive amounts, distinct invoices, summing to the payment), and `open`
// holds the current balance of every requested invoice that is OPEN. An
// invoice missing from `open`, or an allocation above its balance, is
// FAILED_PRECONDITION naming payment.allocations[i].
absl::Status CheckAllocationsAgainstBalances(const std::vector<Allocation>& requested,
                                             const std::vector<OpenBalance>& open);

}  // namespace kam::interaction::billing
