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

// An account of `tier` last visited, visited by an executive and with a
// DONE activity that many days ago.
AccountActivityFacts Visited(int tier, double visit, double executive, double done) {
  AccountActivityFacts facts = Account(tier);
  facts.last_visit = DaysAgo(visit);
  facts.last_executive = DaysAgo(executive);
  facts.last_done = DaysAgo(done);
  return facts;
}

// The overdue items of `facts` now, by the default cadence.
std::vector<OverdueItem> Overdue(const AccountActivityFacts& facts) {
  return FindOverdue(DefaultVisitCadence(), facts, kNow);
}

// `items` are `want`, every field of every item.
void ExpectItems(const std::vector<OverdueItem>& items, const std::vector<OverdueItem>& want) {
  ASSERT_EQ(items.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(items[i].kind, want[i].kind) << i;
    EXPECT_EQ(items[i].due_time, want[i].due_time) << i;
    EXPECT_EQ(items[i].last_time, want[i].last_time) << i;
    EXPECT_EQ(items[i].activity_id, want[i].activity_id) << i;
    EXPECT_EQ(items[i].interval_days, want[i].interval_days) << i;
  }
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
  EXPECT_TRUE(Overdue(Visited(kA, 29, 100, 29)).empty());
  // Exactly at the end of the interval it is due, not yet overdue.
  EXPECT_TRUE(Overdue(Visited(kA, 30, 100, 29)).empty());
}

TEST(FindOverdue, AVisitOlderThanTheIntervalIsOverdue) {
  ExpectItems(Overdue(Visited(kA, 31, 10, 10)),
              {{OverdueKind::kVisit, DaysAgo(1), DaysAgo(31), 0, 30}});
}

TEST(FindOverdue, ExecutiveVisitsHaveTheirOwnInterval) {
  AccountActivityFacts facts = Visited(kB, 5, 366, 5);
  ExpectItems(Overdue(facts), {{OverdueKind::kExecutiveVisit, DaysAgo(1), DaysAgo(366), 0, 365}});
  // Tier C asks for no executive visits at all.
  facts.tier = kC;
  EXPECT_TRUE(Overdue(facts).empty());
}

TEST(FindOverdue, AnAccountNeverVisitedIsDueOneIntervalAfterItsCreation) {
  EXPECT_TRUE(Overdue(Account(kA, /*created_days_ago=*/29)).empty());
  ExpectItems(Overdue(Account(kA, /*created_days_ago=*/200)),
              {{OverdueKind::kVisit, DaysAgo(170), std::nullopt, 0, 30},
               {OverdueKind::kExecutiveVisit, DaysAgo(20), std::nullopt, 0, 180}});
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
  ExpectItems(Overdue(facts), {{OverdueKind::kFollowUp, DaysAgo(1), DaysAgo(10), 41, 0}});

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
  AccountActivityFacts facts = Visited(kA, 40, 400, 40);
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
  ExpectItems(FindOverdue(cadence, Visited(kD, 8, 1000, 8), kNow),
              {{OverdueKind::kVisit, DaysAgo(1), DaysAgo(8), 0, 7}});
}

}  // namespace
}  // namespace kam::interaction::visit_cadence
