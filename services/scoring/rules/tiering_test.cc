#include "services/scoring/rules/tiering.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>
#include <limits>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace kam::scoring::rules {
namespace {

using Counts = std::array<int64_t, 4>;  // A, B, C, D

Counts CountTiers(const std::vector<TierAssignment>& assignments) {
  Counts counts{};
  for (const TierAssignment& a : assignments) ++counts[static_cast<int>(a.tier) - 1];
  return counts;
}

// Accounts with ids 1..values.size() and the given values, one segment.
std::vector<AccountValue> Accounts(const std::vector<int64_t>& values,
                                   const std::string& segment = "") {
  std::vector<AccountValue> accounts;
  for (size_t i = 0; i < values.size(); ++i) {
    accounts.push_back({static_cast<int64_t>(i + 1), values[i], segment});
  }
  return accounts;
}

// The tiers given to the accounts of value `value` (`got` in the order of
// `accounts`); empty when no account has that value.
std::set<Tier> TiersOfValue(const std::vector<AccountValue>& accounts,
                            const std::vector<TierAssignment>& got, int64_t value) {
  std::set<Tier> tiers;
  for (size_t i = 0; i < accounts.size() && i < got.size(); ++i) {
    if (accounts[i].value == value) tiers.insert(got[i].tier);
  }
  return tiers;
}

// Values 1..n, shuffled (a fixed seed), so the input order says nothing.
std::vector<int64_t> ShuffledDistinct(int64_t n, uint64_t seed = 7) {
  std::vector<int64_t> values(n);
  std::iota(values.begin(), values.end(), 1);
  std::shuffle(values.begin(), values.end(), std::mt19937_64(seed));
  return values;
}

// BookRanking's results, in the order of `accounts`.
std::vector<TierAssignment> RankBook(const std::vector<AccountValue>& accounts,
                                     const TieringPolicy& policy) {
  absl::StatusOr<BookRanking> ranking = BookRanking::Create(policy);
  EXPECT_TRUE(ranking.ok()) << ranking.status();
  if (!ranking.ok()) return {};
  for (const AccountValue& account : accounts) ranking->Add(account);
  const absl::Status ranked = ranking->Rank();
  EXPECT_TRUE(ranked.ok()) << ranked;
  std::map<int64_t, TierAssignment> by_id;
  for (size_t i = 0; i < ranking->size(); ++i) {
    if (i > 0) {
      EXPECT_LT(ranking->AccountIdAt(i - 1), ranking->AccountIdAt(i));
    }
    EXPECT_EQ(ranking->At(i).account_id, ranking->AccountIdAt(i));
    by_id[ranking->AccountIdAt(i)] = ranking->At(i);
  }
  std::vector<TierAssignment> out;
  for (const AccountValue& account : accounts) out.push_back(by_id[account.account_id]);
  return out;
}

void ExpectSamePlaces(const std::vector<TierAssignment>& got,
                      const std::vector<TierAssignment>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].account_id, want[i].account_id) << i;
    EXPECT_EQ(got[i].tiered, want[i].tiered) << "account " << want[i].account_id;
    EXPECT_EQ(got[i].tier, want[i].tier) << "account " << want[i].account_id;
    EXPECT_EQ(got[i].rank, want[i].rank) << "account " << want[i].account_id;
    EXPECT_EQ(got[i].percentile_bp, want[i].percentile_bp) << "account " << want[i].account_id;
  }
}

// AssignTiers' results, checked against BookRanking's (the rating runner's
// ranking), so every rule tested below holds for both.
std::vector<TierAssignment> Rate(const std::vector<AccountValue>& accounts,
                                 const TieringPolicy& policy = {}) {
  absl::StatusOr<std::vector<TierAssignment>> result = AssignTiers(accounts, policy);
  EXPECT_TRUE(result.ok()) << result.status();
  if (!result.ok()) return {};
  ExpectSamePlaces(RankBook(accounts, policy), *result);
  return *std::move(result);
}

void ExpectInvalid(const absl::Status& status, absl::string_view field, absl::string_view also) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_TRUE(absl::StartsWith(status.message(), absl::StrCat(field, " ")))
      << status << " (want field " << field << ")";
  EXPECT_TRUE(absl::StrContains(status.message(), also)) << status << " (want " << also << ")";
}

// --- Names --------------------------------------------------------------------

TEST(TierNameTest, LettersAndUnknown) {
  EXPECT_EQ(TierName(Tier::kA), "A");
  EXPECT_EQ(TierName(Tier::kB), "B");
  EXPECT_EQ(TierName(Tier::kC), "C");
  EXPECT_EQ(TierName(Tier::kD), "D");
  EXPECT_EQ(TierName(static_cast<Tier>(9)), "?");
  EXPECT_TRUE(IsValidTier(Tier::kA));
  EXPECT_TRUE(IsValidTier(Tier::kD));
  EXPECT_FALSE(IsValidTier(static_cast<Tier>(0)));
  EXPECT_FALSE(IsValidTier(static_cast<Tier>(5)));
}

// --- Pyramid counts and rounding ---------------------------------------------

TEST(PyramidTargetCountsTest, RoundHalfUpOfTheCumulativeShare) {
  struct Case {
    int64_t n;
    PyramidTargets want;
  };
  const Case cases[] = {
      {0, {0, 0, 0}},
      {1, {0, 0, 0}},
      {2, {0, 0, 0}},
      {3, {0, 0, 1}},
      {7, {0, 0, 1}},
      {8, {0, 0, 2}},
      {9, {0, 0, 2}},
      {10, {0, 1, 2}},
      {49, {0, 2, 10}},
      {50, {1, 3, 10}},
      {99, {1, 5, 20}},
      {100, {1, 5, 20}},
      {101, {1, 5, 20}},
      {149, {1, 7, 30}},
      {150, {2, 8, 30}},
      {1000, {10, 50, 200}},
      {1000000, {10000, 50000, 200000}},
  };
  for (const Case& c : cases) {
    const PyramidTargets got = PyramidTargetCounts(c.n, PyramidRule{});
    EXPECT_EQ(got.through_a, c.want.through_a) << "n=" << c.n;
    EXPECT_EQ(got.through_b, c.want.through_b) << "n=" << c.n;
    EXPECT_EQ(got.through_c, c.want.through_c) << "n=" << c.n;
  }
}

TEST(PyramidTest, ThousandDistinctValuesGiveTheDomainExample) {
  // docs/domain.md §2: 1,000 customers give A = 10, B = 40, C = 150, D = 800.
  const std::vector<AccountValue> accounts = Accounts(ShuffledDistinct(1000));
  const std::vector<TierAssignment> got = Rate(accounts);
  EXPECT_EQ(CountTiers(got), (Counts{10, 40, 150, 800}));
  for (size_t i = 0; i < accounts.size(); ++i) {
    const int64_t v = accounts[i].value;  // value v has rank 1001 - v
    EXPECT_EQ(got[i].account_id, accounts[i].account_id);
    EXPECT_EQ(got[i].rank, 1001 - v);
    const Tier want = v > 990 ? Tier::kA : v > 950 ? Tier::kB : v > 800 ? Tier::kC : Tier::kD;
    EXPECT_EQ(got[i].tier, want) << "value " << v;
  }
}

TEST(PyramidTest, SmallAndBoundaryPopulations) {
  struct Case {
    int64_t n;
    Counts want;
  };
  const Case cases[] = {
      {1, {0, 0, 0, 1}},      {2, {0, 0, 0, 2}},          {3, {0, 0, 1, 2}},
      {7, {0, 0, 1, 6}},      {10, {0, 1, 1, 8}},         {50, {1, 2, 7, 40}},
      {99, {1, 4, 15, 79}},   {100, {1, 4, 15, 80}},      {101, {1, 4, 15, 81}},
      {150, {2, 6, 22, 120}}, {1000, {10, 40, 150, 800}},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(CountTiers(Rate(Accounts(ShuffledDistinct(c.n)))), c.want) << "n=" << c.n;
  }
}

TEST(PyramidTest, EmptyInputGivesEmptyOutput) {
  EXPECT_TRUE(Rate({}).empty());
  TieringPolicy by_segment;
  by_segment.by_segment = true;
  EXPECT_TRUE(Rate({}, by_segment).empty());
}

TEST(PyramidTest, OneAccountIsDRankOnePercentileZero) {
  // round-half-up(1 x 1%) = 0: there is no top 1% of a single customer.
  const std::vector<TierAssignment> got = Rate({{42, 1'000'000, ""}});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].account_id, 42);
  EXPECT_EQ(got[0].tier, Tier::kD);
  EXPECT_EQ(got[0].rank, 1);
  EXPECT_EQ(got[0].percentile_bp, 0);
}

TEST(PyramidTest, CustomSharesAndTheThreeLevelScheme) {
  PyramidRule rule;  // A 10%, B 30%, C the rest: nobody is D
  rule.a_cumulative_bp = 1000;
  rule.b_cumulative_bp = 4000;
  rule.c_cumulative_bp = 10000;
  TieringPolicy policy;
  policy.default_rule = rule;
  EXPECT_EQ(CountTiers(Rate(Accounts(ShuffledDistinct(20)), policy)), (Counts{2, 6, 12, 0}));

  rule = {0, 0, 0, true};  // everyone D
  policy.default_rule = rule;
  EXPECT_EQ(CountTiers(Rate(Accounts(ShuffledDistinct(20)), policy)), (Counts{0, 0, 0, 20}));
}

// --- Churned accounts (docs/domain.md §2: the pyramid ranks live customers) ---

// `live` accounts with distinct values 1..live (ids 1..live), then `churned`
// churned ones, among the best values (ids live+1..), shuffled together.
std::vector<AccountValue> LiveAndChurned(int64_t live, int64_t churned) {
  std::vector<AccountValue> accounts = Accounts(ShuffledDistinct(live));
  for (int64_t i = 1; i <= churned; ++i) {
    accounts.push_back({live + i, live + 1000 * i, "", /*churned=*/true});
  }
  std::shuffle(accounts.begin(), accounts.end(), std::mt19937_64(3));
  return accounts;
}

TEST(ChurnedTest, ChurnedAccountsAreOutOfNAndGetNoTier) {
  TieringPolicy by_segment;
  by_segment.by_segment = true;
  TieringPolicy thresholds;
  thresholds.default_rule = ThresholdRule{991, 951, 801};
  struct Case {
    const char* name;
    TieringPolicy policy;
    int64_t live;
    int64_t churned;
    Counts want;  // of the live accounts
  };
  const Case cases[] = {
      {"1,000 live + 50 churned keeps the domain example", {}, 1000, 50, {10, 40, 150, 800}},
      {"the demo: 7 live + 1 churned is n = 7", {}, 7, 1, {0, 0, 1, 6}},
      {"only churned accounts: nobody is tiered", {}, 0, 5, {0, 0, 0, 0}},
      {"per segment", by_segment, 1000, 50, {10, 40, 150, 800}},
      {"thresholds give a churned account no tier either",
       thresholds,
       1000,
       50,
       {10, 40, 150, 800}},
  };
  for (const Case& c : cases) {
    const std::vector<AccountValue> accounts = LiveAndChurned(c.live, c.churned);
    const std::vector<TierAssignment> got = Rate(accounts, c.policy);
    ASSERT_EQ(got.size(), accounts.size()) << c.name;
    std::vector<TierAssignment> live;
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].account_id, accounts[i].account_id) << c.name;
      EXPECT_EQ(got[i].tiered, !accounts[i].churned) << c.name << ": " << accounts[i].account_id;
      if (got[i].tiered) {
        // Ranks 1..live with no gap where the churned accounts' values were.
        EXPECT_EQ(got[i].rank, c.live + 1 - accounts[i].value) << c.name;
        live.push_back(got[i]);
      } else {
        EXPECT_EQ(got[i].rank, 0) << c.name;
        EXPECT_EQ(got[i].percentile_bp, 0) << c.name;
      }
    }
    EXPECT_EQ(CountTiers(live), c.want) << c.name;
  }
}

TEST(ChurnedTest, AWonBackAccountIsRankedAgain) {
  std::vector<AccountValue> accounts = LiveAndChurned(99, 1);
  for (AccountValue& account : accounts) account.churned = false;  // won back
  const std::vector<TierAssignment> got = Rate(accounts);
  EXPECT_EQ(CountTiers(got), (Counts{1, 4, 15, 80}));
  for (size_t i = 0; i < got.size(); ++i) {
    if (accounts[i].account_id == 100) {
      EXPECT_EQ(got[i].tier, Tier::kA);
    }
  }
}

// --- Ordering, rank and percentile --------------------------------------------

TEST(OrderingTest, ValueDescendingThenIdAscendingOutputInInputOrder) {
  const std::vector<AccountValue> accounts = {
      {30, 5, ""}, {10, 9, ""}, {20, 5, ""}, {40, -3, ""}, {5, 0, ""}};
  const std::vector<TierAssignment> got = Rate(accounts);
  ASSERT_EQ(got.size(), 5u);
  // Ranking: 10 (9), 20 (5), 30 (5), 5 (0), 40 (-3).
  const int64_t want_ids[] = {30, 10, 20, 40, 5};
  const int64_t want_ranks[] = {3, 1, 2, 5, 4};
  const int32_t want_percentiles[] = {4000, 0, 2000, 8000, 6000};
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].account_id, want_ids[i]) << i;
    EXPECT_EQ(got[i].rank, want_ranks[i]) << i;
    EXPECT_EQ(got[i].percentile_bp, want_percentiles[i]) << i;
  }
}

TEST(OrderingTest, PercentileRoundsDown) {
  const std::vector<TierAssignment> got = Rate(Accounts({3, 2, 1}));
  EXPECT_EQ(got[0].percentile_bp, 0);
  EXPECT_EQ(got[1].percentile_bp, 3333);  // 1/3 = 3333.33
  EXPECT_EQ(got[2].percentile_bp, 6666);  // 2/3 = 6666.67
}

TEST(OrderingTest, InputOrderDoesNotChangeTheResultPerAccount) {
  std::vector<AccountValue> accounts = Accounts(ShuffledDistinct(500, 1));
  for (size_t i = 0; i < accounts.size(); i += 3) accounts[i].value = 17;  // many ties
  const std::vector<TierAssignment> first = Rate(accounts);
  std::vector<size_t> order(accounts.size());
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), std::mt19937_64(99));
  std::vector<AccountValue> shuffled;
  for (size_t i : order) shuffled.push_back(accounts[i]);
  const std::vector<TierAssignment> second = Rate(shuffled);
  for (size_t j = 0; j < order.size(); ++j) {
    EXPECT_EQ(second[j].account_id, first[order[j]].account_id);
    EXPECT_EQ(second[j].rank, first[order[j]].rank);
    EXPECT_EQ(second[j].tier, first[order[j]].tier);
  }
}

// --- Ties ---------------------------------------------------------------------

TEST(TiesTest, TieAtTheABoundaryTakesTheWorseTier) {
  // 100 accounts: A's target is 1, but the two best are equal, so neither
  // is A; both are B and B keeps its target of 5 through B.
  std::vector<int64_t> values = ShuffledDistinct(100);
  for (int64_t& v : values) {
    if (v == 99) v = 100;
  }
  const std::vector<AccountValue> accounts = Accounts(values);
  const std::vector<TierAssignment> got = Rate(accounts);
  EXPECT_EQ(CountTiers(got), (Counts{0, 5, 15, 80}));
  EXPECT_EQ(TiersOfValue(accounts, got, 100), std::set<Tier>{Tier::kB});
}

TEST(TiesTest, TieAcrossTheCBoundaryAllGoToD) {
  // 1,000 accounts; ranks 199..202 share one value: the C cut (200) falls
  // inside the group, which starts at rank 199, so C ends at rank 198.
  std::vector<int64_t> values(1000);
  std::iota(values.begin(), values.end(), 1);  // value v has rank 1001 - v
  for (int64_t& v : values) {
    if (v >= 799 && v <= 802) v = 800;
  }
  const std::vector<AccountValue> accounts = Accounts(values);
  const std::vector<TierAssignment> got = Rate(accounts);
  EXPECT_EQ(CountTiers(got), (Counts{10, 40, 148, 802}));
  EXPECT_EQ(TiersOfValue(accounts, got, 800), std::set<Tier>{Tier::kD});
  // Ranks stay distinct inside the tie, by id ascending.
  std::vector<int64_t> tie_ranks;
  for (size_t i = 0; i < accounts.size(); ++i) {
    if (accounts[i].value == 800) tie_ranks.push_back(got[i].rank);
  }
  EXPECT_EQ(tie_ranks, (std::vector<int64_t>{199, 200, 201, 202}));
}

TEST(TiesTest, TieInsideATierChangesNothing) {
  std::vector<int64_t> values(1000);
  std::iota(values.begin(), values.end(), 1);
  for (int64_t& v : values) {
    if (v >= 400 && v <= 500) v = 450;  // inside D
  }
  EXPECT_EQ(CountTiers(Rate(Accounts(values))), (Counts{10, 40, 150, 800}));
}

TEST(TiesTest, AllEqualValuesAreAllD) {
  EXPECT_EQ(CountTiers(Rate(Accounts(std::vector<int64_t>(1000, 5)))), (Counts{0, 0, 0, 1000}));
}

TEST(TiesTest, CountsNeverExceedTargetsAndTiesNeverStraddle) {
  // Random values with many ties: every cut is at or below its target and
  // never between two equal values.
  std::mt19937_64 random(3);
  for (int round = 0; round < 50; ++round) {
    const int64_t n = 1 + static_cast<int64_t>(random() % 3000);
    std::vector<int64_t> values(n);
    for (int64_t& v : values) v = 1 + static_cast<int64_t>(random() % 40);
    const std::vector<AccountValue> accounts = Accounts(values);
    const std::vector<TierAssignment> got = Rate(accounts);
    const Counts counts = CountTiers(got);
    const PyramidTargets targets = PyramidTargetCounts(n, PyramidRule{});
    EXPECT_LE(counts[0], targets.through_a);
    EXPECT_LE(counts[0] + counts[1], targets.through_b);
    EXPECT_LE(counts[0] + counts[1] + counts[2], targets.through_c);
    // Equal values, equal tier.
    std::vector<int> tier_of_value(41, 0);
    for (size_t i = 0; i < accounts.size(); ++i) {
      int& seen = tier_of_value[accounts[i].value];
      if (seen == 0) seen = static_cast<int>(got[i].tier);
      EXPECT_EQ(seen, static_cast<int>(got[i].tier)) << "value " << accounts[i].value;
    }
  }
}

// --- Zero and negative values ------------------------------------------------

TEST(NonPositiveTest, ZeroAndNegativeStayDByDefault) {
  // 100 accounts, only 3 with positive value: targets are 1 / 5 / 20, but
  // only the positive ones can be above D.
  std::vector<int64_t> values(100, 0);
  values[0] = 30;
  values[1] = 20;
  values[2] = 10;
  for (size_t i = 50; i < 100; ++i) values[i] = -static_cast<int64_t>(i);
  const std::vector<TierAssignment> got = Rate(Accounts(values));
  EXPECT_EQ(CountTiers(got), (Counts{1, 2, 0, 97}));
  EXPECT_EQ(got[0].tier, Tier::kA);
  EXPECT_EQ(got[1].tier, Tier::kB);
  EXPECT_EQ(got[2].tier, Tier::kB);
  EXPECT_EQ(got[99].rank, 100);  // the most negative is last
}

TEST(NonPositiveTest, AllNegativeAreRankedButAllD) {
  std::vector<int64_t> values = ShuffledDistinct(100);
  for (int64_t& v : values) v = -v;
  const std::vector<TierAssignment> got = Rate(Accounts(values));
  EXPECT_EQ(CountTiers(got), (Counts{0, 0, 0, 100}));
  for (size_t i = 0; i < values.size(); ++i) EXPECT_EQ(got[i].rank, -values[i]);
}

TEST(NonPositiveTest, WithoutPositiveOnlyTheyAreRankedLikeAnyValue) {
  std::vector<int64_t> values = ShuffledDistinct(100);
  for (int64_t& v : values) v = -v;
  TieringPolicy policy;
  PyramidRule rule;
  rule.positive_values_only = false;
  policy.default_rule = rule;
  const std::vector<AccountValue> accounts = Accounts(values);
  const std::vector<TierAssignment> got = Rate(accounts, policy);
  EXPECT_EQ(CountTiers(got), (Counts{1, 4, 15, 80}));
  EXPECT_EQ(TiersOfValue(accounts, got, -1), std::set<Tier>{Tier::kA});
}

TEST(NonPositiveTest, ExtremeValues) {
  const int64_t kMax = std::numeric_limits<int64_t>::max();
  const int64_t kMin = std::numeric_limits<int64_t>::min();
  const std::vector<TierAssignment> got = Rate(Accounts({kMin, kMax, 0}));
  EXPECT_EQ(got[0].rank, 3);
  EXPECT_EQ(got[1].rank, 1);
  EXPECT_EQ(got[2].rank, 2);
  EXPECT_EQ(CountTiers(got), (Counts{0, 0, 1, 2}));  // n = 3: C gets 1
  EXPECT_EQ(got[1].tier, Tier::kC);
}

// --- Thresholds ---------------------------------------------------------------

TieringPolicy BankPolicy() {
  // docs/domain.md §2: 50k gold card (C), 500k premier (B), 10M private banking
  // (A), in minor units.
  TieringPolicy policy;
  policy.default_rule = ThresholdRule{1'000'000'000, 50'000'000, 5'000'000};
  return policy;
}

TEST(ThresholdTest, BankBoundaries) {
  struct Case {
    int64_t value;
    Tier want;
  };
  const Case cases[] = {
      {std::numeric_limits<int64_t>::min(), Tier::kD},
      {-1, Tier::kD},
      {0, Tier::kD},
      {4'999'999, Tier::kD},
      {5'000'000, Tier::kC},
      {5'000'001, Tier::kC},
      {49'999'999, Tier::kC},
      {50'000'000, Tier::kB},
      {50'000'001, Tier::kB},
      {999'999'999, Tier::kB},
      {1'000'000'000, Tier::kA},
      {1'000'000'001, Tier::kA},
      {std::numeric_limits<int64_t>::max(), Tier::kA},
  };
  std::vector<int64_t> values;
  for (const Case& c : cases) values.push_back(c.value);
  const std::vector<TierAssignment> got = Rate(Accounts(values), BankPolicy());
  ASSERT_EQ(got.size(), std::size(cases));
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].tier, cases[i].want) << "value " << cases[i].value;
    EXPECT_EQ(got[i].rank, static_cast<int64_t>(got.size() - i));  // ascending input
  }
}

TEST(ThresholdTest, TiesAndSmallInputsNeedNoSpecialCase) {
  EXPECT_EQ(CountTiers(Rate(Accounts({50'000'000}), BankPolicy())), (Counts{0, 1, 0, 0}));
  EXPECT_EQ(CountTiers(Rate(Accounts(std::vector<int64_t>(7, 5'000'000)), BankPolicy())),
            (Counts{0, 0, 7, 0}));
  EXPECT_TRUE(Rate({}, BankPolicy()).empty());
}

TEST(ThresholdTest, EqualMinimumsLeaveTheTierBetweenEmpty) {
  TieringPolicy policy;
  policy.default_rule = ThresholdRule{100, 100, 10};  // no B
  EXPECT_EQ(CountTiers(Rate(Accounts({100, 99, 10, 9}), policy)), (Counts{1, 0, 2, 1}));
}

TEST(ThresholdTest, NegativeThresholds) {
  TieringPolicy policy;
  policy.default_rule = ThresholdRule{0, -100, -1000};
  EXPECT_EQ(CountTiers(Rate(Accounts({0, -1, -100, -101, -1000, -1001}), policy)),
            (Counts{1, 2, 2, 1}));
}

// --- Per segment --------------------------------------------------------------

TEST(SegmentTest, TwoSegmentsOfDifferentSizesRankOnTheirOwn) {
  // "retail" has 1,000 accounts, "energy" 100 with larger values; with one
  // ranking energy would take all of A and B.
  std::vector<AccountValue> accounts = Accounts(ShuffledDistinct(1000, 11), "retail");
  for (int64_t v : ShuffledDistinct(100, 12)) {
    accounts.push_back({static_cast<int64_t>(accounts.size() + 1), 1'000'000 + v, "energy"});
  }
  TieringPolicy policy;
  policy.by_segment = true;
  const std::vector<TierAssignment> got = Rate(accounts, policy);
  const std::vector<TierAssignment> retail(got.begin(), got.begin() + 1000);
  const std::vector<TierAssignment> energy(got.begin() + 1000, got.end());
  EXPECT_EQ(CountTiers(retail), (Counts{10, 40, 150, 800}));
  EXPECT_EQ(CountTiers(energy), (Counts{1, 4, 15, 80}));
  for (size_t i = 1000; i < accounts.size(); ++i) {
    EXPECT_EQ(got[i].rank, 1'000'101 - accounts[i].value);  // within energy
  }
  for (size_t i = 0; i < 1000; ++i) EXPECT_EQ(got[i].rank, 1001 - accounts[i].value);

  // Segments ignored: one ranking of 1,100 (11 / 44 / 165 / 880).
  policy.by_segment = false;
  const std::vector<TierAssignment> together = Rate(accounts, policy);
  EXPECT_EQ(CountTiers(together), (Counts{11, 44, 165, 880}));
}

TEST(SegmentTest, ListedSegmentsUseTheirRuleOthersTheDefault) {
  std::vector<AccountValue> accounts;
  int64_t id = 0;
  for (int64_t v : ShuffledDistinct(200, 1)) accounts.push_back({++id, v, "retail"});
  for (int64_t v : {5, 50, 500, 5000}) accounts.push_back({++id, v, "bank"});
  for (int64_t v : ShuffledDistinct(10, 2)) accounts.push_back({++id, v, ""});
  TieringPolicy policy;
  policy.by_segment = true;
  PyramidRule three_levels{1000, 4000, 10000, true};
  policy.segment_rules["retail"] = three_levels;
  policy.segment_rules["bank"] = ThresholdRule{5000, 500, 50};
  const std::vector<TierAssignment> got = Rate(accounts, policy);
  EXPECT_EQ(CountTiers({got.begin(), got.begin() + 200}), (Counts{20, 60, 120, 0}));
  EXPECT_EQ(CountTiers({got.begin() + 200, got.begin() + 204}), (Counts{1, 1, 1, 1}));
  EXPECT_EQ(got[200].rank, 4);
  EXPECT_EQ(got[203].rank, 1);
  // The empty segment is a segment of its own, under the default pyramid.
  EXPECT_EQ(CountTiers({got.begin() + 204, got.end()}), (Counts{0, 1, 1, 8}));
}

TEST(SegmentTest, OneAccountSegments) {
  TieringPolicy policy;
  policy.by_segment = true;
  const std::vector<TierAssignment> got =
      Rate({{1, 100, "a"}, {2, 200, "b"}, {3, 300, "c"}}, policy);
  for (const TierAssignment& a : got) {
    EXPECT_EQ(a.rank, 1);
    EXPECT_EQ(a.percentile_bp, 0);
    EXPECT_EQ(a.tier, Tier::kD);
  }
}

// --- Validation ---------------------------------------------------------------

TEST(ValidationTest, DefaultPolicyIsValid) { EXPECT_TRUE(ValidatePolicy({}).ok()); }

TEST(ValidationTest, PyramidSharesInRangeAndNonDecreasing) {
  TieringPolicy policy;
  policy.default_rule = PyramidRule{-1, 500, 2000, true};
  ExpectInvalid(ValidatePolicy(policy), "policy.default_rule.a_cumulative_bp",
                "must be from 0 to 10000 basis points (got -1)");
  policy.default_rule = PyramidRule{100, 10001, 20000, true};
  ExpectInvalid(ValidatePolicy(policy), "policy.default_rule.b_cumulative_bp", "(got 10001)");
  policy.default_rule = PyramidRule{100, 500, 10001, true};
  ExpectInvalid(ValidatePolicy(policy), "policy.default_rule.c_cumulative_bp", "(got 10001)");
  policy.default_rule = PyramidRule{500, 400, 2000, true};
  ExpectInvalid(ValidatePolicy(policy), "policy.default_rule.b_cumulative_bp",
                "must be at least a_cumulative_bp (400 < 500)");
  policy.default_rule = PyramidRule{100, 500, 499, true};
  ExpectInvalid(ValidatePolicy(policy), "policy.default_rule.c_cumulative_bp",
                "must be at least b_cumulative_bp (499 < 500)");
  policy.default_rule = PyramidRule{0, 0, 0, true};
  EXPECT_TRUE(ValidatePolicy(policy).ok());
  policy.default_rule = PyramidRule{10000, 10000, 10000, true};
  EXPECT_TRUE(ValidatePolicy(policy).ok());
}

TEST(ValidationTest, ThresholdsDescend) {
  TieringPolicy policy;
  policy.default_rule = ThresholdRule{100, 200, 10};
  ExpectInvalid(ValidatePolicy(policy), "policy.default_rule.b_min_value",
                "must be at most a_min_value (200 > 100)");
  policy.default_rule = ThresholdRule{100, 50, 60};
  ExpectInvalid(ValidatePolicy(policy), "policy.default_rule.c_min_value",
                "must be at most b_min_value (60 > 50)");
  policy.default_rule = ThresholdRule{7, 7, 7};
  EXPECT_TRUE(ValidatePolicy(policy).ok());
}

TEST(ValidationTest, SegmentRulesNameTheSegment) {
  TieringPolicy policy;
  policy.segment_rules["retail"] = PyramidRule{};
  ExpectInvalid(ValidatePolicy(policy), "policy.segment_rules",
                "must be empty unless policy.by_segment is true");
  policy.by_segment = true;
  EXPECT_TRUE(ValidatePolicy(policy).ok());
  policy.segment_rules["retail"] = ThresholdRule{5, 9, 1};
  ExpectInvalid(ValidatePolicy(policy), "policy.segment_rules[\"retail\"].b_min_value", "(9 > 5)");
  policy.segment_rules["retail"] = PyramidRule{};
  policy.segment_rules["a \"quoted\"\n"] = PyramidRule{1, 0, 0, true};
  ExpectInvalid(ValidatePolicy(policy),
                "policy.segment_rules[\"a \\\"quoted\\\"\\n\"].b_cumulative_bp", "(0 < 1)");
}

TEST(ValidationTest, AssignTiersRefusesAnInvalidPolicy) {
  TieringPolicy policy;
  policy.default_rule = ThresholdRule{1, 2, 3};
  const absl::StatusOr<std::vector<TierAssignment>> got = AssignTiers(Accounts({1}), policy);
  ExpectInvalid(got.status(), "policy.default_rule.b_min_value", "(2 > 1)");
}

TEST(ValidationTest, DuplicateAccountIdsAreRefused) {
  const std::vector<AccountValue> accounts = {{7, 1, ""}, {42, 2, ""}, {9, 3, ""}, {42, 4, ""}};
  const absl::StatusOr<std::vector<TierAssignment>> got = AssignTiers(accounts, {});
  ExpectInvalid(got.status(), "accounts[3].account_id", "duplicates accounts[1].account_id (42)");
  // Even across segments: an account is rated once.
  TieringPolicy policy;
  policy.by_segment = true;
  const std::vector<AccountValue> across = {{1, 1, "x"}, {1, 1, "y"}};
  ExpectInvalid(AssignTiers(across, policy).status(), "accounts[1].account_id",
                "duplicates accounts[0].account_id (1)");
}

// --- BookRanking (the rating runner's compact ranking) -----------------------

TEST(BookRankingTest, SameAsAssignTiersOnTiesSegmentsAndEveryRule) {
  // Few distinct values (many ties at every cut), zero and negative ones,
  // segments of very different sizes (one of a single account), ids in
  // scattered order, each segment rule kind.
  std::mt19937_64 random(11);
  std::vector<AccountValue> accounts;
  for (int64_t i = 0; i < 20'000; ++i) {
    const uint64_t r = random();
    const char* segment = r % 100 < 70 ? "retail" : r % 100 < 95 ? "energy" : "public sector";
    accounts.push_back({static_cast<int64_t>(r >> 20), static_cast<int64_t>(r % 41) - 5,
                        i == 0 ? "only one" : segment});
  }
  std::sort(accounts.begin(), accounts.end(), [](const AccountValue& x, const AccountValue& y) {
    return x.account_id < y.account_id;
  });
  accounts.erase(std::unique(accounts.begin(), accounts.end(),
                             [](const AccountValue& x, const AccountValue& y) {
                               return x.account_id == y.account_id;
                             }),
                 accounts.end());
  std::shuffle(accounts.begin(), accounts.end(), random);

  TieringPolicy by_segment;
  by_segment.by_segment = true;
  by_segment.segment_rules["energy"] = ThresholdRule{30, 20, 0};
  by_segment.segment_rules["public sector"] = PyramidRule{1000, 3000, 6000, false};
  TieringPolicy thresholds;
  thresholds.default_rule = ThresholdRule{30, 10, 1};
  for (const TieringPolicy& policy : {TieringPolicy{}, by_segment, thresholds}) {
    const absl::StatusOr<std::vector<TierAssignment>> want = AssignTiers(accounts, policy);
    ASSERT_TRUE(want.ok()) << want.status();
    ExpectSamePlaces(RankBook(accounts, policy), *want);
  }
}

TEST(BookRankingTest, RefusesAnInvalidPolicyAndDuplicateIds) {
  TieringPolicy invalid;
  invalid.default_rule = ThresholdRule{1, 2, 3};
  ExpectInvalid(BookRanking::Create(invalid).status(), "policy.default_rule.b_min_value",
                "(2 > 1)");

  absl::StatusOr<BookRanking> ranking = BookRanking::Create({});
  ASSERT_TRUE(ranking.ok());
  for (const AccountValue& account : Accounts({5, 6, 7})) ranking->Add(account);
  ranking->Add({2, 9, ""});
  ExpectInvalid(ranking->Rank(), "accounts", "account id 2 was added twice");
}

// --- Scale --------------------------------------------------------------------

TEST(ScaleTest, MillionRandomDistinctValues) {
  constexpr int64_t kN = 1'000'000;
  std::vector<AccountValue> accounts;
  accounts.reserve(kN);
  std::mt19937_64 random(2024);
  // Distinct values: a random permutation of a spread-out sequence.
  std::vector<int64_t> values(kN);
  for (int64_t i = 0; i < kN; ++i) values[i] = i * 1'000'003 + 17;
  std::shuffle(values.begin(), values.end(), random);
  for (int64_t i = 0; i < kN; ++i) accounts.push_back({i * 7 + 3, values[i], ""});
  std::shuffle(accounts.begin(), accounts.end(), random);  // ids in scattered order

  absl::StatusOr<std::vector<TierAssignment>> got = AssignTiers(accounts, {});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(CountTiers(*got), (Counts{10'000, 40'000, 150'000, 800'000}));
  // Ranks are a permutation of 1..n.
  std::vector<bool> seen(kN + 1, false);
  for (const TierAssignment& a : *got) {
    ASSERT_GE(a.rank, 1);
    ASSERT_LE(a.rank, kN);
    ASSERT_FALSE(seen[a.rank]);
    seen[a.rank] = true;
  }
}

TEST(ScaleTest, MillionRandomValuesInManySegments) {
  constexpr int64_t kN = 1'000'000;
  std::vector<AccountValue> accounts;
  accounts.reserve(kN);
  std::mt19937_64 random(5);
  for (int64_t i = 0; i < kN; ++i) {
    accounts.push_back({i + 1, static_cast<int64_t>(random() % 2'000'000) - 100'000,
                        absl::StrCat("industry-", random() % 9)});
  }
  TieringPolicy policy;
  policy.by_segment = true;
  absl::StatusOr<std::vector<TierAssignment>> got = AssignTiers(accounts, policy);
  ASSERT_TRUE(got.ok()) << got.status();
  const Counts counts = CountTiers(*got);
  // Ties (values repeat) and rounding per segment keep each count within a
  // few accounts of its share.
  EXPECT_NEAR(counts[0], 10'000, 200);
  EXPECT_NEAR(counts[1], 40'000, 200);
  EXPECT_NEAR(counts[2], 150'000, 200);
}

// --- Groups (rank unit GROUP: BookRanking ranks group customers) -------------

AccountValue Linked(int64_t id, int64_t value, int64_t parent_id, bool churned = false,
                    const std::string& segment = "") {
  AccountValue account{id, value, segment, churned};
  account.parent_id = parent_id;
  return account;
}

// The three-level scheme A 10% / B 30% / C 100%: every positive value is at
// least C, so small accounts are C and only the pyramid's top moves.
TieringPolicy ThreeLevels(bool by_group) {
  TieringPolicy policy;
  policy.default_rule = PyramidRule{1000, 3000, 10000};
  policy.by_group = by_group;
  return policy;
}

// Seven standalone accounts worth 80, 70, 60, 50, 40, 20, 10 (ids 1..7) and
// a group of three worth 30 each: root 10, account 9 under it and 8 under 9
// (a child before its parent, as the runner may read them).
std::vector<AccountValue> BookWithAGroup() {
  std::vector<AccountValue> book;
  const int64_t standalone[] = {80, 70, 60, 50, 40, 20, 10};
  for (int64_t i = 0; i < 7; ++i) book.push_back(Linked(i + 1, standalone[i], 0));
  book.push_back(Linked(8, 30, 9));
  book.push_back(Linked(9, 30, 10));
  book.push_back(Linked(10, 30, 0));
  return book;
}

TEST(GroupTest, AGroupOfSmallAccountsRanksAsOneCustomer) {
  const std::vector<AccountValue> book = BookWithAGroup();
  // Per account (n = 10): A takes round(10 x 10%) = 1 (the 80), A or B
  // round(10 x 30%) = 3 (70, 60); the group's three 30s are C, ranks 6 to 8.
  const std::vector<TierAssignment> alone = RankBook(book, ThreeLevels(false));
  for (int i = 7; i < 10; ++i) {
    EXPECT_EQ(alone[i].tier, Tier::kC) << book[i].account_id;
    EXPECT_EQ(alone[i].group_id, 0);
  }
  EXPECT_EQ(alone[0].tier, Tier::kA);
  // By group (n = 8: seven standalone accounts and the group): A takes
  // round(0.8) = 1, A or B round(2.4) = 2. The group is worth 30 x 3 = 90,
  // more than the 80, so it ranks 1 and is A; the 80 drops to B.
  const std::vector<TierAssignment> grouped = RankBook(book, ThreeLevels(true));
  for (int i = 7; i < 10; ++i) {
    EXPECT_EQ(grouped[i].tier, Tier::kA) << book[i].account_id;
    EXPECT_EQ(grouped[i].rank, 1);
    EXPECT_EQ(grouped[i].percentile_bp, 0);
    EXPECT_EQ(grouped[i].group_id, 10);
    EXPECT_EQ(grouped[i].group_value, 90);
  }
  EXPECT_EQ(grouped[0].tier, Tier::kB);
  EXPECT_EQ(grouped[0].rank, 2);
  EXPECT_EQ(grouped[0].group_id, 1);  // a standalone account is its own group
  EXPECT_EQ(grouped[0].group_value, 80);
  EXPECT_EQ(grouped[6].rank, 8);  // the 10: last of eight groups
  EXPECT_EQ(grouped[6].percentile_bp, 7 * 10000 / 8);
}

TEST(GroupTest, ChurnedAccountsGetNoTierAndAddNothingToTheirGroup) {
  std::vector<AccountValue> book = BookWithAGroup();
  // A churned member worth 1000 under the root: the group stays at 90.
  book.push_back(Linked(11, 1000, 10, /*churned=*/true));
  const std::vector<TierAssignment> grouped = RankBook(book, ThreeLevels(true));
  EXPECT_FALSE(grouped[10].tiered);
  EXPECT_EQ(grouped[10].rank, 0);
  EXPECT_EQ(grouped[10].group_id, 10);  // still says which group it is in
  EXPECT_EQ(grouped[9].group_value, 90);
  EXPECT_EQ(grouped[9].tier, Tier::kA);

  // The root churns: its group is still rated as it (worth the two others'
  // 60, rank 5 of 8), but the root itself gets no tier.
  book[9].churned = true;
  const std::vector<TierAssignment> headless = RankBook(book, ThreeLevels(true));
  EXPECT_FALSE(headless[9].tiered);
  EXPECT_EQ(headless[9].group_id, 10);
  for (int i = 7; i < 9; ++i) {
    EXPECT_TRUE(headless[i].tiered);
    EXPECT_EQ(headless[i].rank, 4);  // 80, 70, 60 (id 3 first), then the group's 60
    EXPECT_EQ(headless[i].group_value, 60);
    EXPECT_EQ(headless[i].group_id, 10);
  }
  EXPECT_EQ(headless[0].tier, Tier::kA);

  // Every account of the group churned: the group is in no ranking (n = 7).
  book[7].churned = book[8].churned = true;
  const std::vector<TierAssignment> gone = RankBook(book, ThreeLevels(true));
  for (int i = 7; i < 11; ++i) EXPECT_FALSE(gone[i].tiered) << book[i].account_id;
  EXPECT_EQ(gone[6].rank, 7);
  EXPECT_EQ(gone[6].percentile_bp, 6 * 10000 / 7);
}

TEST(GroupTest, AGroupIsRankedInItsRootsSegment) {
  TieringPolicy policy = ThreeLevels(true);
  policy.by_segment = true;
  // Root 1 in "steel" worth 5 with a member in "retail" worth 100; one
  // "retail" standalone account worth 50.
  const std::vector<AccountValue> book = {Linked(1, 5, 0, false, "steel"),
                                          Linked(2, 100, 1, false, "retail"),
                                          Linked(3, 50, 0, false, "retail")};
  const std::vector<TierAssignment> got = RankBook(book, policy);
  EXPECT_EQ(got[1].rank, 1);  // first of the one steel group
  EXPECT_EQ(got[1].group_value, 105);
  EXPECT_EQ(got[2].rank, 1);  // alone in retail: the member is not there
}

TEST(GroupTest, AParentOutsideTheBookOrACycleLeavesTheAccountItsOwnGroup) {
  // 2's parent 99 was not added; 3 and 4 name each other (the hierarchy
  // changed while the book was read); 5 is under 4.
  const std::vector<AccountValue> book = {Linked(1, 10, 0), Linked(2, 20, 99), Linked(3, 30, 4),
                                          Linked(4, 40, 3), Linked(5, 50, 4)};
  const std::vector<TierAssignment> got = RankBook(book, ThreeLevels(true));
  EXPECT_EQ(got[0].group_id, 1);
  EXPECT_EQ(got[1].group_id, 2);
  EXPECT_EQ(got[1].group_value, 20);
  int64_t total = 0;
  for (const TierAssignment& a : got) {
    EXPECT_TRUE(a.tiered);
    if (a.group_id == a.account_id) total += a.group_value;
  }
  EXPECT_EQ(total, 150);  // every value counted once, in some group
}

TEST(GroupTest, GroupValuesSaturate) {
  const std::vector<AccountValue> book = {Linked(1, std::numeric_limits<int64_t>::max(), 0),
                                          Linked(2, 5, 1), Linked(3, 7, 0)};
  const std::vector<TierAssignment> got = RankBook(book, ThreeLevels(true));
  EXPECT_EQ(got[1].group_value, std::numeric_limits<int64_t>::max());
  EXPECT_EQ(got[1].rank, 1);
}

TEST(GroupTest, PerAccountRankingIgnoresParentsAndAssignTiersRefusesGroups) {
  const std::vector<AccountValue> book = BookWithAGroup();
  ExpectSamePlaces(RankBook(book, ThreeLevels(false)), *AssignTiers(book, ThreeLevels(false)));
  ExpectInvalid(AssignTiers(book, ThreeLevels(true)).status(), "policy.by_group", "BookRanking");
}

}  // namespace
}  // namespace kam::scoring::rules
