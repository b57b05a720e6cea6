#include "common/api/team_accounts.h"

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace kam::common {
namespace {

// `field op value` comparisons and AND(...)/OR(...) groups, compactly.
std::string Render(const FilterNode& node) {
  if (node.kind == FilterNode::Kind::kComparison) {
    return absl::StrCat(node.comparison.field, FilterOpText(node.comparison.op),
                        node.comparison.value);
  }
  std::string out = node.kind == FilterNode::Kind::kAnd ? "AND(" : "OR(";
  for (size_t i = 0; i < node.children.size(); ++i) {
    out += absl::StrCat(i > 0 ? ", " : "", Render(node.children[i]));
  }
  return out + ")";
}

TEST(TeamAccountsTest, SortedOnceAndContains) {
  TeamAccounts accounts({7, 3, 7, 12});
  EXPECT_EQ(accounts.ids(), (std::vector<int64_t>{3, 7, 12}));
  EXPECT_TRUE(accounts.Contains(7));
  EXPECT_FALSE(accounts.Contains(4));
  EXPECT_TRUE(TeamAccounts({}).empty());
}

TEST(TeamAccountsTest, NarrowsTheListsOwnFilterToTheAccounts) {
  absl::StatusOr<FilterNode> own = ParseFilter("status = OPEN");
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(Render(TeamAccounts({9, 2}).Narrow(*own)),
            "AND(status=OPEN, OR(account=accounts/2, account=accounts/9))");
  EXPECT_EQ(Render(TeamAccounts({5}).Narrow(*ParseFilter(""))), "AND(AND(), account=accounts/5)");
}

TEST(TeamAccountsTest, ListQueryNameNamesTheUserOnlyWhenNarrowed) {
  EXPECT_EQ(ListQueryName("ListOrders", ""), "ListOrders");
  EXPECT_NE(ListQueryName("ListOrders", "am.liu"), ListQueryName("ListOrders", "am.wu"));
  EXPECT_NE(ListQueryName("ListOrders", "am.liu"), "ListOrders");
}

// The account service's pages, counting the calls.
struct FakeTeams {
  std::map<std::string, std::vector<std::vector<std::string>>> pages;  // user -> pages
  absl::Status down = absl::OkStatus();
  int calls = 0;

  TeamAccountsCache::FetchPage Fetch() {
    return [this](const std::string& user,
                  const std::string& token) -> absl::StatusOr<TeamAccountsPage> {
      ++calls;
      if (!down.ok()) return down;
      const std::vector<std::vector<std::string>>& all = pages[user];
      const size_t index = token.empty() ? 0 : std::stoul(token);
      TeamAccountsPage page;
      if (index < all.size()) page.accounts = all[index];
      if (index + 1 < all.size()) page.next_page_token = std::to_string(index + 1);
      return page;
    };
  }
};

struct Clock {
  absl::Time now = absl::FromUnixSeconds(1000);
  TeamAccountsCache::Options Options(size_t max_users = 10) {
    TeamAccountsCache::Options options;
    options.ttl = absl::Seconds(5);
    options.max_users = max_users;
    options.now = [this] { return now; };
    return options;
  }
};

TEST(TeamAccountsCacheTest, ReadsEveryPageOnceWithinTheTtl) {
  FakeTeams teams;
  teams.pages["am.liu"] = {{"accounts/4", "accounts/1"}, {"accounts/9"}};
  Clock clock;
  TeamAccountsCache cache(clock.Options());

  absl::StatusOr<std::shared_ptr<const TeamAccounts>> first = cache.Get("am.liu", teams.Fetch());
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ((*first)->ids(), (std::vector<int64_t>{1, 4, 9}));
  EXPECT_EQ(teams.calls, 2);

  clock.now += absl::Seconds(4);
  teams.pages["am.liu"] = {{"accounts/4"}};
  ASSERT_TRUE(cache.Get("am.liu", teams.Fetch()).ok());
  EXPECT_EQ(teams.calls, 2) << "within the ttl: no call";

  clock.now += absl::Seconds(2);
  absl::StatusOr<std::shared_ptr<const TeamAccounts>> later = cache.Get("am.liu", teams.Fetch());
  ASSERT_TRUE(later.ok());
  EXPECT_EQ((*later)->ids(), (std::vector<int64_t>{4})) << "expired: read again";
  EXPECT_EQ(teams.calls, 3);
}

TEST(TeamAccountsCacheTest, ErrorsAreReturnedAndNotKept) {
  FakeTeams teams;
  teams.pages["am.liu"] = {{"accounts/4"}};
  teams.down = absl::UnavailableError("account service down");
  Clock clock;
  TeamAccountsCache cache(clock.Options());
  EXPECT_EQ(cache.Get("am.liu", teams.Fetch()).status().code(), absl::StatusCode::kUnavailable);
  teams.down = absl::OkStatus();
  absl::StatusOr<std::shared_ptr<const TeamAccounts>> again = cache.Get("am.liu", teams.Fetch());
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE((*again)->Contains(4));
}

TEST(TeamAccountsCacheTest, AMalformedAnswerIsInternal) {
  FakeTeams teams;
  teams.pages["am.liu"] = {{"accounts/x"}};
  Clock clock;
  TeamAccountsCache cache(clock.Options());
  EXPECT_EQ(cache.Get("am.liu", teams.Fetch()).status().code(), absl::StatusCode::kInternal);
}

TEST(TeamAccountsCacheTest, BoundedNumberOfUsers) {
  FakeTeams teams;
  Clock clock;
  TeamAccountsCache cache(clock.Options(/*max_users=*/2));
  for (const char* user : {"a", "b", "c"}) ASSERT_TRUE(cache.Get(user, teams.Fetch()).ok());
  EXPECT_EQ(teams.calls, 3);
  // "c" made room by dropping the others (none had expired): "c" is kept,
  // "a" is read again.
  ASSERT_TRUE(cache.Get("c", teams.Fetch()).ok());
  EXPECT_EQ(teams.calls, 3);
  ASSERT_TRUE(cache.Get("a", teams.Fetch()).ok());
  EXPECT_EQ(teams.calls, 4);
}

}  // namespace
}  // namespace kam::common
