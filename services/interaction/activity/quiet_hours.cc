#include "services/interaction/activity/quiet_hours.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/api/validation.h"
#include "common/base/status_macros.h"
#include "common/base/time_range.h"

namespace kam::interaction::activity {
namespace {

constexpr int kMinutesPerDay = 24 * 60;
// NextAllowedTime gives up after this long: a policy that blocks every day
// would otherwise loop for ever. A year and a bit covers any real policy.
constexpr absl::Duration kSearchHorizon = absl::Hours(24 * 400);

int Key(MonthDay day) { return day.month * 100 + day.day; }

int DaysInMonth(int month) {
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return kDays[month - 1];
}

absl::CivilSecond AtMinute(absl::CivilDay day, int minute_of_day) {
  return absl::CivilSecond(day) + int64_t{minute_of_day} * 60;
}

// The first instant at or after `after` at which the local clock of `zone`
// shows `target` or later. A target the clock skips (spring forward) maps to
// the transition; a target it shows twice (fall back) maps to its first
// showing unless that is not after `after`.
absl::Time FirstInstantShowing(const absl::TimeZone& zone, absl::CivilSecond target,
                               absl::Time after) {
  const absl::TimeZone::TimeInfo info = zone.At(target);
  switch (info.kind) {
    case absl::TimeZone::TimeInfo::UNIQUE: return info.pre;
    case absl::TimeZone::TimeInfo::SKIPPED: return info.trans;
    case absl::TimeZone::TimeInfo::REPEATED: return info.pre > after ? info.pre : info.post;
  }
  return info.pre;
}

// One rule that applies at a moment, and the local time it stops applying.
struct Hit {
  QuietRule rule;
  absl::CivilSecond end;
};

std::vector<Hit> Hits(const QuietHoursPolicy& policy, absl::CivilSecond local) {
  const absl::CivilDay day(local);
  const int64_t second_of_day = local - absl::CivilSecond(day);
  std::vector<Hit> hits;
  const bool summer = IsSummer(policy, day);
  if (summer && second_of_day >= int64_t{policy.midday_rest_start_minute} * 60 &&
      second_of_day < int64_t{policy.midday_rest_end_minute} * 60) {
    hits.push_back({QuietRule::kSummerMiddayRest, AtMinute(day, policy.midday_rest_end_minute)});
  }
  if (!summer && second_of_day < int64_t{policy.winter_earliest_minute} * 60) {
    hits.push_back({QuietRule::kWinterMorning, AtMinute(day, policy.winter_earliest_minute)});
  }
  if (IsWeekendOrHoliday(policy, day) &&
      second_of_day < int64_t{policy.weekend_earliest_minute} * 60) {
    hits.push_back(
        {QuietRule::kWeekendHolidayMorning, AtMinute(day, policy.weekend_earliest_minute)});
  }
  return hits;
}

std::string ZoneLabel(const CallContact& contact) {
  return contact.zone_name.empty() ? std::string("UTC") : contact.zone_name;
}

std::string DescribeRules(const QuietHoursPolicy& policy, const std::vector<QuietRule>& rules) {
  std::vector<std::string> parts;
  parts.reserve(rules.size());
  for (QuietRule rule : rules) parts.push_back(DescribeRule(policy, rule));
  return absl::StrJoin(parts, ", ");
}

bool AllDigits(absl::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return absl::ascii_isdigit(c); });
}

int Digits(absl::string_view text) {
  int value = 0;
  for (char c : text) value = value * 10 + (c - '0');
  return value;
}

// NextAllowedTime, which near the end of year 9999 can fall after the last
// time a Timestamp holds: no call can then be scheduled, and the caller's
// time is what put it there.
absl::StatusOr<absl::Time> NextAllowedInRange(const QuietHoursPolicy& policy,
                                              const absl::TimeZone& zone, absl::Time time,
                                              absl::string_view time_field) {
  KAM_ASSIGN_OR_RETURN(absl::Time next, NextAllowedTime(policy, zone, time));
  if (common::InTimestampRange(next)) return next;
  return common::InvalidField(
      time_field, absl::StrCat("leaves no allowed call time before the end of year 9999 (the "
                               "quiet hours end at ",
                               FormatUtc(next), ")"));
}

}  // namespace

absl::Status ValidateQuietHoursPolicy(const QuietHoursPolicy& policy, absl::string_view prefix) {
  auto field = [&](absl::string_view name) { return absl::StrCat(prefix, name); };
  for (const auto& [name, day] :
       {std::pair<const char*, MonthDay>{"summer_start", policy.summer_start},
        std::pair<const char*, MonthDay>{"summer_end", policy.summer_end}}) {
    if (day.month < 1 || day.month > 12 || day.day < 1 || day.day > DaysInMonth(day.month) ||
        (day.month == 2 && day.day == 29)) {
      return common::InvalidField(field(name), "must be a day that exists in every year");
    }
  }
  if (policy.midday_rest_start_minute < 0 || policy.midday_rest_start_minute >= kMinutesPerDay) {
    return common::InvalidField(field("midday_rest_start"), "must be from 00:00 to 23:59");
  }
  if (policy.midday_rest_end_minute <= policy.midday_rest_start_minute ||
      policy.midday_rest_end_minute > kMinutesPerDay) {
    return common::InvalidField(field("midday_rest_end"),
                                "must be after midday_rest_start and at most 24:00");
  }
  if (policy.midday_rest_end_minute - policy.midday_rest_start_minute >= kMinutesPerDay) {
    return common::InvalidField(field("midday_rest_end"),
                                "must leave part of the day outside the midday rest");
  }
  if (policy.winter_earliest_minute < 0 || policy.winter_earliest_minute >= kMinutesPerDay) {
    return common::InvalidField(field("winter_earliest_call_time"), "must be from 00:00 to 23:59");
  }
  if (policy.weekend_earliest_minute < 0 || policy.weekend_earliest_minute >= kMinutesPerDay) {
    return common::InvalidField(field("weekend_earliest_call_time"), "must be from 00:00 to 23:59");
  }
  if (policy.holidays.size() > static_cast<size_t>(kMaxHolidays)) {
    return common::InvalidField(field("holidays"),
                                absl::StrCat("must hold at most ", kMaxHolidays, " dates (got ",
                                             policy.holidays.size(), ")"));
  }
  return absl::OkStatus();
}

bool IsSummer(const QuietHoursPolicy& policy, absl::CivilDay day) {
  const int key = Key({day.month(), day.day()});
  const int start = Key(policy.summer_start);
  const int end = Key(policy.summer_end);
  if (start <= end) return key >= start && key <= end;
  return key >= start || key <= end;  // summer over the new year
}

bool IsWeekendOrHoliday(const QuietHoursPolicy& policy, absl::CivilDay day) {
  const absl::Weekday weekday = absl::GetWeekday(day);
  return weekday == absl::Weekday::saturday || weekday == absl::Weekday::sunday ||
         policy.holidays.count(day) > 0;
}

std::vector<QuietRule> ViolatedRules(const QuietHoursPolicy& policy, const absl::TimeZone& zone,
                                     absl::Time time) {
  std::vector<QuietRule> rules;
  for (const Hit& hit : Hits(policy, zone.At(time).cs)) rules.push_back(hit.rule);
  return rules;
}

absl::StatusOr<absl::Time> NextAllowedTime(const QuietHoursPolicy& policy,
                                           const absl::TimeZone& zone, absl::Time time) {
  absl::Time candidate = time;
  while (candidate - time <= kSearchHorizon) {
    const std::vector<Hit> hits = Hits(policy, zone.At(candidate).cs);
    if (hits.empty()) return candidate;
    // Every rule that applies must have stopped: jump to the latest end, then
    // look again (the next day may start inside another rule).
    absl::Time next = candidate;
    for (const Hit& hit : hits)
      next = std::max(next, FirstInstantShowing(zone, hit.end, candidate));
    candidate = next > candidate ? next : candidate + absl::Seconds(1);
  }
  return absl::FailedPreconditionError(
      "the quiet-hours policy allows no call within a year of the requested time");
}

std::string DescribeRule(const QuietHoursPolicy& policy, QuietRule rule) {
  switch (rule) {
    case QuietRule::kSummerMiddayRest:
      return absl::StrCat("midday rest in summer until ",
                          FormatTimeOfDay(policy.midday_rest_end_minute));
    case QuietRule::kWinterMorning:
      return absl::StrCat("before ", FormatTimeOfDay(policy.winter_earliest_minute), " in winter");
    case QuietRule::kWeekendHolidayMorning:
      return absl::StrCat("before ", FormatTimeOfDay(policy.weekend_earliest_minute),
                          " at weekends and holidays");
  }
  return "";
}

absl::StatusOr<CallVerdict> JudgeCall(const QuietHoursPolicy& policy, const CallContact& contact,
                                      absl::Time time, absl::string_view time_field) {
  CallVerdict verdict;
  if (contact.do_not_call) {
    verdict.do_not_call = true;
    verdict.message = absl::StrCat(contact.field, " ", contact.name,
                                   " is marked do-not-call; no call to this contact may be "
                                   "scheduled");
    return verdict;
  }
  verdict.violations = ViolatedRules(policy, contact.zone, time);
  KAM_ASSIGN_OR_RETURN(absl::Time next, NextAllowedInRange(policy, contact.zone, time, time_field));
  verdict.next_allowed = next;
  verdict.allowed = verdict.violations.empty();
  if (!verdict.allowed) {
    verdict.message = absl::StrCat(
        time_field, " ", FormatLocal(time, contact.zone), " is in the quiet hours of contact ",
        contact.name, " (", ZoneLabel(contact), "): ", DescribeRules(policy, verdict.violations),
        "; the next allowed time is ", FormatLocal(next, contact.zone), " (", FormatUtc(next), ")");
  }
  return verdict;
}

absl::Status CheckCallable(const QuietHoursPolicy& policy, const std::vector<CallContact>& contacts,
                           absl::Time time, absl::string_view time_field) {
  for (const CallContact& contact : contacts) {
    if (contact.do_not_call) {
      KAM_ASSIGN_OR_RETURN(CallVerdict verdict, JudgeCall(policy, contact, time, time_field));
      return absl::FailedPreconditionError(verdict.message);
    }
  }
  for (const CallContact& contact : contacts) {
    KAM_ASSIGN_OR_RETURN(CallVerdict verdict, JudgeCall(policy, contact, time, time_field));
    if (verdict.allowed) continue;
    std::string message = verdict.message;
    if (contacts.size() > 1) {
      // The first moment every contact may be called: move to each one's next
      // allowed time until none of them moves it further.
      absl::Time common = time;
      for (bool moved = true; moved;) {
        moved = false;
        for (const CallContact& other : contacts) {
          KAM_ASSIGN_OR_RETURN(absl::Time next,
                               NextAllowedInRange(policy, other.zone, common, time_field));
          if (next > common) {
            common = next;
            moved = true;
          }
        }
        if (common - time > absl::Hours(24 * 400)) {
          return absl::FailedPreconditionError(absl::StrCat(
              message, "; no time within a year suits all ", contacts.size(), " contacts"));
        }
      }
      absl::StrAppend(&message, "; the first time allowed for all ", contacts.size(),
                      " contacts is ", FormatUtc(common));
    }
    return absl::FailedPreconditionError(message);
  }
  return absl::OkStatus();
}

std::string FormatLocal(absl::Time time, const absl::TimeZone& zone) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*S%Ez", time, zone);
}

std::string FormatUtc(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", time, absl::UTCTimeZone());
}

absl::StatusOr<MonthDay> ParseMonthDay(absl::string_view field, absl::string_view text) {
  const absl::Status invalid =
      common::InvalidField(field, absl::StrCat("must be a day of the year \"MM-DD\" that exists "
                                               "in every year, like \"05-01\" (got \"",
                                               text.substr(0, 16), "\")"));
  if (text.size() != 5 || text[2] != '-' || !AllDigits(text.substr(0, 2)) ||
      !AllDigits(text.substr(3, 2))) {
    return invalid;
  }
  MonthDay day{Digits(text.substr(0, 2)), Digits(text.substr(3, 2))};
  if (day.month < 1 || day.month > 12 || day.day < 1 || day.day > DaysInMonth(day.month) ||
      (day.month == 2 && day.day == 29)) {
    return invalid;
  }
  return day;
}

absl::StatusOr<int> ParseTimeOfDay(absl::string_view field, absl::string_view text,
                                   bool allow_end_of_day) {
  const absl::Status invalid =
      common::InvalidField(field, absl::StrCat("must be a time of day \"HH:MM\" from 00:00 to ",
                                               allow_end_of_day ? "24:00" : "23:59", " (got \"",
                                               text.substr(0, 16), "\")"));
  if (text.size() != 5 || text[2] != ':' || !AllDigits(text.substr(0, 2)) ||
      !AllDigits(text.substr(3, 2))) {
    return invalid;
  }
  const int hours = Digits(text.substr(0, 2));
  const int minutes = Digits(text.substr(3, 2));
  if (allow_end_of_day && hours == 24 && minutes == 0) return kMinutesPerDay;
  if (hours > 23 || minutes > 59) return invalid;
  return hours * 60 + minutes;
}

absl::StatusOr<absl::CivilDay> ParseLocalDate(absl::string_view field, absl::string_view text) {
  const absl::Status invalid = common::InvalidField(
      field, absl::StrCat("must be a date \"YYYY-MM-DD\" like \"2026-10-01\" (got \"",
                          text.substr(0, 16), "\")"));
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !AllDigits(text.substr(0, 4)) ||
      !AllDigits(text.substr(5, 2)) || !AllDigits(text.substr(8, 2))) {
    return invalid;
  }
  const int year = Digits(text.substr(0, 4));
  const int month = Digits(text.substr(5, 2));
  const int day = Digits(text.substr(8, 2));
  const absl::CivilDay parsed(year, month, day);  // normalises out-of-range parts
  if (year < 1 || parsed.year() != year || parsed.month() != month || parsed.day() != day) {
    return invalid;
  }
  return parsed;
}

std::string FormatMonthDay(MonthDay day) {
  return absl::StrFormat("%02d-%02d", day.month, day.day);
}

std::string FormatTimeOfDay(int minute_of_day) {
  return absl::StrFormat("%02d:%02d", minute_of_day / 60, minute_of_day % 60);
}

std::string FormatLocalDate(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

absl::Status ParseQuietHoursTimes(const QuietHoursTimesText& text, absl::string_view prefix,
                                  QuietHoursPolicy* policy) {
  for (auto [name, value, day] :
       {std::tuple{"summer_start", text.summer_start, &policy->summer_start},
        std::tuple{"summer_end", text.summer_end, &policy->summer_end}}) {
    KAM_ASSIGN_OR_RETURN(MonthDay parsed, ParseMonthDay(absl::StrCat(prefix, name), value));
    *day = parsed;
  }
  struct TimeOfDay {
    const char* name;
    absl::string_view value;
    bool allow_end_of_day;
    int* minute;
  };
  for (const TimeOfDay& t : {
           TimeOfDay{"midday_rest_start", text.midday_rest_start, false,
                     &policy->midday_rest_start_minute},
           TimeOfDay{"midday_rest_end", text.midday_rest_end, true,
                     &policy->midday_rest_end_minute},
           TimeOfDay{"winter_earliest_call_time", text.winter_earliest_call_time, false,
                     &policy->winter_earliest_minute},
           TimeOfDay{"weekend_earliest_call_time", text.weekend_earliest_call_time, false,
                     &policy->weekend_earliest_minute},
       }) {
    KAM_ASSIGN_OR_RETURN(int parsed,
                         ParseTimeOfDay(absl::StrCat(prefix, t.name), t.value, t.allow_end_of_day));
    *t.minute = parsed;
  }
  return absl::OkStatus();
}

}  // namespace kam::interaction::activity
