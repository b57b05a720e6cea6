// The access table of the KAM suite: for every method of every service in
// protos/, who besides admin may call it, whether it is account-scoped and
// whether it writes (the audit log records the calls that write;
// access_policy.h states what that means). access_table_test checks that the
// table names every method of the protos and nothing else, so a new method
// cannot be added without deciding who may call it.
//
// This is the first full draft of issue 11's roles; the interceptor step will
// enforce it and may refine individual rows:
//   account_manager  reads and writes its own accounts and everything under
//                    them; reads suite-wide settings; no account creation,
//                    deletion or team changes (admin does those)
//   service_agent    cases, surveys and contact records of any account, and
//                    the account and contact reads they need; no money, no
//                    opportunities, no scoring
//   analyst          every read, nothing else (contact details masked later)
//   service:interaction  reads accounts, their groups and contacts (its
//                        account checks and group credit limits)
//   service:scoring      exports accounts, streams facts, publishes tiers (and
//                        is the only caller of SetAccountTiers, admin included)
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "common/auth/access_policy.h"

namespace kam::auth {

// The table, one entry per method.
std::vector<MethodAccess> KamAccessTable();

// AccessPolicy::Create(KamAccessTable()).
absl::StatusOr<AccessPolicy> KamAccessPolicy();

}  // namespace kam::auth
