// What the SLA sweeper decides about one case, without I/O: whether a
// breach of a target still awaits its escalation, and what escalating it
// does to the case. The sweeper (case_sla_sweeper.h) finds the cases
// (CaseTx::LockBreachedCases, whose SQL states the same condition) and writes
// what these functions return.
//
// Each breach is escalated once: one level up (actor "sla-sweeper", reason
// "SLA breach: first response" / "SLA breach: resolution"); a case already at
// EXECUTIVE gets an SLA_BREACH audit row instead.
#pragma once

#include "absl/time/time.h"
#include "kam/interaction/v1/service_case.pb.h"
#include "services/interaction/cases/case_sla_clock.h"
#include "services/interaction/cases/case_store.h"

namespace kam::interaction::cases {

inline constexpr char kSweeperActor[] = "sla-sweeper";

// True when `row` is open (OPEN, IN_PROGRESS, WAITING_ON_CUSTOMER), not yet
// escalated for `target`, and the target is breached: recorded as breached
// (a late first response), or still due and the running clock (stopped at a
// running pause) past the due time at `now`.
bool AwaitsBreachEscalation(const StoredCase& row, SlaTarget target, absl::Time now);

// Escalates the breach of `target` on `row`, found by a sweep: marks it
// breached (sticky) and escalated, raises the level or notes that it cannot,
// and bumps the version. The write's time is `locked` (when the sweep locked
// the row), never before the row's last update, so a case's audit rows carry
// increasing times. Returns the audit row to insert and whether the level
// went up.
struct BreachEscalation {
  CaseEventRow event;
  bool raised_level = false;
};
BreachEscalation EscalateBreach(StoredCase& row, SlaTarget target, absl::Time locked);

}  // namespace kam::interaction::cases
