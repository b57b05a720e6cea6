// What the service-case area stores: cases, their audit trail, SLA policies
// and their change history, the routing table. The rows, and two interfaces:
// CaseStore (reads on their own, and Transact) and CaseTx (the row-level
// steps of one transaction, which the handlers and the sweeper compose with
// the pure rules). NewMySqlCaseStore (below) makes the real one,
// FakeCaseStore (fake_case_store.h) stands in for it in unit tests.
//
// Every method returns a status: UNAVAILABLE when the database cannot be
// reached, NOT_FOUND as each says.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/api/filter.h"
#include "common/api/idempotency.h"
#include "common/api/list_request.h"
#include "common/api/page_token.h"
#include "kam/interaction/v1/service_case.pb.h"
#include "services/interaction/cases/case_rules.h"
#include "services/interaction/cases/case_sla_clock.h"
#include "services/interaction/cases/case_sla_policy.h"
#include "services/interaction/shared/connection_pool_fwd.h"

namespace kam::interaction::cases {

// A case row. The clock's start is the case's create time.
struct StoredCase {
  int64_t id = 0;
  int64_t account_id = 0;
  int64_t contact_id = 0;  // 0: none
  v1::CaseType type = v1::CASE_TYPE_UNSPECIFIED;
  v1::CasePriority priority = v1::CASE_PRIORITY_UNSPECIFIED;
  std::string title;
  std::string description;
  v1::CaseStatus status = v1::CASE_STATUS_UNSPECIFIED;
  v1::CaseLevel level = v1::CASE_LEVEL_UNSPECIFIED;
  std::string assignee;
  account::v1::Tier tier = account::v1::TIER_UNSPECIFIED;
  int first_response_minutes = 0;
  int resolution_minutes = 0;
  SlaClock clock;
  std::optional<absl::Time> close_time;
  bool first_response_escalated = false;
  bool resolution_escalated = false;
  int64_t version = 0;
  absl::Time update_time;
};

// The sort key values a ListCases cursor after `row` holds for `order`
// (none for creation order).
std::vector<std::string> CaseCursorKeys(const StoredCase& row, const CaseOrder& order);

// The cursor after a row named ".../{id}" (events, policy changes: listed
// in id order).
common::PageCursor CursorAfterName(const std::string& name);
template <typename Row>
common::PageCursor CursorAfter(const Row& row) {
  return CursorAfterName(row.name());
}

// One audit row to write; the name is filled on insert.
struct CaseEventRow {
  int64_t case_id = 0;
  v1::CaseEvent event;
};

// An SLA policy row: the API view (name, etag and all) and its version.
struct StoredPolicy {
  v1::SlaPolicy policy;
  int64_t version = 0;
};
SlaPolicyKey KeyOf(const v1::SlaPolicy& policy);
// Sets the etag of the row's API view from its name and version.
void SetEtag(StoredPolicy& row);
// What a change of a policy from `before` to `after` records: the change's
// policy, targets, reason, actor and time (after's update); not its name.
v1::SlaPolicyChange PolicyChange(const StoredPolicy& before, const StoredPolicy& after,
                                 const std::string& reason);

// A routing-table row: the API view (etag and all) and its version.
struct StoredRoute {
  v1::CaseRoute route;
  int64_t version = 0;
};
// Sets the etag of the row's API view from CaseRouteName and its version
// (a CaseRoute has no name field of its own).
void SetEtag(StoredRoute& row);

class CaseTx {
 public:
  virtual ~CaseTx() = default;

  // The case, locked until the transaction ends. NOT_FOUND.
  virtual absl::StatusOr<StoredCase> LockCase(int64_t id) = 0;
  // kDuplicateRequest (and nothing written) when key.id was used before.
  virtual absl::StatusOr<common::InsertOutcome> InsertCase(const StoredCase& row,
                                                           const common::RequestKey& key) = 0;
  // Every mutable column of `row` (its version as given: the caller bumps it).
  virtual absl::Status WriteCase(const StoredCase& row) = 0;
  // Fills the event's name.
  virtual absl::Status InsertEvent(CaseEventRow* row) = 0;

  // At most `limit` cases that AwaitBreachEscalation(row, target, now)
  // (case_sla_breach.h), locked; rows another transaction holds are skipped
  // (SKIP LOCKED), so replicas sweeping at once never act on the same row.
  virtual absl::StatusOr<std::vector<StoredCase>> LockBreachedCases(SlaTarget target,
                                                                    absl::Time now, int limit) = 0;

  // The policy / route, read (not locked) or locked. NOT_FOUND.
  virtual absl::StatusOr<StoredPolicy> ReadPolicy(const SlaPolicyKey& key, bool lock) = 0;
  virtual absl::Status WritePolicy(const StoredPolicy& row) = 0;
  // Records a change from `before` to `after` (at after's update time);
  // returns it, named.
  virtual absl::StatusOr<v1::SlaPolicyChange> InsertPolicyChange(const StoredPolicy& before,
                                                                 const StoredPolicy& after,
                                                                 const std::string& reason) = 0;
  virtual absl::StatusOr<StoredRoute> ReadRoute(v1::CaseType type, bool lock) = 0;
  virtual absl::Status WriteRoute(const StoredRoute& row) = 0;
};

class CaseStore {
 public:
  virtual ~CaseStore() = default;

  // Runs `fn` in one transaction: committed when it returns OK, rolled back
  // (nothing written) otherwise; run again whole on a deadlock.
  virtual absl::Status Transact(absl::string_view context,
                                const std::function<absl::Status(CaseTx&)>& fn) = 0;

  virtual absl::StatusOr<int64_t> NewCaseId() = 0;

  // NOT_FOUND "case cases/{id} not found".
  virtual absl::StatusOr<StoredCase> GetCase(int64_t id) = 0;
  // The case created with `request_id` and that request's hash; nullopt
  // when there is none.
  virtual absl::StatusOr<std::optional<common::CreatedByRequest<StoredCase>>> FindCaseByRequest(
      const std::string& request_id) = 0;

  // Cases matching `filter` after `cursor` in `order`, at most `limit` (and
  // whether more follow). `now` is the instant the breach filters are
  // evaluated at. INVALID_ARGUMENT for filter fields, operators or values it
  // cannot map.
  virtual absl::StatusOr<common::Page<StoredCase>> ListCases(
      const common::FilterNode& filter, const CaseOrder& order, absl::Time now,
      const std::optional<common::PageCursor>& cursor, int limit) = 0;
  // The audit trail of one case, oldest first.
  virtual absl::StatusOr<common::Page<v1::CaseEvent>> ListEvents(
      int64_t case_id, const std::optional<common::PageCursor>& cursor, int limit) = 0;

  // All policies, priority then tier order.
  virtual absl::StatusOr<std::vector<StoredPolicy>> ListPolicies() = 0;
  // NOT_FOUND "SLA policy {name} not found".
  virtual absl::StatusOr<StoredPolicy> GetPolicy(const SlaPolicyKey& key) = 0;
  // Changes of one policy (or of all when `key` is empty), oldest first.
  virtual absl::StatusOr<common::Page<v1::SlaPolicyChange>> ListPolicyChanges(
      const std::optional<SlaPolicyKey>& key, const std::optional<common::PageCursor>& cursor,
      int limit) = 0;

  // All routes, case type order.
  virtual absl::StatusOr<std::vector<StoredRoute>> ListRoutes() = 0;
};

// The real store, over MySQL (mysql_case_store.cc). `pool` outlives it.
std::unique_ptr<CaseStore> NewMySqlCaseStore(common::ConnectionPool* pool);

}  // namespace kam::interaction::cases
