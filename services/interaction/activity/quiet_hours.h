// The quiet hours of docs/domain.md §7 ("respect the customer's time: no calls in
// the midday rest before 14:30 in summer, before 08:00 in winter, or before
// 09:00 at weekends and holidays"), as pure rules over a policy, an instant
// and the contact's time zone. No I/O: the policy comes from the database,
// the zone from the account service.
//
// Every rule is judged on the contact's LOCAL date and time of day. All rules
// apply together; a time may fall under several (a winter Sunday at 07:00 is
// both before 08:00 in winter and before 09:00 at weekends).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace kam::interaction::activity {

// A day of the year without a year ("05-01").
struct MonthDay {
  int month = 1;  // 1..12
  int day = 1;    // 1..31, a day that exists in every year (no 02-29)
  friend bool operator==(const MonthDay& a, const MonthDay& b) {
    return a.month == b.month && a.day == b.day;
  }
};

// The configurable parts of the rules. The defaults are the figures of
// docs/domain.md §7 with summer from May 1 to September 30.
struct QuietHoursPolicy {
  MonthDay summer_start{5, 1};                // first day of summer
  MonthDay summer_end{9, 30};                 // last day of summer (inclusive)
  int midday_rest_start_minute = 12 * 60;     // [start, end) minutes of the
  int midday_rest_end_minute = 14 * 60 + 30;  // local day; end may be 1440
  int winter_earliest_minute = 8 * 60;        // no calls before (0: off)
  int weekend_earliest_minute = 9 * 60;       // no calls before (0: off)
  std::set<absl::CivilDay> holidays;          // local dates
};

// The rules, in the order they are reported.
enum class QuietRule { kSummerMiddayRest, kWinterMorning, kWeekendHolidayMorning };

// Why a policy is invalid, naming the field with `prefix` ("policy.").
// Checks: boundaries in range, the midday rest after its start and shorter
// than a day, at most kMaxHolidays holidays.
absl::Status ValidateQuietHoursPolicy(const QuietHoursPolicy& policy, absl::string_view prefix);
inline constexpr int kMaxHolidays = 1000;

// True when `day` lies in summer (summer_start..summer_end inclusive, which
// may wrap over the new year).
bool IsSummer(const QuietHoursPolicy& policy, absl::CivilDay day);

// True on Saturdays, Sundays and the policy's holidays.
bool IsWeekendOrHoliday(const QuietHoursPolicy& policy, absl::CivilDay day);

// The rules `time` falls under in `zone`; empty when a call is allowed.
std::vector<QuietRule> ViolatedRules(const QuietHoursPolicy& policy, const absl::TimeZone& zone,
                                     absl::Time time);

// The first instant at or after `time` that falls under no rule in `zone`
// (`time` itself when it is allowed). Around daylight-saving changes the
// local limits are taken as the first instant the local clock shows them (a
// limit inside a skipped hour becomes the transition). FAILED_PRECONDITION
// if no allowed instant exists within about a year (a policy that blocks
// every day).
absl::StatusOr<absl::Time> NextAllowedTime(const QuietHoursPolicy& policy,
                                           const absl::TimeZone& zone, absl::Time time);

// The rule in words with the policy's times: "midday rest in summer until
// 14:30", "before 08:00 in winter", "before 09:00 at weekends and holidays".
std::string DescribeRule(const QuietHoursPolicy& policy, QuietRule rule);

// One contact of a call to be scheduled.
struct CallContact {
  std::string field;      // where it came from: "activity.contacts[1]"
  std::string name;       // "accounts/1/contacts/2"
  std::string zone_name;  // as given by the contact; empty means UTC
  absl::TimeZone zone;    // the loaded zone
  bool do_not_call = false;
};

// The verdict on one call time for one contact.
struct CallVerdict {
  bool allowed = false;
  bool do_not_call = false;
  std::vector<QuietRule> violations;
  std::optional<absl::Time> next_allowed;  // unset for do-not-call
  std::string message;                     // why not; empty when allowed
};

// Judges a call to `contact` at `time`. The message (for FAILED_PRECONDITION)
// names the field and contact, the rules, and the next allowed time in the
// contact's offset and in UTC, e.g. "activity.planned_time: a call to
// accounts/1/contacts/2 (Europe/Berlin) at 2026-07-06T12:30:00+02:00 falls in
// the quiet hours (midday rest in summer until 14:30); the next allowed time
// is 2026-07-06T14:30:00+02:00 (2026-07-06T12:30:00Z)". INVALID_ARGUMENT
// naming `time_field` when the next allowed time would fall after year 9999
// (past what a Timestamp holds).
absl::StatusOr<CallVerdict> JudgeCall(const QuietHoursPolicy& policy, const CallContact& contact,
                                      absl::Time time, absl::string_view time_field);

// OK when every contact may be called at `time`; otherwise
// FAILED_PRECONDITION with the message of the first contact refused (a
// do-not-call contact first), followed, when several contacts take part, by
// the first time allowed for all of them. INVALID_ARGUMENT naming `time_field`
// as JudgeCall when a next allowed time falls after year 9999.
absl::Status CheckCallable(const QuietHoursPolicy& policy, const std::vector<CallContact>& contacts,
                           absl::Time time, absl::string_view time_field);

// "2026-07-06T14:30:00+02:00": RFC 3339 to the second with the zone's offset.
std::string FormatLocal(absl::Time time, const absl::TimeZone& zone);
// "2026-07-06T12:30:00Z", or with a fraction when the time has one.
std::string FormatUtc(absl::Time time);

// Text forms used by the API: "MM-DD", "HH:MM" (minutes of the day, "24:00"
// only where `allow_end_of_day`), "YYYY-MM-DD". Errors are INVALID_ARGUMENT
// naming `field`.
absl::StatusOr<MonthDay> ParseMonthDay(absl::string_view field, absl::string_view text);
absl::StatusOr<int> ParseTimeOfDay(absl::string_view field, absl::string_view text,
                                   bool allow_end_of_day);
absl::StatusOr<absl::CivilDay> ParseLocalDate(absl::string_view field, absl::string_view text);
std::string FormatMonthDay(MonthDay day);
std::string FormatTimeOfDay(int minute_of_day);
std::string FormatLocalDate(absl::CivilDay day);

// A policy's times in their text forms, as the database keeps them and the
// API carries them.
struct QuietHoursTimesText {
  absl::string_view summer_start;
  absl::string_view summer_end;
  absl::string_view midday_rest_start;
  absl::string_view midday_rest_end;
  absl::string_view winter_earliest_call_time;
  absl::string_view weekend_earliest_call_time;
};

// Parses `text` into the times of `*policy` (its holidays untouched): the
// first malformed one, in the order above, is INVALID_ARGUMENT naming
// `prefix` and its field ("policy.summer_start").
absl::Status ParseQuietHoursTimes(const QuietHoursTimesText& text, absl::string_view prefix,
                                  QuietHoursPolicy* policy);

}  // namespace kam::interaction::activity
