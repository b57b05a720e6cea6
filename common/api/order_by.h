// order_by of a List request (AIP-132), one field: "<field>", "<field> asc"
// or "<field> desc". Listings always break ties by id, so pages are stable.
#pragma once

#include <initializer_list>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kam::common {

struct OrderBy {
  std::string field;  // empty: the listing's own order (by id)
  bool descending = false;
};

// `fields` are the fields the listing can be ordered by. Empty text is the
// listing's own order. INVALID_ARGUMENT "order_by must be one of a, b, c,
// optionally followed by " desc" (got "...")" for anything else.
absl::StatusOr<OrderBy> ParseOrderBy(absl::string_view order_by,
                                     std::initializer_list<absl::string_view> fields);

}  // namespace kam::common
