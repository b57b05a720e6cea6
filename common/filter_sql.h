// A parsed AIP-160 filter (filter.h) as a SQL condition with bound values.
// Each store maps the comparisons of its own fields onto its columns; this
// does the part every store shares: AND and OR groups in parentheses, TRUE
// for an empty filter, and the operators' SQL. Builds text only: no I/O.
#ifndef KAM_COMMON_FILTER_SQL_H_
#define KAM_COMMON_FILTER_SQL_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/filter.h"
#include "common/mysql_pool.h"

namespace kam::common {

// A condition and the values of its `?`s, in order.
struct SqlFragment {
  std::string sql;
  std::vector<SqlValue> params;
};

// " = ", " <> ", " < ", " <= ", " > ", " >= ".
const char* SqlOp(FilterOp op);

// Appends one comparison's condition (and its values) to the fragment, or
// returns INVALID_ARGUMENT naming the field or value it cannot take.
using ComparisonToSql = std::function<absl::Status(const FilterComparison&, SqlFragment*)>;

// Appends the condition of `node` to `out`.
absl::Status FilterToSql(const FilterNode& node, const ComparisonToSql& comparison,
                         SqlFragment* out);

}  // namespace kam::common

#endif  // KAM_COMMON_FILTER_SQL_H_
