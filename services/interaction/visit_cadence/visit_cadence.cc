#include "services/interaction/visit_cadence/visit_cadence.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/api/validation.h"

namespace kam::interaction::visit_cadence {

VisitCadence DefaultVisitCadence() {
  VisitCadence cadence;
  cadence.by_tier[1] = {30, 180};  // A: VIP
  cadence.by_tier[2] = {60, 365};  // B: major
  cadence.by_tier[3] = {90, 0};    // C: ordinary
  cadence.by_tier[4] = {0, 0};     // D: small
  return cadence;
}

absl::Status CheckIntervalDays(const char* field_prefix, int index, const char* name, int days) {
  if (days >= 0 && days <= kMaxIntervalDays) return absl::OkStatus();
  return common::InvalidField(absl::StrCat(field_prefix, "[", index, "].", name),
                              absl::StrCat("must be from 0 (no requirement) to ", kMaxIntervalDays,
                                           " days (got ", days, ")"));
}

std::vector<OverdueItem> FindOverdue(const VisitCadence& cadence, const AccountActivityFacts& facts,
                                     absl::Time as_of) {
  std::vector<OverdueItem> items;
  const TierCadence tier = cadence.For(facts.tier);
  auto interval_item = [&](OverdueKind kind, int days, const std::optional<absl::Time>& last) {
    if (days <= 0) return;
    const absl::Time since = last.has_value() ? *last : facts.account_create_time;
    const absl::Time due = since + absl::Hours(24) * days;
    if (due < as_of) items.push_back({kind, due, last, 0, days});
  };
  interval_item(OverdueKind::kVisit, tier.visit_interval_days, facts.last_visit);
  interval_item(OverdueKind::kExecutiveVisit, tier.executive_visit_interval_days,
                facts.last_executive);

  std::vector<OverdueItem> follow_ups;
  for (const FollowUpCandidate& c : facts.follow_ups) {
    if (!(c.follow_up_time < as_of)) continue;
    if (c.done && c.activity_time > as_of) continue;  // had not taken place yet
    // Any DONE activity after this one answered the follow-up.
    if (facts.last_done.has_value() && *facts.last_done > c.activity_time) continue;
    follow_ups.push_back(
        {OverdueKind::kFollowUp, c.follow_up_time, c.activity_time, c.activity_id, 0});
  }
  std::sort(follow_ups.begin(), follow_ups.end(), [](const OverdueItem& a, const OverdueItem& b) {
    if (a.due_time != b.due_time) return a.due_time < b.due_time;
    return a.activity_id < b.activity_id;
  });
  items.insert(items.end(), follow_ups.begin(), follow_ups.end());
  return items;
}

}  // namespace kam::interaction::visit_cadence
