#include "services/interaction/activity/activity_fields.h"

#include <functional>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/base/proto_time.h"
#include "gtest/gtest.h"
#include "services/interaction/shared/mask_testing.h"
#include "services/interaction/shared/names.h"

namespace kam::interaction::activity {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1800000000);

google::protobuf::Timestamp At(absl::Duration from_now) {
  return common::ToProtoTimestamp(kNow + from_now);
}

v1::Activity Planned() {
  v1::Activity a;
  a.set_account("accounts/7");
  a.set_kind(v1::ACTIVITY_KIND_VISIT);
  a.set_subject("Quarterly review");
  a.add_contacts("accounts/7/contacts/1");
  a.add_contacts("accounts/7/contacts/2");
  a.add_team_members("alice");
  a.add_team_members("bob");
  a.set_level(v1::ACTIVITY_LEVEL_ACCOUNT_MANAGER);
  a.set_status(v1::ACTIVITY_STATUS_PLANNED);
  *a.mutable_planned_time() = At(absl::Hours(48));
  *a.mutable_next_follow_up_time() = At(absl::Hours(24 * 30));
  a.mutable_cost()->set_currency_code("CNY");
  a.mutable_cost()->set_minor_units(150000);
  return a;
}

v1::Activity Done() {
  v1::Activity a = Planned();
  a.set_status(v1::ACTIVITY_STATUS_DONE);
  *a.mutable_actual_time() = At(-absl::Hours(2));
  *a.mutable_next_follow_up_time() = At(absl::Hours(24));
  a.set_outcome("Agreed on a pilot.\nNext: proposal.");
  return a;
}

// The field an INVALID_ARGUMENT names (the message's first word).
std::string InvalidFieldOf(const v1::Activity& a) {
  absl::Status status = ValidateActivityFields(a, 7, kNow);
  if (status.code() != absl::StatusCode::kInvalidArgument) {
    return absl::StrCat("<", status.ToString(), ">");
  }
  const std::string message(status.message());
  return message.substr(0, message.find(' '));
}

TEST(ActivityFields, AcceptsAPlannedAndADoneActivity) {
  EXPECT_TRUE(ValidateActivityFields(Planned(), 7, kNow).ok());
  EXPECT_TRUE(ValidateActivityFields(Done(), 7, kNow).ok());
  v1::Activity minimal;
  minimal.set_kind(v1::ACTIVITY_KIND_EMAIL);
  minimal.set_subject("Greetings");
  ApplyCreateDefaults(&minimal);
  *minimal.mutable_planned_time() = At(absl::ZeroDuration());
  EXPECT_TRUE(ValidateActivityFields(minimal, 7, kNow).ok());
  EXPECT_EQ(minimal.level(), v1::ACTIVITY_LEVEL_ACCOUNT_MANAGER);
  EXPECT_EQ(minimal.status(), v1::ACTIVITY_STATUS_PLANNED);
}

// One broken rule per case: `base` (a planned or a done activity) changed by
// `change` must be refused naming `field`.
struct BrokenRule {
  const char* field;
  bool done;  // starts from Done() rather than Planned()
  std::function<void(v1::Activity&)> change;
};

TEST(ActivityFields, NamesTheFieldOfEachRuleBroken) {
  const BrokenRule cases[] = {
      {"activity.kind", false, [](v1::Activity& a) { a.set_kind(v1::ACTIVITY_KIND_UNSPECIFIED); }},
      {"activity.kind", false,
       [](v1::Activity& a) { a.set_kind(static_cast<v1::ActivityKind>(42)); }},
      {"activity.subject", false, [](v1::Activity& a) { a.set_subject("   "); }},
      {"activity.subject", false, [](v1::Activity& a) { a.set_subject(std::string(201, 'x')); }},
      {"activity.subject", false, [](v1::Activity& a) { a.set_subject("two\nlines"); }},
      {"activity.contacts[2]", false,
       [](v1::Activity& a) { a.add_contacts("accounts/7/contact/3"); }},
      // another account's contact
      {"activity.contacts[2]", false,
       [](v1::Activity& a) { a.add_contacts("accounts/8/contacts/3"); }},
      // repeated
      {"activity.contacts[2]", false,
       [](v1::Activity& a) { a.add_contacts("accounts/7/contacts/1"); }},
      {"activity.contacts", false,
       [](v1::Activity& a) {
         a.clear_contacts();
         for (int i = 1; i <= kMaxParticipants + 1; ++i) {
           a.add_contacts(absl::StrCat("accounts/7/contacts/", i));
         }
       }},
      {"activity.team_members[2]", false,
       [](v1::Activity& a) { a.add_team_members("with space"); }},
      {"activity.team_members[2]", false, [](v1::Activity& a) { a.add_team_members("alice"); }},
      {"activity.team_members[2]", false, [](v1::Activity& a) { a.add_team_members(""); }},
      {"activity.team_members", false,
       [](v1::Activity& a) {
         a.clear_team_members();
         for (int i = 0; i <= kMaxParticipants; ++i) a.add_team_members(absl::StrCat("u", i));
       }},
      {"activity.level", false,
       [](v1::Activity& a) { a.set_level(v1::ACTIVITY_LEVEL_UNSPECIFIED); }},
      {"activity.status", false,
       [](v1::Activity& a) { a.set_status(static_cast<v1::ActivityStatus>(9)); }},
      {"activity.planned_time", false, [](v1::Activity& a) { a.clear_planned_time(); }},
      {"activity.planned_time", false,
       [](v1::Activity& a) { a.mutable_planned_time()->set_nanos(-1); }},
      {"activity.next_follow_up_time", false,
       [](v1::Activity& a) { a.mutable_next_follow_up_time()->set_seconds(-70000000000); }},
      // actual_time only for DONE
      {"activity.actual_time", false,
       [](v1::Activity& a) { *a.mutable_actual_time() = At(-absl::Hours(1)); }},
      {"activity.actual_time", true, [](v1::Activity& a) { a.clear_actual_time(); }},
      // in the future
      {"activity.actual_time", true,
       [](v1::Activity& a) { *a.mutable_actual_time() = At(absl::Minutes(2)); }},
      {"activity.outcome", false,
       [](v1::Activity& a) { a.set_outcome(std::string(kMaxOutcome + 1, 'o')); }},
      // before planned_time
      {"activity.next_follow_up_time", false,
       [](v1::Activity& a) { *a.mutable_next_follow_up_time() = At(absl::Hours(47)); }},
      // before actual_time
      {"activity.next_follow_up_time", true,
       [](v1::Activity& a) { *a.mutable_next_follow_up_time() = At(-absl::Hours(3)); }},
      {"activity.cost.currency_code", false,
       [](v1::Activity& a) { a.mutable_cost()->set_currency_code("cny"); }},
      {"activity.cost.minor_units", false,
       [](v1::Activity& a) { a.mutable_cost()->set_minor_units(-1); }},
  };
  for (const BrokenRule& c : cases) {
    v1::Activity a = c.done ? Done() : Planned();
    c.change(a);
    EXPECT_EQ(InvalidFieldOf(a), c.field) << a.ShortDebugString();
  }
}

TEST(ActivityFields, AllowsAnActualTimeWithinTheClockSkew) {
  v1::Activity a = Done();
  *a.mutable_actual_time() = At(absl::Seconds(30));
  *a.mutable_next_follow_up_time() = At(absl::Hours(1));
  EXPECT_TRUE(ValidateActivityFields(a, 7, kNow).ok());
}

TEST(ActivityFields, ParsesTheNamesItUses) {
  EXPECT_EQ(*ParseActivityName("name", "activities/12"), 12);
  EXPECT_FALSE(ParseActivityName("name", "activities/012").ok());
  EXPECT_FALSE(ParseActivityName("name", "accounts/12").ok());
  EXPECT_TRUE(absl::StartsWith(ParseActivityName("name", "").status().message(), "name "));
  EXPECT_EQ(*ParseAccountName("activity.account", "accounts/3"), 3);
  absl::StatusOr<ContactRef> contact = ParseContactName("c", "accounts/3/contacts/9");
  ASSERT_TRUE(contact.ok());
  EXPECT_EQ(contact->account_id, 3);
  EXPECT_EQ(contact->contact_id, 9);
  EXPECT_EQ(ActivityName(5), "activities/5");
  EXPECT_EQ(ContactName(3, 9), "accounts/3/contacts/9");
}

TEST(ActivityStatusMoves, FollowThePlannedDoneCancelledMachine) {
  using S = v1::ActivityStatus;
  const S planned = v1::ACTIVITY_STATUS_PLANNED;
  const S done = v1::ACTIVITY_STATUS_DONE;
  const S cancelled = v1::ACTIVITY_STATUS_CANCELLED;
  EXPECT_TRUE(CheckStatusMove(planned, done).ok());
  EXPECT_TRUE(CheckStatusMove(planned, cancelled).ok());
  EXPECT_TRUE(CheckStatusMove(cancelled, planned).ok());
  EXPECT_TRUE(CheckStatusMove(done, done).ok());
  EXPECT_TRUE(CheckStatusMove(cancelled, cancelled).ok());
  for (auto [from, to] : {std::pair<S, S>{done, planned}, {done, cancelled}, {cancelled, done}}) {
    absl::Status status = CheckStatusMove(from, to);
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_TRUE(absl::StrContains(status.message(), v1::ActivityStatus_Name(from)));
    EXPECT_TRUE(absl::StrContains(status.message(), v1::ActivityStatus_Name(to)));
  }
  EXPECT_TRUE(CheckCreateStatus(planned).ok());
  EXPECT_TRUE(CheckCreateStatus(done).ok());
  EXPECT_EQ(CheckCreateStatus(cancelled).code(), absl::StatusCode::kInvalidArgument);
}

TEST(ActivityFields, NeedsCallCheckOnlyForPlannedCallsWhoseTimeOrPeopleChange) {
  v1::Activity call = Planned();
  call.set_kind(v1::ACTIVITY_KIND_CALL);
  EXPECT_TRUE(NeedsCallCheck(nullptr, call));
  EXPECT_FALSE(NeedsCallCheck(&call, call));
  v1::Activity changed = call;
  changed.set_outcome("notes");
  changed.set_subject("other");
  EXPECT_FALSE(NeedsCallCheck(&call, changed));
  changed = call;
  *changed.mutable_planned_time() = At(absl::Hours(49));
  EXPECT_TRUE(NeedsCallCheck(&call, changed));
  changed = call;
  changed.add_contacts("accounts/7/contacts/3");
  EXPECT_TRUE(NeedsCallCheck(&call, changed));
  changed = call;
  changed.set_status(v1::ACTIVITY_STATUS_DONE);
  EXPECT_FALSE(NeedsCallCheck(&call, changed));
  v1::Activity cancelled = call;
  cancelled.set_status(v1::ACTIVITY_STATUS_CANCELLED);
  EXPECT_TRUE(NeedsCallCheck(&cancelled, call));  // re-planned
  v1::Activity visit = Planned();
  EXPECT_FALSE(NeedsCallCheck(nullptr, visit));
  EXPECT_TRUE(NeedsCallCheck(&visit, call));  // became a call
}

TEST(ActivityFields, TruncatesTimesToMicroseconds) {
  v1::Activity a = Done();
  a.mutable_actual_time()->set_nanos(123456789);
  a.mutable_next_follow_up_time()->set_nanos(999);
  TruncateTimesToMicros(&a);
  EXPECT_EQ(a.actual_time().nanos(), 123456000);
  EXPECT_EQ(a.next_follow_up_time().nanos(), 0);
  EXPECT_TRUE(a.has_planned_time());
}

TEST(ActivityFields, ActivityTimeIsActualForDoneElsePlanned) {
  EXPECT_EQ(ActivityTime(Planned()), kNow + absl::Hours(48));
  EXPECT_EQ(ActivityTime(Done()), kNow - absl::Hours(2));
  v1::Activity none;
  EXPECT_FALSE(ActivityTime(none).has_value());
}

TEST(ActivityMask, RefusesOutputOnlyAndTheAccount) {
  EXPECT_EQ(ResolvePaths<v1::Activity>(ActivityMaskRules(), {"create_time"}).status().code(),
            absl::StatusCode::kInvalidArgument);
  absl::Status status = ResolvePaths<v1::Activity>(ActivityMaskRules(), {"account"}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(status.message(), "account")) << status.message();
  absl::StatusOr<std::vector<std::string>> all =
      ResolvePaths<v1::Activity>(ActivityMaskRules(), {"*"});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 11u);
  // Empty mask: the fields set in the patch.
  v1::Activity patch;
  patch.set_outcome("done");
  patch.mutable_cost()->set_minor_units(0);
  absl::StatusOr<std::vector<std::string>> set = ResolvePaths(ActivityMaskRules(), {}, patch);
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(*set, (std::vector<std::string>{"outcome", "cost"}));
}

}  // namespace
}  // namespace kam::interaction::activity
