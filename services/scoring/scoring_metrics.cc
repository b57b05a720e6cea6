#include "services/scoring/scoring_metrics.h"

#include <string>

#include "absl/time/clock.h"
#include "common/metrics/registry.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"

namespace kam::scoring {
namespace {

constexpr int kIdle = 0;
constexpr int kRating = 1;
constexpr int kPublishing = 2;
constexpr const char* kPhaseNames[] = {"idle", "rating", "publishing"};

prometheus::Gauge* Gauge(const char* name, const char* help) {
  return &prometheus::BuildGauge()
              .Name(name)
              .Help(help)
              .Register(common::metrics::Registry())
              .Add({});
}

}  // namespace

RatingRunMetrics::RatingRunMetrics()
    : total_(Gauge("kam_rating_run_accounts_total",
                   "Accounts of the rating run in hand (known once pass 1 has ranked them).")),
      rated_(Gauge("kam_rating_run_accounts_rated", "Accounts of the run in hand rated so far.")),
      published_(Gauge("kam_rating_run_accounts_published",
                       "Accounts of the run in hand whose tiers are published so far.")),
      publish_lag_(Gauge("kam_rating_publish_lag_seconds",
                         "From the end of the run's rating to its last tiers published.")),
      runs_(&prometheus::BuildCounter()
                 .Name("kam_rating_runs_total")
                 .Help("Rating runs this replica ended, by how they ended.")
                 .Register(common::metrics::Registry())) {
  auto& phases = prometheus::BuildGauge()
                     .Name("kam_rating_run_phase")
                     .Help("1 for what this replica's rating runner is doing.")
                     .Register(common::metrics::Registry());
  for (int phase : {kIdle, kRating, kPublishing}) {
    phases_[phase] = &phases.Add({{"phase", kPhaseNames[phase]}});
  }
  SetPhase(kIdle);
}

void RatingRunMetrics::SetPhase(int phase) {
  for (int p : {kIdle, kRating, kPublishing}) phases_[p]->Set(p == phase ? 1 : 0);
}

void RatingRunMetrics::Progress(const v1::RatingRun& run) {
  const bool publishing = run.state() == v1::RUN_STATE_PUBLISHING;
  SetPhase(publishing ? kPublishing : kRating);
  total_->Set(static_cast<double>(run.accounts_total()));
  rated_->Set(static_cast<double>(run.accounts_processed()));
  published_->Set(static_cast<double>(run.accounts_published()));
  if (!publishing) return;
  absl::MutexLock lock(&mu_);
  // The first sight of this run publishing is when its rating ended (or
  // when this replica resumed its publication).
  if (publishing_run_ != run.name()) {
    publishing_run_ = run.name();
    publishing_since_ = absl::Now();
  }
  publish_lag_->Set(absl::ToDoubleSeconds(absl::Now() - publishing_since_));
}

void RatingRunMetrics::Ended(const v1::RatingRun& run, absl::string_view state) {
  if (state == "SUCCEEDED") Progress(run);  // the last figures and lag
  runs_->Add({{"state", std::string(state)}}).Increment();
  SetPhase(kIdle);
}

RatingRunMetrics& RunMetrics() {
  static auto* metrics = new RatingRunMetrics();
  return *metrics;
}

void AlertWatchers(int change) {
  static auto* watchers = Gauge("kam_alert_watchers", "WatchAlerts streams open.");
  watchers->Increment(change);
}

void RegisterScoringMetrics() {
  RunMetrics();
  AlertWatchers(0);
}

}  // namespace kam::scoring
