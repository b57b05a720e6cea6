#include "common/api/team_accounts.h"

#include <algorithm>
#include <iterator>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/base/status_macros.h"

namespace kam::common {

TeamAccounts::TeamAccounts(std::vector<int64_t> ids) : ids_(std::move(ids)) {
  std::sort(ids_.begin(), ids_.end());
  ids_.erase(std::unique(ids_.begin(), ids_.end()), ids_.end());
}

bool TeamAccounts::Contains(int64_t account_id) const {
  return std::binary_search(ids_.begin(), ids_.end(), account_id);
}

FilterNode TeamAccounts::Narrow(FilterNode filter) const {
  std::vector<FilterNode> each;
  for (int64_t id : ids_) {
    FilterNode one;
    one.comparison = {"account", FilterOp::kEq, FormatResourceName({"accounts"}, {id})};
    each.push_back(std::move(one));
  }
  FilterNode both;
  both.kind = FilterNode::Kind::kAnd;
  both.children.push_back(std::move(filter));
  if (each.size() == 1) {
    both.children.push_back(std::move(each[0]));  // an OR needs two or more children
  } else {
    FilterNode theirs;
    theirs.kind = FilterNode::Kind::kOr;
    theirs.children = std::move(each);
    both.children.push_back(std::move(theirs));
  }
  return both;
}

std::string ListQueryName(absl::string_view method, absl::string_view user) {
  if (user.empty()) return std::string(method);
  // A user id has no white space (CheckIdentifier), so the two cannot run
  // into another method's name.
  return absl::StrCat(method, " narrowed to ", user);
}

TeamAccountsCache::TeamAccountsCache() : TeamAccountsCache(Options()) {}

TeamAccountsCache::TeamAccountsCache(Options options) : options_(std::move(options)) {}

absl::StatusOr<std::shared_ptr<const TeamAccounts>> TeamAccountsCache::Get(const std::string& user,
                                                                           const FetchPage& fetch) {
  {
    absl::MutexLock lock(&mu_);
    auto it = entries_.find(user);
    if (it != entries_.end() && options_.now() < it->second.expires) return it->second.accounts;
  }
  KAM_ASSIGN_OR_RETURN(std::shared_ptr<const TeamAccounts> accounts, FetchAll(user, fetch));
  const absl::Time now = options_.now();
  absl::MutexLock lock(&mu_);
  if (entries_.size() >= options_.max_users && entries_.count(user) == 0) {
    for (auto it = entries_.begin(); it != entries_.end();) {
      it = it->second.expires <= now ? entries_.erase(it) : std::next(it);
    }
    if (entries_.size() >= options_.max_users) entries_.clear();
  }
  entries_[user] = Entry{accounts, now + options_.ttl};
  return accounts;
}

absl::StatusOr<std::shared_ptr<const TeamAccounts>> TeamAccountsCache::FetchAll(
    const std::string& user, const FetchPage& fetch) {
  std::vector<int64_t> ids;
  std::set<std::string> tokens_seen;
  std::string token;
  do {
    KAM_ASSIGN_OR_RETURN(TeamAccountsPage page, fetch(user, token));
    for (const std::string& name : page.accounts) {
      absl::StatusOr<int64_t> id = ParseId("accounts", name, "accounts");
      if (!id.ok()) {
        return absl::InternalError(
            absl::StrCat("ListTeamAccounts answered ", id.status().message()));
      }
      ids.push_back(*id);
    }
    token = std::move(page.next_page_token);
    if (!token.empty() && !tokens_seen.insert(token).second) {
      return absl::InternalError("ListTeamAccounts answered the same page token twice");
    }
  } while (!token.empty());
  return std::make_shared<const TeamAccounts>(std::move(ids));
}

}  // namespace kam::common
