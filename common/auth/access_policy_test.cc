#include "common/auth/access_policy.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kam::auth {
namespace {

using ::testing::HasSubstr;

constexpr char kGetAccount[] = "/kam.account.v1.AccountService/GetAccount";
constexpr char kDeleteAccount[] = "/kam.account.v1.AccountService/DeleteAccount";
constexpr char kSetTiers[] = "/kam.account.v1.AccountService/SetAccountTiers";
constexpr char kPlaybook[] = "/kam.account.v1.AccountService/GetStagePlaybook";

std::string Reason(const absl::Status& status) { return std::string(status.message()); }

Principal Caller(std::vector<std::string> roles, std::string manager = "") {
  Principal principal;
  principal.subject = "alice";
  principal.roles = std::move(roles);
  principal.account_manager = std::move(manager);
  return principal;
}

AccessPolicy Policy() {
  absl::StatusOr<AccessPolicy> policy = AccessPolicy::Create({
      {kGetAccount, kAccountManager | kAnalyst | kInteractionService, Scope::kAccountScoped},
      {kDeleteAccount, 0, Scope::kAccountScoped},
      {kSetTiers, kScoringService, Scope::kSuiteWide, /*admin=*/false},
      {kPlaybook, kAccountManager | kAnalyst, Scope::kSuiteWide},
  });
  EXPECT_TRUE(policy.ok()) << policy.status();
  return *std::move(policy);
}

TEST(RoleTest, NamesRoundTrip) {
  for (Role role : kRolePrecedence) EXPECT_EQ(RoleOfName(RoleName(role)), role);
  EXPECT_EQ(RoleOfName("root"), std::nullopt);
  EXPECT_EQ(RolesOf({"analyst", "root", "service:scoring"}), kAnalyst | kScoringService);
}

TEST(AccessPolicyTest, DeniesMethodsMissingFromTheTableToEveryone) {
  const AccessPolicy policy = Policy();
  for (const char* role : {"admin", "account_manager", "service:scoring"}) {
    absl::StatusOr<Grant> grant =
        policy.Authorize("/kam.account.v1.AccountService/ListAccounts", Caller({role}));
    EXPECT_EQ(grant.status().code(), absl::StatusCode::kPermissionDenied);
    EXPECT_THAT(Reason(grant.status()),
                HasSubstr("ListAccounts is not in the access table, so nobody may call it"));
  }
}

TEST(AccessPolicyTest, AllowsTheRolesOfTheEntryAndAdmin) {
  const AccessPolicy policy = Policy();
  struct Case {
    const char* method;
    std::vector<std::string> roles;
    bool allowed;
  };
  for (const Case& c : std::vector<Case>{
           {kGetAccount, {"admin"}, true},
           {kGetAccount, {"analyst"}, true},
           {kGetAccount, {"service:interaction"}, true},
           {kGetAccount, {"service_agent"}, false},
           {kGetAccount, {"service:scoring"}, false},
           {kGetAccount, {}, false},
           {kGetAccount, {"Admin", "root"}, false},  // names are exact
           {kDeleteAccount, {"admin"}, true},
           {kDeleteAccount, {"account_manager", "analyst"}, false},
           {kSetTiers, {"service:scoring"}, true},
           {kSetTiers, {"admin"}, false},  // the entry excludes admin
       }) {
    absl::StatusOr<Grant> grant = policy.Authorize(c.method, Caller(c.roles));
    EXPECT_EQ(grant.ok(), c.allowed) << c.method << " " << c.roles.size();
    if (!c.allowed) {
      EXPECT_EQ(grant.status().code(), absl::StatusCode::kPermissionDenied);
    }
  }
}

TEST(AccessPolicyTest, SaysWhichRoleMayNotCallWhat) {
  EXPECT_EQ(Reason(Policy().Authorize(kDeleteAccount, Caller({"analyst"})).status()),
            "role analyst may not call /kam.account.v1.AccountService/DeleteAccount");
  EXPECT_EQ(Reason(Policy().Authorize(kDeleteAccount, Caller({"analyst", "x"})).status()),
            "roles analyst, x may not call /kam.account.v1.AccountService/DeleteAccount");
  EXPECT_EQ(Reason(Policy().Authorize(kGetAccount, Caller({})).status()),
            "a caller with no role may not call /kam.account.v1.AccountService/GetAccount");
}

TEST(AccessPolicyTest, NarrowsAccountManagersOnAccountScopedMethods) {
  const AccessPolicy policy = Policy();
  absl::StatusOr<Grant> grant = policy.Authorize(kGetAccount, Caller({"account_manager"}, "u7"));
  ASSERT_TRUE(grant.ok());
  EXPECT_EQ(grant->role, kAccountManager);
  EXPECT_EQ(grant->own_accounts_of, "u7");
  // Without kam_manager the subject names the manager.
  EXPECT_EQ(policy.Authorize(kGetAccount, Caller({"account_manager"}))->own_accounts_of, "alice");
  // A suite-wide method is not narrowed.
  EXPECT_EQ(policy.Authorize(kPlaybook, Caller({"account_manager"}, "u7"))->own_accounts_of, "");
}

TEST(AccessPolicyTest, ActsUnderTheFirstRoleOfThePrecedence) {
  const AccessPolicy policy = Policy();
  absl::StatusOr<Grant> grant =
      policy.Authorize(kGetAccount, Caller({"analyst", "account_manager"}, "u7"));
  EXPECT_EQ(grant->role, kAccountManager);
  grant = policy.Authorize(kGetAccount, Caller({"account_manager", "admin"}));
  EXPECT_EQ(grant->role, kAdmin);
  EXPECT_EQ(grant->own_accounts_of, "");
}

TEST(AccessPolicyTest, RefusesABadTable) {
  EXPECT_FALSE(AccessPolicy::Create({{kGetAccount, kAnalyst}, {kGetAccount, kAdmin}}).ok());
  for (const char* method : {"GetAccount", "/AccountService/GetAccount", "/kam.X/", "/kam.X/A/B",
                             "kam.account.v1.AccountService/GetAccount"}) {
    EXPECT_FALSE(AccessPolicy::Create({{method, kAnalyst}}).ok()) << method;
  }
}

}  // namespace
}  // namespace kam::auth
