// A parsed AIP-160 filter (filter.h) as a SQL condition with bound values.
// Each store maps the comparisons of its own fields onto its columns; this
// does the part every store shares: AND and OR groups in parentheses, TRUE
// for an empty filter, the operators' SQL and the value forms many fields
// share (equality only, true/false, times, enums). Builds text only: no I/O.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/api/filter.h"
#include "common/db/mysql_pool.h"

namespace kam::common {

// A condition and the values of its `?`s, in order.
struct SqlFragment {
  std::string sql;
  std::vector<SqlValue> params;
};

// " = ", " <> ", " < ", " <= ", " > ", " >= ".
const char* SqlOp(FilterOp op);

// INVALID_ARGUMENT unless the comparison is = or !=.
absl::Status OnlyEquality(const FilterComparison& c);

// For a true/false field: whether the rows wanted have it true (`x = true`
// and `x != false` want true). INVALID_ARGUMENT for other values or
// operators.
absl::StatusOr<bool> FilterWantsTrue(const FilterComparison& c);

// An RFC 3339 value from year 1 to 9999 (ParseFilterTime) as a DATETIME(6)
// literal for a bound parameter.
absl::StatusOr<std::string> FilterTime(const FilterComparison& c);

// An enum value given short ("OPEN") or in full ("CASE_STATUS_OPEN"), in any
// case; the zero (unspecified) value is refused unless `accept_unspecified`.
// INVALID_ARGUMENT `filter value "<value>" is not a valid <field>` otherwise.
template <typename Enum>
absl::StatusOr<int64_t> FilterEnum(const FilterComparison& c, absl::string_view prefix,
                                   bool (*parse)(const std::string&, Enum*),
                                   bool accept_unspecified = false) {
  const std::string upper = absl::AsciiStrToUpper(c.value);
  Enum parsed{};
  if ((parse(upper, &parsed) || parse(absl::StrCat(prefix, upper), &parsed)) &&
      (accept_unspecified || static_cast<int>(parsed) != 0)) {
    return static_cast<int64_t>(parsed);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("filter value \"", c.value.substr(0, 64), "\" is not a valid ", c.field));
}

// `<column> = ?` or `<column> <> ?` bound to `value`, for a field that takes
// only equality (an enum, an id, a name): INVALID_ARGUMENT for another
// operator first, then `value`'s own error.
absl::Status EqualityTerm(const FilterComparison& c, absl::string_view column,
                          const absl::StatusOr<SqlValue>& value, SqlFragment* out);

// `<column> <op> ?` for a time field (FilterTime's value and errors).
absl::Status TimeTerm(const FilterComparison& c, absl::string_view column, SqlFragment* out);

// Appends one comparison's condition (and its values) to the fragment, or
// returns INVALID_ARGUMENT naming the field or value it cannot take.
using ComparisonToSql = std::function<absl::Status(const FilterComparison&, SqlFragment*)>;

// The condition of `node` ("TRUE" for the empty filter) as a fragment, or
// the first error of `comparison`.
absl::StatusOr<SqlFragment> FilterSql(const FilterNode& node, const ComparisonToSql& comparison);

}  // namespace kam::common
