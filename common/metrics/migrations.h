// The schema's migrations (common/db/migrator.h), once applied at start-up:
//   kam_migrations_applied   migrations the schema holds (every one this
//                            binary carries; 0 until they are applied)
//   kam_schema_version       the highest of their versions
#pragma once

#include <vector>

#include "common/db/migrator.h"

namespace kam::common::metrics {

// Called once `migrations` are all applied (readiness.h).
void ReportMigrations(const std::vector<Migration>& migrations);

}  // namespace kam::common::metrics
