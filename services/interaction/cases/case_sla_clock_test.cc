#include "services/interaction/cases/case_sla_clock.h"

#include "gtest/gtest.h"

namespace kam::interaction::cases {
namespace {

using absl::Hours;
using absl::Minutes;
using absl::Seconds;

const absl::Time kStart = absl::FromUnixSeconds(1767225600);  // 2026-01-01T00:00:00Z

// A clock with 1 h to the first response and 8 h to the resolution.
SlaClock NewClock() {
  SlaClock clock;
  clock.start = kStart;
  clock.targets = {Hours(1), Hours(8)};
  return clock;
}

absl::Time At(absl::Duration since_start) { return kStart + since_start; }

// What happens to a case, as the clock sees it.
enum class Step { kRespond, kPause, kResume, kResolve, kReopen };

// A new clock (NewClock) after `steps`, each at its time since the start.
SlaClock After(std::initializer_list<std::pair<Step, absl::Duration>> steps) {
  SlaClock clock = NewClock();
  for (const auto& [step, since_start] : steps) {
    const absl::Time at = At(since_start);
    switch (step) {
      case Step::kRespond: RecordFirstResponse(clock, at); break;
      case Step::kPause: Pause(clock, at); break;
      case Step::kResume: Resume(clock, at); break;
      case Step::kResolve: Resolve(clock, at); break;
      case Step::kReopen: Reopen(clock, at); break;
    }
  }
  return clock;
}

// The first response is due at `due`: not breached then, breached a moment
// later.
void ExpectFirstResponseDueAt(const SlaClock& clock, absl::Time due) {
  EXPECT_EQ(FirstResponseDue(clock), due);
  EXPECT_FALSE(Evaluate(clock, due).first_response_breached);
  EXPECT_TRUE(Evaluate(clock, due + absl::Microseconds(1)).first_response_breached);
}

// The same for the resolution.
void ExpectResolutionDueAt(const SlaClock& clock, absl::Time due) {
  EXPECT_EQ(ResolutionDue(clock), due);
  EXPECT_FALSE(Evaluate(clock, due).resolution_breached);
  EXPECT_TRUE(Evaluate(clock, due + absl::Microseconds(1)).resolution_breached);
}

TEST(SlaClockTest, FreshClockDueTimesAreStartPlusTargets) {
  const SlaClock clock = NewClock();
  EXPECT_EQ(FirstResponseDue(clock), At(Hours(1)));
  EXPECT_EQ(ResolutionDue(clock), At(Hours(8)));
  EXPECT_EQ(RunningTime(clock, At(Minutes(30))), Minutes(30));
  const SlaStatus status = Evaluate(clock, At(Minutes(30)));
  EXPECT_FALSE(status.first_response_breached);
  EXPECT_FALSE(status.resolution_breached);
}

TEST(SlaClockTest, ExactBoundaryIsNotABreachOneMicrosecondLaterIs) {
  const SlaClock clock = NewClock();
  ExpectFirstResponseDueAt(clock, At(Hours(1)));
  ExpectResolutionDueAt(clock, At(Hours(8)));
}

TEST(SlaClockTest, FirstResponseExactlyAtDueIsOnTime) {
  SlaClock clock = NewClock();
  RecordFirstResponse(clock, At(Hours(1)));
  EXPECT_EQ(clock.first_response_time, At(Hours(1)));
  EXPECT_FALSE(clock.first_response_breached);
  EXPECT_FALSE(Evaluate(clock, At(Hours(5))).first_response_breached);
}

TEST(SlaClockTest, LateFirstResponseStaysBreached) {
  SlaClock clock = NewClock();
  RecordFirstResponse(clock, At(Hours(2)));
  EXPECT_TRUE(clock.first_response_breached);
  EXPECT_TRUE(Evaluate(clock, At(Hours(3))).first_response_breached);
  EXPECT_FALSE(Evaluate(clock, At(Hours(3))).resolution_breached);
}

TEST(SlaClockTest, OnTimeFirstResponseStopsTheFirstResponseClock) {
  SlaClock clock = NewClock();
  RecordFirstResponse(clock, At(Minutes(10)));
  EXPECT_FALSE(Evaluate(clock, At(Hours(7))).first_response_breached);
  // A second response changes nothing.
  RecordFirstResponse(clock, At(Hours(2)));
  EXPECT_EQ(clock.first_response_time, At(Minutes(10)));
  EXPECT_FALSE(clock.first_response_breached);
}

TEST(SlaClockTest, PauseBeforeFirstResponseMovesBothDueTimes) {
  SlaClock clock = NewClock();
  Pause(clock, At(Minutes(30)));
  // While paused the running time stands still: no breach however long.
  EXPECT_EQ(RunningTime(clock, At(Hours(20))), Minutes(30));
  EXPECT_FALSE(Evaluate(clock, At(Hours(20))).first_response_breached);
  EXPECT_FALSE(Evaluate(clock, At(Hours(20))).resolution_breached);
  // The due times do not include a running pause yet.
  EXPECT_EQ(FirstResponseDue(clock), At(Hours(1)));
  Resume(clock, At(Hours(2) + Minutes(30)));  // paused for 2 h
  EXPECT_EQ(clock.paused, Hours(2));
  EXPECT_FALSE(clock.paused_since.has_value());
  ExpectFirstResponseDueAt(clock, At(Hours(3)));
  EXPECT_EQ(ResolutionDue(clock), At(Hours(10)));
  RecordFirstResponse(clock, At(Hours(2) + Minutes(50)));
  EXPECT_FALSE(clock.first_response_breached);
}

TEST(SlaClockTest, PauseAfterFirstResponseMovesTheResolutionDueTime) {
  const SlaClock clock =
      After({{Step::kRespond, Minutes(5)}, {Step::kPause, Hours(1)}, {Step::kResume, Hours(4)}});
  EXPECT_EQ(clock.paused, Hours(3));
  ExpectResolutionDueAt(clock, At(Hours(11)));
  EXPECT_FALSE(Evaluate(clock, At(Hours(11) + Seconds(1))).first_response_breached);
}

TEST(SlaClockTest, SeveralPausesAddUp) {
  const SlaClock clock = After({{Step::kPause, Minutes(10)},
                                {Step::kResume, Minutes(40)},  // 30 min
                                {Step::kPause, Hours(1)},
                                {Step::kResume, Hours(2)},  // 60 min
                                {Step::kPause, Hours(3)},
                                {Step::kResume, Hours(3) + Minutes(15)}});  // 15 min
  EXPECT_EQ(clock.paused, Minutes(105));
  EXPECT_EQ(FirstResponseDue(clock), At(Hours(1) + Minutes(105)));
  EXPECT_EQ(ResolutionDue(clock), At(Hours(8) + Minutes(105)));
  // Running time at 4 h: 240 - 105 = 135 min, past the 60 min target.
  EXPECT_EQ(RunningTime(clock, At(Hours(4))), Minutes(135));
  EXPECT_TRUE(Evaluate(clock, At(Hours(4))).first_response_breached);
  EXPECT_FALSE(Evaluate(clock, At(Hours(4))).resolution_breached);
}

TEST(SlaClockTest, PauseSpanningTheDueTimeIsNoBreach) {
  SlaClock clock = NewClock();
  Pause(clock, At(Minutes(50)));  // 10 min before the first response is due
  // Past the original due time, still paused: no breach.
  EXPECT_FALSE(Evaluate(clock, At(Hours(5))).first_response_breached);
  Resume(clock, At(Hours(5)));  // paused 4 h 10 min
  EXPECT_FALSE(clock.first_response_breached);
  ExpectFirstResponseDueAt(clock, At(Hours(5) + Minutes(10)));
}

TEST(SlaClockTest, PauseStartedAfterTheBreachKeepsIt) {
  SlaClock clock = NewClock();
  Pause(clock, At(Hours(2)));  // first response already an hour late
  EXPECT_TRUE(clock.first_response_breached);
  Resume(clock, At(Hours(6)));
  EXPECT_TRUE(Evaluate(clock, At(Hours(6))).first_response_breached);
  RecordFirstResponse(clock, At(Hours(6)));
  EXPECT_TRUE(clock.first_response_breached);
}

TEST(SlaClockTest, ResolveWhilePausedEndsThePauseAtTheResolution) {
  const SlaClock clock =
      After({{Step::kRespond, Minutes(20)}, {Step::kPause, Hours(7)}, {Step::kResolve, Hours(30)}});
  EXPECT_FALSE(clock.paused_since.has_value());
  EXPECT_EQ(clock.paused, Hours(23));
  EXPECT_EQ(clock.resolve_time, At(Hours(30)));
  EXPECT_EQ(RunningTime(clock, At(Hours(100))), Hours(7));
  EXPECT_FALSE(clock.resolution_breached);
  EXPECT_FALSE(Evaluate(clock, At(Hours(100))).resolution_breached);
  EXPECT_EQ(ResolutionDue(clock), At(Hours(31)));
}

TEST(SlaClockTest, LateResolutionIsBreachedAndStaysSo) {
  const SlaClock clock = After({{Step::kRespond, Minutes(20)}, {Step::kResolve, Hours(9)}});
  EXPECT_TRUE(clock.resolution_breached);
  EXPECT_TRUE(Evaluate(clock, At(Hours(50))).resolution_breached);
}

TEST(SlaClockTest, ResolvingAnswersTheCustomer) {
  SlaClock clock = NewClock();
  Resolve(clock, At(Minutes(45)));
  EXPECT_EQ(clock.first_response_time, At(Minutes(45)));
  EXPECT_FALSE(clock.first_response_breached);
  EXPECT_FALSE(Evaluate(clock, At(Hours(30))).first_response_breached);

  SlaClock late = NewClock();
  Resolve(late, At(Hours(2)));
  EXPECT_TRUE(late.first_response_breached);
  EXPECT_FALSE(late.resolution_breached);
}

TEST(SlaClockTest, ReopenCountsTheResolvedTimeAsPaused) {
  const SlaClock clock =
      After({{Step::kRespond, Minutes(5)}, {Step::kResolve, Hours(2)}, {Step::kReopen, Hours(26)}});
  EXPECT_FALSE(clock.resolve_time.has_value());
  EXPECT_EQ(clock.paused, Hours(24));
  EXPECT_EQ(RunningTime(clock, At(Hours(27))), Hours(3));
  ExpectResolutionDueAt(clock, At(Hours(32)));
}

TEST(SlaClockTest, RetargetMovesDueTimesFromTheStart) {
  SlaClock clock = After({{Step::kPause, Minutes(10)}, {Step::kResume, Minutes(40)}});
  Retarget(clock, {Minutes(15), Hours(4)}, At(Hours(1)));
  EXPECT_EQ(FirstResponseDue(clock), At(Minutes(45)));
  EXPECT_EQ(ResolutionDue(clock), At(Hours(4) + Minutes(30)));
  // Running 30 min at 1 h: past the new 15 min target.
  EXPECT_TRUE(Evaluate(clock, At(Hours(1))).first_response_breached);
  // A breach found under the old targets is kept when the targets grow.
  SlaClock breached = NewClock();
  Retarget(breached, {Hours(4), Hours(8)}, At(Hours(2)));
  EXPECT_TRUE(breached.first_response_breached);
}

TEST(SlaClockTest, ZeroTargetsAreDueAtOnce) {
  SlaClock clock;
  clock.start = kStart;
  EXPECT_FALSE(Evaluate(clock, kStart).first_response_breached);
  EXPECT_TRUE(Evaluate(clock, kStart + absl::Microseconds(1)).first_response_breached);
  EXPECT_TRUE(Evaluate(clock, kStart + absl::Microseconds(1)).resolution_breached);
}

TEST(SlaClockTest, TimesBeforeTheLastEventDoNotRunTheClockBackwards) {
  // The resume comes from a replica whose clock is behind.
  const SlaClock clock = After({{Step::kPause, Hours(1)}, {Step::kResume, Minutes(30)}});
  EXPECT_EQ(clock.paused, absl::ZeroDuration());
  EXPECT_EQ(RunningTime(clock, At(-Hours(1))), absl::ZeroDuration());
}

TEST(SlaClockTest, OutOfPlaceEventsChangeNothing) {
  SlaClock clock = NewClock();
  Resume(clock, At(Minutes(5)));  // not paused
  EXPECT_EQ(clock.paused, absl::ZeroDuration());
  Pause(clock, At(Minutes(10)));
  Pause(clock, At(Minutes(20)));  // already paused
  EXPECT_EQ(clock.paused_since, At(Minutes(10)));
  Resolve(clock, At(Minutes(30)));
  Pause(clock, At(Minutes(40)));  // resolved
  EXPECT_FALSE(clock.paused_since.has_value());
  Resolve(clock, At(Hours(50)));  // already resolved
  EXPECT_EQ(clock.resolve_time, At(Minutes(30)));
}

}  // namespace
}  // namespace kam::interaction::cases
