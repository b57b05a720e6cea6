// The relationship stage machine of docs/domain.md §4. Pure: no I/O.
//
//   DEVELOPMENT -> INITIAL -> STABLE -> STRATEGIC     one step at a time,
//                                                    by share of wallet
//   STRATEGIC -> STABLE -> INITIAL -> DEVELOPMENT     one step back, with a
//                                                    reason (share fell)
//   any stage -> INTERRUPTED                         with one of the causes
//   INTERRUPTED -> DEVELOPMENT                       trade restarts from
//                                                    incubation
//   a churned customer moves only after RecordWinBack, which re-enters it at
//   DEVELOPMENT (docs/domain.md §5).
//
//   a move supported by a share-of-wallet measurement goes straight to the
//   stage whose band holds the measured share, skipping steps forward or
//   back, with the measurement as its reason; INTERRUPTED and churned
//   accounts keep the rules above (no measured move into or out of
//   INTERRUPTED, none for a churned account).
//
// Share-of-wallet bands, in two versions (the book's StageSettings choose;
// UNSPECIFIED reads as V1):
//   V1  DEVELOPMENT 0,    INITIAL 0-49,  STABLE 50-79, STRATEGIC 80-100
//       (§4's "50-80%" and "80-100%" share 80, which belongs to STRATEGIC)
//   V2  DEVELOPMENT 0-29, INITIAL 30-50, STABLE 51-79, STRATEGIC 80-100
//       (a telecom operator's: the business states only INITIAL's 30-50%;
//       incubation below it and middle above it are the product's reading,
//       STRATEGIC as in V1).
// The stage a share puts an account in is the lowest stage whose band holds
// it (under V1, 0 is DEVELOPMENT).
#pragma once

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "kam/account/v1/account.pb.h"

namespace kam::account::lifecycle {

// "STABLE" for RELATIONSHIP_STAGE_STABLE.
std::string StageName(v1::RelationshipStage stage);

// OK when `share` fits the band of `stage` under `bands`; INVALID_ARGUMENT
// naming `field` and the band otherwise ("share_of_wallet_percent must be
// from 30 to 50 for stage INITIAL under band version 2 (got 20)"; version 1
// is not named).
absl::Status CheckShareOfWallet(absl::string_view field, v1::RelationshipStage stage, int share,
                                v1::StageBandVersion bands = v1::STAGE_BAND_VERSION_V1);

// The lowest ladder stage whose band under `bands` holds `share` (0..100).
v1::RelationshipStage StageForShare(int share, v1::StageBandVersion bands);

// OK when `version` is V1 or V2; INVALID_ARGUMENT naming `field` otherwise.
absl::Status CheckBandVersion(absl::string_view field, v1::StageBandVersion version);

// OK when a measurement is complete: share 0 to 100, a source of 1 to 200
// characters, a valid measure_time not after `now`. INVALID_ARGUMENT naming
// "measurement.<field>" otherwise.
absl::Status CheckMeasurement(const v1::ShareOfWalletMeasurement& measurement, absl::Time now);

// The stage and share a new account starts with: DEVELOPMENT and 0 when
// `stage` is unspecified; INTERRUPTED is refused (nothing to interrupt yet).
absl::Status CheckInitialStage(v1::RelationshipStage stage, int share);

// A requested move.
struct StageMove {
  v1::RelationshipStage from = v1::RELATIONSHIP_STAGE_UNSPECIFIED;
  int current_share = 0;
  v1::LifecycleState state = v1::LIFECYCLE_STATE_ACTIVE;
  v1::RelationshipStage to = v1::RELATIONSHIP_STAGE_UNSPECIFIED;
  std::optional<int> share;  // as requested
  v1::InterruptionCause cause = v1::INTERRUPTION_CAUSE_UNSPECIFIED;
  bool has_reason = false;
  // The band version in force.
  v1::StageBandVersion bands = v1::STAGE_BAND_VERSION_V1;
  // A measured share supporting the move (CheckMeasurement checks the rest
  // of the measurement).
  std::optional<int> measured_share;
};

// Where a move goes: `to`, or for a measured move with `to` unset the stage
// the measured share puts the account in (StageForShare).
v1::RelationshipStage TargetOf(const StageMove& move);

// Checks a move (to TargetOf(move)) and returns the share of wallet after it.
//   INVALID_ARGUMENT: to_stage unset (and no measurement), share missing or
//     outside its band, cause missing for INTERRUPTED (or given for another
//     stage), reason missing for an unmeasured move back, a measurement for
//     a move to INTERRUPTED, a share that differs from the measured one, a
//     measured share outside the target stage's band
//     ("measurement.share_percent must be from 50 to 79 for stage STABLE
//     (got 85)").
//   FAILED_PRECONDITION: the move is not in the machine ("cannot move from
//     DEVELOPMENT to STABLE: ..."; a measured move may skip stages but not
//     leave INTERRUPTED other than for DEVELOPMENT), or the account is
//     churned.
absl::StatusOr<int> CheckStageMove(const StageMove& move);

// The recommended actions for a stage (docs/domain.md §4).
v1::StagePlaybook PlaybookFor(v1::RelationshipStage stage);

}  // namespace kam::account::lifecycle
