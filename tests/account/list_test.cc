// ListAccounts: keyset pagination under concurrent inserts for every ordering,
// page sizes, page tokens, and the AIP-160 filter subset.
#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "google/protobuf/util/time_util.h"
#include "tests/account/account_client.h"

namespace kam::testing {
namespace {

// --- helpers ----------------------------------------------------------------

v1::Account MustCreate(const v1::Account& account) {
  v1::CreateAccountRequest request;
  *request.mutable_account() = account;
  return OkValue(Call(&AccountApi::CreateAccount, request));
}

Reply<v1::ListAccountsResponse> List(const std::string& filter, const std::string& order_by = "",
                                     int page_size = 0, const std::string& token = "") {
  v1::ListAccountsRequest request;
  request.set_filter(filter);
  request.set_order_by(order_by);
  request.set_page_size(page_size);
  request.set_page_token(token);
  return Call(&AccountApi::ListAccounts, request);
}

std::string Quoted(const std::string& value) {
  return absl::StrCat("\"", absl::StrReplaceAll(value, {{"\\", "\\\\"}, {"\"", "\\\""}}), "\"");
}

// The names of every account matching `filter`, in listing order.
std::vector<std::string> ListNames(const std::string& filter) {
  SCOPED_TRACE(filter);
  v1::ListAccountsRequest request;
  request.set_filter(filter);
  request.set_page_size(1000);
  std::vector<std::string> names;
  for (const v1::Account& a :
       AllPages<v1::Account>(Accounts(), &AccountApi::ListAccounts, request)) {
    names.push_back(a.name());
  }
  return names;
}

std::set<std::string> ListNameSet(const std::string& filter) {
  std::vector<std::string> names = ListNames(filter);
  return std::set<std::string>(names.begin(), names.end());
}

// Creates accounts made by `make(i)` for i in [0, n) on `threads` threads.
template <typename Make>
std::vector<v1::Account> CreateMany(int n, int threads, Make make) {
  std::vector<v1::Account> created(n);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = t; i < n; i += threads) created[i] = MustCreate(make(i));
    });
  }
  for (std::thread& w : workers) w.join();
  return created;
}

// --- pagination over 1,000 accounts ---------------------------------------------

// Display names spread over the alphabet, with repeats and case variants so
// that ties (broken by id) and the case-insensitive collation are exercised.
std::string DisplayNameFor(int i) {
  static const char* const kWords[] = {"alpha", "Alpha", "bravo", "charlie", "Delta", "echo",
                                       "foxtrot", "golf",  "hotel", "india",   "juliet", "kilo"};
  if (i % 13 == 0) return "zulu shared name";  // many identical names
  return absl::StrCat(kWords[(i * 7) % 12], " ", (i * 7919) % 1000);
}

class Pagination : public ::testing::Test {
 protected:
  static constexpr int kAccounts = 1000;

  static void SetUpTestSuite() {
    label_ = Unique("page");
    originals_ = CreateMany(kAccounts, 4, [](int i) { return Member(DisplayNameFor(i)); });
    // Tiers for the tier ordering: A-D, and every fifth account unrated.
    v1::SetAccountTiersRequest tiers;
    tiers.set_rating_run(Unique("run"));
    tiers.set_policy_version("p1");
    for (int i = 0; i < kAccounts; ++i) {
      if (i % 5 == 0) continue;
      v1::TierAssignment* a = tiers.add_assignments();
      a->set_account(originals_[i].name());
      a->set_tier(static_cast<v1::Tier>(1 + i % 4));
    }
    Reply<v1::SetAccountTiersResponse> set = Call(&AccountApi::SetAccountTiers, tiers);
    ASSERT_OK(set.status);
    ASSERT_EQ(set.value.changed_count(), 800);
    for (int i = 0; i < kAccounts; ++i) {
      if (i % 5 != 0) originals_[i].set_tier(static_cast<v1::Tier>(1 + i % 4));
    }
  }

  static v1::Account Member(const std::string& display_name) {
    v1::Account a;
    a.set_display_name(display_name);
    (*a.mutable_labels())["page"] = label_;
    return a;
  }

  static std::string Filter() { return absl::StrCat("labels.page = ", Quoted(label_)); }

  // Lists every page of Filter() in `order_by` with page size 37, creating
  // three new matching accounts between page fetches. Returns every account
  // seen, in order.
  static std::vector<v1::Account> ListWhileInserting(const std::string& order_by) {
    std::vector<v1::Account> seen;
    std::string token;
    int inserted = 0;
    for (int page = 0; page < 200; ++page) {
      Reply<v1::ListAccountsResponse> reply = List(Filter(), order_by, 37, token);
      EXPECT_OK(reply.status) << "page " << page;
      if (!reply.status.ok()) break;
      EXPECT_LE(reply.value.accounts_size(), 37);
      for (const v1::Account& a : reply.value.accounts()) seen.push_back(a);
      token = reply.value.next_page_token();
      if (token.empty()) break;
      EXPECT_EQ(reply.value.accounts_size(), 37) << "a page before the last is full";
      for (int k = 0; k < 3; ++k) {
        MustCreate(Member(DisplayNameFor(inserted++ * 31 + 5)));
      }
    }
    EXPECT_TRUE(token.empty()) << "listing did not end";
    return seen;
  }

  // Every original account exactly once, and no account twice.
  static void ExpectEachOriginalOnce(const std::vector<v1::Account>& seen) {
    std::map<std::string, int> count;
    for (const v1::Account& a : seen) ++count[a.name()];
    for (const auto& [name, n] : count) EXPECT_EQ(n, 1) << name << " seen " << n << " times";
    int missing = 0;
    for (const v1::Account& a : originals_) {
      if (count.count(a.name()) == 0) ++missing;
    }
    EXPECT_EQ(missing, 0) << "original accounts never listed";
  }

  static inline std::string label_;
  static inline std::vector<v1::Account> originals_;
};

int64_t Id(const v1::Account& a) { return std::stoll(a.name().substr(strlen("accounts/"))); }

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The sort key each ordering promises; the id breaks ties in the same
// direction.
using Key = std::tuple<std::string, int64_t, int64_t>;
Key KeyOf(const v1::Account& a, const std::string& order_by) {
  if (absl::StartsWith(order_by, "display_name")) return {Lower(a.display_name()), 0, Id(a)};
  if (absl::StartsWith(order_by, "create_time")) {
    return {"", google::protobuf::util::TimeUtil::TimestampToMicroseconds(a.create_time()), Id(a)};
  }
  if (absl::StartsWith(order_by, "update_time")) {
    return {"", google::protobuf::util::TimeUtil::TimestampToMicroseconds(a.update_time()), Id(a)};
  }
  if (absl::StartsWith(order_by, "tier")) return {"", a.tier(), Id(a)};
  return {"", 0, Id(a)};
}

void ExpectStrictlyOrdered(const std::vector<v1::Account>& seen, const std::string& order_by) {
  const bool descending = absl::EndsWith(order_by, " desc");
  for (size_t i = 1; i < seen.size(); ++i) {
    const Key previous = KeyOf(seen[i - 1], order_by);
    const Key current = KeyOf(seen[i], order_by);
    const bool in_order = descending ? previous > current : previous < current;
    if (!in_order) {
      ADD_FAILURE() << "out of order for \"" << order_by << "\" at " << i << ": "
                    << seen[i - 1].display_name() << " (" << seen[i - 1].name() << ") then "
                    << seen[i].display_name() << " (" << seen[i].name() << ")";
      return;
    }
  }
}

class PaginationOrder : public Pagination, public ::testing::WithParamInterface<std::string> {};

TEST_P(PaginationOrder, EveryAccountSeenOnceWhileNewOnesAreInserted) {
  const std::string order_by = GetParam();
  std::vector<v1::Account> seen = ListWhileInserting(order_by);
  ExpectEachOriginalOnce(seen);
  ExpectStrictlyOrdered(seen, order_by);
}

INSTANTIATE_TEST_SUITE_P(Orders, PaginationOrder,
                         ::testing::Values("", "display_name", "display_name desc",
                                           "create_time", "create_time desc", "tier",
                                           "tier desc", "update_time"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param.empty() ? "default" : info.param;
                           std::replace(name.begin(), name.end(), ' ', '_');
                           return name;
                         });

TEST_F(Pagination, TierOrderingReflectsPublishedTiers) {
  Reply<v1::ListAccountsResponse> first = List(Filter(), "tier desc", 10);
  ASSERT_OK(first.status);
  ASSERT_EQ(first.value.accounts_size(), 10);
  for (const v1::Account& a : first.value.accounts()) EXPECT_EQ(a.tier(), v1::TIER_D);
  Reply<v1::ListAccountsResponse> last = List(Filter(), "tier", 10);
  ASSERT_OK(last.status);
  for (const v1::Account& a : last.value.accounts()) EXPECT_EQ(a.tier(), v1::TIER_UNSPECIFIED);
}

TEST_F(Pagination, PageSizeZeroMeansFifty) {
  Reply<v1::ListAccountsResponse> reply = List(Filter(), "", 0);
  ASSERT_OK(reply.status);
  EXPECT_EQ(reply.value.accounts_size(), 50);
  EXPECT_FALSE(reply.value.next_page_token().empty());
}

TEST_F(Pagination, PageSizeAboveOneThousandIsCappedAtOneThousand) {
  // Make sure more than 1000 match, so the cap is what stops the page.
  for (int i = 0; i < 5; ++i) MustCreate(Member("cap filler"));
  Reply<v1::ListAccountsResponse> reply = List(Filter(), "", 5000);
  ASSERT_OK(reply.status);
  EXPECT_EQ(reply.value.accounts_size(), 1000);
  EXPECT_FALSE(reply.value.next_page_token().empty());
  Reply<v1::ListAccountsResponse> rest = List(Filter(), "", 5000, reply.value.next_page_token());
  ASSERT_OK(rest.status);
  EXPECT_GE(rest.value.accounts_size(), 5);
}

TEST_F(Pagination, NegativePageSizeIsInvalid) {
  EXPECT_TRUE(IsInvalidField(List(Filter(), "", -1).status, "page_size"));
}

TEST_F(Pagination, LastPageHasNoToken) {
  // 200 of the originals are tier B (i % 4 == 1 and i % 5 != 0).
  ASSERT_EQ(originals_[1].tier(), v1::TIER_B);
  Reply<v1::ListAccountsResponse> one =
      List(absl::StrCat(Filter(), " AND tier = B"), "", 1000);
  ASSERT_OK(one.status);
  EXPECT_TRUE(one.value.next_page_token().empty());
  EXPECT_EQ(one.value.accounts_size(), 200);
}

TEST_F(Pagination, TokenIsBoundToTheQueryThatMadeIt) {
  Reply<v1::ListAccountsResponse> first = List(Filter(), "display_name", 10);
  ASSERT_OK(first.status);
  const std::string token = first.value.next_page_token();
  ASSERT_FALSE(token.empty());
  // Same query, different page size: allowed.
  EXPECT_OK(List(Filter(), "display_name", 20, token).status);
  // A different filter, order or show_deleted: refused.
  EXPECT_TRUE(IsInvalidField(List(absl::StrCat(Filter(), " AND tier = A"), "display_name", 10, token)
                                 .status,
                             "page_token"));
  EXPECT_TRUE(IsInvalidField(List(Filter(), "display_name desc", 10, token).status, "page_token"));
  EXPECT_TRUE(IsInvalidField(List(Filter(), "", 10, token).status, "page_token"));
  v1::ListAccountsRequest deleted;
  deleted.set_filter(Filter());
  deleted.set_order_by("display_name");
  deleted.set_page_token(token);
  deleted.set_show_deleted(true);
  EXPECT_TRUE(IsInvalidField(Call(&AccountApi::ListAccounts, deleted).status, "page_token"));
}

TEST_F(Pagination, GarbageTokensAreInvalid) {
  Reply<v1::ListAccountsResponse> first = List(Filter(), "", 10);
  ASSERT_OK(first.status);
  const std::string token = first.value.next_page_token();
  ASSERT_GT(token.size(), 8u);
  std::string flipped = token;
  flipped[flipped.size() / 2] = flipped[flipped.size() / 2] == 'A' ? 'B' : 'A';
  for (const std::string& bad :
       {std::string("garbage"), std::string("!!!!"), std::string("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
        token.substr(0, token.size() - 4), flipped, token + "AA",
        absl::WebSafeBase64Escape("a plausible but foreign token"), std::string(5000, 'A')}) {
    SCOPED_TRACE(bad.substr(0, 80));
    EXPECT_TRUE(IsInvalidField(List(Filter(), "", 10, bad).status, "page_token"));
  }
}

// --- filters --------------------------------------------------------------------------

// A small, fully known population under one label.
class Filters : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    label_ = Unique("flt");
    // `stage` and `category` are the enum value names without their prefix.
    auto make = [](const std::string& key, const std::string& stage, int share,
                   const std::string& industry, const std::string& region,
                   const std::string& category, const std::string& owner, const std::string& color,
                   const std::string& parent) {
      v1::RelationshipStage stage_value = v1::RELATIONSHIP_STAGE_UNSPECIFIED;
      ASSERT_TRUE(v1::RelationshipStage_Parse("RELATIONSHIP_STAGE_" + stage, &stage_value));
      v1::AccountCategory category_value = v1::ACCOUNT_CATEGORY_UNSPECIFIED;
      ASSERT_TRUE(v1::AccountCategory_Parse("ACCOUNT_CATEGORY_" + category, &category_value));
      v1::Account a;
      a.set_display_name(absl::StrCat("Filter ", key));
      a.set_stage(stage_value);
      a.set_share_of_wallet_percent(share);
      a.set_industry(industry);
      a.set_region(region);
      a.set_category(category_value);
      a.set_owner(owner);
      a.set_external_id(absl::StrCat(label_, "-", key));
      a.set_parent_account(parent.empty() ? "" : names_.at(parent));
      (*a.mutable_labels())["flt"] = label_;
      if (!color.empty()) (*a.mutable_labels())["color"] = color;
      names_[key] = MustCreate(a).name();
    };
    // clang-format off
    //   key   stage          share industry  region   category       owner    color    parent
    make("a1", "STABLE",      60,   "steel",  "north", "INDUSTRY",    "u-ann", "red",   "");
    make("a2", "STRATEGIC",   90,   "steel",  "south", "REGIONAL",    "u-bob", "blue",  "");
    make("a3", "DEVELOPMENT", 0,    "retail", "north", "POTENTIAL",   "",      "red",   "a1");
    make("a4", "INITIAL",     20,   "retail", "west",  "UNSPECIFIED", "u-ann", "",      "a1");
    make("a5", "STABLE",      55,   "Steel",  "north", "INDUSTRY",    "",      "green", "a2");
    make("a6", "DEVELOPMENT", 0,    "energy", "east",  "REGIONAL",    "u-cid", "",      "");
    // clang-format on

    // Tiers: a1 A, a2 B, a3 A, a5 D, a6 C; a4 unrated.
    v1::SetAccountTiersRequest tiers;
    tiers.set_rating_run(Unique("run"));
    tiers.set_policy_version("p1");
    for (const auto& [key, tier] : std::vector<std::pair<std::string, v1::Tier>>{
             {"a1", v1::TIER_A}, {"a2", v1::TIER_B}, {"a3", v1::TIER_A},
             {"a5", v1::TIER_D}, {"a6", v1::TIER_C}}) {
      v1::TierAssignment* t = tiers.add_assignments();
      t->set_account(names_.at(key));
      t->set_tier(tier);
    }
    ASSERT_OK(Call(&AccountApi::SetAccountTiers, tiers).status);

    // a4 churned; a5 rests on one contact, a6 on two.
    v1::MarkChurnedRequest churn = ByName<v1::MarkChurnedRequest>(names_.at("a4"));
    churn.set_kind(v1::CHURN_EVENT_KIND_CUSTOMER_CHURN);
    churn.set_reason(v1::CHURN_REASON_PRICE);
    ASSERT_OK(Call(&AccountApi::MarkChurned, churn).status);
    for (const std::string key : {"a5", "a6", "a6"}) {
      v1::CreateContactRequest contact;
      contact.set_parent(names_.at(key));
      contact.mutable_contact()->set_display_name("Someone");
      ASSERT_OK(Call(&AccountApi::CreateContact, contact).status);
    }
  }

  // The keys of the population accounts that `filter` (within the label)
  // returns.
  static std::set<std::string> Match(const std::string& filter) {
    std::set<std::string> names =
        ListNameSet(absl::StrCat("labels.flt = ", Quoted(label_), " AND ", filter));
    std::set<std::string> keys;
    for (const auto& [key, name] : names_) {
      if (names.count(name) > 0) keys.insert(key);
    }
    EXPECT_EQ(keys.size(), names.size()) << "rows outside the population for " << filter;
    return keys;
  }

  static inline std::string label_;
  static inline std::map<std::string, std::string> names_;
};

using Keys = std::set<std::string>;

struct FilterCase {
  std::string filter;
  Keys expected;
};

TEST_F(Filters, EachFieldSelectsExactlyTheMatchingAccounts) {
  const std::string a1 = names_.at("a1");
  const std::vector<FilterCase> cases = {
      {"tier = A", {"a1", "a3"}},
      {"tier = \"TIER_B\"", {"a2"}},
      {"tier = tier_c", {"a6"}},
      {"tier = UNSPECIFIED", {"a4"}},
      {"tier != A", {"a2", "a4", "a5", "a6"}},
      {"stage = STABLE", {"a1", "a5"}},
      {"stage = RELATIONSHIP_STAGE_STRATEGIC", {"a2"}},
      {"stage = development", {"a3", "a6"}},
      {"stage != STABLE", {"a2", "a3", "a4", "a6"}},
      {"state = CHURNED", {"a4"}},
      {"state = LIFECYCLE_STATE_ACTIVE", {"a1", "a2", "a3", "a5", "a6"}},
      {"state != ACTIVE", {"a4"}},
      {"category = INDUSTRY", {"a1", "a5"}},
      {"category = UNSPECIFIED", {"a4"}},
      {"owner = \"u-ann\"", {"a1", "a4"}},
      {"owner = u-bob", {"a2"}},
      {"owner = \"\"", {"a3", "a5"}},
      {"owner != \"u-ann\"", {"a2", "a3", "a5", "a6"}},
      {absl::StrCat("parent_account = \"", a1, "\""), {"a3", "a4"}},
      {absl::StrCat("parent_account != \"", a1, "\""), {"a1", "a2", "a5", "a6"}},
      {"parent_account = \"\"", {"a1", "a2", "a6"}},
      {"parent_account != \"\"", {"a3", "a4", "a5"}},
      {"industry = retail", {"a3", "a4"}},
      {"industry != retail", {"a1", "a2", "a5", "a6"}},
      {"region = north", {"a1", "a3", "a5"}},
      {"region = \"nowhere\"", {}},
      {absl::StrCat("external_id = \"", label_, "-a2\""), {"a2"}},
      {absl::StrCat("external_id != \"", label_, "-a2\""), {"a1", "a3", "a4", "a5", "a6"}},
      {"labels.color = red", {"a1", "a3"}},
      {"labels.color != red", {"a2", "a4", "a5", "a6"}},
      {"labels.color = \"\"", {}},
      {"labels.nosuchkey = red", {}},
      {"single_contact_risk = true", {"a5"}},
      {"single_contact_risk = false", {"a1", "a2", "a3", "a4", "a6"}},
      {"single_contact_risk != true", {"a1", "a2", "a3", "a4", "a6"}},
  };
  for (const FilterCase& c : cases) {
    EXPECT_EQ(Match(c.filter), c.expected) << c.filter;
  }
}

TEST_F(Filters, OrGroupsAndAipPrecedence) {
  const std::vector<FilterCase> cases = {
      {"(stage = STABLE OR stage = STRATEGIC)", {"a1", "a2", "a5"}},
      {"(tier = A OR tier = B) AND region = north", {"a1", "a3"}},
      {"tier = C OR tier = D", {"a5", "a6"}},
      {"(stage = STABLE OR stage = STRATEGIC) AND (tier = A OR tier = B)", {"a1", "a2"}},
      // AIP-160: OR binds tighter than AND.
      {"tier = A AND stage = STABLE OR stage = DEVELOPMENT", {"a1", "a3"}},
      {"stage = DEVELOPMENT OR stage = STABLE AND tier = A", {"a1", "a3"}},
      {"(tier = A AND stage = STABLE) OR stage = DEVELOPMENT", {"a1", "a3", "a6"}},
      {"labels.color = red OR labels.color = blue", {"a1", "a2", "a3"}},
      {"owner = \"u-ann\" OR industry = energy", {"a1", "a4", "a6"}},
  };
  for (const FilterCase& c : cases) {
    EXPECT_EQ(Match(c.filter), c.expected) << c.filter;
  }
}

TEST_F(Filters, InvalidFiltersAreInvalidArgumentNamingTheFilter) {
  for (const std::string bad :
       {"colour = red", "tier = Z", "tier = 1", "stage = INTERRUPTEDD", "state = GONE",
        "category = GLOBAL", "single_contact_risk = maybe", "tier > A", "industry < steel",
        "labels.color : red", "tier =", "= A", "tier = A and stage = STABLE", "(tier = A",
        "tier = A)", "tier = \"A", "parent_account = \"foo/1\"", "parent_account = 42",
        "NOT tier = A", "tier = A AND", "create_time = yesterday", "labels.Color% = x"}) {
    SCOPED_TRACE(bad);
    EXPECT_TRUE(IsInvalidField(List(bad).status, "filter"));
  }
}

TEST_F(Filters, FilterValuesAreDataNotSql) {
  // Values built to widen a spliced WHERE clause match nothing.
  for (const std::string value :
       {"x' OR '1'='1", "x\" OR \"1\"=\"1", "') OR 1=1 -- ", "%", "_", "*"}) {
    SCOPED_TRACE(value);
    EXPECT_TRUE(Match(absl::StrCat("industry = ", Quoted(value))).empty());
    EXPECT_TRUE(Match(absl::StrCat("labels.color = ", Quoted(value))).empty());
  }
}

TEST(ListAccounts, BadOrderByIsInvalid) {
  for (const std::string bad : {"name", "display_name sideways", "tier desc extra", "-tier",
                                "display_name,tier", "display_name; DROP TABLE accounts",
                                "etag", "owner", "external_id"}) {
    SCOPED_TRACE(bad);
    EXPECT_TRUE(IsInvalidField(List("", bad).status, "order_by"));
  }
}

TEST(ListAccounts, AcceptsEveryDocumentedOrdering) {
  for (const std::string order : {"display_name", "create_time", "update_time", "tier",
                                  "display_name asc", "tier desc", "  tier   DESC  "}) {
    SCOPED_TRACE(order);
    EXPECT_OK(List("", order, 5).status);
  }
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) { return kam::testing::RunTestsOnSuite(argc, argv); }
