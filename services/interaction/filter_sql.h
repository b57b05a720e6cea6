// Turning a parsed AIP-160 filter (common/filter.h) into a SQL condition with
// bound values, for the case and survey listings. The caller maps each
// comparison onto its columns; this file does the joining and the value
// forms every field shares. Builds text only: no I/O.
#ifndef KAM_SERVICES_INTERACTION_FILTER_SQL_H_
#define KAM_SERVICES_INTERACTION_FILTER_SQL_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/filter.h"
#include "common/filter_sql.h"
#include "common/mysql_pool.h"

namespace kam::interaction::cases {

// The shared walk over AND and OR and the operators (common/filter_sql.h).
using common::FilterToSql;
using common::SqlFragment;
using common::SqlOp;

// INVALID_ARGUMENT unless the comparison is = or !=.
absl::Status OnlyEquality(const common::FilterComparison& c);


// For a true/false field: whether the rows wanted have it true (`x = true`
// and `x != false` want true). INVALID_ARGUMENT for other values or
// operators.
absl::StatusOr<bool> FilterWantsTrue(const common::FilterComparison& c);

// An RFC 3339 value as a DATETIME(6) literal for a bound parameter.
absl::StatusOr<std::string> FilterTime(const common::FilterComparison& c);

// An enum value given short ("OPEN") or in full ("CASE_STATUS_OPEN"); the
// zero (unspecified) value is refused.
template <typename Enum>
absl::StatusOr<int64_t> FilterEnum(const common::FilterComparison& c, absl::string_view prefix,
                                   bool (*parse)(const std::string&, Enum*)) {
  const std::string upper = absl::AsciiStrToUpper(c.value);
  Enum parsed;
  if ((parse(upper, &parsed) || parse(absl::StrCat(prefix, upper), &parsed)) &&
      static_cast<int>(parsed) != 0) {
    return static_cast<int64_t>(parsed);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("filter value \"", c.value.substr(0, 64), "\" is not a valid ", c.field));
}


}  // namespace kam::interaction::cases

#endif  // KAM_SERVICES_INTERACTION_FILTER_SQL_H_
