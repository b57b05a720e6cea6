#include "common/metrics/pool_metrics.h"

#include <string>
#include <vector>

#include "common/db/mysql_pool.h"
#include "common/metrics/registry.h"
#include "prometheus/metric_family.h"

namespace kam::common::metrics {
namespace {

prometheus::MetricFamily One(std::string name, std::string help, prometheus::MetricType type,
                             double value) {
  prometheus::ClientMetric metric;
  if (type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  return {std::move(name), std::move(help), type, {metric}};
}

}  // namespace

void ExportPool(ConnectionPool* pool) {
  AddSource([pool] {
    const ConnectionPool::Stats stats = pool->stats();
    constexpr auto kGauge = prometheus::MetricType::Gauge;
    constexpr auto kCounter = prometheus::MetricType::Counter;
    return std::vector<prometheus::MetricFamily>{
        One("kam_db_pool_size", "Connections the database pool may open.", kGauge, stats.size),
        One("kam_db_pool_connections_open", "Database connections open (leased and idle).", kGauge,
            stats.open),
        One("kam_db_pool_connections_in_use", "Database connections leased to calls.", kGauge,
            stats.in_use),
        One("kam_db_pool_waits_total", "Leases that found no connection free and waited.", kCounter,
            static_cast<double>(stats.waits)),
        One("kam_db_pool_wait_seconds_total", "Time spent waiting for a free connection.", kCounter,
            absl::ToDoubleSeconds(stats.waited)),
        One("kam_db_pool_timeouts_total",
            "Waits for a connection that ran out (answered RESOURCE_EXHAUSTED).", kCounter,
            static_cast<double>(stats.timeouts))};
  });
}

}  // namespace kam::common::metrics
