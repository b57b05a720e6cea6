#include "services/account/lifecycle/stage_machine.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "kam/account/v1/account.pb.h"

namespace kam::account::lifecycle {
namespace {

using v1::RelationshipStage;

constexpr RelationshipStage kDev = v1::RELATIONSHIP_STAGE_DEVELOPMENT;
constexpr RelationshipStage kInit = v1::RELATIONSHIP_STAGE_INITIAL;
constexpr RelationshipStage kStable = v1::RELATIONSHIP_STAGE_STABLE;
constexpr RelationshipStage kStrat = v1::RELATIONSHIP_STAGE_STRATEGIC;
constexpr RelationshipStage kInterrupted = v1::RELATIONSHIP_STAGE_INTERRUPTED;
constexpr RelationshipStage kUnspecified = v1::RELATIONSHIP_STAGE_UNSPECIFIED;
constexpr v1::InterruptionCause kCause = v1::INTERRUPTION_CAUSE_KEY_PERSON_CHANGE;

const RelationshipStage kAllStages[] = {kDev, kInit, kStable, kStrat, kInterrupted};

StageMove Move(RelationshipStage from, RelationshipStage to, std::optional<int> share,
               int current_share = 0) {
  StageMove move;
  move.from = from;
  move.to = to;
  move.share = share;
  move.current_share = current_share;
  return move;
}

StageMove Back(RelationshipStage from, RelationshipStage to, std::optional<int> share,
               int current_share = 0) {
  StageMove move = Move(from, to, share, current_share);
  move.has_reason = true;
  return move;
}

StageMove Interrupt(RelationshipStage from, int current_share,
                    v1::InterruptionCause cause = kCause) {
  StageMove move = Move(from, kInterrupted, std::nullopt, current_share);
  move.cause = cause;
  return move;
}

std::string Describe(const StageMove& m) {
  return absl::StrCat(StageName(m.from), "->", StageName(m.to),
                      " share=", m.share.has_value() ? absl::StrCat(*m.share) : "none",
                      " current=", m.current_share, " cause=", static_cast<int>(m.cause),
                      " reason=", m.has_reason, " state=", static_cast<int>(m.state));
}

void ExpectIllegal(const absl::StatusOr<int>& result, RelationshipStage from, RelationshipStage to,
                   const std::string& context) {
  ASSERT_FALSE(result.ok()) << context << " unexpectedly gave " << *result;
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition)
      << context << ": " << result.status();
  const std::string prefix =
      absl::StrCat("cannot move from ", StageName(from), " to ", StageName(to));
  EXPECT_TRUE(absl::StartsWith(result.status().message(), prefix))
      << context << ": " << result.status() << " (want prefix \"" << prefix << "\")";
}

void ExpectInvalid(const absl::Status& status, absl::string_view field, const std::string& context,
                   absl::string_view also = "") {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << context << ": " << status;
  EXPECT_TRUE(absl::StartsWith(status.message(), absl::StrCat(field, " ")))
      << context << ": " << status << " (want field " << field << ")";
  if (!also.empty()) {
    EXPECT_TRUE(absl::StrContains(status.message(), also))
        << context << ": " << status << " (want \"" << also << "\")";
  }
}

// ---------------------------------------------------------------- StageName

TEST(StageNameTest, DropsThePrefix) {
  const std::pair<v1::RelationshipStage, absl::string_view> names[] = {
      {kDev, "DEVELOPMENT"},         {kInit, "INITIAL"},
      {kStable, "STABLE"},           {kStrat, "STRATEGIC"},
      {kInterrupted, "INTERRUPTED"}, {kUnspecified, "UNSPECIFIED"},
  };
  for (const auto& [stage, name] : names) EXPECT_EQ(StageName(stage), name);
}

TEST(StageNameTest, UnknownValueIsNumbered) {
  EXPECT_EQ(StageName(static_cast<RelationshipStage>(42)), "stage 42");
}

// ---------------------------------------------------------- share-of-wallet bands

struct BandCase {
  RelationshipStage stage;
  int share;
  bool ok;
};

TEST(CheckShareOfWalletTest, BandEdges) {
  const BandCase cases[] = {
      {kDev, 0, true},     {kDev, 1, false},    {kDev, -1, false},    {kInit, 0, true},
      {kInit, 49, true},   {kInit, 50, false},  {kInit, -1, false},   {kStable, 49, false},
      {kStable, 50, true}, {kStable, 79, true}, {kStable, 80, false}, {kStrat, 79, false},
      {kStrat, 80, true},  {kStrat, 100, true}, {kStrat, 101, false},
  };
  for (const BandCase& c : cases) {
    const absl::Status s = CheckShareOfWallet("share_of_wallet_percent", c.stage, c.share);
    const std::string context = absl::StrCat(StageName(c.stage), " share ", c.share);
    if (c.ok) {
      EXPECT_TRUE(s.ok()) << context << ": " << s;
    } else {
      ExpectInvalid(s, "share_of_wallet_percent", context, absl::StrCat("(got ", c.share, ")"));
    }
  }
}

TEST(CheckShareOfWalletTest, MessagesNameFieldBandAndStage) {
  EXPECT_EQ(CheckShareOfWallet("x.share", kStable, 80).message(),
            "x.share must be from 50 to 79 for stage STABLE (got 80)");
  EXPECT_EQ(CheckShareOfWallet("x.share", kInit, 50).message(),
            "x.share must be from 0 to 49 for stage INITIAL (got 50)");
  EXPECT_EQ(CheckShareOfWallet("x.share", kStrat, 79).message(),
            "x.share must be from 80 to 100 for stage STRATEGIC (got 79)");
  EXPECT_EQ(CheckShareOfWallet("x.share", kDev, 5).message(),
            "x.share must be from 0 to 0 for stage DEVELOPMENT (got 5)");
  EXPECT_EQ(CheckShareOfWallet("x.share", kStrat, 101).message(),
            "x.share must be from 0 to 100 (got 101)");
  EXPECT_EQ(CheckShareOfWallet("x.share", kInit, -1).message(),
            "x.share must be from 0 to 100 (got -1)");
}

// Every share 0..100 against every ladder stage under both versions: the
// share fits exactly the bands of stage_machine.h, and StageForShare names
// the lowest stage whose band holds it.
TEST(CheckShareOfWalletTest, BothVersionsShareByShare) {
  struct Version {
    v1::StageBandVersion bands;
    int low[4];  // DEVELOPMENT, INITIAL, STABLE, STRATEGIC
    int high[4];
  };
  const Version versions[] = {
      {v1::STAGE_BAND_VERSION_V1, {0, 0, 50, 80}, {0, 49, 79, 100}},
      {v1::STAGE_BAND_VERSION_UNSPECIFIED, {0, 0, 50, 80}, {0, 49, 79, 100}},  // reads as V1
      {v1::STAGE_BAND_VERSION_V2, {0, 30, 51, 80}, {29, 50, 79, 100}},
  };
  const RelationshipStage ladder[] = {kDev, kInit, kStable, kStrat};
  for (const Version& v : versions) {
    for (int share = 0; share <= 100; ++share) {
      RelationshipStage lowest = kUnspecified;
      for (int rung = 0; rung < 4; ++rung) {
        const bool fits = share >= v.low[rung] && share <= v.high[rung];
        if (fits && lowest == kUnspecified) lowest = ladder[rung];
        const absl::Status s = CheckShareOfWallet("f", ladder[rung], share, v.bands);
        EXPECT_EQ(s.ok(), fits) << "version " << v.bands << " " << StageName(ladder[rung])
                                << " share " << share << ": " << s;
      }
      EXPECT_EQ(StageForShare(share, v.bands), lowest) << "version " << v.bands << " " << share;
    }
  }
}

TEST(CheckShareOfWalletTest, VersionTwoMessagesNameTheVersion) {
  constexpr v1::StageBandVersion kV2 = v1::STAGE_BAND_VERSION_V2;
  EXPECT_EQ(CheckShareOfWallet("x.share", kInit, 20, kV2).message(),
            "x.share must be from 30 to 50 for stage INITIAL under band version 2 (got 20)");
  EXPECT_EQ(CheckShareOfWallet("x.share", kDev, 30, kV2).message(),
            "x.share must be from 0 to 29 for stage DEVELOPMENT under band version 2 (got 30)");
  EXPECT_EQ(CheckShareOfWallet("x.share", kStable, 50, kV2).message(),
            "x.share must be from 51 to 79 for stage STABLE under band version 2 (got 50)");
}

TEST(CheckBandVersionTest, OnlyV1AndV2) {
  EXPECT_TRUE(CheckBandVersion("settings.band_version", v1::STAGE_BAND_VERSION_V1).ok());
  EXPECT_TRUE(CheckBandVersion("settings.band_version", v1::STAGE_BAND_VERSION_V2).ok());
  for (int bad : {0, 3, -1}) {
    ExpectInvalid(CheckBandVersion("settings.band_version", static_cast<v1::StageBandVersion>(bad)),
                  "settings.band_version", absl::StrCat(bad), "must be V1 or V2");
  }
}

// ---------------------------------------------------------- CheckInitialStage

TEST(CheckInitialStageTest, UnspecifiedMeansDevelopmentWithZero) {
  EXPECT_TRUE(CheckInitialStage(kUnspecified, 0).ok());
  ExpectInvalid(CheckInitialStage(kUnspecified, 10), "account.share_of_wallet_percent",
                "unspecified, 10", "for stage DEVELOPMENT (got 10)");
}

TEST(CheckInitialStageTest, AnyLadderStageWithShareInItsBand) {
  const BandCase cases[] = {
      {kDev, 0, true},      {kDev, 1, false},     {kInit, 0, true},    {kInit, 49, true},
      {kInit, 50, false},   {kStable, 49, false}, {kStable, 50, true}, {kStable, 79, true},
      {kStable, 80, false}, {kStrat, 79, false},  {kStrat, 80, true},  {kStrat, 100, true},
      {kStrat, 101, false}, {kInit, -1, false},
  };
  for (const BandCase& c : cases) {
    const absl::Status s = CheckInitialStage(c.stage, c.share);
    const std::string context = absl::StrCat(StageName(c.stage), " share ", c.share);
    if (c.ok) {
      EXPECT_TRUE(s.ok()) << context << ": " << s;
    } else {
      ExpectInvalid(s, "account.share_of_wallet_percent", context);
    }
  }
}

TEST(CheckInitialStageTest, InterruptedIsRefused) {
  ExpectInvalid(CheckInitialStage(kInterrupted, 0), "account.stage", "INTERRUPTED",
                "cannot be INTERRUPTED on create");
}

TEST(CheckInitialStageTest, UnknownStageIsRefused) {
  ExpectInvalid(CheckInitialStage(static_cast<RelationshipStage>(42), 0), "account.stage", "42",
                "must be a known RelationshipStage");
}

// ---------------------------------------------------------- legal moves

struct LegalCase {
  StageMove move;
  int want_share;
};

// Each move is allowed and leaves the share of wallet it names.
template <size_t N>
void ExpectLegal(const LegalCase (&cases)[N]) {
  for (const LegalCase& c : cases) {
    const absl::StatusOr<int> got = CheckStageMove(c.move);
    ASSERT_TRUE(got.ok()) << Describe(c.move) << ": " << got.status();
    EXPECT_EQ(*got, c.want_share) << Describe(c.move);
  }
}

TEST(CheckStageMoveTest, ForwardOneStepWithShareInTheBand) {
  const LegalCase cases[] = {
      {Move(kDev, kInit, 0), 0},         {Move(kDev, kInit, 1), 1},
      {Move(kDev, kInit, 49), 49},       {Move(kInit, kStable, 50), 50},
      {Move(kInit, kStable, 79), 79},    {Move(kStable, kStrat, 80), 80},
      {Move(kStable, kStrat, 100), 100},
  };
  ExpectLegal(cases);
}

TEST(CheckStageMoveTest, BackOneStepWithReasonAndShareInTheBand) {
  const LegalCase cases[] = {
      {Back(kStrat, kStable, 79, 85), 79},
      {Back(kStrat, kStable, 50, 85), 50},
      {Back(kStable, kInit, 49, 60), 49},
      {Back(kStable, kInit, 0, 60), 0},
      // DEVELOPMENT is always 0; a share, if sent, is ignored (the proto says so).
      {Back(kInit, kDev, std::nullopt, 20), 0},
      {Back(kInit, kDev, 0, 20), 0},
      {Back(kInit, kDev, 30, 20), 0},
  };
  ExpectLegal(cases);
}

TEST(CheckStageMoveTest, AnyStageToInterruptedWithACauseKeepsTheShare) {
  const LegalCase cases[] = {
      {Interrupt(kDev, 0), 0},
      {Interrupt(kInit, 30), 30},
      {Interrupt(kStable, 65), 65},
      {Interrupt(kStrat, 90), 90},
  };
  ExpectLegal(cases);
}

TEST(CheckStageMoveTest, InterruptedKeepsTheShareEvenWhenOneIsSent) {
  StageMove move = Interrupt(kStable, 65);
  move.share = 10;  // ignored for INTERRUPTED
  const absl::StatusOr<int> got = CheckStageMove(move);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, 65);
}

TEST(CheckStageMoveTest, EveryInterruptionCauseIsAccepted) {
  for (int cause = v1::InterruptionCause_MIN + 1; cause <= v1::InterruptionCause_MAX; ++cause) {
    const StageMove move = Interrupt(kStable, 60, static_cast<v1::InterruptionCause>(cause));
    const absl::StatusOr<int> got = CheckStageMove(move);
    ASSERT_TRUE(got.ok()) << Describe(move) << ": " << got.status();
    EXPECT_EQ(*got, 60);
  }
}

TEST(CheckStageMoveTest, InterruptedRestartsAtDevelopmentWithZero) {
  for (const std::optional<int> share :
       {std::optional<int>(), std::optional<int>(0), std::optional<int>(40)}) {
    const StageMove move = Move(kInterrupted, kDev, share, /*current_share=*/70);
    const absl::StatusOr<int> got = CheckStageMove(move);
    ASSERT_TRUE(got.ok()) << Describe(move) << ": " << got.status();
    EXPECT_EQ(*got, 0) << Describe(move);
  }
}

TEST(CheckStageMoveTest, ReasonOnAForwardMoveIsFine) {
  StageMove move = Move(kDev, kInit, 10);
  move.has_reason = true;
  const absl::StatusOr<int> got = CheckStageMove(move);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, 10);
}

// ---------------------------------------------------------- illegal moves

TEST(CheckStageMoveTest, SkippingForwardIsFailedPrecondition) {
  const StageMove cases[] = {
      Move(kDev, kStable, 60),
      Move(kDev, kStrat, 90),
      Move(kInit, kStrat, 90),
  };
  for (const StageMove& m : cases) ExpectIllegal(CheckStageMove(m), m.from, m.to, Describe(m));
}

TEST(CheckStageMoveTest, SkippingBackIsFailedPreconditionEvenWithAReason) {
  const StageMove cases[] = {
      Back(kStrat, kInit, 30),
      Back(kStrat, kDev, std::nullopt),
      Back(kStable, kDev, 0),
      // Without a reason too: the move itself is the first problem.
      Move(kStrat, kInit, 30),
  };
  for (const StageMove& m : cases) ExpectIllegal(CheckStageMove(m), m.from, m.to, Describe(m));
}

TEST(CheckStageMoveTest, SameStageIsFailedPrecondition) {
  for (RelationshipStage stage : kAllStages) {
    StageMove m = stage == kInterrupted ? Interrupt(kInterrupted, 30) : Back(stage, stage, 0);
    if (stage == kStable) m.share = 60;
    if (stage == kStrat) m.share = 90;
    ExpectIllegal(CheckStageMove(m), stage, stage, Describe(m));
    EXPECT_TRUE(absl::StrContains(CheckStageMove(m).status().message(), "already"))
        << CheckStageMove(m).status();
  }
}

TEST(CheckStageMoveTest, InterruptedGoesOnlyToDevelopment) {
  const StageMove cases[] = {
      Move(kInterrupted, kInit, 10),
      Move(kInterrupted, kStable, 60),
      Move(kInterrupted, kStrat, 90),
      Back(kInterrupted, kInit, 10),
  };
  for (const StageMove& m : cases) {
    const absl::StatusOr<int> got = CheckStageMove(m);
    ExpectIllegal(got, m.from, m.to, Describe(m));
    EXPECT_TRUE(absl::StrContains(got.status().message(), "restarts at DEVELOPMENT"))
        << got.status();
  }
}

TEST(CheckStageMoveTest, ExactMessageNamesBothStages) {
  const absl::StatusOr<int> got = CheckStageMove(Move(kDev, kStable, 60));
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().message(),
            "cannot move from DEVELOPMENT to STABLE: stages move one step at a time "
            "(DEVELOPMENT -> INITIAL -> STABLE -> STRATEGIC)");
}

TEST(CheckStageMoveTest, ChurnedAccountCannotMoveAnywhere) {
  // Every from/to pair, legal moves included, with everything else in order.
  for (RelationshipStage from : kAllStages) {
    for (RelationshipStage to : kAllStages) {
      StageMove m = to == kInterrupted ? Interrupt(from, 30) : Back(from, to, std::nullopt);
      if (to == kInit) m.share = 10;
      if (to == kStable) m.share = 60;
      if (to == kStrat) m.share = 90;
      m.state = v1::LIFECYCLE_STATE_CHURNED;
      const absl::StatusOr<int> got = CheckStageMove(m);
      ExpectIllegal(got, from, to, Describe(m));
      EXPECT_TRUE(absl::StrContains(got.status().message(), "churned")) << got.status();
      EXPECT_TRUE(absl::StrContains(got.status().message(), "win-back")) << got.status();
    }
  }
}

TEST(CheckStageMoveTest, TheSameMoveSucceedsOnceTheAccountIsActive) {
  StageMove m = Move(kInterrupted, kDev, std::nullopt);
  m.state = v1::LIFECYCLE_STATE_CHURNED;
  EXPECT_EQ(CheckStageMove(m).status().code(), absl::StatusCode::kFailedPrecondition);
  m.state = v1::LIFECYCLE_STATE_ACTIVE;
  EXPECT_TRUE(CheckStageMove(m).ok());
}

// Every (from, to) pair of the five stages: exactly the moves the machine
// draws are legal, everything else is FAILED_PRECONDITION naming both stages.
TEST(CheckStageMoveTest, FullTransitionTable) {
  auto legal = [](RelationshipStage from, RelationshipStage to) {
    if (from == to) return false;
    if (to == kInterrupted) return true;
    if (from == kInterrupted) return to == kDev;
    const int step = static_cast<int>(to) - static_cast<int>(from);
    return step == 1 || step == -1;
  };
  auto share_for = [](RelationshipStage to) -> std::optional<int> {
    switch (to) {
      case kInit: return 10;
      case kStable: return 60;
      case kStrat: return 90;
      default: return std::nullopt;
    }
  };
  int legal_count = 0;
  for (RelationshipStage from : kAllStages) {
    for (RelationshipStage to : kAllStages) {
      StageMove m = to == kInterrupted ? Interrupt(from, 33) : Back(from, to, share_for(to));
      const absl::StatusOr<int> got = CheckStageMove(m);
      if (legal(from, to)) {
        ++legal_count;
        ASSERT_TRUE(got.ok()) << Describe(m) << ": " << got.status();
        const int want = to == kInterrupted ? 33 : (to == kDev ? 0 : *share_for(to));
        EXPECT_EQ(*got, want) << Describe(m);
      } else {
        ExpectIllegal(got, from, to, Describe(m));
      }
    }
  }
  // 3 forward + 3 back + 4 interruptions + 1 restart.
  EXPECT_EQ(legal_count, 11);
}

// ---------------------------------------------------------- band version 2

StageMove V2(StageMove move) {
  move.bands = v1::STAGE_BAND_VERSION_V2;
  return move;
}

// Unmeasured moves under V2 keep the one-step rules; only the bands differ.
TEST(CheckStageMoveTest, VersionTwoBands) {
  struct Case {
    StageMove move;
    int want;             // the share after the move, when legal
    const char* invalid;  // else the field named
  };
  const Case cases[] = {
      {V2(Move(kDev, kInit, 30)), 30, nullptr},
      {V2(Move(kDev, kInit, 50)), 50, nullptr},
      {V2(Move(kDev, kInit, 29)), 0, "share_of_wallet_percent"},
      {V2(Move(kDev, kInit, 51)), 0, "share_of_wallet_percent"},
      {V2(Move(kInit, kStable, 51, 40)), 51, nullptr},
      {V2(Move(kInit, kStable, 50, 40)), 0, "share_of_wallet_percent"},
      {V2(Move(kStable, kStrat, 80, 60)), 80, nullptr},
      {V2(Back(kInit, kDev, std::nullopt, 40)), 0, nullptr},
      {V2(Back(kInit, kDev, 12, 40)), 12, nullptr},  // incubation holds a little share
      {V2(Back(kInit, kDev, 30, 40)), 0, "share_of_wallet_percent"},
      {V2(Move(kInterrupted, kDev, 20, 40)), 20, nullptr},
      {Back(kInit, kDev, 30, 40), 0, nullptr},  // V1: DEVELOPMENT is 0, a share sent is ignored
  };
  for (const Case& c : cases) {
    const absl::StatusOr<int> got = CheckStageMove(c.move);
    if (c.invalid == nullptr) {
      ASSERT_TRUE(got.ok()) << Describe(c.move) << ": " << got.status();
      EXPECT_EQ(*got, c.want) << Describe(c.move);
    } else {
      ExpectInvalid(got.status(), c.invalid, Describe(c.move), "under band version 2");
    }
  }
}

// ---------------------------------------------------------- measured moves

StageMove Measured(RelationshipStage from, RelationshipStage to, int measured,
                   v1::StageBandVersion bands = v1::STAGE_BAND_VERSION_V1) {
  StageMove move = Move(from, to, std::nullopt, 0);
  move.measured_share = measured;
  move.bands = bands;
  return move;
}

// A measured share moves the account straight to the stage whose band holds
// it, skipping steps either way, with no reason needed; to_stage may be left
// unset for that stage. INTERRUPTED and churned accounts keep their rules.
TEST(CheckStageMoveTest, MeasuredMoves) {
  constexpr v1::StageBandVersion kV2 = v1::STAGE_BAND_VERSION_V2;
  struct Case {
    StageMove move;
    RelationshipStage target;
    absl::StatusCode code;  // kOk: the share after the move is the measured one
    const char* field;      // for INVALID_ARGUMENT
  };
  StageMove churned = Measured(kInit, kStrat, 90);
  churned.state = v1::LIFECYCLE_STATE_CHURNED;
  StageMove agreeing = Measured(kDev, kStable, 60);
  agreeing.share = 60;
  StageMove disagreeing = Measured(kDev, kStable, 60);
  disagreeing.share = 70;
  const absl::StatusCode kOk = absl::StatusCode::kOk;
  const absl::StatusCode kBad = absl::StatusCode::kInvalidArgument;
  const absl::StatusCode kIllegal = absl::StatusCode::kFailedPrecondition;
  const Case cases[] = {
      {Measured(kDev, kStrat, 85), kStrat, kOk, nullptr},             // two steps up
      {Measured(kStrat, kInit, 20), kInit, kOk, nullptr},             // two down, no reason
      {Measured(kStrat, kDev, 0), kDev, kOk, nullptr},                // three down
      {Measured(kDev, kUnspecified, 65), kStable, kOk, nullptr},      // the share decides
      {Measured(kStrat, kUnspecified, 0), kDev, kOk, nullptr},        // V1: 0 is DEVELOPMENT
      {Measured(kStrat, kUnspecified, 25, kV2), kDev, kOk, nullptr},  // V2 incubation
      {Measured(kDev, kUnspecified, 50, kV2), kInit, kOk, nullptr},   // V2: 50 is INITIAL
      {Measured(kDev, kUnspecified, 50), kStable, kOk, nullptr},      // V1: 50 is STABLE
      {agreeing, kStable, kOk, nullptr},
      {Measured(kDev, kStrat, 60), kStrat, kBad, "measurement.share_percent"},  // not its band
      {Measured(kDev, kInit, 25, kV2), kInit, kBad, "measurement.share_percent"},
      {Measured(kDev, kStable, 101), kStable, kBad, "measurement.share_percent"},
      {Measured(kDev, kUnspecified, -1), kUnspecified, kBad, "measurement.share_percent"},
      {disagreeing, kStable, kBad, "share_of_wallet_percent"},
      {Measured(kStable, kInterrupted, 60), kInterrupted, kBad, "measurement"},
      {Measured(kStable, kStable, 60), kStable, kIllegal, nullptr},       // already there
      {Measured(kInterrupted, kStable, 60), kStable, kIllegal, nullptr},  // restarts at DEV
      {Measured(kInterrupted, kUnspecified, 40), kInit, kIllegal, nullptr},
      {Measured(kInterrupted, kDev, 0), kDev, kOk, nullptr},
      {Measured(kInterrupted, kDev, 20, kV2), kDev, kOk, nullptr},
      {churned, kStrat, kIllegal, nullptr},
  };
  for (const Case& c : cases) {
    const std::string context =
        Describe(c.move) + absl::StrCat(" measured=", *c.move.measured_share);
    if (c.code != kBad || c.target != kUnspecified) {
      EXPECT_EQ(TargetOf(c.move), c.target) << context;
    }
    const absl::StatusOr<int> got = CheckStageMove(c.move);
    if (c.code == kOk) {
      ASSERT_TRUE(got.ok()) << context << ": " << got.status();
      EXPECT_EQ(*got, *c.move.measured_share) << context;
    } else if (c.code == kBad) {
      ExpectInvalid(got.status(), c.field, context);
    } else {
      ExpectIllegal(got, c.move.from, c.target, context);
    }
  }
}

TEST(CheckMeasurementTest, EveryFieldIsChecked) {
  const absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  v1::ShareOfWalletMeasurement good;
  good.set_share_percent(40);
  good.set_source("customer's 2026 procurement report");
  good.mutable_measure_time()->set_seconds(1'799'000'000);
  EXPECT_TRUE(CheckMeasurement(good, now).ok());
  struct Case {
    void (*spoil)(v1::ShareOfWalletMeasurement*);
    const char* field;
  };
  const Case cases[] = {
      {[](v1::ShareOfWalletMeasurement* m) { m->set_share_percent(101); },
       "measurement.share_percent"},
      {[](v1::ShareOfWalletMeasurement* m) { m->clear_source(); }, "measurement.source"},
      {[](v1::ShareOfWalletMeasurement* m) { m->set_source(std::string(201, 'x')); },
       "measurement.source"},
      {[](v1::ShareOfWalletMeasurement* m) { m->clear_measure_time(); },
       "measurement.measure_time"},
      {[](v1::ShareOfWalletMeasurement* m) {
         m->mutable_measure_time()->set_seconds(1'800'000'001);
       },
       "measurement.measure_time"},
  };
  for (const Case& c : cases) {
    v1::ShareOfWalletMeasurement m = good;
    c.spoil(&m);
    ExpectInvalid(CheckMeasurement(m, now), c.field, m.ShortDebugString());
  }
}

// ---------------------------------------------------------- invalid arguments

TEST(CheckStageMoveTest, ShareOutOfItsBandNamesTheField) {
  const StageMove cases[] = {
      Move(kDev, kInit, 50),        Move(kInit, kStable, 49),      Move(kInit, kStable, 80),
      Move(kStable, kStrat, 79),    Back(kStrat, kStable, 80, 90), Back(kStrat, kStable, 49, 90),
      Back(kStable, kInit, 50, 60),
  };
  for (const StageMove& m : cases) {
    ExpectInvalid(CheckStageMove(m).status(), "share_of_wallet_percent", Describe(m),
                  absl::StrCat("for stage ", StageName(m.to), " (got ", *m.share, ")"));
  }
}

TEST(CheckStageMoveTest, ShareOutsideZeroToHundredNamesTheField) {
  const StageMove cases[] = {
      Move(kDev, kInit, -1),
      Move(kStable, kStrat, 101),
      Interrupt(kStable, 60),
      Move(kInterrupted, kDev, 101),
  };
  for (StageMove m : cases) {
    if (m.to == kInterrupted) m.share = -1;
    ExpectInvalid(CheckStageMove(m).status(), "share_of_wallet_percent", Describe(m),
                  absl::StrCat("must be from 0 to 100 (got ", *m.share, ")"));
  }
}

TEST(CheckStageMoveTest, MissingShareNamesTheField) {
  const StageMove cases[] = {
      Move(kDev, kInit, std::nullopt),        Move(kInit, kStable, std::nullopt),
      Move(kStable, kStrat, std::nullopt),    Back(kStrat, kStable, std::nullopt, 90),
      Back(kStable, kInit, std::nullopt, 60),
  };
  for (const StageMove& m : cases) {
    ExpectInvalid(CheckStageMove(m).status(), "share_of_wallet_percent", Describe(m),
                  absl::StrCat("is required for a move to ", StageName(m.to)));
  }
}

TEST(CheckStageMoveTest, MissingCauseForInterruptedNamesTheField) {
  for (RelationshipStage from : {kDev, kInit, kStable, kStrat}) {
    const StageMove m = Interrupt(from, 0, v1::INTERRUPTION_CAUSE_UNSPECIFIED);
    ExpectInvalid(CheckStageMove(m).status(), "interruption_cause", Describe(m),
                  "is required when to_stage is INTERRUPTED");
  }
}

TEST(CheckStageMoveTest, CauseForAnotherStageNamesTheField) {
  const StageMove base[] = {
      Move(kDev, kInit, 10),
      Back(kStable, kInit, 10, 60),
      Move(kInterrupted, kDev, 0),
      // Even where the move itself is illegal, the argument error comes first.
      Move(kDev, kStrat, 90),
  };
  for (StageMove m : base) {
    m.cause = kCause;
    ExpectInvalid(CheckStageMove(m).status(), "interruption_cause", Describe(m),
                  "must be unset unless to_stage is INTERRUPTED");
  }
}

TEST(CheckStageMoveTest, UnknownCauseNamesTheField) {
  StageMove m = Interrupt(kStable, 60, static_cast<v1::InterruptionCause>(99));
  ExpectInvalid(CheckStageMove(m).status(), "interruption_cause", Describe(m),
                "must be a known InterruptionCause");
}

TEST(CheckStageMoveTest, MoveBackWithoutReasonNamesTheField) {
  const StageMove cases[] = {
      Move(kStrat, kStable, 60, 90),
      Move(kStable, kInit, 10, 60),
      Move(kInit, kDev, std::nullopt, 10),
  };
  for (const StageMove& m : cases) {
    const absl::Status s = CheckStageMove(m).status();
    ExpectInvalid(s, "reason", Describe(m),
                  absl::StrCat("is required for a move back from ", StageName(m.from), " to ",
                               StageName(m.to)));
  }
}

TEST(CheckStageMoveTest, ToStageRequiredAndKnown) {
  ExpectInvalid(CheckStageMove(Move(kDev, kUnspecified, 0)).status(), "to_stage", "unset",
                "is required");
  ExpectInvalid(CheckStageMove(Move(kDev, static_cast<RelationshipStage>(42), 0)).status(),
                "to_stage", "42", "must be a known RelationshipStage");
}

// ---------------------------------------------------------- playbooks

TEST(PlaybookForTest, EveryStageHasSummaryAndActions) {
  for (RelationshipStage stage : kAllStages) {
    const v1::StagePlaybook playbook = PlaybookFor(stage);
    EXPECT_EQ(playbook.stage(), stage) << StageName(stage);
    EXPECT_FALSE(playbook.summary().empty()) << StageName(stage);
    EXPECT_GE(playbook.actions_size(), 3) << StageName(stage);
    for (const std::string& action : playbook.actions()) {
      EXPECT_FALSE(action.empty()) << StageName(stage);
    }
  }
}

bool HasActionMentioning(const v1::StagePlaybook& playbook, absl::string_view words) {
  for (const std::string& action : playbook.actions()) {
    if (absl::StrContains(absl::AsciiStrToLower(action), words)) return true;
  }
  return false;
}

TEST(PlaybookForTest, DevelopmentAssignsASeniorAccountManager) {
  EXPECT_TRUE(HasActionMentioning(PlaybookFor(kDev), "senior account manager"));
  EXPECT_TRUE(HasActionMentioning(PlaybookFor(kDev), "key people"));
}

TEST(PlaybookForTest, InitialAvoidsChangingTheAccountManager) {
  EXPECT_TRUE(HasActionMentioning(PlaybookFor(kInit), "avoid changing the account manager"));
  EXPECT_TRUE(HasActionMentioning(PlaybookFor(kInit), "competitors"));
}

TEST(PlaybookForTest, StableAndStrategicServices) {
  EXPECT_TRUE(HasActionMentioning(PlaybookFor(kStable), "key-account club"));
  EXPECT_TRUE(HasActionMentioning(PlaybookFor(kStable), "train"));
  // Strategic: joint business, VIP, and all the middle-stage services.
  const v1::StagePlaybook strategic = PlaybookFor(kStrat);
  EXPECT_TRUE(HasActionMentioning(strategic, "joint business"));
  EXPECT_TRUE(HasActionMentioning(strategic, "vip"));
  const v1::StagePlaybook stable = PlaybookFor(kStable);
  for (const std::string& action : stable.actions()) {
    EXPECT_TRUE(HasActionMentioning(strategic, absl::AsciiStrToLower(action))) << action;
  }
}

TEST(PlaybookForTest, InterruptedPointsBackToDevelopment) {
  EXPECT_TRUE(HasActionMentioning(PlaybookFor(kInterrupted), "development"));
}

TEST(PlaybookForTest, UnspecifiedHasNoActions) {
  const v1::StagePlaybook playbook = PlaybookFor(kUnspecified);
  EXPECT_EQ(playbook.stage(), kUnspecified);
  EXPECT_EQ(playbook.actions_size(), 0);
}

}  // namespace
}  // namespace kam::account::lifecycle
