// All SQL of service cases: cases, their audit trail, SLA policies and their
// change history, the routing table (schema kam_interaction, migration
// 0002_cases.sql). Prepared statements only; every value is bound.
//
// Simple reads run on their own (autocommit). Work that must be atomic runs
// in Transact(), whose CaseTx offers the row-level steps; the service and the
// sweeper compose them with the pure rules (case_rules, sla_clock). CaseTx
// methods throw sql::SQLException on database errors; Transact turns those
// into statuses (common/db/transaction.h) and rolls back.
#ifndef KAM_SERVICES_INTERACTION_CASES_CASE_STORE_H_
#define KAM_SERVICES_INTERACTION_CASES_CASE_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/api/filter.h"
#include "common/api/page_token.h"
#include "common/db/id_allocator.h"
#include "common/db/mysql_pool.h"
#include "kam/interaction/v1/service_case.pb.h"
#include "services/interaction/cases/case_rules.h"
#include "services/interaction/cases/sla_clock.h"
#include "services/interaction/cases/sla_policy.h"

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

// "cases/{id}".
std::string CaseName(int64_t id);

// One audit row to write; the name is filled on insert.
struct CaseEventRow {
  int64_t case_id = 0;
  v1::CaseEvent event;
};

struct StoredPolicy {
  SlaPolicyKey key;
  int first_response_minutes = 0;
  int resolution_minutes = 0;
  int64_t version = 0;
  std::string update_actor;
  absl::Time update_time;
};

struct StoredRoute {
  v1::CaseType type = v1::CASE_TYPE_UNSPECIFIED;
  v1::CaseLevel level = v1::CASE_LEVEL_UNSPECIFIED;
  int64_t version = 0;
  std::string update_actor;
  absl::Time update_time;
};

// Result of an insert that carries a client request id.
enum class InsertOutcome { kInserted, kDuplicateRequest };

// A row found by its create request id, with the fingerprint of the request
// that created it.
template <typename Row>
struct CreatedByRequest {
  Row row;
  std::string request_hash;
};

// One page of a listing: at most `limit` rows, and whether more follow.
template <typename Row>
struct Page {
  std::vector<Row> rows;
  bool more = false;
};

// Which SLA target a breach is about.
enum class SlaTarget { kFirstResponse, kResolution };

class CaseTx {
 public:
  CaseTx(common::SqlConnection& connection, class CaseStore& store)
      : connection_(connection), store_(store) {}

  // The case, locked until the transaction ends. NOT_FOUND.
  absl::StatusOr<StoredCase> LockCase(int64_t id);
  // kDuplicateRequest when the request id was used before.
  InsertOutcome InsertCase(const StoredCase& row, const std::string& request_id,
                           const std::string& request_hash);
  // Every mutable column of `row` (its version as given: the caller bumps it).
  void WriteCase(const StoredCase& row);
  // Fills the event's name.
  absl::Status InsertEvent(CaseEventRow* row);

  // Open cases (OPEN, IN_PROGRESS, WAITING_ON_CUSTOMER) whose `target` is
  // breached (recorded, or by the clock at `now`) and not yet escalated for
  // it, at most `limit`, locked; rows another transaction holds are skipped
  // (SKIP LOCKED), so replicas sweeping at once never act on the same row.
  std::vector<StoredCase> LockBreachedCases(SlaTarget target, absl::Time now, int limit);

  // The policy / route, read (not locked) or locked.
  absl::StatusOr<StoredPolicy> ReadPolicy(const SlaPolicyKey& key, bool lock);
  void WritePolicy(const StoredPolicy& row);
  // Records a change from `before` to `after`; returns its name.
  absl::StatusOr<v1::SlaPolicyChange> InsertPolicyChange(const StoredPolicy& before,
                                                         const StoredPolicy& after,
                                                         const std::string& reason,
                                                         const std::string& actor);
  absl::StatusOr<StoredRoute> ReadRoute(v1::CaseType type, bool lock);
  void WriteRoute(const StoredRoute& row);

 private:
  common::SqlConnection& connection_;
  CaseStore& store_;
};

class CaseStore {
 public:
  explicit CaseStore(common::ConnectionPool* pool);

  // Runs `fn` in one transaction (common::RunInTransaction: retried whole on
  // deadlock).
  absl::Status Transact(absl::string_view context, const std::function<absl::Status(CaseTx&)>& fn);

  absl::StatusOr<int64_t> NewCaseId() { return case_ids_.Next(); }

  absl::StatusOr<StoredCase> GetCase(int64_t id);
  absl::StatusOr<CreatedByRequest<StoredCase>> FindCaseByRequest(const std::string& request_id);

  // Cases matching `filter` after `cursor`, at most `limit`. `now` is the
  // instant the breach filters are evaluated at. INVALID_ARGUMENT for filter
  // fields, operators or values it cannot map.
  absl::StatusOr<Page<StoredCase>> ListCases(const common::FilterNode& filter,
                                             const CaseOrder& order, absl::Time now,
                                             const std::optional<common::PageCursor>& cursor,
                                             int limit);
  // The key values a cursor after `row` holds for `order`.
  static std::vector<std::string> CursorKeys(const StoredCase& row, const CaseOrder& order);

  absl::StatusOr<Page<v1::CaseEvent>> ListEvents(int64_t case_id,
                                                 const std::optional<common::PageCursor>& cursor,
                                                 int limit);

  // All policies, priority then tier order.
  absl::StatusOr<std::vector<StoredPolicy>> ListPolicies();
  absl::StatusOr<StoredPolicy> GetPolicy(const SlaPolicyKey& key);
  // Changes of one policy (or of all when `key` is empty), oldest first.
  absl::StatusOr<Page<v1::SlaPolicyChange>> ListPolicyChanges(
      const std::optional<SlaPolicyKey>& key, const std::optional<common::PageCursor>& cursor,
      int limit);

  // All routes, case type order.
  absl::StatusOr<std::vector<StoredRoute>> ListRoutes();

 private:
  friend class CaseTx;
  common::ConnectionPool* pool_;
  common::IdAllocator case_ids_;
  common::IdAllocator event_ids_;
  common::IdAllocator policy_change_ids_;
};

}  // namespace kam::interaction::cases

#endif  // KAM_SERVICES_INTERACTION_CASES_CASE_STORE_H_
