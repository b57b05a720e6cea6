// The SLA sweeper's metrics (docs/metrics.md), recorded by one line where a
// sweep ends (case_sla_sweeper.cc):
//   kam_sla_sweeps_total{result}            sweeps, "ok" or "failed"
//   kam_sla_breaches_total                  breaches the sweeps acted on
//   kam_sla_escalations_total               of those, the ones that raised a level
//   kam_sla_last_sweep_timestamp_seconds    when the last sweep succeeded (Unix)
#pragma once

namespace kam::interaction::cases {

struct SweepResult;

// A sweep ended: with `result` (null: it failed).
void RecordSweep(const SweepResult* result);

}  // namespace kam::interaction::cases
