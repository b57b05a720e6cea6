#include "services/interaction/visit_cadence/visit_cadence.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace kam::interaction::visit_cadence {
namespace {

constexpr int kA = 1, kB = 2, kC = 3, kD = 4;

const absl::Time kNow = absl::FromUnixSeconds(1800000000);  // 2027-01-15T08:00:00Z

absl::Time DaysAgo(double days) { return kNow - absl::Hours(24) * days; }

AccountActivityFacts Account(int tier, double created_days_ago = 1000) {
  AccountActivityFacts facts;
  facts.tier = tier;
  facts.account_create_time = DaysAgo(created_days_ago);
  return facts;
}

FollowUpCandidate FollowUp(int64_t id, bool done, double activity_days_ago,
                           double follow_up_days_ago) {
  return {id, done, DaysAgo(activity_days_ago), DaysAgo(follow_up_days_ago)};
}

TEST(VisitCadence, DefaultsAreThoseOfTheIssue) {
  const VisitCadence cadence = DefaultVisitCadence();
  EXPECT_EQ(cadence.For(kA).visit_interval_days, 30);
  EXPECT_EQ(cadence.For(kA).executive_visit_interval_days, 180);
  EXPECT_EQ(cadence.For(kB).visit_interval_days, 60);
  EXPECT_EQ(cadence.For(kB).executive_visit_interval_days, 365);
  EXPECT_EQ(cadence.For(kC).visit_interval_days, 90);
  EXPECT_EQ(cadence.For(kC).executive_visit_interval_days, 0);
  EXPECT_EQ(cadence.For(kD).visit_interval_days, 0);
  EXPECT_EQ(cadence.For(kD).executive_visit_interval_days, 0);
  EXPECT_EQ(cadence.For(0).visit_interval_days, 0);  // unrated
  EXPECT_EQ(cadence.For(9).visit_interval_days, 0);
}

TEST(VisitCadence, CheckIntervalDaysNamesTheField) {
  EXPECT_TRUE(CheckIntervalDays("policy.tiers", 0, "visit_interval_days", 0).ok());
  EXPECT_TRUE(CheckIntervalDays("policy.tiers", 0, "visit_interval_days", kMaxIntervalDays).ok());
  absl::Status bad = CheckIntervalDays("policy.tiers", 2, "executive_visit_interval_days", -1);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(bad.message(), "policy.tiers[2].executive_visit_interval_days "))
      << bad.message();
  EXPECT_FALSE(CheckIntervalDays("p", 0, "v", kMaxIntervalDays + 1).ok());
}

TEST(FindOverdue, AVisitWithinTheIntervalIsNotOverdue) {
  AccountActivityFacts facts = Account(kA);
  facts.last_visit = DaysAgo(29);
  facts.last_executive = DaysAgo(100);
  facts.last_done = DaysAgo(29);
  EXPECT_TRUE(FindOverdue(DefaultVisitCadence(), facts, kNow).empty());
  // Exactly at the end of the interval it is due, not yet overdue.
  facts.last_visit = DaysAgo(30);
  EXPECT_TRUE(FindOverdue(DefaultVisitCadence(), facts, kNow).empty());
}

TEST(FindOverdue, AVisitOlderThanTheIntervalIsOverdue) {
  AccountActivityFacts facts = Account(kA);
  facts.last_visit = DaysAgo(31);
  facts.last_executive = DaysAgo(10);
  facts.last_done = DaysAgo(10);
  const std::vector<OverdueItem> items = FindOverdue(DefaultVisitCadence(), facts, kNow);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].kind, OverdueKind::kVisit);
  EXPECT_EQ(items[0].due_time, DaysAgo(1));
  EXPECT_EQ(items[0].last_time, DaysAgo(31));
  EXPECT_EQ(items[0].interval_days, 30);
  EXPECT_EQ(items[0].activity_id, 0);
}

TEST(FindOverdue, ExecutiveVisitsHaveTheirOwnInterval) {
  AccountActivityFacts facts = Account(kB);
  facts.last_visit = DaysAgo(5);
  facts.last_executive = DaysAgo(366);
  facts.last_done = DaysAgo(5);
  std::vector<OverdueItem> items = FindOverdue(DefaultVisitCadence(), facts, kNow);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].kind, OverdueKind::kExecutiveVisit);
  EXPECT_EQ(items[0].due_time, DaysAgo(1));
  EXPECT_EQ(items[0].last_time, DaysAgo(366));
  EXPECT_EQ(items[0].interval_days, 365);
  // Tier C asks for no executive visits at all.
  facts.tier = kC;
  EXPECT_TRUE(FindOverdue(DefaultVisitCadence(), facts, kNow).empty());
}

TEST(FindOverdue, AnAccountNeverVisitedIsDueOneIntervalAfterItsCreation) {
  AccountActivityFacts young = Account(kA, /*created_days_ago=*/29);
  EXPECT_TRUE(FindOverdue(DefaultVisitCadence(), young, kNow).empty());
  AccountActivityFacts old = Account(kA, /*created_days_ago=*/200);
  const std::vector<OverdueItem> items = FindOverdue(DefaultVisitCadence(), old, kNow);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].kind, OverdueKind::kVisit);
  EXPECT_EQ(items[0].due_time, DaysAgo(170));
  EXPECT_FALSE(items[0].last_time.has_value());
  EXPECT_EQ(items[1].kind, OverdueKind::kExecutiveVisit);
  EXPECT_EQ(items[1].due_time, DaysAgo(20));
  EXPECT_FALSE(items[1].last_time.has_value());
}

TEST(FindOverdue, TierDAndUnratedAccountsHaveNoCadenceButFollowUpsStillCount) {
  for (int tier : {kD, 0}) {
    AccountActivityFacts facts = Account(tier, 5000);
    EXPECT_TRUE(FindOverdue(DefaultVisitCadence(), facts, kNow).empty()) << tier;
    facts.last_done = DaysAgo(20);
    facts.follow_ups = {FollowUp(7, true, 20, 3)};
    const std::vector<OverdueItem> items = FindOverdue(DefaultVisitCadence(), facts, kNow);
    ASSERT_EQ(items.size(), 1u) << tier;
    EXPECT_EQ(items[0].kind, OverdueKind::kFollowUp);
  }
}

TEST(FindOverdue, AFollowUpIsDueOnceItsTimeHasPassedWithNoLaterDoneActivity) {
  AccountActivityFacts facts = Account(kD);
  facts.last_done = DaysAgo(10);
  facts.follow_ups = {FollowUp(41, true, 10, 1)};
  std::vector<OverdueItem> items = FindOverdue(DefaultVisitCadence(), facts, kNow);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].kind, OverdueKind::kFollowUp);
  EXPECT_EQ(items[0].due_time, DaysAgo(1));
  EXPECT_EQ(items[0].last_time, DaysAgo(10));
  EXPECT_EQ(items[0].activity_id, 41);
  EXPECT_EQ(items[0].interval_days, 0);

  // Not yet due: the follow-up time is still ahead (or exactly now).
  facts.follow_ups = {FollowUp(41, true, 10, -1)};
  EXPECT_TRUE(FindOverdue(DefaultVisitCadence(), facts, kNow).empty());
  facts.follow_ups = {FollowUp(41, true, 10, 0)};
  EXPECT_TRUE(FindOverdue(DefaultVisitCadence(), facts, kNow).empty());
}

TEST(FindOverdue, ALaterDoneActivityAnswersTheFollowUp) {
  AccountActivityFacts facts = Account(kD);
  facts.follow_ups = {FollowUp(41, true, 10, 1)};
  facts.last_done = DaysAgo(4);  // another activity, after 41, before its follow-up date
  EXPECT_TRUE(FindOverdue(DefaultVisitCadence(), facts, kNow).empty());
  // A DONE activity at the very same time is not later.
  facts.last_done = DaysAgo(10);
  EXPECT_EQ(FindOverdue(DefaultVisitCadence(), facts, kNow).size(), 1u);
}

TEST(FindOverdue, PlannedActivitiesCanAskForFollowUpsToo) {
  AccountActivityFacts facts = Account(kD);
  facts.last_done = DaysAgo(30);
  // Planned 20 days ago (never done), follow-up 2 days ago: due.
  facts.follow_ups = {FollowUp(5, false, 20, 2)};
  std::vector<OverdueItem> items = FindOverdue(DefaultVisitCadence(), facts, kNow);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].activity_id, 5);
  EXPECT_EQ(items[0].last_time, DaysAgo(20));
  // A DONE activity after the planned time answers it.
  facts.last_done = DaysAgo(15);
  EXPECT_TRUE(FindOverdue(DefaultVisitCadence(), facts, kNow).empty());
}

TEST(FindOverdue, OnlyWhatHadHappenedByAsOfCounts) {
  AccountActivityFacts facts = Account(kD);
  // Judged 5 days ago: the DONE activity 2 days ago had not happened.
  const absl::Time as_of = DaysAgo(5);
  facts.last_done = DaysAgo(10);
  facts.follow_ups = {FollowUp(1, true, 10, 6), FollowUp(2, true, 2, 1)};
  std::vector<OverdueItem> items = FindOverdue(DefaultVisitCadence(), facts, as_of);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].activity_id, 1);
}

TEST(FindOverdue, ItemsComeVisitExecutiveThenFollowUpsByDueTime) {
  AccountActivityFacts facts = Account(kA);
  facts.last_visit = DaysAgo(40);
  facts.last_executive = DaysAgo(400);
  facts.last_done = DaysAgo(40);
  facts.follow_ups = {FollowUp(9, false, 35, 2), FollowUp(3, true, 40, 5),
                      FollowUp(8, false, 38, 2), FollowUp(4, true, 60, 50)};
  const std::vector<OverdueItem> items = FindOverdue(DefaultVisitCadence(), facts, kNow);
  ASSERT_EQ(items.size(), 5u);
  EXPECT_EQ(items[0].kind, OverdueKind::kVisit);
  EXPECT_EQ(items[0].due_time, DaysAgo(10));
  EXPECT_EQ(items[1].kind, OverdueKind::kExecutiveVisit);
  EXPECT_EQ(items[1].due_time, DaysAgo(220));
  // Activity 4 (60 days ago) was answered by the DONE activity 40 days ago.
  EXPECT_EQ(items[2].activity_id, 3);
  EXPECT_EQ(items[3].activity_id, 8);  // same due time as 9: lower id first
  EXPECT_EQ(items[4].activity_id, 9);
}

TEST(FindOverdue, ACustomCadenceApplies) {
  VisitCadence cadence = DefaultVisitCadence();
  cadence.by_tier[kD] = {7, 0};
  AccountActivityFacts facts = Account(kD);
  facts.last_visit = DaysAgo(8);
  facts.last_done = DaysAgo(8);
  const std::vector<OverdueItem> items = FindOverdue(cadence, facts, kNow);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].interval_days, 7);
  EXPECT_EQ(items[0].due_time, DaysAgo(1));
}

}  // namespace
}  // namespace kam::interaction::visit_cadence
