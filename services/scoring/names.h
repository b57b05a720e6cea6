// The scoring service's resource names, in one place: every handler and
// store formats and parses them here, so no handler includes another for
// its names.
//
//   policies/{policy}                       a policy (its latest version)
//   policies/{policy}/versions/{version}    one version of it
//   ratingRuns/{run}                        a rating run
//   ratingRuns/{run}/ratings/{account}      one account's rating in a run
//   ratingRuns/{run}/groupRollups/{account} a group's roll-up over a run
//   policies/{policy}/accountTrends/{account} an account over a policy's runs
//                                           ("policies/-": over named runs)
//   alerts/{alert}                          an alert a run raised
//   accounts/{account}                      an account of the account service
//
// The parsers answer INVALID_ARGUMENT naming `field` (the request field the
// name came in) for anything but a canonical name of that pattern.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kam::scoring {

std::string PolicyName(int64_t policy);
std::string PolicyVersionName(int64_t policy, int version);
std::string RunName(int64_t run);
std::string RatingName(int64_t run, int64_t account);
std::string GroupRollupName(int64_t run, int64_t account);
// Policy 0 is "-" (any policy).
std::string AccountTrendName(int64_t policy, int64_t account);
std::string AlertName(int64_t alert);
std::string AccountName(int64_t account);

// A policy or one version of it; version 0 is the latest.
struct PolicyRef {
  int64_t id = 0;
  int version = 0;
};
// One account's rating in one run.
struct RatingRef {
  int64_t run = 0;
  int64_t account = 0;
};

// "policies/{policy}" or "policies/{policy}/versions/{version}".
absl::StatusOr<PolicyRef> ParsePolicyName(absl::string_view field, absl::string_view name);
// "ratingRuns/{run}/ratings/{account}".
absl::StatusOr<RatingRef> ParseRatingName(absl::string_view field, absl::string_view name);
// "ratingRuns/{run}/groupRollups/{account}".
absl::StatusOr<RatingRef> ParseGroupRollupName(absl::string_view field, absl::string_view name);
// An account's trend over a policy's runs; policy 0 for "policies/-".
struct TrendRef {
  int64_t policy = 0;
  int64_t account = 0;
};
// "policies/{policy}/accountTrends/{account}" or
// "policies/-/accountTrends/{account}".
absl::StatusOr<TrendRef> ParseAccountTrendName(absl::string_view field, absl::string_view name);
// "policies/{policy}", "ratingRuns/{run}", "alerts/{alert}", "accounts/{account}":
// the id.
absl::StatusOr<int64_t> ParsePolicyId(absl::string_view field, absl::string_view name);
absl::StatusOr<int64_t> ParseRunName(absl::string_view field, absl::string_view name);
absl::StatusOr<int64_t> ParseAlertName(absl::string_view field, absl::string_view name);
absl::StatusOr<int64_t> ParseAccountName(absl::string_view field, absl::string_view name);

// The id in an account name the other services sent ("accounts/{id}"; they
// only ever send canonical names, so this is not checked; 0 for a name too
// short to hold one). For the rating passes, which read a million names.
int64_t AccountIdOf(const std::string& name);

}  // namespace kam::scoring
