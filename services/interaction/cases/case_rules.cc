#include "services/interaction/cases/case_rules.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/api/resource_name.h"
#include "common/api/validation.h"
#include "common/base/status_macros.h"

namespace kam::interaction::cases {
namespace {

// The enum's value name without its prefix ("CASE_STATUS_OPEN" -> "OPEN").
std::string Short(const std::string& full, absl::string_view prefix, int value) {
  if (full.empty()) return absl::StrCat(value);
  return std::string(absl::StripPrefix(full, prefix));
}

// The status machine: the statuses each status may move to.
const std::map<v1::CaseStatus, std::vector<v1::CaseStatus>>& Moves() {
  static const auto* moves = new std::map<v1::CaseStatus, std::vector<v1::CaseStatus>>{
      {v1::CASE_STATUS_OPEN,
       {v1::CASE_STATUS_IN_PROGRESS, v1::CASE_STATUS_WAITING_ON_CUSTOMER,
        v1::CASE_STATUS_RESOLVED}},
      {v1::CASE_STATUS_IN_PROGRESS,
       {v1::CASE_STATUS_WAITING_ON_CUSTOMER, v1::CASE_STATUS_RESOLVED}},
      {v1::CASE_STATUS_WAITING_ON_CUSTOMER,
       {v1::CASE_STATUS_IN_PROGRESS, v1::CASE_STATUS_RESOLVED}},
      {v1::CASE_STATUS_RESOLVED, {v1::CASE_STATUS_CLOSED, v1::CASE_STATUS_IN_PROGRESS}},
      {v1::CASE_STATUS_CLOSED, {}},
  };
  return *moves;
}

}  // namespace

std::string CaseName(int64_t id) { return absl::StrCat("cases/", id); }

absl::StatusOr<int64_t> ParseCaseName(absl::string_view field, absl::string_view name) {
  return common::ParseId(field, name, "cases");
}

std::string StatusName(v1::CaseStatus status) {
  return Short(v1::CaseStatus_Name(status), "CASE_STATUS_", status);
}

std::string LevelName(v1::CaseLevel level) {
  return Short(v1::CaseLevel_Name(level), "CASE_LEVEL_", level);
}

std::string TypeName(v1::CaseType type) {
  return Short(v1::CaseType_Name(type), "CASE_TYPE_", type);
}

std::string PriorityName(v1::CasePriority priority) {
  return Short(v1::CasePriority_Name(priority), "CASE_PRIORITY_", priority);
}

std::string CaseRouteName(v1::CaseType type) { return absl::StrCat("caseRoutes/", TypeName(type)); }

bool IsOpenStatus(v1::CaseStatus status) {
  return status == v1::CASE_STATUS_OPEN || status == v1::CASE_STATUS_IN_PROGRESS ||
         status == v1::CASE_STATUS_WAITING_ON_CUSTOMER;
}

absl::Status CheckStatusChange(absl::string_view case_name, v1::CaseStatus from, v1::CaseStatus to,
                               bool has_reason) {
  if (to == v1::CASE_STATUS_UNSPECIFIED) return common::InvalidField("status", "is required");
  if (!v1::CaseStatus_IsValid(to)) {
    return common::InvalidField(
        "status", absl::StrCat("must be a known CaseStatus (got ", static_cast<int>(to), ")"));
  }
  const auto it = Moves().find(from);
  const std::vector<v1::CaseStatus> allowed =
      it == Moves().end() ? std::vector<v1::CaseStatus>() : it->second;
  if (std::find(allowed.begin(), allowed.end(), to) == allowed.end()) {
    std::vector<std::string> names;
    for (v1::CaseStatus s : allowed) names.push_back(StatusName(s));
    return absl::FailedPreconditionError(
        absl::StrCat("case ", case_name, " cannot move from ", StatusName(from), " to ",
                     StatusName(to), " (allowed from ", StatusName(from), ": ",
                     names.empty() ? "none" : absl::StrJoin(names, ", "), ")"));
  }
  if (from == v1::CASE_STATUS_RESOLVED && to == v1::CASE_STATUS_IN_PROGRESS && !has_reason) {
    return common::InvalidField("reason", "is required to reopen a RESOLVED case");
  }
  return absl::OkStatus();
}

std::optional<v1::CaseLevel> NextLevel(v1::CaseLevel level) {
  switch (level) {
    case v1::CASE_LEVEL_SERVICE_CENTRE: return v1::CASE_LEVEL_ACCOUNT_MANAGER;
    case v1::CASE_LEVEL_ACCOUNT_MANAGER: return v1::CASE_LEVEL_SENIOR_MANAGER;
    case v1::CASE_LEVEL_SENIOR_MANAGER: return v1::CASE_LEVEL_EXECUTIVE;
    default: return std::nullopt;
  }
}

const RoutingTable& DefaultRoutingTable() {
  static const auto* table = new RoutingTable{
      {v1::CASE_TYPE_ROUTINE_REQUEST, v1::CASE_LEVEL_SERVICE_CENTRE},
      {v1::CASE_TYPE_COMPLAINT, v1::CASE_LEVEL_ACCOUNT_MANAGER},
      {v1::CASE_TYPE_FAULT_REPAIR, v1::CASE_LEVEL_ACCOUNT_MANAGER},
      {v1::CASE_TYPE_COLLECTION, v1::CASE_LEVEL_ACCOUNT_MANAGER},
      {v1::CASE_TYPE_CONTRACT_SUPERVISION, v1::CASE_LEVEL_ACCOUNT_MANAGER},
  };
  return *table;
}

v1::CaseLevel StartingLevel(const RoutingTable& table, v1::CaseType type) {
  if (type == v1::CASE_TYPE_ROUTINE_REQUEST) return v1::CASE_LEVEL_SERVICE_CENTRE;
  const auto it = table.find(type);
  if (it == table.end() || it->second == v1::CASE_LEVEL_UNSPECIFIED) {
    return v1::CASE_LEVEL_SERVICE_CENTRE;
  }
  return it->second;
}

absl::Status ValidateRoute(v1::CaseType type, v1::CaseLevel level) {
  if (type == v1::CASE_TYPE_UNSPECIFIED || !v1::CaseType_IsValid(type)) {
    return common::InvalidField("route.case_type", "must be a known CaseType");
  }
  if (level == v1::CASE_LEVEL_UNSPECIFIED || !v1::CaseLevel_IsValid(level)) {
    return common::InvalidField("route.level", "must be a known CaseLevel");
  }
  if (type == v1::CASE_TYPE_ROUTINE_REQUEST && level != v1::CASE_LEVEL_SERVICE_CENTRE) {
    return common::InvalidField("route.level",
                                "must be SERVICE_CENTRE for ROUTINE_REQUEST: routine requests are "
                                "handled at first line (docs/domain.md §7)");
  }
  return absl::OkStatus();
}

absl::Status ValidateCaseFields(const v1::Case& c, bool check_type) {
  for (const absl::Status& s : {
           common::CheckRequiredText("case.title", c.title(), kMaxCaseTitle),
           common::CheckText("case.description", c.description(), kMaxCaseDescription,
                             /*multiline=*/true),
           common::CheckUserId("case.assignee", c.assignee(), /*required=*/false),
       }) {
    if (!s.ok()) return s;
  }
  if (check_type && (c.type() == v1::CASE_TYPE_UNSPECIFIED || !v1::CaseType_IsValid(c.type()))) {
    return common::InvalidField("case.type", c.type() == v1::CASE_TYPE_UNSPECIFIED
                                                 ? "is required"
                                                 : "must be a known CaseType");
  }
  if (!v1::CasePriority_IsValid(c.priority())) {
    return common::InvalidField("case.priority", "must be a known CasePriority");
  }
  if (!c.contact().empty()) {
    KAM_ASSIGN_OR_RETURN(
        std::vector<int64_t> ids,
        common::ParseResourceName("case.contact", c.contact(), {"accounts", "contacts"}));
  }
  return absl::OkStatus();
}

absl::Status CheckReason(absl::string_view field, absl::string_view reason, bool required) {
  if (required) return common::CheckRequiredText(field, reason, kMaxReason);
  return common::CheckText(field, reason, kMaxReason, /*multiline=*/true);
}

const common::UpdateMaskRules& CaseMaskRules() {
  static const common::UpdateMaskRules* rules = new common::UpdateMaskRules{
      /*updatable=*/{"title", "description", "priority", "assignee", "contact"},
      /*output_only=*/
      {"name", "account_tier", "sla_policy", "first_response_target_minutes",
       "resolution_target_minutes", "first_response_due_time", "resolution_due_time",
       "first_response_time", "resolve_time", "close_time", "paused_duration", "pause_start_time",
       "first_response_breached", "resolution_breached", "first_response_breach_escalated",
       "resolution_breach_escalated", "create_time", "update_time", "etag"},
      /*use_method=*/{{"status", "ChangeCaseStatus"}, {"level", "EscalateCase"}}};
  return *rules;
}

absl::StatusOr<CaseOrder> ParseCaseOrder(absl::string_view order_by) {
  return common::ParseOrderBy(
      order_by, {"create_time", "update_time", "first_response_due_time", "resolution_due_time"});
}

}  // namespace kam::interaction::cases
