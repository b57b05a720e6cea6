// What a caller may write into an activity: its name, field rules, status moves
// and the update-mask rules. Pure: no I/O (the account service's checks are
// in activity_accounts.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/api/field_mask.h"
#include "kam/interaction/v1/activity.pb.h"

namespace kam::interaction::activity {

inline constexpr size_t kMaxSubject = 200;
inline constexpr size_t kMaxOutcome = 4000;
inline constexpr int kMaxParticipants = 50;
// Clock skew allowed for an actual_time that must not be in the future.
inline constexpr absl::Duration kFutureSlack = absl::Minutes(1);

// "activities/{activity}" -> id.
absl::StatusOr<int64_t> ParseActivityName(absl::string_view field, absl::string_view name);
std::string ActivityName(int64_t id);

// Fills what a create may leave unset: level ACCOUNT_MANAGER, status PLANNED.
void ApplyCreateDefaults(v1::Activity* activity);

// A create may start PLANNED or DONE (recording what already happened), not
// CANCELLED. INVALID_ARGUMENT naming activity.status.
absl::Status CheckCreateStatus(v1::ActivityStatus status);

// The status moves of ActivityStatus: PLANNED -> DONE | CANCELLED,
// CANCELLED -> PLANNED; staying is always allowed. FAILED_PRECONDITION naming
// both statuses otherwise (DONE is final).
absl::Status CheckStatusMove(v1::ActivityStatus from, v1::ActivityStatus to);

// Every caller-writable field of `activity` (messages start "activity."),
// with `account_id` the activity's account (contacts must belong to it) and
// `now` for "not in the future":
// kind set; subject 1..200 one-line; contacts and team members at most 50,
// distinct and well formed; level and status set and known; planned_time
// required while PLANNED; actual_time required for DONE and only for DONE,
// not in the future; outcome at most 4000; next_follow_up_time not before
// the activity's own time; cost >= 0 with a well-formed currency code.
absl::Status ValidateActivityFields(const v1::Activity& activity, int64_t account_id,
                                    absl::Time now);

// The activity's own time: actual_time when DONE, else planned_time (unset
// when neither is set).
std::optional<absl::Time> ActivityTime(const v1::Activity& activity);

// Cuts every time of `activity` to microseconds, what the database keeps, so
// what a write returns equals what a later read returns.
void TruncateTimesToMicros(v1::Activity* activity);

// True when `after` is a PLANNED CALL and what the quiet hours judge (kind,
// status, planned_time, contacts) differs from `before`, so the call must be
// checked again (docs/domain.md §7). `before` is nullptr for a create.
bool NeedsCallCheck(const v1::Activity* before, const v1::Activity& after);

// The update-mask rules of UpdateActivity.
const common::UpdateMaskRules& ActivityMaskRules();

}  // namespace kam::interaction::activity
