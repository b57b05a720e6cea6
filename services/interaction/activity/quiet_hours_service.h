// The quiet-hours handlers of kam.interaction.v1.ActivityService:
// CheckCallTime and the policy (docs/domain.md §7). The rules are in
// quiet_hours.h; the policy row is kept by the activity store.
#pragma once

#include "absl/status/status.h"
#include "common/server/grpc_server.h"
#include "kam/interaction/v1/activity.grpc.pb.h"
#include "services/interaction/activity/activity_store.h"
#include "services/interaction/shared/handlers.h"

namespace kam::interaction::activity {

// The policy row is kept by the activity store.
class QuietHoursService final : public Handlers<ActivityStore> {
 public:
  using Handlers::Handlers;

  void Register(common::GrpcServer& server, v1::ActivityService::Service* service);

  absl::Status CheckCallTime(const Ctx& ctx, const v1::CheckCallTimeRequest& request,
                             v1::CheckCallTimeResponse* response);
  absl::Status GetQuietHoursPolicy(const Ctx& ctx, const v1::GetQuietHoursPolicyRequest& request,
                                   v1::QuietHoursPolicy* response);
  absl::Status UpdateQuietHoursPolicy(const Ctx& ctx,
                                      const v1::UpdateQuietHoursPolicyRequest& request,
                                      v1::QuietHoursPolicy* response);
};

}  // namespace kam::interaction::activity
