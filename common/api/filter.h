// The AIP-160 filter subset every List method accepts.
//
// Grammar (keywords upper case, as in AIP-160; OR binds tighter than AND, so
// `a = 1 AND b = 2 OR b = 3` means `a = 1 AND (b = 2 OR b = 3)`):
//
//   filter     := and_expr
//   and_expr   := or_expr { "AND" or_expr }
//   or_expr    := factor { "OR" factor }
//   factor     := comparison | "(" and_expr ")"
//   comparison := field op value
//   field      := name { "." segment }      name: [A-Za-z_][A-Za-z0-9_]*
//                                           segment: [A-Za-z0-9_-]+
//   op         := "=" | "!=" | "<" | "<=" | ">" | ">="
//   value      := quoted | bare
//   quoted     := '"' ... '"' or "'" ... "'" with \" \' \\ escapes
//   bare       := one or more characters other than white space, quotes,
//                 "(", ")", "=", "!", "<", ">"
//
// Limits: 4096 bytes of text, 64 comparisons, 8 levels of parentheses.
// The parser knows nothing of fields; each service maps comparisons onto its
// columns and rejects fields and operators it does not support.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kam::common {

enum class FilterOp { kEq, kNe, kLt, kLe, kGt, kGe };

// "=", "!=", "<", ...
absl::string_view FilterOpText(FilterOp op);

// One `field op value`.
struct FilterComparison {
  std::string field;  // e.g. "tier", "labels.region"
  FilterOp op = FilterOp::kEq;
  std::string value;  // unquoted and unescaped
};

// A node of the parsed expression.
struct FilterNode {
  enum class Kind { kAnd, kOr, kComparison };
  Kind kind = Kind::kComparison;
  std::vector<FilterNode> children;  // kAnd, kOr: two or more (none for
                                     // the kAnd of an empty filter)
  FilterComparison comparison;       // kComparison
};

// Parses `text`. Empty or all-space text gives an empty kAnd node (no
// condition). Errors are INVALID_ARGUMENT starting with "filter " and saying
// what was expected and at which character offset.
absl::StatusOr<FilterNode> ParseFilter(absl::string_view text);

// The value of a comparison on a time field: an RFC 3339 time
// ("2026-01-31T00:00:00Z", any offset, any fraction) from year 1 to 9999
// (time_range.h). INVALID_ARGUMENT "filter value for <field> must be an RFC
// 3339 time like 2026-01-31T00:00:00Z" when it is not one, "filter value for
// <field> must be a time from year 1 to 9999 (got ...)" when it is out of
// range: such a bound would otherwise be stored as another year and select
// the wrong rows.
absl::StatusOr<absl::Time> ParseFilterTime(const FilterComparison& comparison);

}  // namespace kam::common
