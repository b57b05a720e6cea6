#include "services/interaction/cases/case_sla_clock.h"

#include <utility>
#include <vector>

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

void Apply(SlaClock& clock, Step step, absl::Time at) {
  switch (step) {
    case Step::kRespond: RecordFirstResponse(clock, at); break;
    case Step::kPause: Pause(clock, at); break;
    case Step::kResume: Resume(clock, at); break;
    case Step::kResolve: Resolve(clock, at); break;
    case Step::kReopen: Reopen(clock, at); break;
  }
}

// A new clock (NewClock) after `steps`, each at its time since the start.
SlaClock After(const std::vector<std::pair<Step, absl::Duration>>& steps) {
  SlaClock clock = NewClock();
  for (const auto& [step, since_start] : steps) Apply(clock, step, At(since_start));
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

// A response or a resolution (which answers the customer too) at `at`: the
// first response then, breached (and staying so) when `at` is after its due
// time; the resolution is not breached.
TEST(SlaClockTest, FirstResponseIsBreachedOnlyWhenLate) {
  struct Case {
    const char* what;
    Step step;
    absl::Duration at;
    bool breached;
  };
  const Case cases[] = {
      {"a response exactly at the due time is on time", Step::kRespond, Hours(1), false},
      {"a late response", Step::kRespond, Hours(2), true},
      {"a resolution answers the customer", Step::kResolve, Minutes(45), false},
      {"a late resolution answers late", Step::kResolve, Hours(2), true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    SlaClock clock = NewClock();
    Apply(clock, c.step, At(c.at));
    EXPECT_EQ(clock.first_response_time, At(c.at));
    EXPECT_EQ(clock.first_response_breached, c.breached);
    EXPECT_FALSE(clock.resolution_breached);
    const SlaStatus later = Evaluate(clock, At(c.at + Hours(1)));
    EXPECT_EQ(later.first_response_breached, c.breached);
    EXPECT_FALSE(later.resolution_breached);
  }
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

// Paused 30, 60 and 15 min: 105 min in all.
std::vector<std::pair<Step, absl::Duration>> ThreePauses() {
  return {{Step::kPause, Minutes(10)}, {Step::kResume, Minutes(40)},
          {Step::kPause, Hours(1)},    {Step::kResume, Hours(2)},
          {Step::kPause, Hours(3)},    {Step::kResume, Hours(3) + Minutes(15)}};
}

// Where the time paused goes: into `paused`, out of the running time, onto
// the resolution's due time.
struct PausedCase {
  const char* what;
  std::vector<std::pair<Step, absl::Duration>> steps;
  absl::Duration paused;
  absl::Duration running_at;  // since the start
  absl::Duration running;     // the running time then
  absl::Duration resolution_due;
};

TEST(SlaClockTest, PausedTimeMovesTheResolutionDueTime) {
  const PausedCase cases[] = {
      {"pause after the first response",
       {{Step::kRespond, Minutes(5)}, {Step::kPause, Hours(1)}, {Step::kResume, Hours(4)}},
       Hours(3),
       Hours(11),
       Hours(8),
       Hours(11)},
      {"several pauses add up", ThreePauses(), Minutes(105), Hours(4),
       Minutes(135),  // 240 - 105
       Hours(8) + Minutes(105)},
      {"a resolve while paused ends the pause at the resolution",
       {{Step::kRespond, Minutes(20)}, {Step::kPause, Hours(7)}, {Step::kResolve, Hours(30)}},
       Hours(23),
       Hours(100),
       Hours(7),
       Hours(31)},
      {"a reopen counts the resolved time as paused",
       {{Step::kRespond, Minutes(5)}, {Step::kResolve, Hours(2)}, {Step::kReopen, Hours(26)}},
       Hours(24),
       Hours(27),
       Hours(3),
       Hours(32)},
  };
  for (const PausedCase& c : cases) {
    SCOPED_TRACE(c.what);
    SlaClock clock = NewClock();
    for (const auto& [step, since_start] : c.steps) Apply(clock, step, At(since_start));
    EXPECT_EQ(clock.paused, c.paused);
    EXPECT_EQ(RunningTime(clock, At(c.running_at)), c.running);
    EXPECT_EQ(ResolutionDue(clock), At(c.resolution_due));
  }
}

TEST(SlaClockTest, PauseAfterFirstResponseLeavesTheFirstResponseOnTime) {
  const SlaClock clock =
      After({{Step::kRespond, Minutes(5)}, {Step::kPause, Hours(1)}, {Step::kResume, Hours(4)}});
  ExpectResolutionDueAt(clock, At(Hours(11)));
  EXPECT_FALSE(Evaluate(clock, At(Hours(11) + Seconds(1))).first_response_breached);
}

TEST(SlaClockTest, PausesMoveTheFirstResponseDueTimeToo) {
  const SlaClock clock = After(ThreePauses());
  EXPECT_EQ(FirstResponseDue(clock), At(Hours(1) + Minutes(105)));
  // Running 135 min at 4 h: past the 60 min target.
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
  EXPECT_EQ(clock.resolve_time, At(Hours(30)));
  EXPECT_FALSE(clock.resolution_breached);
  EXPECT_FALSE(Evaluate(clock, At(Hours(100))).resolution_breached);
}

TEST(SlaClockTest, LateResolutionIsBreachedAndStaysSo) {
  const SlaClock clock = After({{Step::kRespond, Minutes(20)}, {Step::kResolve, Hours(9)}});
  EXPECT_TRUE(clock.resolution_breached);
  EXPECT_TRUE(Evaluate(clock, At(Hours(50))).resolution_breached);
}

TEST(SlaClockTest, ReopenClearsTheResolution) {
  const SlaClock clock =
      After({{Step::kRespond, Minutes(5)}, {Step::kResolve, Hours(2)}, {Step::kReopen, Hours(26)}});
  EXPECT_FALSE(clock.resolve_time.has_value());
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
