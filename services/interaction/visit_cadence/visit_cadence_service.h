// The visit-cadence handlers of kam.interaction.v1.ActivityService: the
// policy per tier and ListOverdueFollowUps. The judgement is in
// visit_cadence.h; the accounts come from the account service, one page at a
// time, and the activity facts of a page from one grouped query.
#pragma once

#include "absl/status/status.h"
#include "common/server/grpc_server.h"
#include "kam/interaction/v1/activity.grpc.pb.h"
#include "services/interaction/shared/handlers.h"
#include "services/interaction/visit_cadence/visit_cadence_store.h"

namespace kam::interaction::visit_cadence {

class VisitCadenceService final : public Handlers<VisitCadenceStore> {
 public:
  using Handlers::Handlers;

  absl::Status GetVisitCadencePolicy(const Ctx&, const v1::GetVisitCadencePolicyRequest&,
                                     v1::VisitCadencePolicy*);
  absl::Status UpdateVisitCadencePolicy(const Ctx&, const v1::UpdateVisitCadencePolicyRequest&,
                                        v1::VisitCadencePolicy*);
  absl::Status ListOverdueFollowUps(const Ctx&, const v1::ListOverdueFollowUpsRequest&,
                                    v1::ListOverdueFollowUpsResponse*);
};

}  // namespace kam::interaction::visit_cadence
