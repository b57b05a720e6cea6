#include "services/interaction/cases/case_sla_breach.h"

#include <algorithm>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/base/proto_time.h"
#include "services/interaction/cases/case_rules.h"

namespace kam::interaction::cases {

bool AwaitsBreachEscalation(const StoredCase& row, SlaTarget target, absl::Time now) {
  if (!IsOpenStatus(row.status)) return false;
  const SlaClock& clock = row.clock;
  const absl::Time stopped = clock.paused_since.value_or(now);
  if (target == SlaTarget::kFirstResponse) {
    if (row.first_response_escalated) return false;
    if (clock.first_response_breached) return true;
    const absl::Time due = FirstResponseDue(clock);
    return !clock.first_response_time.has_value() && !clock.resolve_time.has_value() && due < now &&
           stopped > due;
  }
  if (row.resolution_escalated) return false;
  if (clock.resolution_breached) return true;
  const absl::Time due = ResolutionDue(clock);
  return !clock.resolve_time.has_value() && due < now && stopped > due;
}

BreachEscalation EscalateBreach(StoredCase& row, SlaTarget target, absl::Time locked) {
  const bool first_response = target == SlaTarget::kFirstResponse;
  const std::string reason =
      first_response ? "SLA breach: first response" : "SLA breach: resolution";
  const absl::Time at = std::max(locked, row.update_time);
  // The sweep found the breach earlier; it still holds at `at`.
  Refresh(row.clock, at);
  BreachEscalation result;
  v1::CaseEvent& event = result.event.event;
  result.event.case_id = row.id;
  event.set_actor(kSweeperActor);
  *event.mutable_event_time() = common::ToProtoTimestamp(at);
  if (first_response) {
    row.clock.first_response_breached = true;
    row.first_response_escalated = true;
  } else {
    row.clock.resolution_breached = true;
    row.resolution_escalated = true;
  }
  if (std::optional<v1::CaseLevel> next = NextLevel(row.level); next.has_value()) {
    event.set_kind(v1::CASE_EVENT_KIND_LEVEL_CHANGE);
    event.set_from_value(LevelName(row.level));
    event.set_to_value(LevelName(*next));
    event.set_reason(reason);
    row.level = *next;
    result.raised_level = true;
  } else {
    event.set_kind(v1::CASE_EVENT_KIND_SLA_BREACH);
    event.set_to_value(first_response ? "FIRST_RESPONSE" : "RESOLUTION");
    event.set_reason(absl::StrCat(reason, "; already at EXECUTIVE, the top level"));
  }
  ++row.version;
  row.update_time = at;
  return result;
}

}  // namespace kam::interaction::cases
