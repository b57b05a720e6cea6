// The quiet-hours handlers of ActivityService: CheckCallTime and the policy
// (docs/domain.md §7). The rules are in quiet_hours.h; the policy row is kept
// by the activity store.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "common/api/field_mask.h"
#include "common/api/validation.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "services/interaction/activity/activity_accounts.h"
#include "services/interaction/activity/activity_service.h"
#include "services/interaction/activity/quiet_hours.h"
#include "services/interaction/shared/account_checks.h"
#include "services/interaction/shared/names.h"
#include "services/interaction/shared/singleton_policy.h"

namespace kam::interaction::activity {
namespace {

constexpr char kPolicyName[] = "quietHoursPolicy";

v1::QuietHoursRule RuleToProto(QuietRule rule) {
  switch (rule) {
    case QuietRule::kSummerMiddayRest: return v1::QUIET_HOURS_RULE_SUMMER_MIDDAY_REST;
    case QuietRule::kWinterMorning: return v1::QUIET_HOURS_RULE_WINTER_MORNING;
    case QuietRule::kWeekendHolidayMorning: return v1::QUIET_HOURS_RULE_WEEKEND_HOLIDAY_MORNING;
  }
  return v1::QUIET_HOURS_RULE_UNSPECIFIED;
}

v1::QuietHoursPolicy PolicyToProto(const StoredQuietHoursPolicy& stored) {
  const QuietHoursPolicy& p = stored.policy;
  v1::QuietHoursPolicy out;
  out.set_name(kPolicyName);
  out.set_summer_start(FormatMonthDay(p.summer_start));
  out.set_summer_end(FormatMonthDay(p.summer_end));
  out.set_midday_rest_start(FormatTimeOfDay(p.midday_rest_start_minute));
  out.set_midday_rest_end(FormatTimeOfDay(p.midday_rest_end_minute));
  out.set_winter_earliest_call_time(FormatTimeOfDay(p.winter_earliest_minute));
  out.set_weekend_earliest_call_time(FormatTimeOfDay(p.weekend_earliest_minute));
  for (absl::CivilDay day : p.holidays) out.add_holidays(FormatLocalDate(day));
  *out.mutable_update_time() = common::ToProtoTimestamp(stored.update_time);
  out.set_updated_by(stored.updated_by);
  out.set_etag(common::MakeEtag(kPolicyName, stored.version));
  return out;
}

// The rules' form of a policy message, every field checked (messages start
// with "policy.").
absl::StatusOr<QuietHoursPolicy> PolicyFromProto(const v1::QuietHoursPolicy& in) {
  QuietHoursPolicy p;
  KAM_RETURN_IF_ERROR(ParseQuietHoursTimes(
      {in.summer_start(), in.summer_end(), in.midday_rest_start(), in.midday_rest_end(),
       in.winter_earliest_call_time(), in.weekend_earliest_call_time()},
      "policy.", &p));
  if (in.holidays_size() > kMaxHolidays) {
    return common::InvalidField(
        "policy.holidays",
        absl::StrCat("must hold at most ", kMaxHolidays, " dates (got ", in.holidays_size(), ")"));
  }
  for (int i = 0; i < in.holidays_size(); ++i) {
    const std::string field = absl::StrCat("policy.holidays[", i, "]");
    KAM_ASSIGN_OR_RETURN(absl::CivilDay day, ParseLocalDate(field, in.holidays(i)));
    if (!p.holidays.insert(day).second) {
      return common::InvalidField(field, absl::StrCat("repeats ", in.holidays(i)));
    }
  }
  KAM_RETURN_IF_ERROR(ValidateQuietHoursPolicy(p, "policy."));
  return p;
}

const common::UpdateMaskRules& PolicyMaskRules() {
  static const common::UpdateMaskRules* rules = new common::UpdateMaskRules{
      /*updatable=*/{"summer_start", "summer_end", "midday_rest_start", "midday_rest_end",
                     "winter_earliest_call_time", "weekend_earliest_call_time", "holidays"},
      /*output_only=*/{"name", "update_time", "updated_by", "etag"},
      /*use_method=*/{}};
  return *rules;
}

}  // namespace

absl::Status ActivityService::CheckCallTime(const Ctx& ctx, const v1::CheckCallTimeRequest& request,
                                            v1::CheckCallTimeResponse* response) {
  KAM_ASSIGN_OR_RETURN(ContactRef ref, ParseContactName("contact", request.contact()));
  absl::Time time = common::NowMicros();
  if (request.has_time()) {
    KAM_RETURN_IF_ERROR(common::CheckTimestamp("time", request.time()));
    time = common::FromProtoTimestamp(request.time());
  }
  KAM_ASSIGN_OR_RETURN(
      account::v1::Contact contact,
      GetContactOfField(*accounts_, ctx, "contact", ContactName(ref.account_id, ref.contact_id),
                        /*must_be_live=*/true));
  KAM_ASSIGN_OR_RETURN(CallContact call, ToCallContact(contact, "contact"));
  KAM_ASSIGN_OR_RETURN(StoredQuietHoursPolicy policy, store_->GetQuietHoursPolicy());
  KAM_ASSIGN_OR_RETURN(CallVerdict verdict, JudgeCall(policy.policy, call, time, "time"));

  response->set_allowed(verdict.allowed);
  response->set_do_not_call(verdict.do_not_call);
  for (QuietRule rule : verdict.violations) {
    v1::QuietHoursViolation* violation = response->add_violations();
    violation->set_rule(RuleToProto(rule));
    violation->set_description(DescribeRule(policy.policy, rule));
  }
  response->set_time_zone(call.zone_name.empty() ? "UTC" : call.zone_name);
  response->set_local_time(FormatLocal(time, call.zone));
  if (verdict.next_allowed.has_value()) {
    *response->mutable_next_allowed_time() = common::ToProtoTimestamp(*verdict.next_allowed);
    response->set_next_allowed_local_time(FormatLocal(*verdict.next_allowed, call.zone));
  }
  response->set_message(verdict.message);
  return absl::OkStatus();
}

absl::Status ActivityService::GetQuietHoursPolicy(const Ctx&,
                                                  const v1::GetQuietHoursPolicyRequest& request,
                                                  v1::QuietHoursPolicy* response) {
  return GetSingletonPolicy(
      request, kPolicyName, [&] { return store_->GetQuietHoursPolicy(); }, PolicyToProto, response);
}

absl::Status ActivityService::UpdateQuietHoursPolicy(
    const Ctx& ctx, const v1::UpdateQuietHoursPolicyRequest& request,
    v1::QuietHoursPolicy* response) {
  std::vector<std::string> paths;
  auto resolve_mask = [&](const v1::QuietHoursPolicy& patch) -> absl::Status {
    KAM_ASSIGN_OR_RETURN(
        paths, common::ResolveUpdateMask(request.update_mask(), patch, PolicyMaskRules()));
    return absl::OkStatus();
  };
  auto write = [&](const StoredQuietHoursPolicy& stored) -> absl::StatusOr<bool> {
    v1::QuietHoursPolicy merged = PolicyToProto(stored);
    common::ApplyUpdateMask(paths, request.policy(), &merged);
    KAM_ASSIGN_OR_RETURN(QuietHoursPolicy policy, PolicyFromProto(merged));
    const absl::Time now = common::NowMicros();
    absl::StatusOr<bool> written =
        store_->WriteQuietHoursPolicyIfVersion(policy, stored.version, now, ctx.actor);
    if (written.ok() && *written) {
      *response = PolicyToProto(
          StoredQuietHoursPolicy{std::move(policy), stored.version + 1, now, ctx.actor});
    }
    return written;
  };
  return UpdateSingletonPolicy(
      request, kPolicyName, "the quiet-hours policy", resolve_mask,
      [&] { return store_->GetQuietHoursPolicy(); }, write);
}

}  // namespace kam::interaction::activity
