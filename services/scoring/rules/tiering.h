// The tiering rules of docs/domain.md §2: place each account in tier A, B, C or D
// by the pyramid (share of customers), by absolute thresholds, or by either
// one per segment (per industry). Pure: no I/O.
//
// The rules, stated once here and tested one by one in tiering_test.cc:
//
// Ordering. Within a ranking (all accounts, or one segment) accounts are
//   sorted by value, highest first. Equal values are ordered by account id,
//   lowest first; this only makes ranks deterministic, it never decides a
//   tier (see Ties). Rank 1 is the best; ranks are 1..n with no gaps.
//
// Pyramid counts. With n accounts in the ranking and a cumulative share s
//   (basis points) for "tiers up to X", the number of accounts in tiers up to
//   X is round-half-up(n * s / 10000), computed exactly in integers. With the
//   default 1% / 5% / 20% this gives 10 / 40 / 150 / 800 for 1,000 accounts
//   with distinct values, and for small n:
//     n = 1, 2      0 / 0 / 0 / n     (1% of 1 is 0.01, rounds to 0: the one
//                                      account is D; there is no top 1% of a
//                                      single customer)
//     n = 3..9      C gets round-half-up(n / 5), B and A none (n = 7: 0/0/1/6)
//     n = 10        0 / 1 / 1 / 8     (the first B needs n >= 10)
//     n = 50        1 / 2 / 7 / 40    (the first A needs n >= 50)
//     n = 99        1 / 4 / 15 / 79
//     n = 100       1 / 4 / 15 / 80
//     n = 101       1 / 4 / 15 / 81
//     n = 150       2 / 6 / 22 / 120  (1.5 rounds up to 2)
//
// Ties. Equal values never straddle a tier boundary: when a boundary falls
//   inside a group of equal values, the whole group takes the WORSE tier
//   (the boundary moves up to the start of the group). Why the worse tier:
//   the shares are a budget of attention (docs/domain.md §2: tiers exist to move
//   effort to where value is), so "A is the top 1%" is kept as a ceiling;
//   the better tier would let ties inflate A without limit, and in the
//   common case of many accounts with zero value it would lift all of them
//   out of D together. So the count in tiers up to X is never above
//   round-half-up(n * s / 10000), and is below it only because of ties (or
//   of non-positive values, next).
//
// Zero and negative values. Values may be negative (profit after the cost to
//   serve, docs/domain.md §1). They are ranked like any other value (below zero),
//   and count in n. Under a pyramid with `positive_values_only` (the
//   default), an account whose value is zero or negative is never placed
//   above D: a customer who brings nothing or destroys value is not a key
//   account (docs/domain.md §2's BZ, "negative value, to be let go"), whatever
//   its rank among the others. Set it to false when the value is a score
//   whose zero has no such meaning. Thresholds compare values as they are.
//
// Thresholds. A when value >= a_min_value, else B when >= b_min_value, else C
//   when >= c_min_value, else D; a_min_value >= b_min_value >= c_min_value
//   (equal minimums leave the tier between them empty).
//
// Per segment. With `by_segment`, each distinct segment string (the empty
//   string is a segment too) is ranked on its own, with its rule from
//   `segment_rules` or `default_rule` when it is not listed; ranks and
//   percentiles are within the segment.
//
// Percentile. The share of the accounts in the same ranking that are ranked
//   above the account, in basis points, rounded down:
//   floor((rank - 1) * 10000 / n). The best account has 0.
//
// Churned accounts. The pyramid ranks the live customers (docs/domain.md §2):
//   an account marked `churned` (lifecycle state CHURNED, docs/domain.md §5)
//   is not rated into a tier. It is left out of n, out of every ranking and
//   out of the cuts, under a pyramid and under thresholds alike; its result
//   says `tiered = false` with rank 0 and percentile 0. So 1,000 live
//   accounts and 50 churned ones still give 10 / 40 / 150 / 800. A won-back
//   account is live again and is ranked at the next run.
//
// Groups (rank unit GROUP, docs/domain.md §2). With `by_group`, BookRanking
//   ranks group customers instead of accounts. A group is a root account
//   (one added without a parent, or whose parent was not added: a parent
//   outside the book) with its whole subtree; a standalone account is a
//   group of one. The group's value is the sum of the values of its
//   accounts that are not churned (saturating at the int64 range); it is
//   ranked in its root's segment, as one entry: n counts groups. Every
//   account of the group gets the group's tier, rank and percentile, and
//   says which group it was rated as (TierAssignment::group_id, the root).
//   The churned-accounts rule still holds per account: a churned account
//   gets no tier (its group still does), and a group all of whose accounts
//   are churned is in no ranking. A root that is churned heads its group
//   all the same (its group is rated as it, without its value). Only
//   accounts with a parent cost memory beyond the 24 bytes (16 bytes each:
//   the link to the parent), and churned accounts 8 bytes each. Should the
//   links make a cycle (the hierarchy changed while the book was read), the
//   accounts on it head their own groups.
//
// Empty input gives empty output. Account ids must be unique.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace kam::scoring::rules {

// The tiers of docs/domain.md §2, best first. The numbers match kam.account.v1.Tier
// (TIER_A = 1 ... TIER_D = 4), so a tier converts to the proto by value.
enum class Tier { kA = 1, kB = 2, kC = 3, kD = 4 };

constexpr int kTierCount = 4;

// "A", "B", "C", "D"; "?" for a value outside the enum.
absl::string_view TierName(Tier tier);

// True for kA..kD (a Tier cast from an int may be anything).
bool IsValidTier(Tier tier);

// One account to rate.
struct AccountValue {
  int64_t account_id = 0;
  // The ranking quantity: money in minor units or a score scaled to an
  // integer; the caller decides which (docs/domain.md §1: profit after the cost
  // to serve rather than revenue alone).
  int64_t value = 0;
  // The ranking group (for example an industry) when the policy ranks by
  // segment; ignored otherwise. May be empty.
  std::string segment;
  // A churned account: not ranked, not counted in n, given no tier (see the
  // file comment).
  bool churned = false;
  // The parent in the group hierarchy, 0 for none. Read only by a
  // BookRanking whose policy ranks groups (`by_group`).
  int64_t parent_id = 0;
};

// The pyramid by share of customers. Each field is the cumulative share of
// the ranking that falls in that tier or a better one, in basis points
// (1% = 100): the defaults are docs/domain.md §2's A 1% / B 4% / C 15% / D 80%.
// Valid when each is in 0..10000 and a <= b <= c. c = 10000 leaves D empty,
// which expresses the three-level A/B/C scheme.
struct PyramidRule {
  int32_t a_cumulative_bp = 100;
  int32_t b_cumulative_bp = 500;
  int32_t c_cumulative_bp = 2000;
  // Zero and negative values stay in D (see the file comment).
  bool positive_values_only = true;
};

// Absolute thresholds: the minimum value for A, B and C; D is below C. The
// bank of docs/domain.md §2 ranks assets under management in minor units:
// {a = 1'000'000'000, b = 50'000'000, c = 5'000'000} for 10M / 500k / 50k.
// Valid when a_min_value >= b_min_value >= c_min_value. There is no useful
// default: set all three.
struct ThresholdRule {
  int64_t a_min_value = 0;
  int64_t b_min_value = 0;
  int64_t c_min_value = 0;
};

using TierRule = std::variant<PyramidRule, ThresholdRule>;

// How to tier a set of accounts.
struct TieringPolicy {
  // The rule for all accounts, or for segments not in `segment_rules`.
  TierRule default_rule = PyramidRule{};
  // When false, all accounts form one ranking and segments are ignored.
  bool by_segment = false;
  // Rules for named segments; must be empty unless `by_segment`.
  std::map<std::string, TierRule, std::less<>> segment_rules;
  // Rank groups, not accounts (see Groups in the file comment). BookRanking
  // only: AssignTiers refuses it.
  bool by_group = false;
};

// OK, or INVALID_ARGUMENT naming the field, e.g.
// "policy.default_rule.b_cumulative_bp must be at least a_cumulative_bp (400 < 500)"
// or "policy.segment_rules[\"retail\"].c_min_value must be at most
// b_min_value (9 > 5)".
absl::Status ValidatePolicy(const TieringPolicy& policy);

// The cumulative counts a pyramid targets for a ranking of n accounts, before
// ties and non-positive values are taken into account: round-half-up(n * s /
// 10000) for each cumulative share s. Requires a valid rule and n >= 0.
struct PyramidTargets {
  int64_t through_a = 0;
  int64_t through_b = 0;
  int64_t through_c = 0;
};
PyramidTargets PyramidTargetCounts(int64_t n, const PyramidRule& rule);

// The result for one account.
struct TierAssignment {
  int64_t account_id = 0;
  Tier tier = Tier::kD;
  // 1 = best within its ranking (all accounts, or its segment).
  int64_t rank = 0;
  // Share of its ranking ranked above it, basis points, rounded down.
  int32_t percentile_bp = 0;
  // False for a churned account: it is in no ranking and has no tier (`tier`
  // is then meaningless and `rank` and `percentile_bp` are 0). Whoever counts
  // tiers must skip it.
  bool tiered = true;
  // Ranked by group: the root of the account's group (the account itself
  // for a root or standalone account) and the group's value. 0 and 0 when
  // accounts are ranked on their own.
  int64_t group_id = 0;
  int64_t group_value = 0;
};

// Tiers `accounts` under `policy`. The result has one entry per account, in
// the order of `accounts` (result[i] is for accounts[i]).
//   INVALID_ARGUMENT: the policy is invalid (see ValidatePolicy), or two
//     accounts share an id ("accounts[3].account_id duplicates
//     accounts[1].account_id (42)").
// O(n log n) time (one sort of n 24-byte entries), O(n) extra memory.
absl::StatusOr<std::vector<TierAssignment>> AssignTiers(absl::Span<const AccountValue> accounts,
                                                        const TieringPolicy& policy);

// The same ranking as AssignTiers (the same tiers, ranks and percentiles,
// by the rules above) over a whole book, in bounded memory: what the rating
// runner keeps between its two passes. Per account it holds 24 bytes (id,
// value, segment number, rank; a churned account is marked by its segment
// number) in the blocks of a deque, which grows
// without ever copying what it holds; per distinct segment, its name, rule,
// size and cuts. AssignTiers holds about four times as much at its peak (its
// input with a string per account, the sort entries and the output), which
// at ten million accounts is over 1 GiB.
//
//   BookRanking ranking = *BookRanking::Create(policy);
//   for (...) ranking.Add(account_value);      // any order
//   KAM_RETURN_IF_ERROR(ranking.Rank());
//   for (size_t i = 0; i < ranking.size(); ++i) use(ranking.At(i));  // by id
class BookRanking {
 public:
  // INVALID_ARGUMENT as ValidatePolicy.
  static absl::StatusOr<BookRanking> Create(TieringPolicy policy);

  // Adds one account (its segment is read only when the policy ranks by
  // segment). Before Rank only.
  void Add(const AccountValue& account);

  // Ranks the accounts added and puts them in increasing id order. Once.
  //   INVALID_ARGUMENT: two accounts share an id ("accounts: account id 42
  //     was added twice"), or there are more than 4294967295 accounts.
  // O(n log n) time (two sorts), no memory beyond what Add took.
  absl::Status Rank();

  size_t size() const { return accounts_.size(); }
  // After Rank: the id of the account with the i-th lowest id (cheap: for
  // walking the book in id order alongside another stream).
  int64_t AccountIdAt(size_t i) const { return accounts_[i].account_id; }
  // After Rank: the tier, rank and percentile of that account (by group:
  // its group's, and the group).
  TierAssignment At(size_t i) const;

 private:
  // An account's link to its parent (by group only); after Rank, to the
  // root of its group.
  struct Link {
    int64_t account_id;
    int64_t parent_id;
  };
  struct Ranked {
    int64_t account_id;
    int64_t value;
    uint32_t segment;  // index in segments_
    uint32_t rank;     // 1-based within the segment, set by Rank
  };
  struct Segment {
    TierRule rule;
    int64_t size = 0;
    PyramidTargets cuts;  // the cuts applied (pyramid rules only)
  };

  explicit BookRanking(TieringPolicy policy) : policy_(std::move(policy)) {}

  // By group, before ranking: sums each group's value into its root and
  // takes the other accounts out of the ranking.
  void GroupAccounts();
  // Whether account `id` churned (by group only; a binary search).
  bool Churned(int64_t id) const;
  // At() by group.
  TierAssignment GroupAt(const Ranked& account) const;

  TieringPolicy policy_;
  std::deque<Ranked> accounts_;
  std::deque<Link> links_;       // by group: accounts with a parent only
  std::deque<int64_t> churned_;  // by group: the churned accounts' ids
  std::vector<Segment> segments_;
  std::unordered_map<std::string, uint32_t> segment_numbers_;
};

}  // namespace kam::scoring::rules
