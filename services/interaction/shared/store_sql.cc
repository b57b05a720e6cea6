#include "services/interaction/shared/store_sql.h"

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

}  // namespace kam::interaction
