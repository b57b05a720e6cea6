// The SLA clock of a service case. Pure: no I/O, no notion of "now" except
// the times it is given.
//
// Rules (docs/domain.md §7 asks for service levels; the clock is how they are
// measured):
// - Wall-clock time, 24x7, from the case's creation (`start`).
// - The clock pauses while the case waits on the customer and resumes when it
//   stops waiting. Completed pauses add to `paused`, so both due times move
//   forward by every completed pause: due = start + target + paused. While a
//   pause runs, the due times do not yet include it.
// - Running time at instant t = (t - start) - paused - (t - paused_since
//   while paused). A target is breached when the running time passes it
//   (strictly greater) before the first response / the resolution; at the
//   exact due instant it is not breached yet.
// - Resolving stops the clock; it also answers the customer, so it records
//   the first response when none was. Reopening resumes the clock and counts
//   the time spent resolved as paused.
// - Breach flags are sticky: once an event or an evaluation found a breach,
//   it stays found.
#pragma once

#include <optional>

#include "absl/time/time.h"

namespace kam::interaction::cases {

// Which of a case's two SLA targets something is about.
enum class SlaTarget { kFirstResponse, kResolution };

struct SlaTargets {
  absl::Duration first_response = absl::ZeroDuration();
  absl::Duration resolution = absl::ZeroDuration();
};

// The whole state of one case's clock, as stored.
struct SlaClock {
  absl::Time start;
  SlaTargets targets;
  // Completed pauses (and time spent resolved before a reopen).
  absl::Duration paused = absl::ZeroDuration();
  // Set while paused: when the current pause began.
  std::optional<absl::Time> paused_since;
  std::optional<absl::Time> first_response_time;
  // Set while resolved: when.
  std::optional<absl::Time> resolve_time;
  // Sticky breach flags (see above).
  bool first_response_breached = false;
  bool resolution_breached = false;
};

// start + target + completed pauses.
absl::Time FirstResponseDue(const SlaClock& clock);
absl::Time ResolutionDue(const SlaClock& clock);

// Running (unpaused) time from the start to `at`; stops at the resolution
// and at the start of a running pause. Never negative.
absl::Duration RunningTime(const SlaClock& clock, absl::Time at);

// What the clock says at `now`.
struct SlaStatus {
  bool first_response_breached = false;
  bool resolution_breached = false;
};
// The sticky flags, or'ed with what the running time at `now` says about the
// targets that are still open (no first response yet / not resolved).
SlaStatus Evaluate(const SlaClock& clock, absl::Time now);

// The events. Each first folds the breach state at `at` into the sticky
// flags, then changes the clock. Calls that make no sense for the state
// (pausing a paused clock, resuming a running one, a second first response)
// change nothing but the flags; the case's status machine keeps them from
// happening. Times before the previous event count as that event's time.
void Pause(SlaClock& clock, absl::Time at);
void Resume(SlaClock& clock, absl::Time at);
void RecordFirstResponse(SlaClock& clock, absl::Time at);
// Ends a running pause at `at`, records the first response if none, and
// stops the clock.
void Resolve(SlaClock& clock, absl::Time at);
// Resumes a resolved clock; the time since the resolution counts as paused.
void Reopen(SlaClock& clock, absl::Time at);
// Replaces the targets (a priority change); due times follow. The breach
// state at `at` under the old targets is kept.
void Retarget(SlaClock& clock, const SlaTargets& targets, absl::Time at);
// Folds Evaluate(clock, at) into the sticky flags.
void Refresh(SlaClock& clock, absl::Time at);

}  // namespace kam::interaction::cases
