#include "services/interaction/cases/case_sla_clock.h"

#include <algorithm>

namespace kam::interaction::cases {
namespace {

// The instant the running time stops growing: the resolution, the start of a
// running pause, or `at`, whichever comes first.
absl::Time ClockEnd(const SlaClock& clock, absl::Time at) {
  absl::Time end = at;
  if (clock.resolve_time.has_value()) end = std::min(end, *clock.resolve_time);
  if (clock.paused_since.has_value()) end = std::min(end, *clock.paused_since);
  return end;
}

// `at`, but never before the last event the clock knows of, so a clock read
// from another replica with a slightly different wall clock never runs
// backwards.
absl::Time NotBefore(const SlaClock& clock, absl::Time at) {
  absl::Time last = clock.start;
  if (clock.paused_since.has_value()) last = std::max(last, *clock.paused_since);
  if (clock.resolve_time.has_value()) last = std::max(last, *clock.resolve_time);
  if (clock.first_response_time.has_value()) last = std::max(last, *clock.first_response_time);
  return std::max(at, last);
}

}  // namespace

absl::Time FirstResponseDue(const SlaClock& clock) {
  return clock.start + clock.targets.first_response + clock.paused;
}

absl::Time ResolutionDue(const SlaClock& clock) {
  return clock.start + clock.targets.resolution + clock.paused;
}

absl::Duration RunningTime(const SlaClock& clock, absl::Time at) {
  const absl::Duration running = (ClockEnd(clock, at) - clock.start) - clock.paused;
  return std::max(running, absl::ZeroDuration());
}

SlaStatus Evaluate(const SlaClock& clock, absl::Time now) {
  SlaStatus status;
  status.first_response_breached = clock.first_response_breached;
  status.resolution_breached = clock.resolution_breached;
  const absl::Duration running = RunningTime(clock, now);
  if (!clock.first_response_time.has_value() && !clock.resolve_time.has_value() &&
      running > clock.targets.first_response) {
    status.first_response_breached = true;
  }
  if (!clock.resolve_time.has_value() && running > clock.targets.resolution) {
    status.resolution_breached = true;
  }
  return status;
}

void Refresh(SlaClock& clock, absl::Time at) {
  const SlaStatus status = Evaluate(clock, at);
  clock.first_response_breached = status.first_response_breached;
  clock.resolution_breached = status.resolution_breached;
}

void Pause(SlaClock& clock, absl::Time at) {
  at = NotBefore(clock, at);
  Refresh(clock, at);
  if (clock.paused_since.has_value() || clock.resolve_time.has_value()) return;
  clock.paused_since = at;
}

void Resume(SlaClock& clock, absl::Time at) {
  at = NotBefore(clock, at);
  Refresh(clock, at);
  if (!clock.paused_since.has_value()) return;
  clock.paused += at - *clock.paused_since;
  clock.paused_since.reset();
}

void RecordFirstResponse(SlaClock& clock, absl::Time at) {
  at = NotBefore(clock, at);
  Refresh(clock, at);
  if (clock.first_response_time.has_value()) return;
  clock.first_response_time = at;
}

void Resolve(SlaClock& clock, absl::Time at) {
  at = NotBefore(clock, at);
  Refresh(clock, at);
  if (clock.resolve_time.has_value()) return;
  if (clock.paused_since.has_value()) {
    clock.paused += at - *clock.paused_since;
    clock.paused_since.reset();
  }
  if (!clock.first_response_time.has_value()) clock.first_response_time = at;
  clock.resolve_time = at;
}

void Reopen(SlaClock& clock, absl::Time at) {
  at = NotBefore(clock, at);
  if (!clock.resolve_time.has_value()) {
    Refresh(clock, at);
    return;
  }
  clock.paused += at - *clock.resolve_time;
  clock.resolve_time.reset();
}

void Retarget(SlaClock& clock, const SlaTargets& targets, absl::Time at) {
  at = NotBefore(clock, at);
  Refresh(clock, at);
  clock.targets = targets;
}

}  // namespace kam::interaction::cases
