#include "services/interaction/activity/quiet_hours.h"

#include <initializer_list>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kam::interaction::activity {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

absl::TimeZone Zone(const std::string& name) {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone(name, &zone)) << name;
  return zone;
}

absl::Time Utc(const std::string& rfc3339) {
  absl::Time time;
  std::string error;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, rfc3339, &time, &error)) << rfc3339 << error;
  return time;
}

// A local civil time in `zone` (unique in these tests).
absl::Time Local(const absl::TimeZone& zone, int y, int mo, int d, int h, int mi, int s = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), zone);
}

absl::Time Next(const QuietHoursPolicy& policy, const absl::TimeZone& zone, absl::Time time) {
  absl::StatusOr<absl::Time> next = NextAllowedTime(policy, zone, time);
  EXPECT_TRUE(next.ok()) << next.status();
  return next.ok() ? *next : absl::InfinitePast();
}

const QuietHoursPolicy kDefault;

// IsSummer(policy, day) is true for the `summer` days, false for the
// `winter` ones.
void ExpectSummer(const QuietHoursPolicy& policy, std::initializer_list<absl::CivilDay> summer,
                  std::initializer_list<absl::CivilDay> winter) {
  for (absl::CivilDay day : summer) EXPECT_TRUE(IsSummer(policy, day)) << day;
  for (absl::CivilDay day : winter) EXPECT_FALSE(IsSummer(policy, day)) << day;
}

// --- each rule --------------------------------------------------------------

// A moment in UTC under the default policy: the rules it breaks and the
// first moment a call is allowed from then on.
struct RuleCase {
  absl::CivilSecond local;
  std::vector<QuietRule> violated;
  absl::CivilSecond next_allowed;
};

TEST(QuietHours, EachRuleOfTheDefaultPolicy) {
  using S = absl::CivilSecond;
  constexpr QuietRule kMidday = QuietRule::kSummerMiddayRest;
  constexpr QuietRule kWinter = QuietRule::kWinterMorning;
  constexpr QuietRule kWeekend = QuietRule::kWeekendHolidayMorning;
  const RuleCase kCases[] = {
      // The summer midday rest runs from 12:00 until 14:30 (Monday 6 July
      // 2026); summer weekdays have no morning limit.
      {S(2026, 7, 6, 11, 59, 59), {}, S(2026, 7, 6, 11, 59, 59)},
      {S(2026, 7, 6, 12, 0, 0), {kMidday}, S(2026, 7, 6, 14, 30, 0)},
      {S(2026, 7, 6, 13, 17, 5), {kMidday}, S(2026, 7, 6, 14, 30, 0)},
      {S(2026, 7, 6, 14, 29, 59), {kMidday}, S(2026, 7, 6, 14, 30, 0)},
      {S(2026, 7, 6, 14, 30, 0), {}, S(2026, 7, 6, 14, 30, 0)},
      {S(2026, 7, 6, 6, 0, 0), {}, S(2026, 7, 6, 6, 0, 0)},
      // Winter forbids calls before 08:00 and has no midday rest (Wednesday
      // 7 January 2026).
      {S(2026, 1, 7, 0, 0, 0), {kWinter}, S(2026, 1, 7, 8, 0, 0)},
      {S(2026, 1, 7, 7, 15, 0), {kWinter}, S(2026, 1, 7, 8, 0, 0)},
      {S(2026, 1, 7, 7, 59, 59), {kWinter}, S(2026, 1, 7, 8, 0, 0)},
      {S(2026, 1, 7, 8, 0, 0), {}, S(2026, 1, 7, 8, 0, 0)},
      {S(2026, 1, 7, 12, 30, 0), {}, S(2026, 1, 7, 12, 30, 0)},
      // Weekends forbid calls before 09:00 (Saturday 4 and Sunday 5 July
      // 2026, summer: the midday rest applies at weekends too).
      {S(2026, 7, 4, 8, 0, 0), {kWeekend}, S(2026, 7, 4, 9, 0, 0)},
      {S(2026, 7, 4, 8, 59, 0), {kWeekend}, S(2026, 7, 4, 9, 0, 0)},
      {S(2026, 7, 5, 0, 0, 0), {kWeekend}, S(2026, 7, 5, 9, 0, 0)},
      {S(2026, 7, 4, 9, 0, 0), {}, S(2026, 7, 4, 9, 0, 0)},
      {S(2026, 7, 4, 12, 30, 0), {kMidday}, S(2026, 7, 4, 14, 30, 0)},
      // A winter Saturday morning falls under both morning rules until
      // 08:00, then under the weekend one (Saturday 10 January 2026).
      {S(2026, 1, 10, 7, 0, 0), {kWinter, kWeekend}, S(2026, 1, 10, 9, 0, 0)},
      {S(2026, 1, 10, 8, 30, 0), {kWeekend}, S(2026, 1, 10, 9, 0, 0)},
  };
  const absl::TimeZone utc = absl::UTCTimeZone();
  for (const RuleCase& c : kCases) {
    const absl::Time time = absl::FromCivil(c.local, utc);
    EXPECT_EQ(ViolatedRules(kDefault, utc, time), c.violated) << c.local;
    EXPECT_EQ(Next(kDefault, utc, time), absl::FromCivil(c.next_allowed, utc)) << c.local;
  }
}

TEST(QuietHours, HolidaysCountAsWeekends) {
  QuietHoursPolicy policy;
  policy.holidays = {absl::CivilDay(2026, 10, 1), absl::CivilDay(2026, 7, 8)};
  const absl::TimeZone utc = absl::UTCTimeZone();
  // Thursday 1 October 2026 (winter): 08:30 passes the winter rule only.
  EXPECT_THAT(ViolatedRules(policy, utc, Local(utc, 2026, 10, 1, 8, 30)),
              ElementsAre(QuietRule::kWeekendHolidayMorning));
  EXPECT_EQ(Next(policy, utc, Local(utc, 2026, 10, 1, 8, 30)), Local(utc, 2026, 10, 1, 9, 0));
  // The next day is an ordinary Friday.
  EXPECT_THAT(ViolatedRules(policy, utc, Local(utc, 2026, 10, 2, 8, 30)), IsEmpty());
  // A summer holiday (Wednesday 8 July).
  EXPECT_THAT(ViolatedRules(policy, utc, Local(utc, 2026, 7, 8, 7, 0)),
              ElementsAre(QuietRule::kWeekendHolidayMorning));
  EXPECT_TRUE(IsWeekendOrHoliday(policy, absl::CivilDay(2026, 7, 8)));
  EXPECT_FALSE(IsWeekendOrHoliday(policy, absl::CivilDay(2026, 7, 9)));
}

TEST(QuietHours, HolidaysAreLocalDates) {
  QuietHoursPolicy policy;
  policy.holidays = {absl::CivilDay(2026, 10, 1)};
  const absl::TimeZone shanghai = Zone("Asia/Shanghai");
  // 2026-10-01 08:30 in Shanghai is 2026-10-01T00:30Z: the holiday is the
  // contact's, so the call waits until 09:00 Shanghai time.
  const absl::Time time = Utc("2026-10-01T00:30:00Z");
  EXPECT_THAT(ViolatedRules(policy, shanghai, time),
              ElementsAre(QuietRule::kWeekendHolidayMorning));
  EXPECT_EQ(Next(policy, shanghai, time), Utc("2026-10-01T01:00:00Z"));
  // In New York it is still 30 September, 20:30: allowed.
  EXPECT_THAT(ViolatedRules(policy, Zone("America/New_York"), time), IsEmpty());
}

// --- season boundaries ------------------------------------------------------

TEST(QuietHours, SummerRunsFromMayFirstToSeptemberThirtiethInclusive) {
  using D = absl::CivilDay;
  ExpectSummer(kDefault, /*summer=*/{D(2026, 5, 1), D(2026, 9, 30)},
               /*winter=*/{D(2026, 4, 30), D(2026, 10, 1), D(2026, 12, 31), D(2027, 1, 1)});

  const absl::TimeZone utc = absl::UTCTimeZone();
  // Thursday 30 April (winter) and Friday 1 May (summer).
  EXPECT_THAT(ViolatedRules(kDefault, utc, Local(utc, 2026, 4, 30, 7, 0)),
              ElementsAre(QuietRule::kWinterMorning));
  EXPECT_THAT(ViolatedRules(kDefault, utc, Local(utc, 2026, 4, 30, 12, 30)), IsEmpty());
  EXPECT_THAT(ViolatedRules(kDefault, utc, Local(utc, 2026, 5, 1, 7, 0)), IsEmpty());
  EXPECT_THAT(ViolatedRules(kDefault, utc, Local(utc, 2026, 5, 1, 12, 30)),
              ElementsAre(QuietRule::kSummerMiddayRest));
  // Wednesday 30 September (summer) and Thursday 1 October (winter).
  EXPECT_THAT(ViolatedRules(kDefault, utc, Local(utc, 2026, 9, 30, 7, 59)), IsEmpty());
  EXPECT_THAT(ViolatedRules(kDefault, utc, Local(utc, 2026, 9, 30, 12, 0)),
              ElementsAre(QuietRule::kSummerMiddayRest));
  EXPECT_THAT(ViolatedRules(kDefault, utc, Local(utc, 2026, 10, 1, 7, 59)),
              ElementsAre(QuietRule::kWinterMorning));
  EXPECT_THAT(ViolatedRules(kDefault, utc, Local(utc, 2026, 10, 1, 12, 0)), IsEmpty());
}

TEST(QuietHours, TheSeasonIsTheContactsLocalDate) {
  // 2026-04-30T20:00Z is already Friday 1 May 04:00 in Shanghai: summer, so
  // no morning limit on a weekday.
  EXPECT_THAT(ViolatedRules(kDefault, Zone("Asia/Shanghai"), Utc("2026-04-30T20:00:00Z")),
              IsEmpty());
  // 2026-04-30T19:30Z is Friday 1 May 07:30 in Auckland (summer: allowed)...
  EXPECT_THAT(ViolatedRules(kDefault, Zone("Pacific/Auckland"), Utc("2026-04-30T19:30:00Z")),
              IsEmpty());
  // ...but Thursday 30 April 07:30 at UTC-12 (winter: before 08:00).
  EXPECT_THAT(ViolatedRules(kDefault, Zone("Etc/GMT+12"), Utc("2026-04-30T19:30:00Z")),
              ElementsAre(QuietRule::kWinterMorning));
}

TEST(QuietHours, SummerMayWrapOverTheNewYear) {
  QuietHoursPolicy southern;
  southern.summer_start = {11, 1};
  southern.summer_end = {3, 31};
  using D = absl::CivilDay;
  ExpectSummer(southern,
               /*summer=*/{D(2026, 11, 1), D(2026, 12, 31), D(2027, 1, 15), D(2027, 3, 31)},
               /*winter=*/{D(2027, 4, 1), D(2026, 10, 31)});
  const absl::TimeZone auckland = Zone("Pacific/Auckland");
  // Wednesday 7 January 2026, 12:30 in Auckland: the southern midday rest.
  EXPECT_THAT(ViolatedRules(southern, auckland, Local(auckland, 2026, 1, 7, 12, 30)),
              ElementsAre(QuietRule::kSummerMiddayRest));
  EXPECT_EQ(Next(southern, auckland, Local(auckland, 2026, 1, 7, 12, 30)),
            Local(auckland, 2026, 1, 7, 14, 30));
}

// --- time zones -------------------------------------------------------------

TEST(QuietHours, ShanghaiWinterMorningWhoseNextAllowedTimeIsTheNextUtcDay) {
  const absl::TimeZone shanghai = Zone("Asia/Shanghai");
  // Wednesday 7 January 2026 07:30 in Shanghai = 6 January 23:30 UTC.
  const absl::Time time = Utc("2026-01-06T23:30:00Z");
  EXPECT_THAT(ViolatedRules(kDefault, shanghai, time), ElementsAre(QuietRule::kWinterMorning));
  const absl::Time next = Next(kDefault, shanghai, time);
  EXPECT_EQ(next, Utc("2026-01-07T00:00:00Z"));
  EXPECT_EQ(FormatLocal(next, shanghai), "2026-01-07T08:00:00+08:00");
  EXPECT_EQ(FormatUtc(next), "2026-01-07T00:00:00Z");
}

TEST(QuietHours, AucklandLosAngelesAndBerlinUseTheirOwnClocks) {
  // Wednesday 7 January 2026, 07:00 NZDT (+13) = 6 January 18:00 UTC.
  const absl::TimeZone auckland = Zone("Pacific/Auckland");
  EXPECT_EQ(Next(kDefault, auckland, Utc("2026-01-06T18:00:00Z")), Utc("2026-01-06T19:00:00Z"));
  EXPECT_EQ(FormatLocal(Utc("2026-01-06T19:00:00Z"), auckland), "2026-01-07T08:00:00+13:00");
  // Monday 6 July 2026, 12:15 PDT (-7) = 19:15 UTC.
  const absl::TimeZone los_angeles = Zone("America/Los_Angeles");
  EXPECT_THAT(ViolatedRules(kDefault, los_angeles, Utc("2026-07-06T19:15:00Z")),
              ElementsAre(QuietRule::kSummerMiddayRest));
  EXPECT_EQ(Next(kDefault, los_angeles, Utc("2026-07-06T19:15:00Z")), Utc("2026-07-06T21:30:00Z"));
  // The same instant is 21:15 in Berlin: allowed.
  EXPECT_THAT(ViolatedRules(kDefault, Zone("Europe/Berlin"), Utc("2026-07-06T19:15:00Z")),
              IsEmpty());
  // Half-hour offsets: Monday 6 July 2026 12:00 IST (+05:30) = 06:30 UTC.
  const absl::TimeZone kolkata = Zone("Asia/Kolkata");
  EXPECT_EQ(Next(kDefault, kolkata, Utc("2026-07-06T06:30:00Z")), Utc("2026-07-06T09:00:00Z"));
}

TEST(QuietHours, NewYorkSpringForwardSundayMorning) {
  // Sunday 8 March 2026: at 02:00 EST the clocks go to 03:00 EDT. 01:30 EST
  // (06:30 UTC) is winter and a Sunday; the next allowed time is 09:00 EDT,
  // i.e. 13:00 UTC, not 14:00 UTC.
  const absl::TimeZone new_york = Zone("America/New_York");
  const absl::Time time = Utc("2026-03-08T06:30:00Z");
  EXPECT_EQ(FormatLocal(time, new_york), "2026-03-08T01:30:00-05:00");
  EXPECT_THAT(ViolatedRules(kDefault, new_york, time),
              ElementsAre(QuietRule::kWinterMorning, QuietRule::kWeekendHolidayMorning));
  const absl::Time next = Next(kDefault, new_york, time);
  EXPECT_EQ(next, Utc("2026-03-08T13:00:00Z"));
  EXPECT_EQ(FormatLocal(next, new_york), "2026-03-08T09:00:00-04:00");
}

TEST(QuietHours, BerlinFallBackSundayMorning) {
  // Sunday 25 October 2026: at 03:00 CEST the clocks go back to 02:00 CET.
  // 02:30 CEST (00:30 UTC) waits for 09:00 CET = 08:00 UTC.
  const absl::TimeZone berlin = Zone("Europe/Berlin");
  const absl::Time time = Utc("2026-10-25T00:30:00Z");
  EXPECT_EQ(FormatLocal(time, berlin), "2026-10-25T02:30:00+02:00");
  const absl::Time next = Next(kDefault, berlin, time);
  EXPECT_EQ(next, Utc("2026-10-25T08:00:00Z"));
  EXPECT_EQ(FormatLocal(next, berlin), "2026-10-25T09:00:00+01:00");
  // Sunday 29 March 2026 (spring forward at 02:00 CET): 01:30 CET = 00:30 UTC
  // waits for 09:00 CEST = 07:00 UTC.
  EXPECT_EQ(Next(kDefault, berlin, Utc("2026-03-29T00:30:00Z")), Utc("2026-03-29T07:00:00Z"));
}

TEST(QuietHours, ALimitInsideTheSkippedHourBecomesTheTransition) {
  QuietHoursPolicy policy;
  policy.winter_earliest_minute = 2 * 60 + 30;  // 02:30, which 29 March 2026 skips in Berlin
  policy.weekend_earliest_minute = 0;
  const absl::TimeZone berlin = Zone("Europe/Berlin");
  const absl::Time next = Next(policy, berlin, Utc("2026-03-29T00:30:00Z"));  // 01:30 CET
  EXPECT_EQ(next, Utc("2026-03-29T01:00:00Z"));
  EXPECT_EQ(FormatLocal(next, berlin), "2026-03-29T03:00:00+02:00");
  EXPECT_THAT(ViolatedRules(policy, berlin, next), IsEmpty());
}

TEST(QuietHours, ALimitInsideTheRepeatedHourIsJudgedOnEachPass) {
  QuietHoursPolicy policy;
  policy.winter_earliest_minute = 2 * 60 + 30;  // 02:30, shown twice on 25 October 2026
  policy.weekend_earliest_minute = 0;
  const absl::TimeZone berlin = Zone("Europe/Berlin");
  // First pass: 02:10 CEST = 00:10 UTC -> 02:30 CEST = 00:30 UTC.
  EXPECT_EQ(Next(policy, berlin, Utc("2026-10-25T00:10:00Z")), Utc("2026-10-25T00:30:00Z"));
  // Second pass: 02:10 CET = 01:10 UTC is before 02:30 again -> 02:30 CET.
  EXPECT_THAT(ViolatedRules(policy, berlin, Utc("2026-10-25T01:10:00Z")),
              ElementsAre(QuietRule::kWinterMorning));
  EXPECT_EQ(Next(policy, berlin, Utc("2026-10-25T01:10:00Z")), Utc("2026-10-25T01:30:00Z"));
}

// --- next allowed time on another day ----------------------------------------

TEST(QuietHours, ALateMiddayRestMovesTheCallToTheNextDaysLimits) {
  QuietHoursPolicy policy;
  policy.midday_rest_start_minute = 22 * 60;
  policy.midday_rest_end_minute = 24 * 60;
  const absl::TimeZone utc = absl::UTCTimeZone();
  // Friday 10 July 2026 23:00 -> Saturday 00:00, before 09:00 at weekends.
  EXPECT_EQ(Next(policy, utc, Local(utc, 2026, 7, 10, 23, 0)), Local(utc, 2026, 7, 11, 9, 0));
  // Wednesday 30 September 23:00 (last day of summer) -> Thursday 1 October
  // 00:00 is winter -> 08:00.
  EXPECT_EQ(Next(policy, utc, Local(utc, 2026, 9, 30, 23, 0)), Local(utc, 2026, 10, 1, 8, 0));
  // With 1 October a holiday as well: 09:00.
  policy.holidays = {absl::CivilDay(2026, 10, 1)};
  EXPECT_EQ(Next(policy, utc, Local(utc, 2026, 9, 30, 23, 0)), Local(utc, 2026, 10, 1, 9, 0));
}

TEST(QuietHours, APolicyThatBlocksEveryDayIsReported) {
  QuietHoursPolicy policy;  // not valid: ValidateQuietHoursPolicy refuses it
  policy.summer_start = {1, 1};
  policy.summer_end = {12, 31};
  policy.midday_rest_start_minute = 0;
  policy.midday_rest_end_minute = 24 * 60;
  absl::StatusOr<absl::Time> next =
      NextAllowedTime(policy, absl::UTCTimeZone(), Utc("2026-07-06T12:00:00Z"));
  EXPECT_EQ(next.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(ValidateQuietHoursPolicy(policy, "policy.").ok());
}

// --- the next allowed time is always allowed ----------------------------------

TEST(QuietHours, TheNextAllowedTimeIsAlwaysAllowedAndTheFirstSuchTime) {
  QuietHoursPolicy policy;
  policy.holidays = {absl::CivilDay(2026, 1, 1),  absl::CivilDay(2026, 5, 1),
                     absl::CivilDay(2026, 5, 2),  absl::CivilDay(2026, 10, 1),
                     absl::CivilDay(2026, 10, 2), absl::CivilDay(2026, 12, 25)};
  const std::vector<std::string> zones = {"UTC",
                                          "Europe/Berlin",
                                          "America/New_York",
                                          "Asia/Shanghai",
                                          "Pacific/Auckland",
                                          "America/Los_Angeles",
                                          "Asia/Kolkata",
                                          "Australia/Lord_Howe",
                                          "Pacific/Kiritimati",
                                          "Pacific/Pago_Pago"};
  int checked = 0;
  int refused = 0;
  for (const std::string& name : zones) {
    const absl::TimeZone zone = Zone(name);
    for (absl::Time time = Utc("2026-01-01T00:00:00Z"); time < Utc("2027-01-01T00:00:00Z");
         time += absl::Minutes(37) + absl::Seconds(13)) {
      const absl::Time next = Next(policy, zone, time);
      ++checked;
      ASSERT_GE(next, time) << name << " " << FormatUtc(time);
      ASSERT_THAT(ViolatedRules(policy, zone, next), IsEmpty())
          << name << " " << FormatLocal(time, zone) << " -> " << FormatLocal(next, zone);
      if (ViolatedRules(policy, zone, time).empty()) {
        ASSERT_EQ(next, time) << name << " " << FormatLocal(time, zone);
      } else {
        ++refused;
        // Nothing earlier is allowed: the second before is still quiet.
        ASSERT_THAT(ViolatedRules(policy, zone, next - absl::Seconds(1)), ::testing::Not(IsEmpty()))
            << name << " " << FormatLocal(time, zone) << " -> " << FormatLocal(next, zone);
        ASSERT_LT(next - time, absl::Hours(24)) << name << " " << FormatLocal(time, zone);
      }
    }
  }
  EXPECT_GT(checked, 100000);
  EXPECT_GT(refused, 10000);
}

// --- verdicts and messages ------------------------------------------------------

CallContact Contact(const std::string& field, const std::string& name, const std::string& zone,
                    bool do_not_call = false) {
  CallContact contact;
  contact.field = field;
  contact.name = name;
  contact.zone_name = zone;
  contact.zone = zone.empty() ? absl::UTCTimeZone() : Zone(zone);
  contact.do_not_call = do_not_call;
  return contact;
}

TEST(JudgeCall, FindsTheRuleAndTheNextAllowedTime) {
  const CallContact berlin =
      Contact("activity.contacts[0]", "accounts/1/contacts/2", "Europe/Berlin");
  absl::StatusOr<CallVerdict> verdict =
      JudgeCall(kDefault, berlin, Utc("2026-07-06T10:30:00Z"), "activity.planned_time");
  ASSERT_TRUE(verdict.ok()) << verdict.status();
  EXPECT_FALSE(verdict->allowed);
  EXPECT_FALSE(verdict->do_not_call);
  EXPECT_THAT(verdict->violations, ElementsAre(QuietRule::kSummerMiddayRest));
  EXPECT_EQ(verdict->next_allowed, Utc("2026-07-06T12:30:00Z"));
}

// The message names the rules and the next allowed time in the contact's
// offset and in UTC; a contact without a zone is judged in UTC.
TEST(JudgeCall, ExplainsItselfInTheContactsOffsetAndUtc) {
  struct Case {
    const char* field;
    const char* contact;
    const char* zone;
    const char* time;
    const char* message;
  };
  for (const Case& c : {
           Case{"activity.planned_time", "accounts/1/contacts/2", "Europe/Berlin",
                "2026-07-06T10:30:00Z",
                "activity.planned_time 2026-07-06T12:30:00+02:00 is in the quiet hours of contact "
                "accounts/1/contacts/2 (Europe/Berlin): midday rest in summer until 14:30; the "
                "next allowed time is 2026-07-06T14:30:00+02:00 (2026-07-06T12:30:00Z)"},
           Case{"time", "accounts/1/contacts/3", "", "2026-01-10T07:00:00.250Z",
                "time 2026-01-10T07:00:00.25+00:00 is in the quiet hours of contact "
                "accounts/1/contacts/3 (UTC): before 08:00 in winter, before 09:00 at weekends "
                "and holidays; the next allowed time is 2026-01-10T09:00:00+00:00 "
                "(2026-01-10T09:00:00Z)"},
       }) {
    absl::StatusOr<CallVerdict> verdict =
        JudgeCall(kDefault, Contact("contact", c.contact, c.zone), Utc(c.time), c.field);
    ASSERT_TRUE(verdict.ok()) << verdict.status();
    EXPECT_EQ(verdict->message, c.message);
  }
}

TEST(JudgeCall, AnAllowedTimeIsItsOwnNextAllowedTime) {
  const CallContact shanghai = Contact("contact", "accounts/1/contacts/4", "Asia/Shanghai");
  absl::StatusOr<CallVerdict> verdict =
      JudgeCall(kDefault, shanghai, Utc("2026-01-07T02:00:00Z"), "time");
  ASSERT_TRUE(verdict.ok());
  EXPECT_TRUE(verdict->allowed);
  EXPECT_EQ(verdict->next_allowed, Utc("2026-01-07T02:00:00Z"));
  EXPECT_TRUE(verdict->message.empty());
}

TEST(JudgeCall, DoNotCallHasNoNextAllowedTime) {
  const CallContact never = Contact("activity.contacts[1]", "accounts/1/contacts/5", "UTC", true);
  absl::StatusOr<CallVerdict> verdict =
      JudgeCall(kDefault, never, Utc("2026-01-07T10:00:00Z"), "activity.planned_time");
  ASSERT_TRUE(verdict.ok());
  EXPECT_FALSE(verdict->allowed);
  EXPECT_TRUE(verdict->do_not_call);
  EXPECT_FALSE(verdict->next_allowed.has_value());
  EXPECT_EQ(verdict->message,
            "activity.contacts[1] accounts/1/contacts/5 is marked do-not-call; no call to this "
            "contact may be scheduled");
}

TEST(CheckCallable, AllowedForEveryContactIsOk) {
  const std::vector<CallContact> contacts = {
      Contact("activity.contacts[0]", "accounts/1/contacts/1", "Europe/Berlin"),
      Contact("activity.contacts[1]", "accounts/1/contacts/2", "Asia/Shanghai")};
  // Wednesday 7 January 2026 09:00 UTC: 10:00 in Berlin, 17:00 in Shanghai.
  EXPECT_TRUE(CheckCallable(kDefault, contacts, Utc("2026-01-07T09:00:00Z"), "t").ok());
  EXPECT_TRUE(CheckCallable(kDefault, {}, Utc("2026-01-10T00:00:00Z"), "t").ok());
}

TEST(CheckCallable, DoNotCallComesFirstThenTheFirstContactInQuietHours) {
  std::vector<CallContact> contacts = {
      Contact("activity.contacts[0]", "accounts/1/contacts/1", "Europe/Berlin"),
      Contact("activity.contacts[1]", "accounts/1/contacts/2", "Asia/Shanghai", true)};
  absl::Status status = CheckCallable(kDefault, contacts, Utc("2026-01-07T06:00:00Z"), "t");
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("accounts/1/contacts/2 is marked do-not-call"));

  contacts[1].do_not_call = false;
  // Wednesday 7 January 2026 06:00 UTC: 07:00 in Berlin (before 08:00 in
  // winter), 14:00 in Shanghai (fine); Berlin may be called from 07:00 UTC.
  status = CheckCallable(kDefault, contacts, Utc("2026-01-07T06:00:00Z"), "activity.planned_time");
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(),
            "activity.planned_time 2026-01-07T07:00:00+01:00 is in the quiet hours of contact "
            "accounts/1/contacts/1 (Europe/Berlin): before 08:00 in winter; the next allowed "
            "time is 2026-01-07T08:00:00+01:00 (2026-01-07T07:00:00Z); the first time allowed "
            "for all 2 contacts is 2026-01-07T07:00:00Z");
}

TEST(CheckCallable, TheCommonTimeSuitsEveryContact) {
  // Saturday 10 January 2026 00:30 UTC: Shanghai is at 08:30 (before 09:00 at
  // weekends: allowed from 01:00 UTC), Los Angeles is at Friday 16:30
  // (allowed), Auckland at Saturday 13:30 (allowed); at 01:00 UTC all three
  // may be called.
  const std::vector<CallContact> contacts = {
      Contact("activity.contacts[0]", "accounts/1/contacts/1", "America/Los_Angeles"),
      Contact("activity.contacts[1]", "accounts/1/contacts/2", "Asia/Shanghai"),
      Contact("activity.contacts[2]", "accounts/1/contacts/3", "Pacific/Auckland")};
  absl::Status status = CheckCallable(kDefault, contacts, Utc("2026-01-10T00:30:00Z"), "t");
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("the first time allowed for all 3 contacts is 2026-01-10T01:00:00Z"));
  // Saturday 10 January 2026 15:00 UTC: Los Angeles 07:00 (before 09:00 at
  // weekends: 17:00 UTC), Shanghai 23:00 (fine). At 17:00 UTC Shanghai is at Sunday 01:00 (before
  // 09:00: 01:00 UTC Sunday), and at Sunday 01:00 UTC Los Angeles is at Saturday 17:00: fine.
  const std::vector<CallContact> apart = {
      Contact("activity.contacts[0]", "accounts/1/contacts/1", "America/Los_Angeles"),
      Contact("activity.contacts[1]", "accounts/1/contacts/2", "Asia/Shanghai")};
  status = CheckCallable(kDefault, apart, Utc("2026-01-10T15:00:00Z"), "t");
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("the first time allowed for all 2 contacts is 2026-01-11T01:00:00Z"));
}

// Friday 31 December 9999 20:00 UTC is Saturday 1 January 10000 04:00 in
// Shanghai: the weekend morning ends at 01:00 UTC in year 10000, past the
// last time a Timestamp holds, so the caller's time is refused (naming its
// field) rather than answered with a time no client can read. The same
// moment is allowed in UTC, and for a contact alone it is its own answer.
TEST(JudgeCall, ANextAllowedTimePastYear9999RefusesTheTime) {
  const CallContact shanghai = Contact("contact", "accounts/1/contacts/4", "Asia/Shanghai");
  const CallContact london = Contact("contact", "accounts/1/contacts/5", "Europe/London");
  const absl::Time late = Utc("9999-12-31T20:00:00Z");
  absl::StatusOr<CallVerdict> verdict = JudgeCall(kDefault, shanghai, late, "time");
  EXPECT_EQ(verdict.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(verdict.status().message(),
            "time leaves no allowed call time before the end of year 9999 (the quiet hours end "
            "at 10000-01-01T01:00:00Z)");
  verdict = JudgeCall(kDefault, london, late, "time");
  ASSERT_TRUE(verdict.ok()) << verdict.status();
  EXPECT_EQ(verdict->next_allowed, late);

  const absl::Status status =
      CheckCallable(kDefault, {london, shanghai}, late, "activity.planned_time");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(status.message(), "activity.planned_time leaves no allowed call"))
      << status;
}

// --- policy text and validation ---------------------------------------------------

TEST(QuietHoursText, ParsesAndFormatsTheApiForms) {
  EXPECT_EQ(FormatMonthDay(*ParseMonthDay("f", "05-01")), "05-01");
  EXPECT_EQ(FormatMonthDay(*ParseMonthDay("f", "12-31")), "12-31");
  EXPECT_EQ(*ParseTimeOfDay("f", "14:30", false), 14 * 60 + 30);
  EXPECT_EQ(*ParseTimeOfDay("f", "00:00", false), 0);
  EXPECT_EQ(*ParseTimeOfDay("f", "24:00", true), 24 * 60);
  EXPECT_EQ(FormatTimeOfDay(24 * 60), "24:00");
  EXPECT_EQ(FormatTimeOfDay(8 * 60), "08:00");
  EXPECT_EQ(*ParseLocalDate("f", "2028-02-29"), absl::CivilDay(2028, 2, 29));
  EXPECT_EQ(FormatLocalDate(absl::CivilDay(2026, 10, 1)), "2026-10-01");
}

TEST(QuietHoursText, RefusesMalformedTextNamingTheField) {
  for (const char* bad :
       {"5-01", "05/01", "13-01", "00-10", "04-31", "02-29", "02-30", "", "05-01 ", "0a-01"}) {
    absl::StatusOr<MonthDay> parsed = ParseMonthDay("policy.summer_start", bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StartsWith(parsed.status().message(), "policy.summer_start ")) << bad;
  }
  for (const char* bad : {"24:00", "12:60", "7:00", "07.00", "-1:00", "", "25:00"}) {
    EXPECT_FALSE(ParseTimeOfDay("policy.midday_rest_start", bad, false).ok()) << bad;
  }
  EXPECT_FALSE(ParseTimeOfDay("f", "24:01", true).ok());
  for (const char* bad : {"2026-02-29", "2026-13-01", "0000-01-01", "2026-1-01", "26-01-01",
                          "2026-01-01T00:00:00Z", ""}) {
    absl::StatusOr<absl::CivilDay> parsed = ParseLocalDate("policy.holidays[3]", bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_TRUE(absl::StartsWith(parsed.status().message(), "policy.holidays[3] ")) << bad;
  }
}

TEST(QuietHoursPolicyValidation, AcceptsTheDefaultsAndRefusesEachBadField) {
  EXPECT_TRUE(ValidateQuietHoursPolicy(kDefault, "policy.").ok());
  auto field_of = [](const QuietHoursPolicy& policy) {
    absl::Status status = ValidateQuietHoursPolicy(policy, "policy.");
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    const std::string message(status.message());
    return message.substr(0, message.find(' '));
  };
  QuietHoursPolicy p;
  p.summer_start = {2, 29};
  EXPECT_EQ(field_of(p), "policy.summer_start");
  p = kDefault;
  p.summer_end = {4, 31};
  EXPECT_EQ(field_of(p), "policy.summer_end");
  p = kDefault;
  p.midday_rest_start_minute = 15 * 60;  // after the end
  EXPECT_EQ(field_of(p), "policy.midday_rest_end");
  p = kDefault;
  p.midday_rest_start_minute = 24 * 60;
  EXPECT_EQ(field_of(p), "policy.midday_rest_start");
  p = kDefault;
  p.midday_rest_end_minute = 24 * 60 + 1;
  EXPECT_EQ(field_of(p), "policy.midday_rest_end");
  p = kDefault;
  p.midday_rest_start_minute = 0;
  p.midday_rest_end_minute = 24 * 60;
  EXPECT_EQ(field_of(p), "policy.midday_rest_end");
  p = kDefault;
  p.winter_earliest_minute = 24 * 60;
  EXPECT_EQ(field_of(p), "policy.winter_earliest_call_time");
  p = kDefault;
  p.weekend_earliest_minute = -1;
  EXPECT_EQ(field_of(p), "policy.weekend_earliest_call_time");
  p = kDefault;
  for (int i = 0; i <= kMaxHolidays; ++i) p.holidays.insert(absl::CivilDay(2026, 1, 1) + i);
  EXPECT_EQ(field_of(p), "policy.holidays");
  // Off switches and a midday rest to the end of the day are fine.
  p = kDefault;
  p.winter_earliest_minute = 0;
  p.weekend_earliest_minute = 0;
  p.midday_rest_start_minute = 22 * 60;
  p.midday_rest_end_minute = 24 * 60;
  EXPECT_TRUE(ValidateQuietHoursPolicy(p, "policy.").ok());
}

TEST(QuietHoursText, DescribesEachRuleWithThePolicysTimes) {
  EXPECT_EQ(DescribeRule(kDefault, QuietRule::kSummerMiddayRest),
            "midday rest in summer until 14:30");
  EXPECT_EQ(DescribeRule(kDefault, QuietRule::kWinterMorning), "before 08:00 in winter");
  EXPECT_EQ(DescribeRule(kDefault, QuietRule::kWeekendHolidayMorning),
            "before 09:00 at weekends and holidays");
  QuietHoursPolicy p;
  p.midday_rest_end_minute = 15 * 60;
  p.winter_earliest_minute = 7 * 60 + 30;
  EXPECT_EQ(DescribeRule(p, QuietRule::kSummerMiddayRest), "midday rest in summer until 15:00");
  EXPECT_EQ(DescribeRule(p, QuietRule::kWinterMorning), "before 07:30 in winter");
}

}  // namespace
}  // namespace kam::interaction::activity
