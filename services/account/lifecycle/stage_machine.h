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
// Share-of-wallet bands (version 1 of §4; its "50-80%" and "80-100%" share
// 80, which belongs to STRATEGIC here):
//   DEVELOPMENT 0, INITIAL 0-49, STABLE 50-79, STRATEGIC 80-100.
#pragma once

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "kam/account/v1/account.pb.h"

namespace kam::account::lifecycle {

// "STABLE" for RELATIONSHIP_STAGE_STABLE.
std::string StageName(v1::RelationshipStage stage);

// OK when `share` fits the band of `stage`; INVALID_ARGUMENT naming `field`
// and the band otherwise.
absl::Status CheckShareOfWallet(absl::string_view field, v1::RelationshipStage stage, int share);

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
};

// Checks a move and returns the share of wallet after it.
//   INVALID_ARGUMENT: to_stage unset, share missing or outside its band,
//     cause missing for INTERRUPTED (or given for another stage), reason
//     missing for a move back.
//   FAILED_PRECONDITION: the move is not in the machine ("cannot move from
//     DEVELOPMENT to STABLE: ..."), or the account is churned.
absl::StatusOr<int> CheckStageMove(const StageMove& move);

// The recommended actions for a stage (docs/domain.md §4).
v1::StagePlaybook PlaybookFor(v1::RelationshipStage stage);

}  // namespace kam::account::lifecycle
