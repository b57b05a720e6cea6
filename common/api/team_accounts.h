// An account manager's accounts, as the services that do not own the teams
// (interaction, scoring) narrow a manager's calls to them
// (docs/security.md, "Narrowing and masking"). The account service answers
// ListTeamAccounts; a service keeps one TeamAccountsCache and asks it only
// for a call whose grant is narrowed (auth::Grant::own_accounts_of), so
// other callers cost nothing more.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/api/filter.h"

namespace kam::common {

// The ids of the accounts a user is on the current team of.
class TeamAccounts {
 public:
  explicit TeamAccounts(std::vector<int64_t> ids);  // any order, repeats allowed

  bool Contains(int64_t account_id) const;
  bool empty() const { return ids_.empty(); }
  // Ascending, each once.
  const std::vector<int64_t>& ids() const { return ids_; }

  // `filter` AND (account = "accounts/<id>" OR ...) over ids(): a List's own
  // filter narrowed to these accounts, for stores that map the `account`
  // field of their filters onto a bound column comparison (so the page is
  // filled from these accounts only). Not for an empty set (a List answers
  // an empty page without a query).
  FilterNode Narrow(FilterNode filter) const;

 private:
  std::vector<int64_t> ids_;
};

// The first part a List's page token is bound to (ReadListRequest's
// query_parts): `method` when the call is not narrowed (`user` empty), so
// tokens in flight stay valid; `method` and the user otherwise, so a narrowed
// token is refused in anybody else's listing and theirs in it.
std::string ListQueryName(absl::string_view method, absl::string_view user);

// One page of the account service's ListTeamAccounts.
struct TeamAccountsPage {
  std::vector<std::string> accounts;  // "accounts/<id>"
  std::string next_page_token;        // empty on the last page
};

// A user's accounts, read (all pages, through the `fetch` of the call that
// misses, which carries that caller's identity) at most once per `ttl` per
// user. Errors (UNAVAILABLE while the account service is down) are
// returned and not kept. A membership the account service adds or ends is
// seen here within `ttl`: the same window as a token still valid after a role
// is withdrawn. Thread-safe; two calls that miss at once may both fetch.
class TeamAccountsCache {
 public:
  using FetchPage = std::function<absl::StatusOr<TeamAccountsPage>(const std::string& user,
                                                                   const std::string& page_token)>;
  struct Options {
    absl::Duration ttl = absl::Seconds(5);
    // Users kept at most: when full, expired entries are dropped, then all.
    size_t max_users = 4096;
    std::function<absl::Time()> now = [] { return absl::Now(); };
  };

  TeamAccountsCache();
  explicit TeamAccountsCache(Options options);

  // INTERNAL when the account service answers a name that is not
  // "accounts/<id>" or repeats a page token (it would never end).
  absl::StatusOr<std::shared_ptr<const TeamAccounts>> Get(const std::string& user,
                                                          const FetchPage& fetch);

 private:
  struct Entry {
    std::shared_ptr<const TeamAccounts> accounts;
    absl::Time expires;
  };
  static absl::StatusOr<std::shared_ptr<const TeamAccounts>> FetchAll(const std::string& user,
                                                                      const FetchPage& fetch);

  const Options options_;
  absl::Mutex mu_;
  std::unordered_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kam::common
