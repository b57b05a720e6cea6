#include "services/scoring/designations/designation_rules.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/api/validation.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "services/scoring/names.h"

namespace kam::scoring::designations {
namespace {

std::string KindName(v1::DesignationKind kind) {
  switch (kind) {
    case v1::DESIGNATION_KIND_STRATEGIC: return "strategic";
    case v1::DESIGNATION_KIND_LONG_TERM_AGREEMENT: return "long-term agreement";
    case v1::DESIGNATION_KIND_POTENTIAL: return "potential key account";
    default: return "unknown";
  }
}

// At most `bytes` bytes of valid UTF-8 `text`, never cutting a character.
absl::string_view Cut(absl::string_view text, size_t bytes) {
  if (text.size() <= bytes) return text;
  while (bytes > 0 && (static_cast<unsigned char>(text[bytes]) & 0xC0) == 0x80) --bytes;
  return text.substr(0, bytes);
}

std::string Day(absl::Time t) { return absl::FormatTime("%Y-%m-%d %H:%M UTC", t, absl::UTCTimeZone()); }

}  // namespace

std::string DesignationName(int64_t id) { return absl::StrCat("designations/", id); }

absl::StatusOr<int64_t> ParseDesignationName(absl::string_view field, absl::string_view name) {
  KAM_ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                       common::ParseResourceName(field, name, {"designations"}));
  return ids[0];
}

v1::Designation ToProto(const StoredDesignation& stored, absl::Time now) {
  v1::Designation d;
  d.set_name(DesignationName(stored.id));
  *d.mutable_create_time() = common::ToProtoTimestamp(stored.create_time);
  d.set_account(AccountName(stored.account_id));
  d.set_kind(stored.kind);
  *d.mutable_start_time() = common::ToProtoTimestamp(stored.start_time);
  d.set_reason(stored.reason);
  d.set_decided_by(stored.decided_by);
  *d.mutable_end_time() = common::ToProtoTimestamp(stored.end_time);
  d.set_active(ActiveAt(stored, now));
  if (!stored.ended_by.empty()) {
    d.set_ended_by(stored.ended_by);
    d.set_end_reason(stored.end_reason);
  }
  return d;
}

bool ActiveAt(const StoredDesignation& designation, absl::Time t) {
  return designation.start_time <= t && t < designation.end_time;
}

absl::StatusOr<StoredDesignation> NewDesignation(const v1::Designation& asked,
                                                 const std::string& actor, absl::Time now) {
  StoredDesignation d;
  if (asked.kind() == v1::DESIGNATION_KIND_UNSPECIFIED ||
      !v1::DesignationKind_IsValid(asked.kind())) {
    return common::InvalidField(
        "designation.kind", "must be STRATEGIC, LONG_TERM_AGREEMENT or POTENTIAL");
  }
  d.kind = asked.kind();
  KAM_RETURN_IF_ERROR(
      common::CheckRequiredText("designation.reason", asked.reason(), kMaxReasonChars));
  d.reason = asked.reason();
  d.decided_by = actor;
  d.create_time = now;
  d.start_time = now;
  if (asked.has_start_time()) {
    KAM_RETURN_IF_ERROR(common::CheckTimestamp("designation.start_time", asked.start_time()));
    d.start_time = common::FromProtoTimestamp(asked.start_time());
    if (d.start_time < now - kMaxBackdate) {
      return common::InvalidField("designation.start_time", "must be at most a year in the past");
    }
  }
  if (!asked.has_end_time()) return common::InvalidField("designation.end_time", "is required");
  KAM_RETURN_IF_ERROR(common::CheckTimestamp("designation.end_time", asked.end_time()));
  d.end_time = common::FromProtoTimestamp(asked.end_time());
  if (d.end_time <= d.start_time) {
    return common::InvalidField("designation.end_time", "must be after start_time");
  }
  if (d.end_time <= now) {
    return common::InvalidField("designation.end_time", "must be in the future");
  }
  if (d.end_time - d.start_time > kMaxPeriod) {
    return common::InvalidField("designation.end_time",
                                "must be at most ten years after start_time");
  }
  // Stored to the microsecond (DATETIME(6)): what a reader gets back.
  d.start_time = absl::FromUnixMicros(absl::ToUnixMicros(d.start_time));
  d.end_time = absl::FromUnixMicros(absl::ToUnixMicros(d.end_time));
  return d;
}

absl::Status EndEarly(absl::Time at, const std::string& by, const std::string& reason,
                      StoredDesignation* d) {
  if (d->end_time <= at) {
    return absl::FailedPreconditionError(
        absl::StrCat(DesignationName(d->id), " has already ended (", common::ToSqlDateTime(d->end_time), ")"));
  }
  d->end_time = std::max(at, d->start_time);
  d->ended_by = by;
  d->end_reason = reason;
  return absl::OkStatus();
}

v1::KeyAccountReason ReasonOf(v1::DesignationKind kind) {
  switch (kind) {
    case v1::DESIGNATION_KIND_STRATEGIC: return v1::KEY_ACCOUNT_REASON_STRATEGIC;
    case v1::DESIGNATION_KIND_LONG_TERM_AGREEMENT:
      return v1::KEY_ACCOUNT_REASON_LONG_TERM_AGREEMENT;
    case v1::DESIGNATION_KIND_POTENTIAL: return v1::KEY_ACCOUNT_REASON_POTENTIAL;
    default: return v1::KEY_ACCOUNT_REASON_UNSPECIFIED;
  }
}

RunDesignations::RunDesignations(std::vector<StoredDesignation> designations, absl::Time as_of,
                                 std::optional<absl::Time> previous_as_of)
    : as_of_(as_of), previous_as_of_(previous_as_of) {
  std::sort(designations.begin(), designations.end(),
            [](const StoredDesignation& a, const StoredDesignation& b) {
              return std::tie(a.account_id, a.kind, a.id) < std::tie(b.account_id, b.kind, b.id);
            });
  for (StoredDesignation& d : designations) {
    if (previous_as_of_.has_value()) {
      if (ActiveAt(d, *previous_as_of_)) before_.insert(d.account_id);
      if (d.ended_by.empty() && *previous_as_of_ < d.end_time && d.end_time <= as_of_) {
        lapsed_.push_back(d);
      }
    }
    if (ActiveAt(d, as_of_)) now_[d.account_id].push_back(std::move(d));
  }
}

void RunDesignations::Apply(const rules::AlertDetector& alerts, rules::RatingRow* row) const {
  row->was_key = alerts.IsKeyTier(row->previous_tier) || before_.contains(row->account_id);
  v1::AccountRating why;
  if (row->key_account) why.add_key_reasons(v1::KEY_ACCOUNT_REASON_TIER);
  // A churned account is not tiered and on no list, designated or not.
  const bool tiered = row->movement != v1::MOVEMENT_NOT_TIERED;
  if (auto it = now_.find(row->account_id); it != now_.end() && tiered) {
    row->key_account = true;
    for (const StoredDesignation& d : it->second) {
      const v1::KeyAccountReason reason = ReasonOf(d.kind);
      if (why.key_reasons().empty() || why.key_reasons(why.key_reasons_size() - 1) != reason) {
        why.add_key_reasons(reason);
      }
      why.add_designations(DesignationName(d.id));
    }
  }
  // Serialized messages concatenated merge: the repeated fields append.
  if (why.key_reasons_size() > 0) why.AppendToString(&row->details);
}

std::vector<rules::Alert> RunDesignations::Lapsed() const {
  std::vector<rules::Alert> alerts;
  for (const StoredDesignation& d : lapsed_) {
    rules::Alert& a = alerts.emplace_back();
    a.account_id = d.account_id;
    a.kind = rules::AlertKind::kDesignationLapsed;
    a.severity = rules::AlertSeverity::kWarning;
    a.message = absl::StrCat(AccountName(d.account_id), "'s ", KindName(d.kind), " designation (",
                             DesignationName(d.id), ") lapsed on ", Day(d.end_time),
                             ": renew it or let the account's tier decide");
    a.evidence = absl::StrCat("designated by ", d.decided_by, " from ", Day(d.start_time),
                              " to ", Day(d.end_time), ": ", Cut(d.reason, 600));
    a.unit = rules::AlertUnit::kCount;
    a.figure = 1;
    a.threshold = 1;
  }
  return alerts;
}

}  // namespace kam::scoring::designations
