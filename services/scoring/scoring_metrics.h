// The scoring service's own metrics (docs/metrics.md), recorded by one line
// where the work happens:
//   kam_rating_run_phase{phase}          1 for what this replica's runner is
//                                        doing: idle, rating, publishing
//   kam_rating_run_accounts_total        accounts of the run in hand (known
//                                        once pass 1 has ranked them)
//   kam_rating_run_accounts_rated        of those, rated so far (pass 2)
//   kam_rating_run_accounts_published    of those, tiers published so far
//   kam_rating_publish_lag_seconds       from the end of rating to the last
//                                        tiers published (grows while the
//                                        account service keeps them waiting)
//   kam_rating_runs_total{state}         runs this replica ended, by state
//                                        (SUCCEEDED, FAILED, CANCELLED;
//                                        RELEASED: given back at shutdown)
//   kam_alert_watchers                   WatchAlerts streams open
#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "kam/scoring/v1/rating.pb.h"

namespace prometheus {
class Counter;
class Gauge;
template <typename T>
class Family;
}  // namespace prometheus

namespace kam::scoring {

class RatingRunMetrics {
 public:
  RatingRunMetrics();
  // The run's figures as they stand (its state, accounts, published).
  void Progress(const v1::RatingRun& run);
  // The run ended here in `state`; the runner is idle again.
  void Ended(const v1::RatingRun& run, absl::string_view state);

 private:
  void SetPhase(int phase);
  prometheus::Gauge* phases_[3];
  prometheus::Gauge* total_;
  prometheus::Gauge* rated_;
  prometheus::Gauge* published_;
  prometheus::Gauge* publish_lag_;
  prometheus::Family<prometheus::Counter>* runs_;
  absl::Mutex mu_;
  std::string publishing_run_ ABSL_GUARDED_BY(mu_);  // whose publication started at
  absl::Time publishing_since_ ABSL_GUARDED_BY(mu_);
};

// The process's (made on first use).
RatingRunMetrics& RunMetrics();
// A watch opened (+1) or closed (-1).
void AlertWatchers(int change);

// Makes the series above exist (idle, 0) before the first run or watch, so
// a dashboard shows them from the start; the module calls it once.
void RegisterScoringMetrics();

}  // namespace kam::scoring
