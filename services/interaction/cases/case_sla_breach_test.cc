#include "services/interaction/cases/case_sla_breach.h"

#include <functional>
#include <string>

#include "common/base/proto_time.h"
#include "gtest/gtest.h"

namespace kam::interaction::cases {
namespace {

using absl::Hours;
using absl::Minutes;

const absl::Time kStart = absl::FromUnixSeconds(1767225600);  // 2026-01-01T00:00:00Z

// An open case at the service centre: 1 h to the first response, 8 h to the
// resolution.
StoredCase OpenCase() {
  StoredCase row;
  row.id = 7;
  row.status = v1::CASE_STATUS_OPEN;
  row.level = v1::CASE_LEVEL_SERVICE_CENTRE;
  row.version = 3;
  row.clock.start = kStart;
  row.clock.targets = {Hours(1), Hours(8)};
  row.update_time = kStart;
  return row;
}

struct AwaitCase {
  const char* what;
  std::function<void(StoredCase&)> setup;
  absl::Duration at;  // since the start
  bool first_response;
  bool resolution;
};

const AwaitCase kAwaitCases[] = {
    {"fresh", [](StoredCase&) {}, Minutes(30), false, false},
    {"exactly at the first response due time", [](StoredCase&) {}, Hours(1), false, false},
    {"first response overdue", [](StoredCase&) {}, Hours(2), true, false},
    {"both overdue", [](StoredCase&) {}, Hours(9), true, true},
    {"answered on time", [](StoredCase& c) { c.clock.first_response_time = kStart + Minutes(10); },
     Hours(2), false, false},
    {"answered late (breach recorded)",
     [](StoredCase& c) {
       c.clock.first_response_time = kStart + Hours(2);
       c.clock.first_response_breached = true;
     },
     Hours(3), true, false},
    {"already escalated for the first response",
     [](StoredCase& c) { c.first_response_escalated = true; }, Hours(9), false, true},
    {"already escalated for both",
     [](StoredCase& c) {
       c.first_response_escalated = true;
       c.resolution_escalated = true;
     },
     Hours(9), false, false},
    {"paused before the first response was due",
     [](StoredCase& c) {
       c.status = v1::CASE_STATUS_WAITING_ON_CUSTOMER;
       c.clock.paused_since = kStart + Minutes(30);
     },
     Hours(20), false, false},
    {"paused after the first response was due",
     [](StoredCase& c) {
       c.status = v1::CASE_STATUS_WAITING_ON_CUSTOMER;
       c.clock.paused_since = kStart + Hours(2);
     },
     Hours(20), true, false},
    {"resolved late but not open any more",
     [](StoredCase& c) {
       c.status = v1::CASE_STATUS_RESOLVED;
       c.clock.resolve_time = kStart + Hours(9);
       c.clock.resolution_breached = true;
     },
     Hours(10), false, false},
    {"closed", [](StoredCase& c) { c.status = v1::CASE_STATUS_CLOSED; }, Hours(10), false, false},
};

TEST(CaseSlaBreachTest, AwaitsEscalationOnlyForOpenUnescalatedBreaches) {
  for (const AwaitCase& c : kAwaitCases) {
    StoredCase row = OpenCase();
    c.setup(row);
    EXPECT_EQ(AwaitsBreachEscalation(row, SlaTarget::kFirstResponse, kStart + c.at),
              c.first_response)
        << c.what;
    EXPECT_EQ(AwaitsBreachEscalation(row, SlaTarget::kResolution, kStart + c.at), c.resolution)
        << c.what;
  }
}

struct EscalationCase {
  SlaTarget target;
  v1::CaseLevel before;
  v1::CaseLevel after;
  v1::CaseEventKind kind;
  const char* from;
  const char* to;
  const char* reason;
};

const EscalationCase kEscalations[] = {
    {SlaTarget::kFirstResponse, v1::CASE_LEVEL_SERVICE_CENTRE, v1::CASE_LEVEL_ACCOUNT_MANAGER,
     v1::CASE_EVENT_KIND_LEVEL_CHANGE, "SERVICE_CENTRE", "ACCOUNT_MANAGER",
     "SLA breach: first response"},
    {SlaTarget::kResolution, v1::CASE_LEVEL_SENIOR_MANAGER, v1::CASE_LEVEL_EXECUTIVE,
     v1::CASE_EVENT_KIND_LEVEL_CHANGE, "SENIOR_MANAGER", "EXECUTIVE", "SLA breach: resolution"},
    {SlaTarget::kResolution, v1::CASE_LEVEL_EXECUTIVE, v1::CASE_LEVEL_EXECUTIVE,
     v1::CASE_EVENT_KIND_SLA_BREACH, "", "RESOLUTION",
     "SLA breach: resolution; already at EXECUTIVE, the top level"},
    {SlaTarget::kFirstResponse, v1::CASE_LEVEL_EXECUTIVE, v1::CASE_LEVEL_EXECUTIVE,
     v1::CASE_EVENT_KIND_SLA_BREACH, "", "FIRST_RESPONSE",
     "SLA breach: first response; already at EXECUTIVE, the top level"},
};

TEST(CaseSlaBreachTest, EscalationRaisesTheLevelOrRecordsTheBreachAtTheTop) {
  for (const EscalationCase& c : kEscalations) {
    const std::string what = c.reason;
    const bool first_response = c.target == SlaTarget::kFirstResponse;
    StoredCase row = OpenCase();
    row.level = c.before;
    const BreachEscalation escalation = EscalateBreach(row, c.target, kStart + Hours(9));
    EXPECT_EQ(escalation.raised_level, c.after != c.before) << what;
    EXPECT_EQ(row.level, c.after) << what;
    EXPECT_TRUE(first_response ? row.clock.first_response_breached : row.clock.resolution_breached)
        << what;
    EXPECT_EQ(row.first_response_escalated, first_response) << what;
    EXPECT_EQ(row.resolution_escalated, !first_response) << what;
    EXPECT_EQ(row.version, 4) << what;
    EXPECT_EQ(row.update_time, kStart + Hours(9)) << what;
    // Escalated once: the next sweep leaves the case alone.
    EXPECT_FALSE(AwaitsBreachEscalation(row, c.target, kStart + Hours(10))) << what;
    const v1::CaseEvent& event = escalation.event.event;
    EXPECT_EQ(escalation.event.case_id, 7) << what;
    EXPECT_EQ(event.kind(), c.kind) << what;
    EXPECT_EQ(event.from_value(), c.from) << what;
    EXPECT_EQ(event.to_value(), c.to) << what;
    EXPECT_EQ(event.reason(), c.reason) << what;
    EXPECT_EQ(event.actor(), "sla-sweeper") << what;
  }
}

TEST(CaseSlaBreachTest, TheWriteIsNeverDatedBeforeTheLastUpdate) {
  StoredCase row = OpenCase();
  row.update_time = kStart + Hours(5);
  const BreachEscalation escalation =
      EscalateBreach(row, SlaTarget::kFirstResponse, kStart + Hours(4));
  EXPECT_EQ(row.update_time, kStart + Hours(5));
  EXPECT_EQ(common::FromProtoTimestamp(escalation.event.event.event_time()), kStart + Hours(5));
}

}  // namespace
}  // namespace kam::interaction::cases
