#include "services/scoring/rules/tiering.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "common/api/validation.h"
#include "common/base/status_macros.h"

namespace kam::scoring::rules {
namespace {

constexpr int32_t kWholeBp = 10000;

// BookRanking's segment number of a churned account: in no ranking. The
// largest number, so such accounts sort after every segment.
constexpr uint32_t kNotRanked = UINT32_MAX;
// By group: an account ranked as its group's root (in no ranking itself).
constexpr uint32_t kInGroup = UINT32_MAX - 1;
// By group: more rounds of following links than the 8 levels a hierarchy
// may have (docs/domain.md §1) leave only accounts on a cycle.
constexpr int kMaxLinkRounds = 16;

// The entry of `id` in `entries` sorted by account_id, or nullptr.
template <typename Container>
auto FindById(Container& entries, int64_t id) -> decltype(&*entries.begin()) {
  const auto it =
      std::lower_bound(entries.begin(), entries.end(), id,
                       [](const auto& entry, int64_t wanted) { return entry.account_id < wanted; });
  return it != entries.end() && it->account_id == id ? &*it : nullptr;
}

int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t sum = 0;
  if (!__builtin_add_overflow(a, b, &sum)) return sum;
  return b > 0 ? INT64_MAX : INT64_MIN;
}

// The result of an account that is in no ranking (a churned one).
TierAssignment NotTiered(int64_t account_id) {
  TierAssignment result;
  result.account_id = account_id;
  result.tiered = false;
  return result;
}

// --- Policy validation -----------------------------------------------------

absl::Status CheckShareBp(const std::string& rule_field, absl::string_view name, int32_t value) {
  if (value < 0 || value > kWholeBp) {
    return common::InvalidField(
        absl::StrCat(rule_field, ".", name),
        absl::StrCat("must be from 0 to 10000 basis points (got ", value, ")"));
  }
  return absl::OkStatus();
}

// `later` must not be below `earlier`: the shares are cumulative.
absl::Status CheckNotBelow(const std::string& rule_field, absl::string_view later_name,
                           int32_t later, absl::string_view earlier_name, int32_t earlier) {
  if (later < earlier) {
    return common::InvalidField(
        absl::StrCat(rule_field, ".", later_name),
        absl::StrCat("must be at least ", earlier_name, " (", later, " < ", earlier, ")"));
  }
  return absl::OkStatus();
}

absl::Status CheckPyramid(const std::string& field, const PyramidRule& rule) {
  KAM_RETURN_IF_ERROR(CheckShareBp(field, "a_cumulative_bp", rule.a_cumulative_bp));
  KAM_RETURN_IF_ERROR(CheckShareBp(field, "b_cumulative_bp", rule.b_cumulative_bp));
  KAM_RETURN_IF_ERROR(CheckShareBp(field, "c_cumulative_bp", rule.c_cumulative_bp));
  KAM_RETURN_IF_ERROR(CheckNotBelow(field, "b_cumulative_bp", rule.b_cumulative_bp,
                                    "a_cumulative_bp", rule.a_cumulative_bp));
  return CheckNotBelow(field, "c_cumulative_bp", rule.c_cumulative_bp, "b_cumulative_bp",
                       rule.b_cumulative_bp);
}

// `lower` must not be above `higher`: a better tier needs at least as much.
absl::Status CheckNotAbove(const std::string& rule_field, absl::string_view lower_name,
                           int64_t lower, absl::string_view higher_name, int64_t higher) {
  if (lower > higher) {
    return common::InvalidField(
        absl::StrCat(rule_field, ".", lower_name),
        absl::StrCat("must be at most ", higher_name, " (", lower, " > ", higher, ")"));
  }
  return absl::OkStatus();
}

absl::Status CheckThresholds(const std::string& field, const ThresholdRule& rule) {
  KAM_RETURN_IF_ERROR(
      CheckNotAbove(field, "b_min_value", rule.b_min_value, "a_min_value", rule.a_min_value));
  return CheckNotAbove(field, "c_min_value", rule.c_min_value, "b_min_value", rule.b_min_value);
}

absl::Status CheckRule(const std::string& field, const TierRule& rule) {
  if (const auto* pyramid = std::get_if<PyramidRule>(&rule)) return CheckPyramid(field, *pyramid);
  return CheckThresholds(field, std::get<ThresholdRule>(rule));
}

// --- Ranking ---------------------------------------------------------------

// What the sort moves: the ranking keys and the input position. 24 bytes, so
// a million accounts sort in well under a second without touching the
// (larger, string-holding) input.
struct Entry {
  int64_t value;
  int64_t account_id;
  uint32_t segment;  // dense segment number; 0 for all when not by segment
  uint32_t index;    // position in the input
};

// Segment first (to make each segment a contiguous run), then value
// descending, then account id ascending (only for deterministic ranks).
// For AssignTiers' entries and BookRanking's alike.
template <typename Ranked>
bool RanksBefore(const Ranked& x, const Ranked& y) {
  if (x.segment != y.segment) return x.segment < y.segment;
  if (x.value != y.value) return x.value > y.value;
  return x.account_id < y.account_id;
}

// Calls fn(begin, end) for each run of one segment in `ranked` (sorted by
// RanksBefore).
template <typename Container, typename Fn>
void ForEachSegment(const Container& ranked, Fn fn) {
  for (size_t begin = 0; begin < ranked.size();) {
    size_t end = begin + 1;
    while (end < ranked.size() && ranked[end].segment == ranked[begin].segment) ++end;
    fn(begin, end);
    begin = end;
  }
}

// INVALID_ARGUMENT naming the first duplicated id. The common case (no
// duplicate) costs one sort of the ids; positions are looked up only on error.
absl::Status CheckUniqueIds(absl::Span<const AccountValue> accounts) {
  std::vector<int64_t> ids;
  ids.reserve(accounts.size());
  for (const AccountValue& account : accounts) ids.push_back(account.account_id);
  std::sort(ids.begin(), ids.end());
  const auto duplicate = std::adjacent_find(ids.begin(), ids.end());
  if (duplicate == ids.end()) return absl::OkStatus();

  const int64_t id = *duplicate;
  size_t first = accounts.size();
  for (size_t i = 0; i < accounts.size(); ++i) {
    if (accounts[i].account_id != id) continue;
    if (first == accounts.size()) {
      first = i;
      continue;
    }
    return common::InvalidField(
        absl::StrCat("accounts[", i, "].account_id"),
        absl::StrCat("duplicates accounts[", first, "].account_id (", id, ")"));
  }
  return absl::InternalError("duplicate account id not found again");  // unreachable
}

// Dense segment numbers and the rule for each number.
struct Segments {
  std::vector<uint32_t> of_account;      // segment number per input position
  std::vector<const TierRule*> rule_of;  // rule per segment number
};

Segments NumberSegments(absl::Span<const AccountValue> accounts, const TieringPolicy& policy) {
  Segments segments;
  segments.of_account.resize(accounts.size(), 0);
  if (!policy.by_segment) {
    segments.rule_of.push_back(&policy.default_rule);
    return segments;
  }
  // std::string_view: Debian's absl::string_view is its own type, with no
  // std::hash.
  std::unordered_map<std::string_view, uint32_t> number;
  for (size_t i = 0; i < accounts.size(); ++i) {
    const std::string_view name = accounts[i].segment;
    auto [it, inserted] = number.try_emplace(name, static_cast<uint32_t>(number.size()));
    if (inserted) {
      const auto listed = policy.segment_rules.find(name);
      segments.rule_of.push_back(listed == policy.segment_rules.end() ? &policy.default_rule
                                                                      : &listed->second);
    }
    segments.of_account[i] = it->second;
  }
  return segments;
}

// --- Tiers within one ranking ----------------------------------------------

int64_t RoundHalfUpShare(int64_t n, int32_t share_bp) {
  // n * 10000 fits int64 for any n a vector can hold.
  return (n * share_bp + kWholeBp / 2) / kWholeBp;
}

// Moves a cut (the number of accounts in tiers up to X) up to the start of
// the group of equal values it would split, so ties take the worse tier.
// `first` is the best of a ranking of n.
template <typename It>
int64_t CutBeforeTies(It first, int64_t n, int64_t cut) {
  if (cut <= 0 || cut >= n) return cut;
  const int64_t split_value = first[cut].value;
  while (cut > 0 && first[cut - 1].value == split_value) --cut;
  return cut;
}

Tier TierAtPosition(int64_t position, const PyramidTargets& cuts) {
  if (position < cuts.through_a) return Tier::kA;
  if (position < cuts.through_b) return Tier::kB;
  if (position < cuts.through_c) return Tier::kC;
  return Tier::kD;
}

// The cuts actually applied to one ranking of n (`first` its best): the
// targets, moved before ties, and (with positive_values_only) no further
// than the last positive value.
template <typename It>
PyramidTargets PyramidCuts(It first, int64_t n, const PyramidRule& rule) {
  PyramidTargets cuts = PyramidTargetCounts(n, rule);
  cuts.through_a = CutBeforeTies(first, n, cuts.through_a);
  cuts.through_b = CutBeforeTies(first, n, cuts.through_b);
  cuts.through_c = CutBeforeTies(first, n, cuts.through_c);
  if (rule.positive_values_only) {
    // Values descend, so the positive ones are a prefix.
    const int64_t positive =
        std::partition_point(first, first + n, [](const auto& e) { return e.value > 0; }) - first;
    cuts.through_a = std::min(cuts.through_a, positive);
    cuts.through_b = std::min(cuts.through_b, positive);
    cuts.through_c = std::min(cuts.through_c, positive);
  }
  return cuts;
}

// The cuts of a ranking under `rule` (none for thresholds).
template <typename It>
PyramidTargets CutsOf(It first, int64_t n, const TierRule& rule) {
  const auto* pyramid = std::get_if<PyramidRule>(&rule);
  return pyramid != nullptr ? PyramidCuts(first, n, *pyramid) : PyramidTargets{};
}

Tier TierByThresholds(int64_t value, const ThresholdRule& rule) {
  if (value >= rule.a_min_value) return Tier::kA;
  if (value >= rule.b_min_value) return Tier::kB;
  if (value >= rule.c_min_value) return Tier::kC;
  return Tier::kD;
}

// The result for the account at `position` (0 = best) of a ranking of n
// under `rule`, whose cuts (for a pyramid) are `cuts`.
TierAssignment PlaceAt(int64_t account_id, int64_t value, int64_t position, int64_t n,
                       const TierRule& rule, const PyramidTargets& cuts) {
  TierAssignment result;
  result.account_id = account_id;
  result.rank = position + 1;
  result.percentile_bp = static_cast<int32_t>(position * kWholeBp / n);
  const auto* thresholds = std::get_if<ThresholdRule>(&rule);
  result.tier =
      thresholds != nullptr ? TierByThresholds(value, *thresholds) : TierAtPosition(position, cuts);
  return result;
}

std::string RuleField(absl::string_view segment) {
  return absl::StrCat("policy.segment_rules[\"", absl::CEscape(segment), "\"]");
}

}  // namespace

absl::string_view TierName(Tier tier) {
  switch (tier) {
    case Tier::kA: return "A";
    case Tier::kB: return "B";
    case Tier::kC: return "C";
    case Tier::kD: return "D";
  }
  return "?";
}

bool IsValidTier(Tier tier) {
  const int number = static_cast<int>(tier);
  return number >= static_cast<int>(Tier::kA) && number <= static_cast<int>(Tier::kD);
}

absl::Status ValidatePolicy(const TieringPolicy& policy) {
  KAM_RETURN_IF_ERROR(CheckRule("policy.default_rule", policy.default_rule));
  if (!policy.by_segment && !policy.segment_rules.empty()) {
    return common::InvalidField("policy.segment_rules",
                                "must be empty unless policy.by_segment is true");
  }
  for (const auto& [segment, rule] : policy.segment_rules) {
    KAM_RETURN_IF_ERROR(CheckRule(RuleField(segment), rule));
  }
  return absl::OkStatus();
}

PyramidTargets PyramidTargetCounts(int64_t n, const PyramidRule& rule) {
  return {RoundHalfUpShare(n, rule.a_cumulative_bp), RoundHalfUpShare(n, rule.b_cumulative_bp),
          RoundHalfUpShare(n, rule.c_cumulative_bp)};
}

absl::StatusOr<std::vector<TierAssignment>> AssignTiers(absl::Span<const AccountValue> accounts,
                                                        const TieringPolicy& policy) {
  KAM_RETURN_IF_ERROR(ValidatePolicy(policy));
  if (policy.by_group) {
    return common::InvalidField("policy.by_group", "is for BookRanking only");
  }
  if (accounts.size() > UINT32_MAX) {
    return common::InvalidField("accounts", "must hold at most 4294967295 entries");
  }
  KAM_RETURN_IF_ERROR(CheckUniqueIds(accounts));

  const Segments segments = NumberSegments(accounts, policy);
  std::vector<TierAssignment> out(accounts.size());
  std::vector<Entry> ranked;
  ranked.reserve(accounts.size());
  for (size_t i = 0; i < accounts.size(); ++i) {
    if (accounts[i].churned) {
      out[i] = NotTiered(accounts[i].account_id);
      continue;
    }
    ranked.push_back({accounts[i].value, accounts[i].account_id, segments.of_account[i],
                      static_cast<uint32_t>(i)});
  }
  std::sort(ranked.begin(), ranked.end(), RanksBefore<Entry>);

  ForEachSegment(ranked, [&](size_t begin, size_t end) {
    const auto first = ranked.cbegin() + begin;
    const int64_t n = static_cast<int64_t>(end - begin);
    const TierRule& rule = *segments.rule_of[first->segment];
    const PyramidTargets cuts = CutsOf(first, n, rule);
    for (int64_t position = 0; position < n; ++position) {
      out[first[position].index] =
          PlaceAt(first[position].account_id, first[position].value, position, n, rule, cuts);
    }
  });
  return out;
}

absl::StatusOr<BookRanking> BookRanking::Create(TieringPolicy policy) {
  KAM_RETURN_IF_ERROR(ValidatePolicy(policy));
  BookRanking ranking(std::move(policy));
  if (!ranking.policy_.by_segment)
    ranking.segments_.push_back({ranking.policy_.default_rule, 0, {}});
  return ranking;
}

void BookRanking::Add(const AccountValue& account) {
  uint32_t segment = 0;
  if (account.churned && !policy_.by_group) {
    segment = kNotRanked;
  } else if (policy_.by_segment) {
    // The name is copied once per distinct segment, not per account.
    const auto [it, inserted] =
        segment_numbers_.try_emplace(account.segment, static_cast<uint32_t>(segments_.size()));
    if (inserted) {
      const auto listed = policy_.segment_rules.find(account.segment);
      segments_.push_back(
          {listed == policy_.segment_rules.end() ? policy_.default_rule : listed->second, 0, {}});
    }
    segment = it->second;
  }
  if (!policy_.by_group) {
    accounts_.push_back({account.account_id, account.value, segment, 0});
    return;
  }
  // By group the segment is kept even for a churned account (a churned root
  // heads its group); its value counts toward nothing.
  accounts_.push_back({account.account_id, account.churned ? 0 : account.value, segment, 0});
  if (account.churned) churned_.push_back(account.account_id);
  if (account.parent_id != 0) links_.push_back({account.account_id, account.parent_id});
}

void BookRanking::GroupAccounts() {
  const auto by_id = [](const auto& x, const auto& y) { return x.account_id < y.account_id; };
  // The book usually arrives in id order: checking is cheaper than sorting.
  if (!std::is_sorted(accounts_.begin(), accounts_.end(), by_id)) {
    std::sort(accounts_.begin(), accounts_.end(), by_id);
  }
  std::sort(links_.begin(), links_.end(), by_id);
  std::sort(churned_.begin(), churned_.end());
  // A parent outside the book (created after the run's as_of), or the
  // account itself: the account heads its own group.
  links_.erase(std::remove_if(links_.begin(), links_.end(),
                              [&](const Link& link) {
                                return link.parent_id == link.account_id ||
                                       FindById(accounts_, link.parent_id) == nullptr;
                              }),
               links_.end());
  // Each link to its root: follow the parents' links until no parent has
  // one (a parent without a link is a root). Updating in place only
  // shortens the paths later links follow (8 levels take a few rounds).
  bool moved = true;
  for (int round = 0; moved && round < kMaxLinkRounds; ++round) {
    moved = false;
    for (Link& link : links_) {
      const Link* up = FindById(links_, link.parent_id);
      if (up != nullptr && up->parent_id != link.parent_id) {
        link.parent_id = up->parent_id;
        moved = true;
      }
    }
  }
  // What still has a parent with a link is on a cycle (or below one): each
  // such account heads its own group.
  std::vector<bool> on_cycle(links_.size());
  for (size_t i = 0; i < links_.size(); ++i) {
    on_cycle[i] = FindById(links_, links_[i].parent_id) != nullptr;
  }
  size_t kept = 0;
  for (size_t i = 0; i < links_.size(); ++i) {
    if (!on_cycle[i]) links_[kept++] = links_[i];
  }
  links_.resize(kept);
  // Sum the groups into their roots and take the other accounts out of the
  // ranking; a group all of whose accounts are churned is in no ranking.
  std::vector<int64_t> live_churned_roots;
  for (const Link& link : links_) {
    Ranked& member = *FindById(accounts_, link.account_id);
    Ranked& root = *FindById(accounts_, link.parent_id);
    root.value = SaturatingAdd(root.value, member.value);
    member.segment = kInGroup;
    if (!Churned(link.account_id) && Churned(link.parent_id)) {
      live_churned_roots.push_back(root.account_id);
    }
  }
  std::sort(live_churned_roots.begin(), live_churned_roots.end());
  for (int64_t id : churned_) {
    Ranked& account = *FindById(accounts_, id);
    if (account.segment != kInGroup &&
        !std::binary_search(live_churned_roots.begin(), live_churned_roots.end(), id)) {
      account.segment = kNotRanked;
    }
  }
}

bool BookRanking::Churned(int64_t id) const {
  return std::binary_search(churned_.begin(), churned_.end(), id);
}

TierAssignment BookRanking::GroupAt(const Ranked& account) const {
  const Ranked* root = &account;
  if (account.segment == kInGroup) {
    root = FindById(accounts_, FindById(links_, account.account_id)->parent_id);
  }
  TierAssignment result = NotTiered(account.account_id);
  if (root->segment != kNotRanked && !Churned(account.account_id)) {
    const Segment& segment = segments_[root->segment];
    result = PlaceAt(account.account_id, root->value, int64_t{root->rank} - 1, segment.size,
                     segment.rule, segment.cuts);
  }
  result.group_id = root->account_id;
  result.group_value = root->value;
  return result;
}

absl::Status BookRanking::Rank() {
  if (accounts_.size() > UINT32_MAX) {
    return common::InvalidField("accounts", "must hold at most 4294967295 entries");
  }
  if (policy_.by_group) GroupAccounts();
  std::sort(accounts_.begin(), accounts_.end(), RanksBefore<Ranked>);
  ForEachSegment(accounts_, [&](size_t begin, size_t end) {
    const auto first = accounts_.begin() + static_cast<std::ptrdiff_t>(begin);
    if (first->segment >= kInGroup) return;  // churned, or ranked as its group: no rank
    Segment& segment = segments_[first->segment];
    segment.size = static_cast<int64_t>(end - begin);
    segment.cuts = CutsOf(first, segment.size, segment.rule);
    for (int64_t position = 0; position < segment.size; ++position) {
      first[position].rank = static_cast<uint32_t>(position + 1);
    }
  });
  std::sort(accounts_.begin(), accounts_.end(),
            [](const Ranked& x, const Ranked& y) { return x.account_id < y.account_id; });
  const auto duplicate = std::adjacent_find(
      accounts_.begin(), accounts_.end(),
      [](const Ranked& x, const Ranked& y) { return x.account_id == y.account_id; });
  if (duplicate != accounts_.end()) {
    return common::InvalidField(
        "accounts", absl::StrCat("account id ", duplicate->account_id, " was added twice"));
  }
  return absl::OkStatus();
}

TierAssignment BookRanking::At(size_t i) const {
  const Ranked& account = accounts_[i];
  if (policy_.by_group) return GroupAt(account);
  if (account.segment == kNotRanked) return NotTiered(account.account_id);
  const Segment& segment = segments_[account.segment];
  return PlaceAt(account.account_id, account.value, int64_t{account.rank} - 1, segment.size,
                 segment.rule, segment.cuts);
}

}  // namespace kam::scoring::rules
