// The process's metrics: one Prometheus registry that every part of a
// service adds its metric families to (gRPC calls, the database pool, the
// service's own), plus sources read only when scraped, and their text
// exposition (what GET /metrics answers, exposer.h). Metrics are recorded
// whether or not --metrics_listen serves them: recording costs a few atomic
// adds, and the code that records needs no "is it on?".
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"
#include "prometheus/registry.h"

namespace kam::common::metrics {

// The process's registry; families are added to it once (at start-up or on
// first use) and never removed.
prometheus::Registry& Registry();

// Metric families computed when scraped from state kept elsewhere (the
// pool's counts under its own lock): the hot path records nothing for them.
using Source = std::function<std::vector<prometheus::MetricFamily>()>;
void AddSource(Source source);

// The registry and every source, as one collectable for the exposer.
std::shared_ptr<prometheus::Collectable> Everything();

// Everything in the Prometheus text format (version 0.0.4).
std::string TextExposition();

}  // namespace kam::common::metrics
