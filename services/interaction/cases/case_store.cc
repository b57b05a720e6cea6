#include "services/interaction/cases/case_store.h"

#include "absl/strings/numbers.h"
#include "common/api/etag.h"
#include "common/base/proto_time.h"

namespace kam::interaction::cases {

std::vector<std::string> CaseCursorKeys(const StoredCase& row, const CaseOrder& order) {
  if (order.field.empty()) return {};
  absl::Time value = row.clock.start;
  if (order.field == "update_time") value = row.update_time;
  if (order.field == "first_response_due_time") value = FirstResponseDue(row.clock);
  if (order.field == "resolution_due_time") value = ResolutionDue(row.clock);
  return {common::ToSqlDateTime(value)};
}

common::PageCursor CursorAfterName(const std::string& name) {
  int64_t id = 0;
  if (!absl::SimpleAtoi(absl::string_view(name).substr(name.rfind('/') + 1), &id)) id = 0;
  return common::PageCursor{{}, id};
}

SlaPolicyKey KeyOf(const v1::SlaPolicy& policy) { return {policy.priority(), policy.tier()}; }

void SetEtag(StoredPolicy& row) {
  row.policy.set_etag(common::MakeEtag(row.policy.name(), row.version));
}

void SetEtag(StoredRoute& row) {
  row.route.set_etag(common::MakeEtag(CaseRouteName(row.route.case_type()), row.version));
}

v1::SlaPolicyChange PolicyChange(const StoredPolicy& before, const StoredPolicy& after,
                                 const std::string& reason) {
  v1::SlaPolicyChange change;
  change.set_policy(after.policy.name());
  change.set_from_first_response_minutes(before.policy.first_response_minutes());
  change.set_to_first_response_minutes(after.policy.first_response_minutes());
  change.set_from_resolution_minutes(before.policy.resolution_minutes());
  change.set_to_resolution_minutes(after.policy.resolution_minutes());
  change.set_reason(reason);
  change.set_actor(after.policy.update_actor());
  *change.mutable_change_time() = after.policy.update_time();
  return change;
}

}  // namespace kam::interaction::cases
