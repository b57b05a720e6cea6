#include "services/account/lifecycle/stage_machine.h"

#include "absl/strings/str_cat.h"
#include "common/api/validation.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"

namespace kam::account::lifecycle {
namespace {

using v1::RelationshipStage;

// Position on the ladder; INTERRUPTED and UNSPECIFIED are off it.
int Rung(RelationshipStage stage) {
  switch (stage) {
    case v1::RELATIONSHIP_STAGE_DEVELOPMENT: return 0;
    case v1::RELATIONSHIP_STAGE_INITIAL: return 1;
    case v1::RELATIONSHIP_STAGE_STABLE: return 2;
    case v1::RELATIONSHIP_STAGE_STRATEGIC: return 3;
    default: return -1;
  }
}

// The ladder, by rung.
constexpr RelationshipStage kLadder[] = {
    v1::RELATIONSHIP_STAGE_DEVELOPMENT, v1::RELATIONSHIP_STAGE_INITIAL,
    v1::RELATIONSHIP_STAGE_STABLE, v1::RELATIONSHIP_STAGE_STRATEGIC};

struct Band {
  int low;
  int high;
};

// The bands of each version by rung (stage_machine.h states them).
constexpr Band kBandsV1[] = {{0, 0}, {0, 49}, {50, 79}, {80, 100}};
constexpr Band kBandsV2[] = {{0, 29}, {30, 50}, {51, 79}, {80, 100}};

bool IsV2(v1::StageBandVersion bands) { return bands == v1::STAGE_BAND_VERSION_V2; }

Band BandOf(RelationshipStage stage, v1::StageBandVersion bands) {
  const int rung = Rung(stage);
  if (rung < 0) return {0, 0};
  return IsV2(bands) ? kBandsV2[rung] : kBandsV1[rung];
}

absl::Status CheckPercent(absl::string_view field, int share) {
  if (share < 0 || share > 100) {
    return common::InvalidField(field, absl::StrCat("must be from 0 to 100 (got ", share, ")"));
  }
  return absl::OkStatus();
}

absl::Status Illegal(RelationshipStage from, RelationshipStage to, absl::string_view why) {
  return absl::FailedPreconditionError(
      absl::StrCat("cannot move from ", StageName(from), " to ", StageName(to), ": ", why));
}

}  // namespace

std::string StageName(RelationshipStage stage) {
  const std::string& full = v1::RelationshipStage_Name(stage);
  constexpr absl::string_view kPrefix = "RELATIONSHIP_STAGE_";
  if (full.size() > kPrefix.size()) return full.substr(kPrefix.size());
  return absl::StrCat("stage ", static_cast<int>(stage));
}

absl::Status CheckShareOfWallet(absl::string_view field, RelationshipStage stage, int share,
                                v1::StageBandVersion bands) {
  KAM_RETURN_IF_ERROR(CheckPercent(field, share));
  const Band band = BandOf(stage, bands);
  if (share < band.low || share > band.high) {
    return common::InvalidField(
        field,
        absl::StrCat("must be from ", band.low, " to ", band.high, " for stage ", StageName(stage),
                     IsV2(bands) ? " under band version 2" : "", " (got ", share, ")"));
  }
  return absl::OkStatus();
}

RelationshipStage StageForShare(int share, v1::StageBandVersion bands) {
  for (RelationshipStage stage : kLadder) {
    const Band band = BandOf(stage, bands);
    if (share >= band.low && share <= band.high) return stage;
  }
  return v1::RELATIONSHIP_STAGE_UNSPECIFIED;  // outside 0..100
}

absl::Status CheckBandVersion(absl::string_view field, v1::StageBandVersion version) {
  if (version != v1::STAGE_BAND_VERSION_V1 && version != v1::STAGE_BAND_VERSION_V2) {
    return common::InvalidField(field, "must be V1 or V2");
  }
  return absl::OkStatus();
}

absl::Status CheckMeasurement(const v1::ShareOfWalletMeasurement& measurement, absl::Time now) {
  KAM_RETURN_IF_ERROR(CheckPercent("measurement.share_percent", measurement.share_percent()));
  KAM_RETURN_IF_ERROR(common::CheckRequiredText("measurement.source", measurement.source(), 200));
  KAM_RETURN_IF_ERROR(
      common::CheckPresent("measurement.measure_time", measurement.has_measure_time()));
  KAM_RETURN_IF_ERROR(
      common::CheckTimestamp("measurement.measure_time", measurement.measure_time()));
  if (common::FromProtoTimestamp(measurement.measure_time()) > now) {
    return common::InvalidField("measurement.measure_time", "must not be in the future");
  }
  return absl::OkStatus();
}

RelationshipStage TargetOf(const StageMove& move) {
  if (move.to == v1::RELATIONSHIP_STAGE_UNSPECIFIED && move.measured_share.has_value()) {
    return StageForShare(*move.measured_share, move.bands);
  }
  return move.to;
}

absl::Status CheckInitialStage(RelationshipStage stage, int share) {
  if (stage == v1::RELATIONSHIP_STAGE_UNSPECIFIED) {
    return CheckShareOfWallet("account.share_of_wallet_percent", v1::RELATIONSHIP_STAGE_DEVELOPMENT,
                              share);
  }
  if (!v1::RelationshipStage_IsValid(stage)) {
    return common::InvalidField("account.stage", "must be a known RelationshipStage");
  }
  if (stage == v1::RELATIONSHIP_STAGE_INTERRUPTED) {
    return common::InvalidField("account.stage",
                                "cannot be INTERRUPTED on create: there is no trade to "
                                "interrupt yet");
  }
  return CheckShareOfWallet("account.share_of_wallet_percent", stage, share);
}

// The share after a move to DEVELOPMENT: V1's band is 0 alone, so any share
// sent is ignored (as it always was); under V2 one sent must fit 0-29.
absl::StatusOr<int> DevelopmentShare(const StageMove& move) {
  if (!IsV2(move.bands) || !move.share.has_value()) return 0;
  KAM_RETURN_IF_ERROR(CheckShareOfWallet(
      "share_of_wallet_percent", v1::RELATIONSHIP_STAGE_DEVELOPMENT, *move.share, move.bands));
  return *move.share;
}

// The checks of a measured move that come before the machine's: the
// measured share, no measurement for an interruption, and a requested share
// that agrees with it.
absl::Status CheckMeasuredMove(const StageMove& move, RelationshipStage to) {
  if (!move.measured_share.has_value()) return absl::OkStatus();
  if (to == v1::RELATIONSHIP_STAGE_INTERRUPTED) {
    return common::InvalidField("measurement",
                                "must be unset when to_stage is INTERRUPTED: an interruption "
                                "is not measured by share of wallet");
  }
  if (move.share.has_value() && *move.share != *move.measured_share) {
    return common::InvalidField(
        "share_of_wallet_percent",
        absl::StrCat("must be unset or equal to measurement.share_percent (", *move.measured_share,
                     ") (got ", *move.share, ")"));
  }
  return absl::OkStatus();
}

absl::StatusOr<int> CheckStageMove(const StageMove& move) {
  const RelationshipStage from = move.from;
  if (move.measured_share.has_value()) {
    KAM_RETURN_IF_ERROR(CheckPercent("measurement.share_percent", *move.measured_share));
  }
  const RelationshipStage to = TargetOf(move);
  if (to == v1::RELATIONSHIP_STAGE_UNSPECIFIED) {
    return common::InvalidField("to_stage", "is required");
  }
  if (!v1::RelationshipStage_IsValid(to)) {
    return common::InvalidField("to_stage", "must be a known RelationshipStage");
  }
  if (to != v1::RELATIONSHIP_STAGE_INTERRUPTED &&
      move.cause != v1::INTERRUPTION_CAUSE_UNSPECIFIED) {
    return common::InvalidField("interruption_cause",
                                "must be unset unless to_stage is INTERRUPTED");
  }
  if (!v1::InterruptionCause_IsValid(move.cause)) {
    return common::InvalidField("interruption_cause", "must be a known InterruptionCause");
  }
  if (move.share.has_value() && (*move.share < 0 || *move.share > 100)) {
    return common::InvalidField("share_of_wallet_percent",
                                absl::StrCat("must be from 0 to 100 (got ", *move.share, ")"));
  }
  KAM_RETURN_IF_ERROR(CheckMeasuredMove(move, to));
  if (move.state == v1::LIFECYCLE_STATE_CHURNED) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot move from ", StageName(from), " to ", StageName(to),
        ": the account is churned; record a win-back first (it re-enters at DEVELOPMENT)"));
  }
  if (from == to) {
    return Illegal(from, to, "the account is already in that stage");
  }

  if (to == v1::RELATIONSHIP_STAGE_INTERRUPTED) {
    if (move.cause == v1::INTERRUPTION_CAUSE_UNSPECIFIED) {
      return common::InvalidField("interruption_cause", "is required when to_stage is INTERRUPTED");
    }
    return move.current_share;  // trade stopped; the last known share is kept
  }
  if (from == v1::RELATIONSHIP_STAGE_INTERRUPTED) {
    if (to != v1::RELATIONSHIP_STAGE_DEVELOPMENT) {
      return Illegal(from, to, "an interrupted relationship restarts at DEVELOPMENT (incubation)");
    }
    if (!move.measured_share.has_value()) return DevelopmentShare(move);
  }
  if (move.measured_share.has_value()) {
    // The measurement is the reason: any number of steps, either way, to
    // the stage whose band holds it.
    KAM_RETURN_IF_ERROR(
        CheckShareOfWallet("measurement.share_percent", to, *move.measured_share, move.bands));
    return *move.measured_share;
  }

  const int step = Rung(to) - Rung(from);
  if (step > 1 || step < -1) {
    return Illegal(from, to,
                   "stages move one step at a time (DEVELOPMENT -> INITIAL -> STABLE -> "
                   "STRATEGIC)");
  }
  if (step < 0 && !move.has_reason) {
    return common::InvalidField("reason", absl::StrCat("is required for a move back from ",
                                                       StageName(from), " to ", StageName(to)));
  }
  if (to == v1::RELATIONSHIP_STAGE_DEVELOPMENT) return DevelopmentShare(move);
  if (!move.share.has_value()) {
    return common::InvalidField("share_of_wallet_percent",
                                absl::StrCat("is required for a move to ", StageName(to)));
  }
  KAM_RETURN_IF_ERROR(CheckShareOfWallet("share_of_wallet_percent", to, *move.share, move.bands));
  return *move.share;
}

v1::StagePlaybook PlaybookFor(RelationshipStage stage) {
  v1::StagePlaybook playbook;
  playbook.set_stage(stage);
  auto add = [&playbook](const char* action) { playbook.add_actions(action); };
  // What a main supplier does, and a strategic one too.
  auto add_deep_service = [&add] {
    add("Personalised service.");
    add("Tailored solutions: annual plans and backup plans.");
    add("Regular service meetings.");
    add("Invite the customer to the key-account club.");
    add("Train the customer's staff.");
  };
  switch (stage) {
    case v1::RELATIONSHIP_STAGE_DEVELOPMENT:
      playbook.set_summary("Not yet a supplier: find an opening and the people who decide.");
      add("Watch for an opening: a new product launch, the customer's annual supplier "
          "review, staff changes at the customer, the incumbent's quality or service "
          "problems, a souring with the incumbent, cost-cutting needs.");
      add("Map the key people: the organisation chart, each person's role and weight in "
          "the buying decision.");
      add("Build trust.");
      add("Win on technical value and shape the evaluation criteria.");
      add("Arrange executive meetings where needed.");
      add("Assign a senior account manager.");
      break;
    case v1::RELATIONSHIP_STAGE_INITIAL:
      playbook.set_summary("Secondary or candidate supplier: persist and widen the ties.");
      add("Persist, and communicate more.");
      add("Study competitors' offers to this customer.");
      add("Avoid changing the account manager.");
      add("Widen the relationship from one person to many levels, and from personal to "
          "organisational ties.");
      add("Improve product quality and ease of maintenance.");
      break;
    case v1::RELATIONSHIP_STAGE_STABLE:
      playbook.set_summary("Main supplier: deepen the service so the customer stays.");
      add_deep_service();
      break;
    case v1::RELATIONSHIP_STAGE_STRATEGIC:
      playbook.set_summary("Strategic supplier: grow together.");
      add("Joint business: think from the customer's side.");
      add("VIP treatment.");
      add_deep_service();
      break;
    case v1::RELATIONSHIP_STAGE_INTERRUPTED:
      playbook.set_summary(
          "Trade has stopped and contact is broken: find out why and "
          "rebuild from incubation.");
      add("Name the cause: a key person changed, lack of trust, product quality, personal "
          "relationships, frequent account-manager changes, the customer's finances, or a "
          "shift in market position.");
      add("Re-establish contact at several levels, executives included; a relationship "
          "that lives in one person is a major risk.");
      add("Fix what broke (quality problems, broken promises) before asking for business.");
      add("Keep one account manager on the account.");
      add("Restart at DEVELOPMENT once contact is back, and watch for an opening.");
      break;
    default: playbook.set_summary("Unknown stage."); break;
  }
  return playbook;
}

}  // namespace kam::account::lifecycle
