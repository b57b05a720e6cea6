#include "common/metrics/migrations.h"

#include <algorithm>

#include "common/metrics/registry.h"
#include "prometheus/gauge.h"

namespace kam::common::metrics {

void ReportMigrations(const std::vector<Migration>& migrations) {
  static auto* applied = &prometheus::BuildGauge()
                              .Name("kam_migrations_applied")
                              .Help(
                                  "Schema migrations applied (all this binary carries, once "
                                  "the service is ready).")
                              .Register(Registry())
                              .Add({});
  static auto* version = &prometheus::BuildGauge()
                              .Name("kam_schema_version")
                              .Help("The highest schema migration version applied.")
                              .Register(Registry())
                              .Add({});
  int highest = 0;
  for (const Migration& migration : migrations) highest = std::max(highest, migration.version);
  applied->Set(static_cast<double>(migrations.size()));
  version->Set(highest);
}

}  // namespace kam::common::metrics
