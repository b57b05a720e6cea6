// SQL helpers the interaction areas' MySQL stores share (and only they: this
// header pulls in Connector/C++); what every service's stores share is in
// common/db (row_reader.h, queries.h, filter_sql.h).
#ifndef KAM_SERVICES_INTERACTION_SHARED_STORE_SQL_H_
#define KAM_SERVICES_INTERACTION_SHARED_STORE_SQL_H_

#include <cppconn/resultset.h>

#include <cstdint>

#include "absl/status/statusor.h"

namespace kam::interaction {

// A SUM(...) of BIGINT minor units: DECIMAL text, possibly beyond int64,
// clamped to int64 (shared/money_math.h: SaturatingParse); NULL is 0.
int64_t ReadSum(sql::ResultSet& rs, int column);

}  // namespace kam::interaction

#endif  // KAM_SERVICES_INTERACTION_SHARED_STORE_SQL_H_
