// The activity area: kam.interaction.v1.ActivityService
// (protos/kam/interaction/v1/activity.proto). One generated service, three
// groups of handlers: activities and quiet hours (activity_service) here,
// contact records (contact_records/) and visit cadence (visit_cadence/) in
// folders of their own. No background work.
#include <memory>

#include "common/server/service_methods.h"
#include "kam/interaction/v1/activity.grpc.pb.h"
#include "services/interaction/activity/activity_service.h"
#include "services/interaction/activity/activity_store.h"
#include "services/interaction/contact_records/contact_record_service.h"
#include "services/interaction/contact_records/contact_record_store.h"
#include "services/interaction/shared/area.h"
#include "services/interaction/visit_cadence/visit_cadence_service.h"
#include "services/interaction/visit_cadence/visit_cadence_store.h"

namespace kam::interaction {
namespace {

using activity::ActivityService;
using contact_records::ContactRecordService;
using visit_cadence::VisitCadenceService;

class ActivityArea final : public Area {
 public:
  explicit ActivityArea(const AreaDeps& deps)
      : activity_store_(activity::NewMySqlActivityStore(deps.pool)),
        record_store_(contact_records::NewMySqlContactRecordStore(deps.pool)),
        cadence_store_(visit_cadence::NewMySqlVisitCadenceStore(deps.pool)),
        activities_(activity_store_.get(), deps.accounts),
        contact_records_(record_store_.get(), deps.accounts),
        cadence_(cadence_store_.get(), deps.accounts) {}

  // The three groups of handlers share one generated
  // kam.interaction.v1.ActivityService, so the list of what it serves, group
  // by group, is here, in one place.
  void Register(common::GrpcServer& server) override {
    common::ServeMethods(server, &service_, &activities_, &ActivityService::CreateActivity,
                         &ActivityService::GetActivity, &ActivityService::ListActivities,
                         &ActivityService::UpdateActivity, &ActivityService::DeleteActivity,
                         &ActivityService::UndeleteActivity, &ActivityService::CheckCallTime,
                         &ActivityService::GetQuietHoursPolicy,
                         &ActivityService::UpdateQuietHoursPolicy);
    common::ServeMethods(
        server, &service_, &contact_records_, &ContactRecordService::AppendContactRecordEntry,
        &ContactRecordService::GetContactRecord, &ContactRecordService::ListContactRecordEntries);
    common::ServeMethods(server, &service_, &cadence_, &VisitCadenceService::GetVisitCadencePolicy,
                         &VisitCadenceService::UpdateVisitCadencePolicy,
                         &VisitCadenceService::ListOverdueFollowUps);
  }

 private:
  v1::ActivityService::Service service_;
  std::unique_ptr<activity::ActivityStore> activity_store_;
  std::unique_ptr<contact_records::ContactRecordStore> record_store_;
  std::unique_ptr<visit_cadence::VisitCadenceStore> cadence_store_;
  ActivityService activities_;
  ContactRecordService contact_records_;
  VisitCadenceService cadence_;
};

}  // namespace

std::unique_ptr<Area> MakeActivityArea(const AreaDeps& deps) {
  return std::make_unique<ActivityArea>(deps);
}

}  // namespace kam::interaction
