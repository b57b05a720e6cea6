// Quiet hours through the public API (docs/domain.md §7): planned calls refused
// with the rule and the exact next allowed time in the contact's own zone,
// do-not-call contacts, re-checks on update, CheckCallTime, and policy
// updates taking effect on the next call.
#include <ostream>
#include <string>
#include <vector>

#include "tests/interaction/activity_test_helpers.h"

namespace kam::testing {
namespace {

struct People {
  v1::Account account;
  v1::Contact berlin;
  v1::Contact shanghai;
  v1::Contact new_york;
  v1::Contact los_angeles;
  v1::Contact no_zone;
  v1::Contact never;  // do-not-call
};

People MakePeople(const std::string& prefix) {
  People p;
  p.account = MakeAccount(prefix);
  p.berlin = MakeContact(p.account.name(), "Europe/Berlin", false, "Berlin");
  p.shanghai = MakeContact(p.account.name(), "Asia/Shanghai", false, "Shanghai");
  p.new_york = MakeContact(p.account.name(), "America/New_York", false, "New York");
  p.los_angeles = MakeContact(p.account.name(), "America/Los_Angeles", false, "Los Angeles");
  p.no_zone = MakeContact(p.account.name(), "", false, "Nowhere");
  p.never = MakeContact(p.account.name(), "Europe/Berlin", true, "Never call");
  return p;
}

std::string Mine(const std::string& account) { return absl::StrCat("account = \"", account, "\""); }

// A refused create: FAILED_PRECONDITION with exactly `message`, nothing
// written for the account.
void ExpectRefused(const iv1::Activity& call, const std::string& message) {
  const size_t before = ListAll(Mine(call.account())).size();
  Reply<iv1::Activity> reply = Create(call);
  EXPECT_TRUE(HasCode(reply.status, grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_EQ(reply.status.error_message(), message);
  EXPECT_EQ(ListAll(Mine(call.account())).size(), before);
}

// What a call planned at `local` (the time in the contact's `zone`) is
// refused with: the rule that holds it back and the next allowed time, local
// and UTC.
std::string QuietHoursMessage(const std::string& local, const std::string& contact,
                              const std::string& zone, const std::string& rule,
                              const std::string& next_local, const std::string& next) {
  return absl::StrCat("activity.planned_time ", local, " is in the quiet hours of contact ",
                      contact, " (", zone, "): ", rule, "; the next allowed time is ", next_local,
                      " (", next, ")");
}

// A call to one contact planned in that contact's quiet hours.
struct QuietCase {
  std::string name;              // of the test case
  v1::Contact People::*contact;  // who is called
  std::string planned;           // UTC
  std::string local;             // the planned time where the contact is
  std::string zone;              // the contact's zone as the message names it
  std::string rule;              // the rule that holds the call back
  std::string next_local;        // the next allowed time, local
  std::string next;              // the same in UTC
};

void PrintTo(const QuietCase& c, std::ostream* os) { *os << c.name; }

class QuietHoursRefusal : public ::testing::TestWithParam<QuietCase> {};

// The call is refused with the local time, the contact, the zone, the rule
// and the next allowed time (local and UTC); a call at that next time is
// fine, and so is a visit at the refused time (only calls are held to the
// quiet hours).
TEST_P(QuietHoursRefusal, NamesTheRuleAndTheNextAllowedTime) {
  const QuietCase& c = GetParam();
  const People p = MakePeople(c.name);
  const std::string contact = (p.*c.contact).name();
  ExpectRefused(PlannedCall(p.account.name(), {contact}, c.planned),
                QuietHoursMessage(c.local, contact, c.zone, c.rule, c.next_local, c.next));
  EXPECT_OK(Create(PlannedCall(p.account.name(), {contact}, c.next)).status);
  iv1::Activity visit = Visit(p.account.name(), c.planned);
  visit.add_contacts(contact);
  EXPECT_OK(Create(visit).status);
}

INSTANTIATE_TEST_SUITE_P(
    QuietHours, QuietHoursRefusal,
    ::testing::Values(
        // Monday 7 July 2031, 12:30 CEST.
        QuietCase{"ABerlinCallInTheSummerMiddayRestIsRefusedWithTheNextAllowedTime",
                  &People::berlin, "2031-07-07T10:30:00Z", "2031-07-07T12:30:00+02:00",
                  "Europe/Berlin", "midday rest in summer until 14:30", "2031-07-07T14:30:00+02:00",
                  "2031-07-07T12:30:00Z"},
        // Wednesday 8 January 2031, 07:30 in Shanghai = 7 January 23:30 UTC:
        // moves to 08:00 local, the next UTC day.
        QuietCase{"AShanghaiWinterMorningCallMovesToEightLocalTheNextUtcDay", &People::shanghai,
                  "2031-01-07T23:30:00Z", "2031-01-08T07:30:00+08:00", "Asia/Shanghai",
                  "before 08:00 in winter", "2031-01-08T08:00:00+08:00", "2031-01-08T00:00:00Z"},
        // Sunday 9 March 2031, 01:30 EST; the clocks go to EDT at 02:00, and
        // the next allowed time has the new offset.
        QuietCase{"NewYorkSpringForwardSundayUsesTheNewOffset", &People::new_york,
                  "2031-03-09T06:30:00Z", "2031-03-09T01:30:00-05:00", "America/New_York",
                  "before 08:00 in winter, before 09:00 at weekends and holidays",
                  "2031-03-09T09:00:00-04:00", "2031-03-09T13:00:00Z"},
        // A contact without a zone is judged in UTC (Saturday 5 July 2031).
        QuietCase{"AContactWithoutAZoneIsJudgedInUtc", &People::no_zone, "2031-07-05T08:15:00Z",
                  "2031-07-05T08:15:00+00:00", "UTC", "before 09:00 at weekends and holidays",
                  "2031-07-05T09:00:00+00:00", "2031-07-05T09:00:00Z"}),
    [](const ::testing::TestParamInfo<QuietCase>& info) { return info.param.name; });

TEST(QuietHours, ACallToTwoTimeZonesNamesTheFirstTimeThatSuitsBoth) {
  const People p = MakePeople("TwoZones");
  const std::vector<std::string> both = {p.los_angeles.name(), p.shanghai.name()};
  // Saturday 11 January 2031 15:00 UTC: 07:00 in Los Angeles (refused until
  // 09:00 PST = 17:00 UTC), 23:00 in Shanghai (fine). But 17:00 UTC is Sunday
  // 01:00 in Shanghai, refused until 09:00 there = 01:00 UTC on the 12th.
  const std::string rule = "before 08:00 in winter, before 09:00 at weekends and holidays";
  const std::string for_both =
      "; the first time allowed for all 2 contacts is 2031-01-12T01:00:00Z";
  ExpectRefused(
      PlannedCall(p.account.name(), both, "2031-01-11T15:00:00Z"),
      QuietHoursMessage("2031-01-11T07:00:00-08:00", p.los_angeles.name(), "America/Los_Angeles",
                        rule, "2031-01-11T09:00:00-08:00", "2031-01-11T17:00:00Z") +
          for_both);
  ExpectRefused(PlannedCall(p.account.name(), both, "2031-01-11T17:00:00Z"),
                QuietHoursMessage("2031-01-12T01:00:00+08:00", p.shanghai.name(), "Asia/Shanghai",
                                  rule, "2031-01-12T09:00:00+08:00", "2031-01-12T01:00:00Z") +
                    for_both);
  EXPECT_OK(Create(PlannedCall(p.account.name(), both, "2031-01-12T01:00:00Z")).status);
}

TEST(QuietHours, DoNotCallContactsCannotBeCalledAtAll) {
  const People p = MakePeople("Never");
  // Monday 7 July 2031 16:00 CEST: a fine time, but contacts[1] is
  // do-not-call.
  ExpectRefused(
      PlannedCall(p.account.name(), {p.berlin.name(), p.never.name()}, "2031-07-07T14:00:00Z"),
      absl::StrCat("activity.contacts[1] ", p.never.name(),
                   " is marked do-not-call; no call to this contact may be scheduled"));
  // A visit with them is fine.
  iv1::Activity visit = Visit(p.account.name(), "2031-07-07T14:00:00Z");
  visit.add_contacts(p.never.name());
  EXPECT_OK(Create(visit).status);
}

TEST(QuietHours, ADoneCallIsARecordNotASchedule) {
  const People p = MakePeople("DoneCall");
  iv1::Activity done = PlannedCall(p.account.name(), {p.never.name()}, "2031-07-07T10:30:00Z");
  done.clear_planned_time();
  done.set_status(iv1::ACTIVITY_STATUS_DONE);
  *done.mutable_actual_time() = TsAt(absl::Now() - absl::Hours(1));
  EXPECT_OK(Create(done).status);
}

TEST(QuietHours, UpdatesThatMoveACallIntoQuietHoursAreRefusedAndChangeNothing) {
  const People p = MakePeople("Moves");
  // Monday 7 July 2031 15:00 CEST: allowed.
  const iv1::Activity call =
      MustCreate(PlannedCall(p.account.name(), {p.berlin.name()}, "2031-07-07T13:00:00Z"));
  iv1::Activity patch = Patch<iv1::Activity>(call.name());
  *patch.mutable_planned_time() = Ts("2031-07-07T11:00:00Z");  // 13:00 CEST
  Reply<iv1::Activity> moved = Update(patch, {"planned_time"});
  EXPECT_TRUE(HasCode(moved.status, grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_EQ(moved.status.error_message(),
            QuietHoursMessage("2031-07-07T13:00:00+02:00", p.berlin.name(), "Europe/Berlin",
                              "midday rest in summer until 14:30", "2031-07-07T14:30:00+02:00",
                              "2031-07-07T12:30:00Z"));
  EXPECT_TRUE(Same(Get(call.name()).value, call));

  // Adding a do-not-call contact.
  iv1::Activity people = Patch<iv1::Activity>(call.name());
  people.add_contacts(p.berlin.name());
  people.add_contacts(p.never.name());
  Reply<iv1::Activity> added = Update(people, {"contacts"});
  EXPECT_TRUE(HasCode(added.status, grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_TRUE(absl::StrContains(added.status.error_message(), "do-not-call"));
  EXPECT_TRUE(Same(Get(call.name()).value, call));

  // Other fields do not re-judge the time.
  iv1::Activity subject = Patch<iv1::Activity>(call.name());
  subject.set_subject("Renewal call");
  EXPECT_OK(Update(subject, {"subject"}).status);

  // A visit in the midday rest becoming a call is judged.
  iv1::Activity visit_in = Visit(p.account.name(), "2031-07-07T10:30:00Z");
  visit_in.add_contacts(p.berlin.name());
  const iv1::Activity visit = MustCreate(visit_in);
  iv1::Activity to_call = Patch<iv1::Activity>(visit.name());
  to_call.set_kind(iv1::ACTIVITY_KIND_CALL);
  EXPECT_TRUE(HasCode(Update(to_call, {"kind"}).status, grpc::StatusCode::FAILED_PRECONDITION));

  // So is a cancelled call planned again.
  iv1::Activity cancel = Patch<iv1::Activity>(call.name());
  cancel.set_status(iv1::ACTIVITY_STATUS_CANCELLED);
  ASSERT_OK(Update(cancel, {"status"}).status);
  iv1::Activity replan = Patch<iv1::Activity>(call.name());
  replan.set_status(iv1::ACTIVITY_STATUS_PLANNED);
  *replan.mutable_planned_time() = Ts("2031-07-07T10:45:00Z");
  EXPECT_TRUE(HasCode(Update(replan, {"status", "planned_time"}).status,
                      grpc::StatusCode::FAILED_PRECONDITION));
  *replan.mutable_planned_time() = Ts("2031-07-07T12:30:00Z");
  EXPECT_OK(Update(replan, {"status", "planned_time"}).status);
}

// --- CheckCallTime -----------------------------------------------------------------

Reply<iv1::CheckCallTimeResponse> Check(const std::string& contact, const std::string& time) {
  iv1::CheckCallTimeRequest request;
  request.set_contact(contact);
  if (!time.empty()) *request.mutable_time() = Ts(time);
  return Call(Activities(), &ActivityStub::CheckCallTime, request);
}

TEST(CheckCallTime, SaysWhyAndWhenWithoutWritingAnything) {
  const People p = MakePeople("Check");
  Reply<iv1::CheckCallTimeResponse> reply = Check(p.berlin.name(), "2031-07-07T10:30:00Z");
  ASSERT_OK(reply.status);
  const iv1::CheckCallTimeResponse& r = reply.value;
  EXPECT_FALSE(r.allowed());
  EXPECT_FALSE(r.do_not_call());
  ASSERT_EQ(r.violations_size(), 1);
  EXPECT_EQ(r.violations(0).rule(), iv1::QUIET_HOURS_RULE_SUMMER_MIDDAY_REST);
  EXPECT_EQ(r.violations(0).description(), "midday rest in summer until 14:30");
  EXPECT_EQ(Rfc3339(r.next_allowed_time()), "2031-07-07T12:30:00Z");
  EXPECT_EQ(r.time_zone(), "Europe/Berlin");
  EXPECT_EQ(r.local_time(), "2031-07-07T12:30:00+02:00");
  EXPECT_EQ(r.next_allowed_local_time(), "2031-07-07T14:30:00+02:00");
  EXPECT_EQ(r.message(),
            absl::StrCat("time 2031-07-07T12:30:00+02:00 is in the quiet hours of contact ",
                         p.berlin.name(),
                         " (Europe/Berlin): midday rest in summer until 14:30; the next allowed "
                         "time is 2031-07-07T14:30:00+02:00 (2031-07-07T12:30:00Z)"));

  reply = Check(p.shanghai.name(), "2031-01-11T00:30:00Z");  // Saturday 08:30 in Shanghai
  ASSERT_OK(reply.status);
  ASSERT_EQ(reply.value.violations_size(), 1);
  EXPECT_EQ(reply.value.violations(0).rule(), iv1::QUIET_HOURS_RULE_WEEKEND_HOLIDAY_MORNING);
  EXPECT_EQ(reply.value.next_allowed_local_time(), "2031-01-11T09:00:00+08:00");

  reply = Check(p.berlin.name(), "2031-07-07T13:00:00Z");
  ASSERT_OK(reply.status);
  EXPECT_TRUE(reply.value.allowed());
  EXPECT_EQ(reply.value.violations_size(), 0);
  EXPECT_EQ(Rfc3339(reply.value.next_allowed_time()), "2031-07-07T13:00:00Z");
  EXPECT_TRUE(reply.value.message().empty());

  reply = Check(p.no_zone.name(), "2031-01-08T07:00:00Z");
  ASSERT_OK(reply.status);
  EXPECT_EQ(reply.value.time_zone(), "UTC");
  EXPECT_EQ(reply.value.violations(0).rule(), iv1::QUIET_HOURS_RULE_WINTER_MORNING);

  reply = Check(p.never.name(), "2031-07-07T13:00:00Z");
  ASSERT_OK(reply.status);
  EXPECT_FALSE(reply.value.allowed());
  EXPECT_TRUE(reply.value.do_not_call());
  EXPECT_FALSE(reply.value.has_next_allowed_time());
  EXPECT_TRUE(absl::StrContains(reply.value.message(), "do-not-call"));

  reply = Check(p.berlin.name(), "");  // now
  ASSERT_OK(reply.status);
  EXPECT_TRUE(reply.value.has_next_allowed_time());

  EXPECT_TRUE(HasCode(Check(absl::StrCat(p.account.name(), "/contacts/999999999"), "").status,
                      grpc::StatusCode::NOT_FOUND));
  EXPECT_TRUE(IsInvalidField(Check("contacts/1", "").status, "contact"));
  EXPECT_TRUE(ListAll(Mine(p.account.name())).empty());
}

// --- the policy ----------------------------------------------------------------------

Reply<iv1::QuietHoursPolicy> GetPolicy() {
  return Call(Activities(), &ActivityStub::GetQuietHoursPolicy, iv1::GetQuietHoursPolicyRequest());
}

Reply<iv1::QuietHoursPolicy> UpdatePolicy(const iv1::QuietHoursPolicy& policy,
                                          const std::vector<std::string>& paths,
                                          const std::string& actor = "policy-admin") {
  return Call(Activities(), &ActivityStub::UpdateQuietHoursPolicy,
              UpdateRequest<iv1::UpdateQuietHoursPolicyRequest>(policy, paths), actor);
}

iv1::QuietHoursPolicy Defaults() {
  iv1::QuietHoursPolicy p;
  p.set_summer_start("05-01");
  p.set_summer_end("09-30");
  p.set_midday_rest_start("12:00");
  p.set_midday_rest_end("14:30");
  p.set_winter_earliest_call_time("08:00");
  p.set_weekend_earliest_call_time("09:00");
  return p;
}

TEST(QuietHoursPolicy, ShipsTheDefaultsOfTheDomain) {
  Reply<iv1::QuietHoursPolicy> policy = GetPolicy();
  ASSERT_OK(policy.status);
  EXPECT_EQ(policy.value.name(), "quietHoursPolicy");
  EXPECT_EQ(policy.value.summer_start(), "05-01");
  EXPECT_EQ(policy.value.summer_end(), "09-30");
  EXPECT_EQ(policy.value.midday_rest_start(), "12:00");
  EXPECT_EQ(policy.value.midday_rest_end(), "14:30");
  EXPECT_EQ(policy.value.winter_earliest_call_time(), "08:00");
  EXPECT_EQ(policy.value.weekend_earliest_call_time(), "09:00");
  EXPECT_EQ(policy.value.holidays_size(), 0);
  EXPECT_FALSE(policy.value.etag().empty());
}

TEST(QuietHoursPolicy, UpdatesTakeEffectOnTheNextCall) {
  const People p = MakePeople("Policy");
  // Wednesday 1 October 2031, 09:30 in Shanghai (01:30 UTC): allowed by the
  // defaults.
  Reply<iv1::CheckCallTimeResponse> before = Check(p.shanghai.name(), "2031-10-01T01:30:00Z");
  ASSERT_OK(before.status);
  EXPECT_TRUE(before.value.allowed());
  // Wednesday 10 September 2031, 12:30 CEST: the midday rest of summer.
  EXPECT_FALSE(Check(p.berlin.name(), "2031-09-10T10:30:00Z").value.allowed());

  const iv1::QuietHoursPolicy current = GetPolicy().value;
  iv1::QuietHoursPolicy patch;
  patch.add_holidays("2031-10-02");
  patch.add_holidays("2031-10-01");
  patch.set_weekend_earliest_call_time("10:00");
  patch.set_summer_end("08-31");
  patch.set_etag(current.etag());
  Reply<iv1::QuietHoursPolicy> updated =
      UpdatePolicy(patch, {"holidays", "weekend_earliest_call_time", "summer_end"});
  ASSERT_OK(updated.status);
  EXPECT_EQ(updated.value.summer_end(), "08-31");
  EXPECT_EQ(updated.value.summer_start(), "05-01");  // not in the mask
  ASSERT_EQ(updated.value.holidays_size(), 2);
  EXPECT_EQ(updated.value.holidays(0), "2031-10-01");  // date order
  EXPECT_EQ(updated.value.updated_by(), "policy-admin");
  EXPECT_NE(updated.value.etag(), current.etag());
  EXPECT_TRUE(Same(GetPolicy().value, updated.value));

  Reply<iv1::CheckCallTimeResponse> after = Check(p.shanghai.name(), "2031-10-01T01:30:00Z");
  ASSERT_OK(after.status);
  EXPECT_FALSE(after.value.allowed());
  ASSERT_EQ(after.value.violations_size(), 1);
  EXPECT_EQ(after.value.violations(0).description(), "before 10:00 at weekends and holidays");
  EXPECT_EQ(after.value.next_allowed_local_time(), "2031-10-01T10:00:00+08:00");
  ExpectRefused(
      PlannedCall(p.account.name(), {p.shanghai.name()}, "2031-10-01T01:30:00Z"),
      absl::StrCat("activity.planned_time 2031-10-01T09:30:00+08:00 is in the quiet hours "
                   "of contact ",
                   p.shanghai.name(),
                   " (Asia/Shanghai): before 10:00 at weekends and holidays; the next "
                   "allowed time is 2031-10-01T10:00:00+08:00 (2031-10-01T02:00:00Z)"));
  // September is winter now: no midday rest, and calls may start at 08:00.
  EXPECT_TRUE(Check(p.berlin.name(), "2031-09-10T10:30:00Z").value.allowed());
  EXPECT_OK(
      Create(PlannedCall(p.account.name(), {p.berlin.name()}, "2031-09-10T10:30:00Z")).status);

  // A stale etag changes nothing.
  iv1::QuietHoursPolicy stale = Defaults();
  stale.set_etag(current.etag());
  EXPECT_TRUE(HasCode(UpdatePolicy(stale, {"*"}).status, grpc::StatusCode::ABORTED));
  EXPECT_EQ(GetPolicy().value.summer_end(), "08-31");

  // Back to the defaults ("*" replaces every field; holidays empty).
  Reply<iv1::QuietHoursPolicy> restored = UpdatePolicy(Defaults(), {"*"});
  ASSERT_OK(restored.status);
  EXPECT_EQ(restored.value.holidays_size(), 0);
  EXPECT_EQ(restored.value.summer_end(), "09-30");
  EXPECT_TRUE(Check(p.shanghai.name(), "2031-10-01T01:30:00Z").value.allowed());
}

TEST(QuietHoursPolicy, EveryFieldIsValidated) {
  const iv1::QuietHoursPolicy before = GetPolicy().value;
  // One bad value (in the policy's text notation), the paths updated and the
  // field the refusal names.
  struct BadValue {
    const char* patch;
    std::vector<std::string> paths;
    std::string field;
  };
  const BadValue cases[] = {
      {R"pb(summer_start: "02-29")pb", {"summer_start"}, "policy.summer_start"},
      {R"pb(summer_start: "5-1")pb", {"summer_start"}, "policy.summer_start"},
      {R"pb(summer_end: "09-31")pb", {"summer_end"}, "policy.summer_end"},
      {R"pb(midday_rest_start: "25:00")pb", {"midday_rest_start"}, "policy.midday_rest_start"},
      // Before the start (12:00).
      {R"pb(midday_rest_end: "11:00")pb", {"midday_rest_end"}, "policy.midday_rest_end"},
      // The whole day.
      {R"pb(midday_rest_start: "00:00" midday_rest_end: "24:00")pb",
       {"midday_rest_start", "midday_rest_end"},
       "policy.midday_rest_end"},
      {R"pb(winter_earliest_call_time: "8:00")pb",
       {"winter_earliest_call_time"},
       "policy.winter_earliest_call_time"},
      {R"pb(weekend_earliest_call_time: "24:00")pb",
       {"weekend_earliest_call_time"},
       "policy.weekend_earliest_call_time"},
      {R"pb(holidays: "2031-10-01" holidays: "2031-02-30")pb", {"holidays"}, "policy.holidays[1]"},
      {R"pb(holidays: "2031-10-01" holidays: "2031-10-01")pb", {"holidays"}, "policy.holidays[1]"},
  };
  auto field_refused = [](const iv1::QuietHoursPolicy& patch, const std::vector<std::string>& paths,
                          const std::string& field) {
    EXPECT_TRUE(IsInvalidField(UpdatePolicy(patch, paths).status, field)) << field;
  };
  for (const BadValue& c : cases) {
    field_refused(ParseTextProto<iv1::QuietHoursPolicy>(c.patch), c.paths, c.field);
  }
  iv1::QuietHoursPolicy p = Defaults();
  p.set_name("otherPolicy");
  field_refused(p, {"summer_start"}, "policy.name");
  EXPECT_TRUE(
      HasCode(UpdatePolicy(Defaults(), {"etag"}).status, grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_TRUE(HasCode(UpdatePolicy(Defaults(), {"update_time"}).status,
                      grpc::StatusCode::INVALID_ARGUMENT));
  iv1::UpdateQuietHoursPolicyRequest empty;
  EXPECT_TRUE(IsInvalidField(
      Call(Activities(), &ActivityStub::UpdateQuietHoursPolicy, empty).status, "policy"));
  EXPECT_TRUE(Same(GetPolicy().value, before));  // nothing changed
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  return kam::testing::RunTestsOnSuite(argc, argv, kam::testing::InteractionSuiteOptions());
}
