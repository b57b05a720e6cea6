#include "services/interaction/cases/sla_metrics.h"

#include "absl/time/clock.h"
#include "common/metrics/registry.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "services/interaction/cases/case_sla_sweeper.h"

namespace kam::interaction::cases {
namespace {

struct SlaMetrics {
  SlaMetrics() {
    prometheus::Registry& registry = common::metrics::Registry();
    auto& sweeps = prometheus::BuildCounter()
                       .Name("kam_sla_sweeps_total")
                       .Help("SLA breach sweeps, by result.")
                       .Register(registry);
    ok = &sweeps.Add({{"result", "ok"}});
    failed = &sweeps.Add({{"result", "failed"}});
    breaches = &prometheus::BuildCounter()
                    .Name("kam_sla_breaches_total")
                    .Help("SLA breaches the sweeps acted on.")
                    .Register(registry)
                    .Add({});
    escalations = &prometheus::BuildCounter()
                       .Name("kam_sla_escalations_total")
                       .Help("Breaches acted on that raised a case's escalation level.")
                       .Register(registry)
                       .Add({});
    last_sweep = &prometheus::BuildGauge()
                      .Name("kam_sla_last_sweep_timestamp_seconds")
                      .Help("When the last SLA sweep succeeded (Unix time).")
                      .Register(registry)
                      .Add({});
  }
  prometheus::Counter* ok;
  prometheus::Counter* failed;
  prometheus::Counter* breaches;
  prometheus::Counter* escalations;
  prometheus::Gauge* last_sweep;
};

}  // namespace

void RecordSweep(const SweepResult* result) {
  static auto* metrics = new SlaMetrics();
  if (result == nullptr) {
    metrics->failed->Increment();
    return;
  }
  metrics->ok->Increment();
  metrics->breaches->Increment(result->breaches);
  metrics->escalations->Increment(result->escalations);
  metrics->last_sweep->Set(absl::ToDoubleSeconds(absl::Now() - absl::UnixEpoch()));
}

}  // namespace kam::interaction::cases
