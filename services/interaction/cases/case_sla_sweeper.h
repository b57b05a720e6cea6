// The SLA breach sweeper: escalates every open case whose first-response or
// resolution target is breached, once per breach (what that does to a case:
// case_sla_breach.h). Runs on a background thread every interval, and on
// demand (RunSlaSweep).
//
// Safe with many replicas sweeping at once: each batch locks its rows with
// SELECT ... FOR UPDATE SKIP LOCKED inside one transaction and marks the
// breach escalated in the same transaction, so a second sweeper either skips
// the locked rows or, once they are committed, no longer finds them.
#pragma once

#include <atomic>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/interaction/cases/case_sla_clock.h"
#include "services/interaction/cases/case_store.h"

namespace kam::interaction::cases {

struct SweepResult {
  int breaches = 0;     // breaches acted on
  int escalations = 0;  // of those, the ones that raised a level
};

class SlaSweeper {
 public:
  SlaSweeper(CaseStore* store, absl::Duration interval);
  ~SlaSweeper();  // stops the thread

  // One sweep now, on the calling thread (which must be set up for MySQL
  // when the store is MySqlCaseStore).
  // Returns early, with what it did so far, when Stop() is called.
  absl::StatusOr<SweepResult> SweepOnce();

  // Starts the background thread: a sweep at once, then one every interval.
  // Idempotent.
  void Start();
  // Stops it: a sweep in progress ends after its current batch (one short
  // transaction). Idempotent; safe when Start() was never called.
  void Stop();

 private:
  void Run();
  // One batch of at most kBatch cases for `target`; adds to `result`.
  // Returns how many cases it found.
  absl::StatusOr<int> SweepBatch(SlaTarget target, absl::Time now, SweepResult* result);

  static constexpr int kBatch = 100;

  CaseStore* const store_;
  const absl::Duration interval_;
  std::atomic<bool> stop_requested_{false};
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // Start (readiness thread) and Stop (main thread) may run on different
  // threads: lifecycle_mu_ orders them. Never held with mu_ by Run.
  absl::Mutex lifecycle_mu_;
  std::thread thread_ ABSL_GUARDED_BY(lifecycle_mu_);
};

}  // namespace kam::interaction::cases
