#include "services/scoring/rules/reports.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "services/scoring/rules/rules_testing.h"
#include "services/scoring/rules/tiering.h"

namespace kam::scoring::rules {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

// --- Pyramid summary ------------------------------------------------------------

struct RatedRun {
  std::vector<AccountValue> accounts;
  std::vector<TierAssignment> assignments;
};

RatedRun RunOf(std::vector<AccountValue> accounts, const TieringPolicy& policy = {}) {
  absl::StatusOr<std::vector<TierAssignment>> tiers = AssignTiers(accounts, policy);
  EXPECT_TRUE(tiers.ok()) << tiers.status();
  return {std::move(accounts), tiers.ok() ? *std::move(tiers) : std::vector<TierAssignment>{}};
}

// Accounts with given values and hand-set tiers (ids 1..n).
RatedRun HandRun(const std::vector<std::pair<Tier, int64_t>>& rows) {
  RatedRun run;
  int64_t id = 0;
  for (const auto& [tier, value] : rows) {
    ++id;
    run.accounts.push_back({id, value, ""});
    run.assignments.push_back({id, tier, id, 0});
  }
  return run;
}

PyramidSummary Summarize(const RatedRun& run) {
  absl::StatusOr<PyramidSummary> summary = SummarizePyramid(run.accounts, run.assignments);
  EXPECT_TRUE(summary.ok()) << summary.status();
  return summary.ok() ? *summary : PyramidSummary{};
}

std::array<int64_t, 4> Counts(const PyramidSummary& s) {
  return {s.tiers[0].count, s.tiers[1].count, s.tiers[2].count, s.tiers[3].count};
}
std::array<int64_t, 4> Totals(const PyramidSummary& s) {
  return {s.tiers[0].total_value, s.tiers[1].total_value, s.tiers[2].total_value,
          s.tiers[3].total_value};
}
std::array<int64_t, 4> AccountShares(const PyramidSummary& s) {
  return {s.tiers[0].account_share_bp, s.tiers[1].account_share_bp, s.tiers[2].account_share_bp,
          s.tiers[3].account_share_bp};
}
std::array<int64_t, 4> ValueShares(const PyramidSummary& s) {
  return {s.tiers[0].value_share_bp, s.tiers[1].value_share_bp, s.tiers[2].value_share_bp,
          s.tiers[3].value_share_bp};
}
using Four = std::array<int64_t, 4>;

TEST(PyramidSummaryTest, ThousandDistinctValues) {
  const PyramidSummary s = Summarize(RunOf([] {
    std::vector<AccountValue> accounts;
    for (int64_t v : OneTo(1000)) accounts.push_back({v * 10, v, ""});
    return accounts;
  }()));
  EXPECT_EQ(s.account_count, 1000);
  EXPECT_EQ(s.total_value, 500500);
  EXPECT_TRUE(s.value_shares_defined);
  EXPECT_EQ(s.tiers[0].tier, Tier::kA);
  EXPECT_EQ(s.tiers[3].tier, Tier::kD);
  EXPECT_EQ(Counts(s), (Four{10, 40, 150, 800}));
  EXPECT_EQ(AccountShares(s), (Four{100, 400, 1500, 8000}));
  EXPECT_EQ(Totals(s), (Four{9955, 38820, 131325, 320400}));
  // Exact: 198.90, 775.62, 2623.88, 6401.60: floors sum to 9997; the three
  // missing basis points go to A (.90), C (.88) and B (.62).
  EXPECT_EQ(ValueShares(s), (Four{199, 776, 2624, 6401}));
}

TEST(PyramidSummaryTest, ChurnedAccountsAreNotCounted) {
  // 100 live accounts and 10 churned ones with the best values: n is 100 and
  // the churned accounts' value is in no tier and not in the total.
  std::vector<AccountValue> accounts;
  for (int64_t i = 1; i <= 110; ++i) accounts.push_back({i, i, "", /*churned=*/i > 100});
  const PyramidSummary summary = Summarize(RunOf(accounts));
  EXPECT_EQ(summary.account_count, 100);
  EXPECT_EQ(summary.total_value, 5050);
  const int64_t want_counts[] = {1, 4, 15, 80};
  const int32_t want_shares[] = {100, 400, 1500, 8000};
  for (int t = 0; t < kTierCount; ++t) {
    EXPECT_EQ(summary.tiers[t].count, want_counts[t]) << t;
    EXPECT_EQ(summary.tiers[t].account_share_bp, want_shares[t]) << t;
  }
}

TEST(PyramidSummaryTest, EqualRemaindersFavourTheBetterTier) {
  const PyramidSummary s = Summarize(HandRun({{Tier::kA, 1}, {Tier::kB, 1}, {Tier::kC, 1}}));
  EXPECT_EQ(AccountShares(s), (Four{3334, 3333, 3333, 0}));
  EXPECT_EQ(ValueShares(s), (Four{3334, 3333, 3333, 0}));
}

TEST(PyramidSummaryTest, SharesAlwaysSumTo10000) {
  std::mt19937_64 random(8);
  for (int round = 0; round < 200; ++round) {
    std::vector<std::pair<Tier, int64_t>> rows;
    const int n = 1 + static_cast<int>(random() % 50);
    for (int i = 0; i < n; ++i) {
      rows.push_back(
          {static_cast<Tier>(1 + random() % 4), static_cast<int64_t>(random() % 1000) - 200});
    }
    const PyramidSummary s = Summarize(HandRun(rows));
    const Four accounts = AccountShares(s);
    EXPECT_EQ(std::accumulate(accounts.begin(), accounts.end(), int64_t{0}), 10000);
    if (s.value_shares_defined) {
      const Four values = ValueShares(s);
      EXPECT_EQ(std::accumulate(values.begin(), values.end(), int64_t{0}), 10000);
      for (int t = 0; t < 4; ++t) {  // within 1 bp of the exact share
        const double exact = 10000.0 * static_cast<double>(s.tiers[t].total_value) /
                             static_cast<double>(s.total_value);
        EXPECT_LT(std::abs(static_cast<double>(values[t]) - exact), 1.0);
      }
    }
  }
}

TEST(PyramidSummaryTest, LossMakingTierHasANegativeShare) {
  // docs/domain.md §1: the top's share of profit is higher still, because the
  // rest consume part of it.
  PyramidSummary s =
      Summarize(HandRun({{Tier::kA, 1000}, {Tier::kB, 500}, {Tier::kC, 0}, {Tier::kD, -500}}));
  EXPECT_EQ(s.total_value, 1000);
  EXPECT_EQ(ValueShares(s), (Four{10000, 5000, 0, -5000}));
  // With remainders on both sides of zero: exact 23333.33 and -13333.33.
  s = Summarize(HandRun({{Tier::kA, 7}, {Tier::kD, -4}}));
  EXPECT_EQ(ValueShares(s), (Four{23333, 0, 0, -13333}));
}

TEST(PyramidSummaryTest, NonPositiveTotalLeavesValueSharesUndefined) {
  const PyramidSummary s = Summarize(HandRun({{Tier::kA, 5}, {Tier::kD, -5}}));
  EXPECT_FALSE(s.value_shares_defined);
  EXPECT_EQ(s.total_value, 0);
  EXPECT_EQ(ValueShares(s), (Four{0, 0, 0, 0}));
  EXPECT_EQ(AccountShares(s), (Four{5000, 0, 0, 5000}));
}

TEST(PyramidSummaryTest, EmptyAndOneAccount) {
  PyramidSummary s = Summarize(RatedRun{});
  EXPECT_EQ(s.account_count, 0);
  EXPECT_FALSE(s.value_shares_defined);
  EXPECT_EQ(AccountShares(s), (Four{0, 0, 0, 0}));
  s = Summarize(RunOf({{1, 50, ""}}));
  EXPECT_EQ(Counts(s), (Four{0, 0, 0, 1}));
  EXPECT_EQ(AccountShares(s), (Four{0, 0, 0, 10000}));
  EXPECT_EQ(ValueShares(s), (Four{0, 0, 0, 10000}));
}

TEST(PyramidSummaryTest, MismatchedInputsAreRefused) {
  RatedRun run = HandRun({{Tier::kA, 1}, {Tier::kB, 2}});
  ExpectInvalid(SummarizePyramid(run.accounts, {run.assignments.data(), 1}).status(), "assignments",
                "must have one entry per account (got 1 for 2 accounts)");
  run.assignments[1].account_id = 99;
  ExpectInvalid(SummarizePyramid(run.accounts, run.assignments).status(),
                "assignments[1].account_id", "must equal accounts[1].account_id (got 99, want 2)");
  run.assignments[1].account_id = 2;
  run.assignments[1].tier = static_cast<Tier>(0);
  ExpectInvalid(SummarizePyramid(run.accounts, run.assignments).status(), "assignments[1].tier",
                "must be one of A, B, C, D (got 0)");
}

TEST(PyramidSummaryTest, TotalsThatDoNotFitAreOutOfRange) {
  RatedRun run = HandRun({{Tier::kA, kMax}, {Tier::kB, 1}});
  absl::Status status = SummarizePyramid(run.accounts, run.assignments).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kOutOfRange) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "the total value")) << status;
  // The grand total fits, one tier's does not.
  run = HandRun({{Tier::kA, kMax}, {Tier::kA, kMax}, {Tier::kD, kMin}, {Tier::kD, kMin}});
  status = SummarizePyramid(run.accounts, run.assignments).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kOutOfRange) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "tier A")) << status;
}

// --- Pareto curve ---------------------------------------------------------------

struct Point {
  int32_t top;
  int64_t count;
  int64_t share;
};

void ExpectCurve(const ParetoCurve& curve, const std::vector<Point>& want) {
  ASSERT_EQ(curve.points.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(curve.points[i].top_share_bp, want[i].top) << i;
    EXPECT_EQ(curve.points[i].account_count, want[i].count) << "top " << want[i].top;
    EXPECT_EQ(curve.points[i].value_share_bp, want[i].share) << "top " << want[i].top;
  }
}

// A curve at the default top shares (kDefaultParetoTopSharesBp: 1%, 5%, 10%,
// 20%, 50%, 80%, 100%): the account counts and value shares, in that order.
void ExpectDefaultCurve(const ParetoCurve& curve, const std::vector<int64_t>& counts,
                        const std::vector<int64_t>& shares) {
  const size_t n = std::size(kDefaultParetoTopSharesBp);
  ASSERT_EQ(counts.size(), n);
  ASSERT_EQ(shares.size(), n);
  std::vector<Point> want;
  for (size_t i = 0; i < n; ++i)
    want.push_back({kDefaultParetoTopSharesBp[i], counts[i], shares[i]});
  ExpectCurve(curve, want);
}

TEST(ParetoTest, OneToHundred) {
  // Top 20% = 81..100 = 1810 of 5050 = 35.84%.
  const ParetoCurve curve = Curve(OneTo(100));
  EXPECT_TRUE(curve.defined);
  EXPECT_EQ(curve.account_count, 100);
  EXPECT_EQ(curve.total_value, 5050);
  ExpectDefaultCurve(curve, {1, 5, 10, 20, 50, 80, 100}, {198, 970, 1891, 3584, 7475, 9584, 10000});
  EXPECT_EQ(TopShareSentence(OneTo(100)).value(), "top 20% hold 35.84%");
}

TEST(ParetoTest, TheEightyTwentyRule) {
  // docs/domain.md §1: about 20% of customers bring about 80% of revenue.
  std::vector<int64_t> values(20, 16);
  values.resize(100, 1);
  EXPECT_EQ(TopShareSentence(values, 2000).value(), "top 20% hold 80%");
  EXPECT_EQ(TopShareSentence(values, 100).value(), "top 1% hold 4%");
}

TEST(ParetoTest, PointsComeBackInTheOrderAsked) {
  const int32_t shares[] = {2000, 100, 2000, 0};
  ExpectCurve(Curve(OneTo(100), shares),
              {{2000, 20, 3584}, {100, 1, 198}, {2000, 20, 3584}, {0, 0, 0}});
}

TEST(ParetoTest, LossMakingAccountsLiftTheTopAbove100Percent) {
  // 10 accounts of +100, 90 of -5: total 550. The best 10% hold 1000/550.
  std::vector<int64_t> values(10, 100);
  values.resize(100, -5);
  std::shuffle(values.begin(), values.end(), std::mt19937_64(4));
  ExpectDefaultCurve(Curve(values), {1, 5, 10, 20, 50, 80, 100},
                     {1818, 9091, 18182, 17273, 14545, 11818, 10000});
}

TEST(ParetoTest, ZeroOrNegativeTotalIsUndefined) {
  ParetoCurve curve = Curve({5, -5});
  EXPECT_FALSE(curve.defined);
  for (const ParetoPoint& p : curve.points) EXPECT_EQ(p.value_share_bp, 0);
  EXPECT_EQ(curve.points.back().account_count, 2);
  EXPECT_EQ(TopShareSentence({5, -5}).value(),
            "top 20% hold an undefined share (total value is not positive)");
  EXPECT_FALSE(Curve({0, 0, 0}).defined);
  EXPECT_FALSE(Curve({-1, -2}).defined);
}

TEST(ParetoTest, EmptyAndOneValue) {
  ParetoCurve curve = Curve({});
  EXPECT_FALSE(curve.defined);
  EXPECT_EQ(curve.account_count, 0);
  ASSERT_EQ(curve.points.size(), 7u);
  EXPECT_EQ(curve.points.back().account_count, 0);
  // One account: the top x% is round-half-up(x% of 1) accounts, so 0 up to
  // 49.99% and 1 from 50%.
  const int32_t shares[] = {2000, 4999, 5000, 10000};
  ExpectCurve(Curve({7}, shares),
              {{2000, 0, 0}, {4999, 0, 0}, {5000, 1, 10000}, {10000, 1, 10000}});
}

TEST(ParetoTest, TiesDoNotMatterToShares) {
  ExpectDefaultCurve(Curve(std::vector<int64_t>(10, 3)), {0, 1, 1, 2, 5, 8, 10},
                     {0, 1000, 1000, 2000, 5000, 8000, 10000});
}

TEST(ParetoTest, ExactBeyondInt64WhenTheTotalFits) {
  // The best two sum to 2 x INT64_MAX, the total is INT64_MAX - 1.
  const int32_t shares[] = {6667, 10000};
  const ParetoCurve curve = Curve({kMax, kMin, kMax}, shares);
  EXPECT_EQ(curve.total_value, kMax - 1);
  ExpectCurve(curve, {{6667, 2, 20000}, {10000, 3, 10000}});
}

TEST(ParetoTest, Errors) {
  const int32_t bad[] = {100, 500, 12000};
  ExpectInvalid(ComputeParetoCurve({1, 2}, bad).status(), "top_shares_bp[2]",
                "must be from 0 to 10000 basis points (got 12000)");
  const int32_t negative[] = {-1};
  ExpectInvalid(ComputeParetoCurve({1, 2}, negative).status(), "top_shares_bp[0]", "(got -1)");
  EXPECT_EQ(ComputeParetoCurve({kMax, 1}).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(TopShareSentence({kMax, 1}).status().code(), absl::StatusCode::kOutOfRange);
}

TEST(ParetoTest, EveryPercent) {
  const std::vector<int32_t> shares = EveryPercentBp();
  ASSERT_EQ(shares.size(), 101u);
  EXPECT_EQ(shares.front(), 0);
  EXPECT_EQ(shares[20], 2000);
  EXPECT_EQ(shares.back(), 10000);
}

TEST(ParetoTest, MillionValues) {
  std::vector<int64_t> values(1'000'000);
  std::mt19937_64 random(6);
  for (int64_t& v : values) v = static_cast<int64_t>(random() % 1'000'000);
  const ParetoCurve curve = Curve(values, EveryPercentBp());
  ASSERT_TRUE(curve.defined);
  EXPECT_EQ(curve.points.back().value_share_bp, 10000);
  // Uniform values: the top x% hold about x(2 - x) of the value.
  EXPECT_NEAR(curve.points[20].value_share_bp, 3600, 10);
  for (size_t i = 1; i < curve.points.size(); ++i) {
    EXPECT_GE(curve.points[i].value_share_bp, curve.points[i - 1].value_share_bp);
  }
}

// --- Customer equity ------------------------------------------------------------

TEST(CustomerEquityTest, SumOfTheDomainExample) {
  // docs/domain.md §3: CLV 925 without, 1525 with the retention programme.
  EXPECT_EQ(CustomerEquity(std::vector<int64_t>(1000, 925)).value(), 925'000);
  EXPECT_EQ(CustomerEquity(std::vector<int64_t>(1000, 1525)).value(), 1'525'000);
  EXPECT_EQ(CustomerEquity({925, 1525, -75}).value(), 2375);
  EXPECT_EQ(CustomerEquity({}).value(), 0);
}

TEST(CustomerEquityTest, ExactAcrossTheLimits) {
  EXPECT_EQ(CustomerEquity({kMax, 1, -1}).value(), kMax);  // the running sum passes kMax
  EXPECT_EQ(CustomerEquity({kMin}).value(), kMin);
  EXPECT_EQ(CustomerEquity({kMax, kMin}).value(), -1);
  for (const std::vector<int64_t>& clvs :
       {std::vector<int64_t>{kMax, 1}, std::vector<int64_t>{kMin, -1},
        std::vector<int64_t>{kMax, kMax, kMax}}) {
    const absl::Status status = CustomerEquity(clvs).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kOutOfRange) << status;
    EXPECT_TRUE(absl::StrContains(status.message(), "customer equity")) << status;
  }
}

// --- Tier movement --------------------------------------------------------------

TEST(MovementNameTest, Names) {
  const std::pair<Movement, absl::string_view> names[] = {
      {Movement::kNew, "NEW"},         {Movement::kPromoted, "PROMOTED"},
      {Movement::kDemoted, "DEMOTED"}, {Movement::kUnchanged, "UNCHANGED"},
      {Movement::kDropped, "DROPPED"}, {static_cast<Movement>(9), "?"},
  };
  for (const auto& [movement, name] : names) EXPECT_EQ(MovementName(movement), name);
}

TierMovement Compare(const std::vector<RatedAccount>& previous,
                     const std::vector<RatedAccount>& current) {
  absl::StatusOr<TierMovement> movement = CompareRuns(previous, current);
  EXPECT_TRUE(movement.ok()) << movement.status();
  return movement.ok() ? *movement : TierMovement{};
}

const std::vector<RatedAccount> kPrevious = {
    {5, Tier::kA}, {1, Tier::kA}, {2, Tier::kB}, {3, Tier::kC}, {4, Tier::kD}};
const std::vector<RatedAccount> kCurrent = {
    {6, Tier::kB}, {1, Tier::kA}, {2, Tier::kA}, {3, Tier::kD}, {5, Tier::kC}};

TEST(CompareRunsTest, EveryKindOfMove) {
  const TierMovement m = Compare(kPrevious, kCurrent);
  ASSERT_EQ(m.moves.size(), 6u);
  struct Want {
    int64_t id;
    std::optional<Tier> from;
    std::optional<Tier> to;
    Movement movement;
  };
  const Want want[] = {
      {1, Tier::kA, Tier::kA, Movement::kUnchanged},
      {2, Tier::kB, Tier::kA, Movement::kPromoted},
      {3, Tier::kC, Tier::kD, Movement::kDemoted},
      {4, Tier::kD, std::nullopt, Movement::kDropped},
      {5, Tier::kA, Tier::kC, Movement::kDemoted},
      {6, std::nullopt, Tier::kB, Movement::kNew},
  };
  for (size_t i = 0; i < m.moves.size(); ++i) {
    EXPECT_EQ(m.moves[i].account_id, want[i].id);
    EXPECT_EQ(m.moves[i].from, want[i].from) << want[i].id;
    EXPECT_EQ(m.moves[i].to, want[i].to) << want[i].id;
    EXPECT_EQ(m.moves[i].movement, want[i].movement) << want[i].id;
  }
  MovementMatrix matrix{};  // [from][to]; 0 = unrated, 1..4 = A..D
  matrix[1][1] = 1;         // 1: A -> A
  matrix[2][1] = 1;         // 2: B -> A
  matrix[3][4] = 1;         // 3: C -> D
  matrix[4][0] = 1;         // 4: D -> unrated
  matrix[1][3] = 1;         // 5: A -> C
  matrix[0][2] = 1;         // 6: unrated -> B
  EXPECT_EQ(m.matrix, matrix);
  EXPECT_EQ(m.count_by_movement, (std::array<int64_t, 5>{1, 1, 2, 1, 1}));
}

TEST(CompareRunsTest, EmptyRuns) {
  TierMovement m = Compare({}, {});
  EXPECT_TRUE(m.moves.empty());
  EXPECT_EQ(m.matrix, MovementMatrix{});
  m = Compare({}, {{7, Tier::kD}});
  EXPECT_EQ(m.count_by_movement[static_cast<int>(Movement::kNew)], 1);
  EXPECT_EQ(m.matrix[0][4], 1);
  m = Compare({{7, Tier::kD}}, {});
  EXPECT_EQ(m.count_by_movement[static_cast<int>(Movement::kDropped)], 1);
  EXPECT_EQ(m.matrix[4][0], 1);
}

// Two runs over accounts 1..n in id order with random tiers: a tenth of the
// accounts only in `current` (new), a tenth only in `previous` (dropped).
struct RunPair {
  std::vector<RatedAccount> previous;
  std::vector<RatedAccount> current;
};
RunPair RandomRuns(std::mt19937_64& random, int64_t n) {
  RunPair runs;
  for (int64_t id = 1; id <= n; ++id) {
    const uint64_t r = random();
    if (r % 10 != 0) runs.previous.push_back({id, static_cast<Tier>(1 + (r >> 8) % 4)});
    if (r % 10 != 1) runs.current.push_back({id, static_cast<Tier>(1 + (r >> 16) % 4)});
  }
  return runs;
}

TEST(CompareRunsTest, MatrixAddsUpOnALargeRandomPair) {
  std::mt19937_64 random(12);
  auto [previous, current] = RandomRuns(random, 100'000);
  std::shuffle(previous.begin(), previous.end(), random);
  std::shuffle(current.begin(), current.end(), random);
  const TierMovement m = Compare(previous, current);
  EXPECT_EQ(m.moves.size(), 100'000u);
  int64_t total = 0;
  for (const auto& row : m.matrix) total = std::accumulate(row.begin(), row.end(), total);
  EXPECT_EQ(total, 100'000);
  EXPECT_EQ(m.matrix[0][0], 0);
  int64_t from_rated = 0;
  for (int from = 1; from <= 4; ++from) {
    for (int to = 0; to <= 4; ++to) from_rated += m.matrix[from][to];
  }
  EXPECT_EQ(from_rated, static_cast<int64_t>(previous.size()));
  EXPECT_TRUE(std::is_sorted(
      m.moves.begin(), m.moves.end(),
      [](const TierMove& a, const TierMove& b) { return a.account_id < b.account_id; }));
}

TEST(CompareRunsTest, BadInputsAreRefused) {
  ExpectInvalid(CompareRuns({}, {{1, Tier::kA}, {2, Tier::kB}, {1, Tier::kC}}).status(),
                "current[2].account_id", "duplicates current[0].account_id (1)");
  ExpectInvalid(CompareRuns({{1, Tier::kA}, {2, static_cast<Tier>(5)}}, {}).status(),
                "previous[1].tier", "must be one of A, B, C, D (got 5)");
}

// --- Key-account list ------------------------------------------------------------

std::vector<int64_t> Ids(const std::vector<KeyListChange>& changes) {
  std::vector<int64_t> ids;
  for (const KeyListChange& c : changes) ids.push_back(c.account_id);
  return ids;
}

KeyListChanges KeyChanges(const std::vector<Tier>& key_tiers) {
  absl::StatusOr<KeyListChanges> changes =
      KeyAccountListChanges(Compare(kPrevious, kCurrent), key_tiers);
  EXPECT_TRUE(changes.ok()) << changes.status();
  return changes.ok() ? *changes : KeyListChanges{};
}

TEST(KeyListChangesTest, AAndBAreKey) {
  // 6 is new at B; 5 fell from A to C. 2 (B -> A) stays on the list; 3
  // (C -> D) and 4 (D -> gone) were never on it.
  const KeyListChanges changes = KeyChanges({Tier::kA, Tier::kB});
  EXPECT_EQ(Ids(changes.came_on), (std::vector<int64_t>{6}));
  EXPECT_EQ(Ids(changes.dropped_off), (std::vector<int64_t>{5}));
  EXPECT_EQ(DescribeChange(changes.came_on[0].from, changes.came_on[0].to), "unrated -> B");
  EXPECT_EQ(DescribeChange(changes.dropped_off[0].from, changes.dropped_off[0].to), "A -> C");
}

TEST(KeyListChangesTest, OtherKeySets) {
  KeyListChanges changes = KeyChanges({Tier::kA});
  EXPECT_EQ(Ids(changes.came_on), (std::vector<int64_t>{2}));
  EXPECT_EQ(Ids(changes.dropped_off), (std::vector<int64_t>{5}));
  changes = KeyChanges({Tier::kC, Tier::kB, Tier::kA, Tier::kA});  // order and repeats ignored
  EXPECT_EQ(Ids(changes.came_on), (std::vector<int64_t>{6}));
  EXPECT_EQ(Ids(changes.dropped_off), (std::vector<int64_t>{3}));
  changes = KeyChanges({Tier::kD});  // dropping out of the run drops off the list
  EXPECT_EQ(Ids(changes.came_on), (std::vector<int64_t>{3}));
  EXPECT_EQ(Ids(changes.dropped_off), (std::vector<int64_t>{4}));
  EXPECT_EQ(DescribeChange(Tier::kD, std::nullopt), "D -> unrated");
  changes = KeyChanges({});
  EXPECT_TRUE(changes.came_on.empty());
  EXPECT_TRUE(changes.dropped_off.empty());
}

TEST(KeyListChangesTest, BadKeyTierIsRefused) {
  const std::vector<Tier> key_tiers = {Tier::kA, static_cast<Tier>(7)};
  ExpectInvalid(KeyAccountListChanges(TierMovement{}, key_tiers).status(), "key_tiers[1]",
                "must be one of A, B, C, D (got 7)");
  TierMovement hand_built;
  hand_built.moves.push_back({1, Tier::kA, Tier::kB, Movement::kDemoted});
  hand_built.moves.push_back({2, Tier::kA, static_cast<Tier>(-1), Movement::kDemoted});
  ExpectInvalid(KeyAccountListChanges(hand_built, {Tier::kA}).status(), "movement.moves[1].to",
                "(got -1)");
}

// --- From SQL aggregates (what ReportService computes with) --------------------

PyramidSummary FromTotals(const std::array<TierTotal, kTierCount>& totals) {
  absl::StatusOr<PyramidSummary> summary = SummarizeTierTotals(totals);
  EXPECT_TRUE(summary.ok()) << summary.status();
  return summary.ok() ? *summary : PyramidSummary{};
}

TEST(TierTotalsTest, ThousandAccountsMatchThePerAccountSummary) {
  const RatedRun run = RunOf([] {
    std::vector<AccountValue> accounts;
    for (int64_t v : OneTo(1000)) accounts.push_back({v * 10, v, ""});
    return accounts;
  }());
  std::array<TierTotal, kTierCount> totals{};
  for (size_t i = 0; i < run.accounts.size(); ++i) {
    TierTotal& t = totals[static_cast<int>(run.assignments[i].tier) - 1];
    ++t.count;
    t.total_value += run.accounts[i].value;
  }
  const PyramidSummary s = FromTotals(totals);
  EXPECT_EQ(s.account_count, 1000);
  EXPECT_EQ(s.total_value, 500500);
  EXPECT_TRUE(s.value_shares_defined);
  EXPECT_EQ(Counts(s), (Four{10, 40, 150, 800}));
  EXPECT_EQ(Totals(s), (Four{9955, 38820, 131325, 320400}));
  EXPECT_EQ(AccountShares(s), (Four{100, 400, 1500, 8000}));
  EXPECT_EQ(ValueShares(s), (Four{199, 776, 2624, 6401}));
  const PyramidSummary direct = Summarize(run);
  EXPECT_EQ(ValueShares(s), ValueShares(direct));
  EXPECT_EQ(AccountShares(s), AccountShares(direct));
}

TEST(TierTotalsTest, EmptyOneAccountAndLosses) {
  const PyramidSummary empty = FromTotals({});
  EXPECT_EQ(empty.account_count, 0);
  EXPECT_FALSE(empty.value_shares_defined);
  EXPECT_EQ(AccountShares(empty), (Four{0, 0, 0, 0}));
  EXPECT_EQ(empty.tiers[2].tier, Tier::kC);

  const PyramidSummary one = FromTotals({TierTotal{1, 700}, {}, {}, {}});
  EXPECT_EQ(AccountShares(one), (Four{10000, 0, 0, 0}));
  EXPECT_EQ(ValueShares(one), (Four{10000, 0, 0, 0}));

  // D loses 200 of A's 1000: A holds 125%, D -25% of the net 800.
  const PyramidSummary losses = FromTotals({TierTotal{1, 1000}, {}, {}, TierTotal{3, -200}});
  EXPECT_EQ(ValueShares(losses), (Four{12500, 0, 0, -2500}));
  EXPECT_EQ(AccountShares(losses), (Four{2500, 0, 0, 7500}));
}

TEST(TierTotalsTest, BadTotalsAreRefused) {
  ExpectInvalid(SummarizeTierTotals({{{}, {}, TierTotal{-1, 0}, {}}}).status(), "totals[2].count",
                "must be >= 0");
  EXPECT_EQ(SummarizeTierTotals({TierTotal{1, kMax}, TierTotal{1, 1}, {}, {}}).status().code(),
            absl::StatusCode::kOutOfRange);
}

// The sums a database would give: the best counts[i] values added up.
ParetoCurve FromSums(std::vector<int64_t> values, absl::Span<const int32_t> shares) {
  std::sort(values.begin(), values.end(), std::greater<int64_t>());
  absl::StatusOr<std::vector<int64_t>> counts =
      ParetoTopCounts(static_cast<int64_t>(values.size()), shares);
  EXPECT_TRUE(counts.ok()) << counts.status();
  if (!counts.ok()) return {};
  std::vector<int64_t> sums;
  for (int64_t count : *counts) {
    sums.push_back(std::accumulate(values.begin(), values.begin() + count, int64_t{0}));
  }
  const int64_t total = std::accumulate(values.begin(), values.end(), int64_t{0});
  absl::StatusOr<ParetoCurve> curve =
      ParetoCurveFromTopSums(static_cast<int64_t>(values.size()), total, shares, sums);
  EXPECT_TRUE(curve.ok()) << curve.status();
  return curve.ok() ? *curve : ParetoCurve{};
}

void ExpectSameCurve(const ParetoCurve& a, const ParetoCurve& b) {
  EXPECT_EQ(a.account_count, b.account_count);
  EXPECT_EQ(a.total_value, b.total_value);
  EXPECT_EQ(a.defined, b.defined);
  ASSERT_EQ(a.points.size(), b.points.size());
  for (size_t i = 0; i < a.points.size(); ++i) {
    EXPECT_EQ(a.points[i].top_share_bp, b.points[i].top_share_bp) << i;
    EXPECT_EQ(a.points[i].account_count, b.points[i].account_count) << i;
    EXPECT_EQ(a.points[i].value_share_bp, b.points[i].value_share_bp) << i;
  }
}

TEST(ParetoFromSumsTest, ThousandAccountsGolden) {
  // Values 1..1000: the top 20% (801..1000) hold 180100 of 500500 = 35.98%.
  const ParetoCurve curve = FromSums(OneTo(1000), kDefaultParetoTopSharesBp);
  ExpectDefaultCurve(curve, {10, 50, 100, 200, 500, 800, 1000},
                     {199, 975, 1899, 3598, 7498, 9598, 10000});
  EXPECT_EQ(DescribeParetoPoint(curve.points[3]), "top 20% hold 35.98%");
  ExpectSameCurve(curve, Curve(OneTo(1000)));
}

TEST(ParetoFromSumsTest, SameAsFromValuesOnEdgeCases) {
  const std::vector<int32_t> every = EveryPercentBp();
  ExpectSameCurve(FromSums({}, every), Curve({}, every));
  ExpectSameCurve(FromSums({42}, every), Curve({42}, every));
  ExpectSameCurve(FromSums({0, 0, 0}, every), Curve({0, 0, 0}, every));
  ExpectSameCurve(FromSums({5, 5, 5, 5, 1}, every), Curve({5, 5, 5, 5, 1}, every));  // ties
  ExpectSameCurve(FromSums({900, 100, -300, 7}, every), Curve({900, 100, -300, 7}, every));
  EXPECT_FALSE(FromSums({}, every).defined);
  EXPECT_EQ(FromSums({42}, every).points[1].account_count, 0);        // 1% of 1 rounds to 0
  EXPECT_EQ(FromSums({42}, every).points[50].value_share_bp, 10000);  // 50% of 1 rounds up
}

TEST(ParetoFromSumsTest, BadInputsAreRefused) {
  const int32_t bad[] = {2000, 12000};
  ExpectInvalid(ParetoTopCounts(10, bad).status(), "top_shares_bp[1]", "(got 12000)");
  ExpectInvalid(ParetoTopCounts(-1, kDefaultParetoTopSharesBp).status(), "account_count", ">= 0");
  const int32_t two[] = {2000, 5000};
  const int64_t one_sum[] = {5};
  ExpectInvalid(ParetoCurveFromTopSums(10, 10, two, one_sum).status(), "top_sums",
                "one entry per share");
}

TEST(CountMovementsTest, SameAsCompareRuns) {
  std::mt19937_64 random(7);
  const RunPair runs = RandomRuns(random, 10'000);
  const TierMovement m = Compare(runs.previous, runs.current);
  EXPECT_EQ(CountMovements(m.matrix), m.count_by_movement);

  MovementMatrix hand{};
  hand[MatrixIndex(Tier::kB)][MatrixIndex(Tier::kA)] = 3;  // promoted
  hand[MatrixIndex(Tier::kA)][MatrixIndex(Tier::kC)] = 2;  // demoted
  hand[MatrixIndex(Tier::kD)][MatrixIndex(Tier::kD)] = 5;  // unchanged
  hand[0][MatrixIndex(Tier::kC)] = 7;                      // new
  hand[MatrixIndex(Tier::kA)][0] = 1;                      // dropped
  EXPECT_EQ(CountMovements(hand), (std::array<int64_t, kMovementCount>{7, 3, 2, 5, 1}));
  EXPECT_EQ(CountMovements(MovementMatrix{}), (std::array<int64_t, kMovementCount>{}));
}

// --- Group roll-ups ---------------------------------------------------------------

TEST(ValueWeightedScoreTest, WeighsByPositiveValueAndRoundsHalfUp) {
  // Health 80 on value 3000, 50 on value 1000, 10 on a loss (weight 0):
  // (80*3000 + 50*1000) / 4000 = 72.5 -> 73.
  WeightedScoreSums sums;
  sums.weighted = absl::int128(80) * 3000 + absl::int128(50) * 1000;
  sums.weight = 4000;
  sums.plain_sum = 80 + 50 + 10;
  sums.count = 3;
  EXPECT_EQ(ValueWeightedScore(sums), 73);
  sums.weighted -= 1;  // 72.49975 -> 72
  EXPECT_EQ(ValueWeightedScore(sums), 72);
}

TEST(ValueWeightedScoreTest, WithoutPositiveValuesThePlainAverage) {
  WeightedScoreSums sums;
  sums.plain_sum = 40 + 45;  // 42.5 -> 43
  sums.count = 2;
  EXPECT_EQ(ValueWeightedScore(sums), 43);
  EXPECT_EQ(ValueWeightedScore(WeightedScoreSums{}), 0);
}

TEST(ValueWeightedScoreTest, HugeValuesDoNotOverflow) {
  WeightedScoreSums sums;
  sums.weight = absl::int128(kMax) * 100000;
  sums.weighted = sums.weight * 100;
  sums.count = 100000;
  EXPECT_EQ(ValueWeightedScore(sums), 100);
}

TEST(CreditHeadroomTest, LimitMinusExposureInOneCurrency) {
  CreditHeadroom h = HeadroomOf(100000, "EUR", 30000, "EUR");
  EXPECT_TRUE(h.defined);
  EXPECT_EQ(h.minor, 70000);
  h = HeadroomOf(100000, "EUR", 130000, "EUR");
  EXPECT_EQ(h.minor, -30000);            // over the limit
  h = HeadroomOf(100000, "EUR", 0, "");  // members without amounts
  EXPECT_TRUE(h.defined);
  EXPECT_EQ(h.minor, 100000);
  EXPECT_FALSE(HeadroomOf(100000, "USD", 30000, "EUR").defined);
  EXPECT_EQ(HeadroomOf(kMax, "EUR", kMin, "EUR").minor, kMax);  // saturates
}

}  // namespace
}  // namespace kam::scoring::rules
