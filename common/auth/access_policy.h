// Who may call which method: a table from full gRPC method names to the roles
// allowed to call them, read by the server interceptor before a handler runs.
//
// Rules:
//   - deny by default: a method missing from the table is refused to every
//     caller, admin included, so a new method is unreachable until someone
//     decides who may call it;
//   - `admin` may call every method of the table, except those whose entry
//     says otherwise (SetAccountTiers: only the scoring service publishes
//     tiers, so a forged rating run cannot be recorded by hand);
//   - any other role may call a method whose entry lists it;
//   - an account-scoped method (one that reads or writes data of accounts:
//     the accounts themselves, their contacts, activities, cases, orders,
//     opportunities, ratings, alerts) is narrowed for an account manager to
//     the accounts they are on the team of: the handler answers NOT_FOUND for
//     any other account, exactly as for an account that does not exist, and
//     lists return only theirs (the interceptor step enforces this);
//   - a caller with several roles acts under one: the first of kRolePrecedence
//     that it has and the method allows (a narrowed role comes after the
//     roles that see every account, except that it wins over `analyst`,
//     whose answers have personal contact details masked).
// Roles a token carries that the suite does not know are ignored.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/auth/principal.h"

namespace kam::auth {

// The roles of the suite, as bits so a table entry is one word. The names in
// tokens are in RoleName().
enum Role : uint32_t {
  kAdmin = 1u << 0,               // "admin": everything
  kAccountManager = 1u << 1,      // "account_manager": their own accounts
  kServiceAgent = 1u << 2,        // "service_agent": cases, surveys, contact records
  kAnalyst = 1u << 3,             // "analyst": read-only, contact details masked
  kScoringService = 1u << 4,      // "service:scoring": the scoring service itself
  kInteractionService = 1u << 5,  // "service:interaction": the interaction service itself
};
// A set of roles (bitwise or of Role values).
using RoleSet = uint32_t;

inline constexpr Role kRolePrecedence[] = {kAdmin,        kScoringService, kInteractionService,
                                           kServiceAgent, kAccountManager, kAnalyst};

// "admin", "account_manager", "service_agent", "analyst", "service:scoring",
// "service:interaction".
absl::string_view RoleName(Role role);
// The role named `name`, nullopt for a name the suite does not know.
std::optional<Role> RoleOfName(absl::string_view name);
// The known roles among `names`.
RoleSet RolesOf(const std::vector<std::string>& names);

// Whether a method's data belongs to accounts (see the rules above).
enum class Scope { kSuiteWide, kAccountScoped };

// Whether a method changes stored data (a create, update, delete or custom
// verb that writes) or only reads it. The server writes one audit line per
// call of a method that writes.
enum class Effect { kReads, kWrites };

// One entry of the table.
struct MethodAccess {
  // The full gRPC method name: "/kam.account.v1.AccountService/GetAccount".
  std::string method;
  // The roles that may call it besides admin (0: admin only).
  RoleSet roles = 0;
  Scope scope = Scope::kSuiteWide;
  // Whether admin may call it too (true for all but a few machine-only calls).
  bool admin = true;
  Effect effect = Effect::kReads;
};

// What a call is allowed to do once authorised.
struct Grant {
  // The role the call runs under.
  Role role = kAdmin;
  // For an account manager on an account-scoped method: the user id whose
  // accounts the call is narrowed to (the token's kam_manager, or its subject
  // when that claim is absent). Empty: no narrowing.
  std::string own_accounts_of;
};

class AccessPolicy {
 public:
  // INVALID_ARGUMENT when an entry's method is not "/package.Service/Method"
  // or a method appears twice.
  static absl::StatusOr<AccessPolicy> Create(std::vector<MethodAccess> table);

  // The grant for `principal` calling `method`, or PERMISSION_DENIED naming
  // the method and the caller's roles (or saying the method is in no table).
  absl::StatusOr<Grant> Authorize(absl::string_view method, const Principal& principal) const;

  // The entry for `method`, or nullptr.
  const MethodAccess* Find(absl::string_view method) const;

 private:
  absl::flat_hash_map<std::string, MethodAccess> table_;
};

}  // namespace kam::auth
