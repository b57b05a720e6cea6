#include "common/api/order_by.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/api/validation.h"

namespace kam::common {

absl::StatusOr<OrderBy> ParseOrderBy(absl::string_view order_by,
                                     std::initializer_list<absl::string_view> fields) {
  const std::vector<absl::string_view> words =
      absl::StrSplit(order_by, absl::ByAnyChar(" \t"), absl::SkipEmpty());
  OrderBy order;
  if (words.empty()) return order;
  const absl::Status invalid = InvalidField(
      "order_by", absl::StrCat("must be one of ", absl::StrJoin(fields, ", "),
                               ", optionally followed by \" desc\" (got \"",
                               order_by.substr(0, 64), "\")"));
  if (words.size() > 2) return invalid;
  for (absl::string_view field : fields) {
    if (words[0] == field) order.field = std::string(field);
  }
  if (order.field.empty()) return invalid;
  if (words.size() == 2) {
    const std::string direction = absl::AsciiStrToLower(words[1]);
    if (direction != "asc" && direction != "desc") return invalid;
    order.descending = direction == "desc";
  }
  return order;
}

}  // namespace kam::common
