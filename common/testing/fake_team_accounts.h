// An in-memory TeamAccountsSource (common/client/team_narrowing.h) for
// handler unit tests of the services that narrow account managers: the
// accounts each user is on the team of, as a test puts them; UNAVAILABLE
// while down, as the account service that cannot be reached. Test-only.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/api/filter.h"
#include "common/client/team_narrowing.h"
#include "common/testing/fake_database.h"

namespace kam::common::testing {

class FakeTeamAccounts final : public TeamAccountsSource, public FakeOutage {
 public:
  // `user` is on the current team of exactly `account_ids`.
  void Put(const std::string& user, std::vector<int64_t> account_ids) {
    absl::MutexLock lock(&mu_);
    teams_[user] = std::move(account_ids);
  }
  // How many times a user's accounts were asked for.
  int calls() const {
    absl::MutexLock lock(&mu_);
    return calls_;
  }

  absl::StatusOr<std::shared_ptr<const TeamAccounts>> TeamAccountsOf(const std::string& user,
                                                                     const CallContext*) override {
    absl::MutexLock lock(&mu_);
    ++calls_;
    if (absl::Status reachable = Reachable("account service"); !reachable.ok()) return reachable;
    auto it = teams_.find(user);
    return std::make_shared<const TeamAccounts>(it == teams_.end() ? std::vector<int64_t>()
                                                                   : it->second);
  }

 private:
  mutable absl::Mutex mu_;
  std::map<std::string, std::vector<int64_t>> teams_ ABSL_GUARDED_BY(mu_);
  int calls_ ABSL_GUARDED_BY(mu_) = 0;
};

// Whether a row of account `account_id` passes `filter`, for the List of a
// fake store that takes only the filters NarrowList makes: the empty filter
// (every row) and `account = "accounts/<id>"` comparisons under AND and OR.
// UNIMPLEMENTED for anything else.
inline absl::StatusOr<bool> MatchesAccountFilter(const FilterNode& filter, int64_t account_id) {
  if (filter.kind == FilterNode::Kind::kComparison) {
    if (filter.comparison.field != "account" || filter.comparison.op != FilterOp::kEq) {
      return absl::UnimplementedError("not in the fake");
    }
    return filter.comparison.value == absl::StrCat("accounts/", account_id);
  }
  const bool all = filter.kind == FilterNode::Kind::kAnd;
  for (const FilterNode& child : filter.children) {
    absl::StatusOr<bool> matches = MatchesAccountFilter(child, account_id);
    if (!matches.ok() || *matches != all) return matches;
  }
  return all;
}

// A caller with tokens on: `role`, narrowed to `manager`'s accounts when
// given (an account manager on an account-scoped method).
inline CallContext GrantedCaller(auth::Role role, std::string manager = "") {
  CallContext caller;
  caller.actor = manager.empty() ? "someone" : manager;
  caller.grant = auth::Grant{role, std::move(manager)};
  return caller;
}

}  // namespace kam::common::testing
