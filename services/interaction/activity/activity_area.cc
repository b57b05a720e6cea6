// The activity area: kam.interaction.v1.ActivityService
// (protos/kam/interaction/v1/activity.proto). One generated service, three
// groups of handlers: activities and quiet hours (activity_service) here,
// contact records (contact_records/) and visit cadence (visit_cadence/) in
// folders of their own. No background work.
#include <memory>

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

class ActivityArea final : public Area {
 public:
  explicit ActivityArea(const AreaDeps& deps)
      : activity_store_(activity::NewMySqlActivityStore(deps.pool)),
        record_store_(contact_records::NewMySqlContactRecordStore(deps.pool)),
        cadence_store_(visit_cadence::NewMySqlVisitCadenceStore(deps.pool)),
        activities_(activity_store_.get(), deps.accounts),
        contact_records_(record_store_.get(), deps.accounts),
        cadence_(cadence_store_.get(), deps.accounts) {}

  void Register(common::GrpcServer& server) override {
    activities_.Register(server, &service_);
    contact_records_.Register(server, &service_);
    cadence_.Register(server, &service_);
  }

 private:
  v1::ActivityService::Service service_;
  std::unique_ptr<activity::ActivityStore> activity_store_;
  std::unique_ptr<contact_records::ContactRecordStore> record_store_;
  std::unique_ptr<visit_cadence::VisitCadenceStore> cadence_store_;
  activity::ActivityService activities_;
  contact_records::ContactRecordService contact_records_;
  visit_cadence::VisitCadenceService cadence_;
};

}  // namespace

std::unique_ptr<Area> MakeActivityArea(const AreaDeps& deps) {
  return std::make_unique<ActivityArea>(deps);
}

}  // namespace kam::interaction
