#include "common/auth/access_policy.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace kam::auth {
namespace {

// "/package.Service/Method": one leading slash, one more slash, both halves
// non-empty, a dot in the service's name.
bool IsFullMethodName(absl::string_view name) {
  if (name.size() < 4 || name[0] != '/') return false;
  const size_t slash = name.find('/', 1);
  if (slash == absl::string_view::npos || slash == 1 || slash + 1 == name.size()) return false;
  if (name.find('/', slash + 1) != absl::string_view::npos) return false;
  const absl::string_view service = name.substr(1, slash - 1);
  return service.find('.') != absl::string_view::npos;
}

std::string DescribeRoles(const Principal& principal) {
  if (principal.roles.empty()) return "a caller with no role";
  return absl::StrCat(principal.roles.size() == 1 ? "role " : "roles ",
                      absl::StrJoin(principal.roles, ", "));
}

}  // namespace

absl::string_view RoleName(Role role) {
  switch (role) {
    case kAdmin: return "admin";
    case kAccountManager: return "account_manager";
    case kServiceAgent: return "service_agent";
    case kAnalyst: return "analyst";
    case kScoringService: return "service:scoring";
    case kInteractionService: return "service:interaction";
  }
  return "";
}

std::optional<Role> RoleOfName(absl::string_view name) {
  for (Role role : kRolePrecedence) {
    if (RoleName(role) == name) return role;
  }
  return std::nullopt;
}

RoleSet RolesOf(const std::vector<std::string>& names) {
  RoleSet roles = 0;
  for (const std::string& name : names) {
    if (std::optional<Role> role = RoleOfName(name)) roles |= *role;
  }
  return roles;
}

absl::StatusOr<AccessPolicy> AccessPolicy::Create(std::vector<MethodAccess> table) {
  AccessPolicy policy;
  for (MethodAccess& entry : table) {
    if (!IsFullMethodName(entry.method)) {
      return absl::InvalidArgumentError(
          absl::StrCat("access table: \"", entry.method, "\" is not /package.Service/Method"));
    }
    std::string method = entry.method;
    if (!policy.table_.emplace(method, std::move(entry)).second) {
      return absl::InvalidArgumentError(absl::StrCat("access table: ", method, " appears twice"));
    }
  }
  return policy;
}

const MethodAccess* AccessPolicy::Find(absl::string_view method) const {
  auto it = table_.find(method);
  return it == table_.end() ? nullptr : &it->second;
}

absl::StatusOr<Grant> AccessPolicy::Authorize(absl::string_view method,
                                              const Principal& principal) const {
  const MethodAccess* entry = Find(method);
  if (entry == nullptr) {
    return absl::PermissionDeniedError(
        absl::StrCat(method, " is not in the access table, so nobody may call it"));
  }
  const RoleSet allowed =
      RolesOf(principal.roles) & (entry->admin ? entry->roles | kAdmin : entry->roles & ~kAdmin);
  for (Role role : kRolePrecedence) {
    if ((allowed & role) == 0) continue;
    Grant grant;
    grant.role = role;
    if (role == kAccountManager && entry->scope == Scope::kAccountScoped) {
      grant.own_accounts_of =
          principal.account_manager.empty() ? principal.subject : principal.account_manager;
    }
    return grant;
  }
  return absl::PermissionDeniedError(
      absl::StrCat(DescribeRoles(principal), " may not call ", method));
}

}  // namespace kam::auth
