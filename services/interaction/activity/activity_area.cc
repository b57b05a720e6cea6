// The activity area: kam.interaction.v1.ActivityService
// (protos/kam/interaction/v1/activity.proto). One generated service, four
// groups of handlers, each in its own file: activities (activity_service),
// quiet hours (quiet_hours_service), contact records
// (contact_record_service) and visit cadence (visit_cadence_service). No
// background work.
#include "kam/interaction/v1/activity.grpc.pb.h"
#include "services/interaction/activity/activity_policy_store.h"
#include "services/interaction/activity/activity_service.h"
#include "services/interaction/activity/activity_store.h"
#include "services/interaction/shared/area.h"
#include "services/interaction/activity/contact_record_service.h"
#include "services/interaction/activity/contact_record_store.h"
#include "services/interaction/activity/quiet_hours_service.h"
#include "services/interaction/activity/visit_cadence_service.h"

namespace kam::interaction {
namespace {

class ActivityArea final : public Area {
 public:
  explicit ActivityArea(const AreaDeps& deps)
      : activity_store_(deps.pool),
        policy_store_(deps.pool),
        record_store_(deps.pool),
        activities_(&activity_store_, &policy_store_, deps.accounts),
        quiet_hours_(&policy_store_, deps.accounts),
        contact_records_(&record_store_, deps.accounts),
        cadence_(&activity_store_, &policy_store_, deps.accounts) {}

  void Register(common::GrpcServer& server) override {
    activities_.Register(server, &service_);
    quiet_hours_.Register(server, &service_);
    contact_records_.Register(server, &service_);
    cadence_.Register(server, &service_);
  }

 private:
  v1::ActivityService::Service service_;
  activity::ActivityStore activity_store_;
  activity::ActivityPolicyStore policy_store_;
  activity::ContactRecordStore record_store_;
  activity::ActivityService activities_;
  activity::QuietHoursService quiet_hours_;
  activity::ContactRecordService contact_records_;
  activity::VisitCadenceService cadence_;
};

}  // namespace

std::unique_ptr<Area> MakeActivityArea(const AreaDeps& deps) {
  return std::make_unique<ActivityArea>(deps);
}

}  // namespace kam::interaction
