#include "services/interaction/activity/activity_fields.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/api/validation.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/interaction/shared/names.h"

namespace kam::interaction::activity {
namespace {

absl::Status CheckTime(absl::string_view field, bool present,
                       const google::protobuf::Timestamp& time) {
  if (!present) return absl::OkStatus();
  return common::CheckTimestamp(field, time);
}

absl::Time TimeOf(const google::protobuf::Timestamp& time) {
  return common::FromProtoTimestamp(time);
}

absl::Status ValidateContacts(const v1::Activity& activity, int64_t account_id) {
  if (activity.contacts_size() > kMaxParticipants) {
    return common::InvalidField(
        "activity.contacts", absl::StrCat("must hold at most ", kMaxParticipants, " contacts (got ",
                                          activity.contacts_size(), ")"));
  }
  std::set<int64_t> seen;
  for (int i = 0; i < activity.contacts_size(); ++i) {
    const std::string field = absl::StrCat("activity.contacts[", i, "]");
    KAM_ASSIGN_OR_RETURN(ContactRef ref, ParseContactName(field, activity.contacts(i)));
    if (ref.account_id != account_id) {
      return common::InvalidField(
          field, absl::StrCat("must be a contact of ", AccountName(account_id), " (got ",
                              activity.contacts(i).substr(0, 64), ")"));
    }
    if (!seen.insert(ref.contact_id).second) {
      return common::InvalidField(field, absl::StrCat("repeats ", activity.contacts(i)));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateTeamMembers(const v1::Activity& activity) {
  if (activity.team_members_size() > kMaxParticipants) {
    return common::InvalidField("activity.team_members",
                                absl::StrCat("must hold at most ", kMaxParticipants,
                                             " members (got ", activity.team_members_size(), ")"));
  }
  std::set<std::string> seen;
  for (int i = 0; i < activity.team_members_size(); ++i) {
    const std::string field = absl::StrCat("activity.team_members[", i, "]");
    KAM_RETURN_IF_ERROR(common::CheckUserId(field, activity.team_members(i), /*required=*/true));
    if (!seen.insert(activity.team_members(i)).second) {
      return common::InvalidField(field,
                                  absl::StrCat("repeats \"", activity.team_members(i), "\""));
    }
  }
  return absl::OkStatus();
}

void TruncateToMicros(google::protobuf::Timestamp* time) {
  time->set_nanos(time->nanos() - time->nanos() % 1000);
}

}  // namespace

absl::StatusOr<int64_t> ParseActivityName(absl::string_view field, absl::string_view name) {
  KAM_ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                       common::ParseResourceName(field, name, {"activities"}));
  return (ids)[0];
}

std::string ActivityName(int64_t id) { return absl::StrCat("activities/", id); }

void ApplyCreateDefaults(v1::Activity* activity) {
  if (activity->level() == v1::ACTIVITY_LEVEL_UNSPECIFIED) {
    activity->set_level(v1::ACTIVITY_LEVEL_ACCOUNT_MANAGER);
  }
  if (activity->status() == v1::ACTIVITY_STATUS_UNSPECIFIED) {
    activity->set_status(v1::ACTIVITY_STATUS_PLANNED);
  }
}

absl::Status CheckCreateStatus(v1::ActivityStatus status) {
  if (status == v1::ACTIVITY_STATUS_PLANNED || status == v1::ACTIVITY_STATUS_DONE) {
    return absl::OkStatus();
  }
  return common::InvalidField("activity.status",
                              "must be PLANNED or DONE when an activity is created");
}

absl::Status CheckStatusMove(v1::ActivityStatus from, v1::ActivityStatus to) {
  if (from == to) return absl::OkStatus();
  const bool allowed = (from == v1::ACTIVITY_STATUS_PLANNED &&
                        (to == v1::ACTIVITY_STATUS_DONE || to == v1::ACTIVITY_STATUS_CANCELLED)) ||
                       (from == v1::ACTIVITY_STATUS_CANCELLED && to == v1::ACTIVITY_STATUS_PLANNED);
  if (allowed) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "activity.status cannot move from ", v1::ActivityStatus_Name(from), " to ",
      v1::ActivityStatus_Name(to),
      from == v1::ACTIVITY_STATUS_DONE ? ": a DONE activity stays DONE"
                                       : ": allowed moves are PLANNED to DONE or CANCELLED, "
                                         "and CANCELLED to PLANNED"));
}

absl::Status ValidateActivityFields(const v1::Activity& a, int64_t account_id, absl::Time now) {
  if (a.kind() == v1::ACTIVITY_KIND_UNSPECIFIED || !v1::ActivityKind_IsValid(a.kind())) {
    return common::InvalidField(
        "activity.kind", "is required: VISIT, CALL, MEETING, TRAINING, FORUM, CARE or EMAIL");
  }
  KAM_RETURN_IF_ERROR(common::CheckRequiredText("activity.subject", a.subject(), kMaxSubject));
  KAM_RETURN_IF_ERROR(ValidateContacts(a, account_id));
  KAM_RETURN_IF_ERROR(ValidateTeamMembers(a));
  if (a.level() == v1::ACTIVITY_LEVEL_UNSPECIFIED || !v1::ActivityLevel_IsValid(a.level())) {
    return common::InvalidField("activity.level", "must be ACCOUNT_MANAGER or EXECUTIVE");
  }
  if (a.status() == v1::ACTIVITY_STATUS_UNSPECIFIED || !v1::ActivityStatus_IsValid(a.status())) {
    return common::InvalidField("activity.status", "must be PLANNED, DONE or CANCELLED");
  }
  KAM_RETURN_IF_ERROR(CheckTime("activity.planned_time", a.has_planned_time(), a.planned_time()));
  KAM_RETURN_IF_ERROR(CheckTime("activity.actual_time", a.has_actual_time(), a.actual_time()));
  KAM_RETURN_IF_ERROR(CheckTime("activity.next_follow_up_time", a.has_next_follow_up_time(),
                                a.next_follow_up_time()));
  if (a.status() == v1::ACTIVITY_STATUS_PLANNED && !a.has_planned_time()) {
    return common::InvalidField("activity.planned_time", "is required while status is PLANNED");
  }
  if (a.status() == v1::ACTIVITY_STATUS_DONE) {
    if (!a.has_actual_time()) {
      return common::InvalidField("activity.actual_time", "is required when status is DONE");
    }
    if (TimeOf(a.actual_time()) > now + kFutureSlack) {
      return common::InvalidField("activity.actual_time", "must not be in the future");
    }
  } else if (a.has_actual_time()) {
    return common::InvalidField("activity.actual_time", "must be empty unless status is DONE");
  }
  KAM_RETURN_IF_ERROR(
      common::CheckText("activity.outcome", a.outcome(), kMaxOutcome, /*multiline=*/true));
  if (a.has_next_follow_up_time()) {
    const std::optional<absl::Time> own = ActivityTime(a);
    if (own.has_value() && TimeOf(a.next_follow_up_time()) < *own) {
      return common::InvalidField("activity.next_follow_up_time",
                                  a.status() == v1::ACTIVITY_STATUS_DONE
                                      ? "must not be before actual_time"
                                      : "must not be before planned_time");
    }
  }
  if (a.has_cost()) {
    KAM_RETURN_IF_ERROR(
        common::CheckCurrencyCode("activity.cost.currency_code", a.cost().currency_code()));
    if (a.cost().minor_units() < 0) {
      return common::InvalidField(
          "activity.cost.minor_units",
          absl::StrCat("must not be negative (got ", a.cost().minor_units(), ")"));
    }
  }
  return absl::OkStatus();
}

std::optional<absl::Time> ActivityTime(const v1::Activity& activity) {
  if (activity.status() == v1::ACTIVITY_STATUS_DONE) {
    if (activity.has_actual_time()) return TimeOf(activity.actual_time());
    return std::nullopt;
  }
  if (activity.has_planned_time()) return TimeOf(activity.planned_time());
  return std::nullopt;
}

void TruncateTimesToMicros(v1::Activity* activity) {
  if (activity->has_planned_time()) TruncateToMicros(activity->mutable_planned_time());
  if (activity->has_actual_time()) TruncateToMicros(activity->mutable_actual_time());
  if (activity->has_next_follow_up_time()) {
    TruncateToMicros(activity->mutable_next_follow_up_time());
  }
}

bool NeedsCallCheck(const v1::Activity* before, const v1::Activity& after) {
  if (after.kind() != v1::ACTIVITY_KIND_CALL || after.status() != v1::ACTIVITY_STATUS_PLANNED) {
    return false;
  }
  if (before == nullptr) return true;
  using google::protobuf::util::MessageDifferencer;
  return before->kind() != after.kind() || before->status() != after.status() ||
         before->has_planned_time() != after.has_planned_time() ||
         !MessageDifferencer::Equals(before->planned_time(), after.planned_time()) ||
         !std::equal(before->contacts().begin(), before->contacts().end(), after.contacts().begin(),
                     after.contacts().end());
}

const common::UpdateMaskRules& ActivityMaskRules() {
  static const common::UpdateMaskRules* rules = new common::UpdateMaskRules{
      /*updatable=*/{"kind", "subject", "contacts", "team_members", "level", "status",
                     "planned_time", "actual_time", "outcome", "next_follow_up_time", "cost"},
      /*output_only=*/{"name", "creator", "create_time", "update_time", "delete_time", "etag"},
      /*use_method=*/{{"account", "CreateActivity (an activity's account never changes)"}}};
  return *rules;
}

}  // namespace kam::interaction::activity
