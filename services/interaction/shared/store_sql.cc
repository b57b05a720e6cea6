#include "services/interaction/shared/store_sql.h"

#include "common/base/proto_time.h"
#include "services/interaction/shared/money_math.h"

namespace kam::interaction {

int64_t ReadSum(sql::ResultSet& rs, int column) {
  const sql::SQLString text = rs.getString(column);
  if (rs.wasNull()) return 0;
  return SaturatingParse(absl::string_view(text.c_str(), text.length()));
}

std::vector<common::SqlValue> PaddedIds(const std::vector<int64_t>& ids,
                                        std::string* placeholders) {
  size_t size = 1;
  while (size < ids.size()) size *= 2;
  std::vector<common::SqlValue> values;
  values.reserve(size);
  for (int64_t id : ids) values.emplace_back(id);
  while (values.size() < size) values.emplace_back(ids.back());
  *placeholders = "?";
  for (size_t i = 1; i < size; ++i) placeholders->append(",?");
  return values;
}

absl::Status EqualityTerm(const common::FilterComparison& c, absl::string_view column,
                          const absl::StatusOr<common::SqlValue>& value, common::SqlFragment* out) {
  if (absl::Status s = common::OnlyEquality(c); !s.ok()) return s;
  if (!value.ok()) return value.status();
  absl::StrAppend(&out->sql, column, common::SqlOp(c.op), "?");
  out->params.push_back(*value);
  return absl::OkStatus();
}

absl::Status TimeTerm(const common::FilterComparison& c, absl::string_view column,
                      common::SqlFragment* out) {
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, c.value, &t, &error)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "filter value for ", c.field, " must be an RFC 3339 time like 2026-01-31T00:00:00Z"));
  }
  absl::StrAppend(&out->sql, column, common::SqlOp(c.op), "?");
  out->params.emplace_back(common::ToSqlDateTime(t));
  return absl::OkStatus();
}

}  // namespace kam::interaction
