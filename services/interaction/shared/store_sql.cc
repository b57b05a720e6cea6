#include "services/interaction/shared/store_sql.h"

#include "services/interaction/shared/money_math.h"

namespace kam::interaction {

int64_t ReadSum(sql::ResultSet& rs, int column) {
  const sql::SQLString text = rs.getString(column);
  if (rs.wasNull()) return 0;
  return SaturatingParse(absl::string_view(text.c_str(), text.length()));
}

}  // namespace kam::interaction
