#include "services/scoring/rules/clv.h"

#include <cstdint>
#include <limits>

#include "absl/numeric/int128.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "common/api/validation.h"
#include "common/base/status_macros.h"
#include "services/scoring/rules/arithmetic.h"
#include "services/scoring/rules/checks.h"

namespace kam::scoring::rules {
namespace {

bool FitsInt64(absl::int128 value) {
  return value >= std::numeric_limits<int64_t>::min() &&
         value <= std::numeric_limits<int64_t>::max();
}

absl::Status NotInt64(absl::string_view what, absl::int128 value) {
  // absl::int128 has no StrCat overload; the sign and magnitude suffice.
  return absl::OutOfRangeError(absl::StrCat(
      what, " does not fit in 64-bit minor units (it is ", value < 0 ? "below " : "above ",
      value < 0 ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max(), ")"));
}

}  // namespace

absl::Status ValidateClvInput(const ClvInput& input) {
  return FirstError({
      common::CheckRange("yearly_churn_rate_bp", input.yearly_churn_rate_bp, 1,
                         kBasisPointsPerUnit),
      CheckNonNegative("acquisition_cost_minor", input.acquisition_cost_minor),
      CheckNonNegative("yearly_retention_cost_minor", input.yearly_retention_cost_minor),
      common::CheckRange("yearly_discount_rate_bp", input.yearly_discount_rate_bp, 0,
                         kBasisPointsPerUnit),
  });
}

absl::StatusOr<int64_t> ComputeClv(const ClvInput& input) {
  KAM_RETURN_IF_ERROR(ValidateClvInput(input));
  // Everything in basis points so the whole formula is one exact fraction:
  //   m (1 + d) / (d + c) - A  =  (m (10000 + d_bp) - A (d_bp + c_bp)) / (d_bp + c_bp)
  const absl::int128 margin =
      absl::int128(input.yearly_profit_minor) - input.yearly_retention_cost_minor;
  const absl::int128 denominator =
      absl::int128(input.yearly_discount_rate_bp) + input.yearly_churn_rate_bp;
  const absl::int128 numerator = margin * (kBasisPointsPerUnit + input.yearly_discount_rate_bp) -
                                 absl::int128(input.acquisition_cost_minor) * denominator;
  const absl::int128 clv = DivideRoundHalfAway(numerator, denominator);
  if (!FitsInt64(clv)) return NotInt64("the CLV", clv);
  return static_cast<int64_t>(clv);
}

absl::StatusOr<int64_t> CustomerEquity::Total() const {
  if (!FitsInt64(sum_)) return NotInt64("the customer equity", sum_);
  return static_cast<int64_t>(sum_);
}

absl::StatusOr<int64_t> SumCustomerEquity(absl::Span<const int64_t> clv_minor) {
  CustomerEquity equity;
  for (int64_t clv : clv_minor) equity.Add(clv);
  return equity.Total();
}

}  // namespace kam::scoring::rules
