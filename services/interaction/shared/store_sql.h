// SQL helpers the interaction areas' MySQL stores share (and only they: this
// header pulls in Connector/C++). Row readers and bound values of the common
// kinds are in common/db/row_reader.h.
#ifndef KAM_SERVICES_INTERACTION_SHARED_STORE_SQL_H_
#define KAM_SERVICES_INTERACTION_SHARED_STORE_SQL_H_

#include <cppconn/resultset.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/api/filter.h"
#include "common/db/filter_sql.h"
#include "common/db/mysql_pool.h"
#include "common/db/row_reader.h"
#include "common/db/transaction.h"

namespace kam::interaction {

// common::ReadCreatedByRequest on a connection of `pool`: the row a create
// with `request_id` made (read with `read(rs)`) and that request's hash;
// nullopt when none did. `context` as for common::WithConnection.
template <typename Read>
auto FindCreatedByRequest(common::ConnectionPool& pool, absl::string_view context,
                          const std::string& select, const std::string& request_id, Read read)
    -> absl::StatusOr<decltype(common::ReadCreatedByRequest(std::declval<common::SqlConnection&>(),
                                                            select, request_id, read))> {
  using Found = decltype(common::ReadCreatedByRequest(std::declval<common::SqlConnection&>(),
                                                      select, request_id, read));
  return common::ReadWithConnection<Found>(pool, context, [&](common::SqlConnection& c) -> Found {
    return common::ReadCreatedByRequest(c, select, request_id, read);
  });
}

// A SUM(...) of BIGINT minor units: DECIMAL text, possibly beyond int64,
// clamped to int64 (shared/money_math.h: SaturatingParse); NULL is 0.
int64_t ReadSum(sql::ResultSet& rs, int column);

// `ids` (not empty) padded to the next size in 1, 2, 4, ... by repeating
// the last id, and `*placeholders` set to "?,?,...", so that IN (...) lists
// of any length share a few prepared statements per connection.
std::vector<common::SqlValue> PaddedIds(const std::vector<int64_t>& ids, std::string* placeholders);

// The SQL of one filter comparison (common/db/filter_sql.h), the kinds every
// List of the interaction areas takes:
//
// `<column> = ?` or `<column> != ?` bound to `value`, for fields that take
// only equality (an enum, an id, a name). INVALID_ARGUMENT for another
// operator first, then `value`'s own error.
absl::Status EqualityTerm(const common::FilterComparison& c, absl::string_view column,
                          const absl::StatusOr<common::SqlValue>& value, common::SqlFragment* out);
// `<column> <op> ?` for a time field, whose value must be an RFC 3339 time:
// INVALID_ARGUMENT "filter value for <field> must be an RFC 3339 time like
// 2026-01-31T00:00:00Z" otherwise.
absl::Status TimeTerm(const common::FilterComparison& c, absl::string_view column,
                      common::SqlFragment* out);

// A filter's enum value given short ("CALL") or in full
// ("ACTIVITY_KIND_CALL"), any case, as its number. `prefix` is the enum's
// value prefix, `parse` its generated X_Parse. The UNSPECIFIED value (0) is
// accepted only when `accept_unspecified`. INVALID_ARGUMENT
// `filter value "<value>" is not a valid <field>` otherwise.
template <typename Enum>
absl::StatusOr<int64_t> ParseFilterEnum(absl::string_view field, absl::string_view value,
                                        absl::string_view prefix,
                                        bool (*parse)(const std::string&, Enum*),
                                        bool accept_unspecified) {
  const std::string upper = absl::AsciiStrToUpper(value);
  Enum parsed;
  if ((parse(upper, &parsed) || parse(absl::StrCat(prefix, upper), &parsed)) &&
      (accept_unspecified || static_cast<int>(parsed) != 0)) {
    return static_cast<int64_t>(parsed);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("filter value \"", value.substr(0, 64), "\" is not a valid ", field));
}

}  // namespace kam::interaction

#endif  // KAM_SERVICES_INTERACTION_SHARED_STORE_SQL_H_
