// Customer lifetime value and customer equity (docs/domain.md §3). Pure: no I/O.
//
// CLV = profit over the predicted relationship - the cost to attract, sell to
// and serve the customer. With yearly churn rate c the relationship lasts
// 1 / c years on average, so without discounting
//
//   CLV = (profit - retention cost) / c - acquisition cost
//
// which reproduces the worked example of §3 exactly: 10% churn, 100 a year,
// 75 to acquire -> 925; a retention programme of 20 a year at 5% churn ->
// 1525 (the programme adds 600 per customer).
//
// With a yearly discount rate d the closed form is the geometric series of
// margins received at the start of each year the customer is still there
// (retention r = 1 - c), discounted at d (Gupta & Lehmann, "Customers as
// assets", J. Interactive Marketing 17(1), 2003, margin-at-the-start-of-the-
// year variant; also Gupta, Lehmann & Stuart, JMR 41(1), 2004):
//
//   CLV = sum_{t>=0} m r^t / (1 + d)^t - A = m (1 + d) / (d + c) - A
//
// with m = profit - retention cost and A = acquisition cost. At d = 0 it is
// m / c - A: the undiscounted form above, exactly (sum_{t>=0} (1-c)^t = 1/c
// is also why "1 / churn" is the expected number of years).
//
// Arithmetic is exact: in basis points the value is the rational number
//   (m (10000 + d) - A (d + c)) / (d + c)
// computed in 128-bit integers (|m| < 2^64 and every factor < 2^15, so no
// intermediate can overflow) and rounded once, half away from zero, to minor
// units. A result outside int64 is OUT_OF_RANGE rather than a wrapped value:
// at 0.01% churn that takes a margin above about 9.2e14 minor units a year.
#pragma once

#include <cstdint>

#include "absl/numeric/int128.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace kam::scoring::rules {

// 100% in basis points.
inline constexpr int32_t kBasisPointsPerUnit = 10000;

// The figures of one customer. Money is integer minor units of one currency.
struct ClvInput {
  // Profit the customer brings a year, before retention cost; may be negative.
  int64_t yearly_profit_minor = 0;
  // Share of customers lost a year, 1 to 10000 basis points (0.01% to 100%).
  int32_t yearly_churn_rate_bp = 0;
  // One-off cost to win the customer, >= 0.
  int64_t acquisition_cost_minor = 0;
  // Yearly cost of keeping the customer (a retention programme), >= 0.
  int64_t yearly_retention_cost_minor = 0;
  // Yearly discount rate, 0 to 10000 basis points; 0 turns discounting off.
  int32_t yearly_discount_rate_bp = 0;
};

// OK, or INVALID_ARGUMENT naming the field ("yearly_churn_rate_bp must be
// between 1 and 10000 (got 0)").
absl::Status ValidateClvInput(const ClvInput& input);

// The CLV in minor units, rounded half away from zero (see the file comment).
//   INVALID_ARGUMENT: as ValidateClvInput.
//   OUT_OF_RANGE: the value does not fit in int64 minor units.
absl::StatusOr<int64_t> ComputeClv(const ClvInput& input);

// Customer equity: the sum of the customers' CLVs (docs/domain.md §3). Add as
// many values as needed (the running sum is 128-bit and cannot overflow
// before 2^64 additions); Total checks the result fits.
class CustomerEquity {
 public:
  void Add(int64_t clv_minor) {
    sum_ += clv_minor;
    ++count_;
  }
  int64_t count() const { return count_; }
  // The sum; OUT_OF_RANGE when it does not fit in int64 minor units.
  absl::StatusOr<int64_t> Total() const;

 private:
  absl::int128 sum_ = 0;
  int64_t count_ = 0;
};

// Sum of `clv_minor`; 0 for none; OUT_OF_RANGE as CustomerEquity::Total.
absl::StatusOr<int64_t> SumCustomerEquity(absl::Span<const int64_t> clv_minor);

}  // namespace kam::scoring::rules
