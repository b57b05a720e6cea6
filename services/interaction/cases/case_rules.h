// The rules of a service case that need no I/O: the status machine, the
// escalation ladder, the routing of a new case to its first level, and the
// case fields a caller may write. Pure.
//
// Status machine (the proto's CaseStatus documents the same):
//   OPEN                -> IN_PROGRESS, WAITING_ON_CUSTOMER, RESOLVED
//   IN_PROGRESS         -> WAITING_ON_CUSTOMER, RESOLVED
//   WAITING_ON_CUSTOMER -> IN_PROGRESS, RESOLVED
//   RESOLVED            -> CLOSED, IN_PROGRESS (a reopen; needs a reason)
//   CLOSED              -> nothing
// Why these: a routine request can be settled on the spot (OPEN ->
// RESOLVED); nothing goes back to OPEN (once someone has worked on a case it
// is never "new" again); a case is closed only after it was resolved, so
// every closed case has a resolution time the SLA was measured against.
//
// Escalation ladder (docs/domain.md §7): SERVICE_CENTRE -> ACCOUNT_MANAGER ->
// SENIOR_MANAGER -> EXECUTIVE, one level at a time.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/api/field_mask.h"
#include "common/api/order_by.h"
#include "kam/interaction/v1/service_case.pb.h"

namespace kam::interaction::cases {

inline constexpr size_t kMaxCaseTitle = 200;
inline constexpr size_t kMaxCaseDescription = 4000;
inline constexpr size_t kMaxReason = 1000;

// "cases/{id}", and its inverse (INVALID_ARGUMENT naming `field`).
std::string CaseName(int64_t id);
absl::StatusOr<int64_t> ParseCaseName(absl::string_view field, absl::string_view name);

// Short names for messages and audit rows: "IN_PROGRESS", "EXECUTIVE",
// "COMPLAINT", "CRITICAL".
std::string StatusName(v1::CaseStatus status);
std::string LevelName(v1::CaseLevel level);
std::string TypeName(v1::CaseType type);
std::string PriorityName(v1::CasePriority priority);
// "caseRoutes/COMPLAINT": the name a route's etag is made from.
std::string CaseRouteName(v1::CaseType type);

// True while the SLA clock can still be breached: OPEN, IN_PROGRESS,
// WAITING_ON_CUSTOMER.
bool IsOpenStatus(v1::CaseStatus status);

// Checks a status change of case `case_name`.
//   INVALID_ARGUMENT: `to` unspecified or unknown; a reopen without a reason.
//   FAILED_PRECONDITION: the move is not in the machine: "case cases/7
//     cannot move from CLOSED to IN_PROGRESS (allowed from CLOSED: none)".
absl::Status CheckStatusChange(absl::string_view case_name, v1::CaseStatus from, v1::CaseStatus to,
                               bool has_reason);

// The level above `level`; nullopt at EXECUTIVE (the top).
std::optional<v1::CaseLevel> NextLevel(v1::CaseLevel level);

// Where cases of each type start. ROUTINE_REQUEST is always SERVICE_CENTRE
// (docs/domain.md §7: the service centre handles routine requests only); the
// others come from the routing table, whose defaults send COMPLAINT,
// FAULT_REPAIR, COLLECTION and CONTRACT_SUPERVISION to ACCOUNT_MANAGER (the
// rule; migration 0006 moved databases off the older SERVICE_CENTRE default).
using RoutingTable = std::map<v1::CaseType, v1::CaseLevel>;
const RoutingTable& DefaultRoutingTable();
// The starting level of `type` under `table`; SERVICE_CENTRE for a type the
// table does not name.
v1::CaseLevel StartingLevel(const RoutingTable& table, v1::CaseType type);
// A route a caller wants to set (field prefix "route.").
absl::Status ValidateRoute(v1::CaseType type, v1::CaseLevel level);

// The caller-writable fields of a case (prefix "case."): title, description,
// assignee, contact form (the contact's account is checked by the caller),
// type and priority values. Checks `type` only when `check_type`.
absl::Status ValidateCaseFields(const v1::Case& c, bool check_type);

// A reason (field `field`), at most kMaxReason characters; required when
// `required`.
absl::Status CheckReason(absl::string_view field, absl::string_view reason, bool required);

// Update-mask rules of UpdateCase.
const common::UpdateMaskRules& CaseMaskRules();

// ListCases order_by: "" (creation order) or one of create_time,
// update_time, first_response_due_time, resolution_due_time with an optional
// " desc"/" asc" (common::ParseOrderBy). The field is the case column ("" for
// creation order).
using CaseOrder = common::OrderBy;
absl::StatusOr<CaseOrder> ParseCaseOrder(absl::string_view order_by);

}  // namespace kam::interaction::cases
