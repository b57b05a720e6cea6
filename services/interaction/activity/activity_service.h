// The activity and quiet-hours handlers of kam.interaction.v1.ActivityService:
// CheckCallTime and the quiet-hours policy (quiet_hours_service.cc), and the standard
// methods on activities/{activity}. Thin: validate (activity_fields), ask
// the account service (activity_accounts), judge planned calls
// (quiet_hours), store (activity_store).
#pragma once

#include <map>
#include <string>

#include "absl/status/status.h"
#include "common/server/grpc_server.h"
#include "kam/account/v1/account.pb.h"
#include "kam/interaction/v1/activity.grpc.pb.h"
#include "services/interaction/activity/activity_store.h"
#include "services/interaction/shared/handlers.h"

namespace kam::interaction::activity {

class ActivityService final : public Handlers<ActivityStore> {
 public:
  using Handlers::Handlers;

  // Idempotent by request_id (common/api/idempotency.h), a retry answered
  // even while the account service is down. The account must be live, new
  // contacts live, a cost in the account's credit currency and a planned
  // call outside its contacts' quiet hours; nothing is written otherwise.
  absl::Status CreateActivity(const Ctx&, const v1::CreateActivityRequest&, v1::Activity*);
  absl::Status GetActivity(const Ctx&, const v1::GetActivityRequest&, v1::Activity*);
  // In id order; filter fields as in ListActivitiesRequest.filter.
  absl::Status ListActivities(const Ctx&, const v1::ListActivitiesRequest&,
                              v1::ListActivitiesResponse*);
  // A manager (shared/narrowing.h) sees and writes only their accounts'
  // activities: another's answers as a missing one, and lists hold theirs.
  // The update, delete and undelete are optimistic writes: ABORTED for a
  // stale etag, FAILED_PRECONDITION for a deleted activity (an undelete:
  // for a live one, or a deleted account).
  absl::Status UpdateActivity(const Ctx&, const v1::UpdateActivityRequest&, v1::Activity*);
  absl::Status DeleteActivity(const Ctx&, const v1::DeleteActivityRequest&, v1::Activity*);
  absl::Status UndeleteActivity(const Ctx&, const v1::UndeleteActivityRequest&, v1::Activity*);

  // Quiet hours (quiet_hours_service.cc): CheckCallTime and the policy
  // (docs/domain.md §7), kept by the activity store too.
  absl::Status CheckCallTime(const Ctx&, const v1::CheckCallTimeRequest&,
                             v1::CheckCallTimeResponse*);
  absl::Status GetQuietHoursPolicy(const Ctx&, const v1::GetQuietHoursPolicyRequest&,
                                   v1::QuietHoursPolicy*);
  absl::Status UpdateQuietHoursPolicy(const Ctx&, const v1::UpdateQuietHoursPolicyRequest&,
                                      v1::QuietHoursPolicy*);

 private:
  // Contacts fetched from the account service during one call, by name.
  using ContactCache = std::map<std::string, account::v1::Contact>;

  // Checks what `after` needs from the account service before it is written:
  // its account is live; a cost is in the account's currency (when
  // `cost_changed`); contacts not in `before` (every contact on a create)
  // exist and are live; and a PLANNED CALL whose time or people changed may
  // be made to every contact at its planned time.
  absl::Status CheckWithAccounts(const Ctx& ctx, const v1::Activity* before,
                                 const v1::Activity& after, bool cost_changed);
  absl::Status CheckPlannedCall(const Ctx& ctx, const v1::Activity& activity, ContactCache& cache);

  // One optimistic write of the activity `id`: reads it, checks its etag
  // against `etag`, lets `change` turn the row read into the row to write
  // (or refuse), then writes it if nobody wrote meanwhile (retrying
  // otherwise, shared/optimistic_write.h). `*response` is what was written.
  using Change = absl::FunctionRef<absl::Status(const StoredActivity& stored, StoredActivity& row,
                                                bool& participants_changed)>;
  // A narrowed call (shared/narrowing.h) on another's activity answers what
  // a missing one answers.
  absl::Status WriteActivity(const Ctx& ctx, int64_t id, const std::string& name,
                             const std::string& etag, Change change, v1::Activity* response);
  // DeleteActivity (`deleted`) and UndeleteActivity of activity `name`.
  absl::Status SetDeleted(const Ctx& ctx, const std::string& name, const std::string& etag,
                          bool deleted, v1::Activity* response);
};

}  // namespace kam::interaction::activity
