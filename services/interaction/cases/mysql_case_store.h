// The service-case store on MySQL (schema kam_interaction, migration
// 0002_cases.sql): the only SQL of cases, their audit trail, SLA policies and
// their change history, and the routing table. Prepared statements only;
// every value is bound. mysql_case_store.cc holds cases and their events,
// mysql_case_store_settings.cc the SLA policies and routes.
#ifndef KAM_SERVICES_INTERACTION_CASES_MYSQL_CASE_STORE_H_
#define KAM_SERVICES_INTERACTION_CASES_MYSQL_CASE_STORE_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/db/id_allocator.h"
#include "common/db/mysql_pool.h"
#include "common/db/transaction.h"
#include "services/interaction/cases/case_store.h"

namespace kam::interaction::cases {

class MySqlCaseStore;

class MySqlCaseTx final : public common::StoreTx, public CaseTx {
 public:
  MySqlCaseTx(common::SqlConnection& connection, absl::string_view context, MySqlCaseStore& store)
      : StoreTx(connection, context), store_(store) {}

  absl::StatusOr<StoredCase> LockCase(int64_t id) override;
  absl::StatusOr<common::InsertOutcome> InsertCase(const StoredCase& row,
                                                   const common::RequestKey& key) override;
  absl::Status WriteCase(const StoredCase& row) override;
  absl::Status InsertEvent(CaseEventRow* row) override;
  absl::StatusOr<std::vector<StoredCase>> LockBreachedCases(SlaTarget target, absl::Time now,
                                                            int limit) override;
  absl::StatusOr<StoredPolicy> ReadPolicy(const SlaPolicyKey& key, bool lock) override;
  absl::Status WritePolicy(const StoredPolicy& row) override;
  absl::StatusOr<v1::SlaPolicyChange> InsertPolicyChange(const StoredPolicy& before,
                                                         const StoredPolicy& after,
                                                         const std::string& reason) override;
  absl::StatusOr<StoredRoute> ReadRoute(v1::CaseType type, bool lock) override;
  absl::Status WriteRoute(const StoredRoute& row) override;

 private:
  // One INSERT or UPDATE, as a step.
  template <typename... Args>
  absl::Status Exec(const std::string& sql, const Args&... args) {
    return Step([&] {
      connection_.Update(sql, args...);
      return absl::OkStatus();
    });
  }

  MySqlCaseStore& store_;
};

class MySqlCaseStore final : public CaseStore {
 public:
  explicit MySqlCaseStore(common::ConnectionPool* pool);

  absl::Status Transact(absl::string_view context,
                        const std::function<absl::Status(CaseTx&)>& fn) override;
  absl::StatusOr<int64_t> NewCaseId() override { return case_ids_.Next(); }
  absl::StatusOr<StoredCase> GetCase(int64_t id) override;
  absl::StatusOr<std::optional<common::CreatedByRequest<StoredCase>>> FindCaseByRequest(
      const std::string& request_id) override;
  absl::StatusOr<common::Page<StoredCase>> ListCases(
      const common::FilterNode& filter, const CaseOrder& order, absl::Time now,
      const std::optional<common::PageCursor>& cursor, int limit) override;
  absl::StatusOr<common::Page<v1::CaseEvent>> ListEvents(
      int64_t case_id, const std::optional<common::PageCursor>& cursor, int limit) override;
  absl::StatusOr<std::vector<StoredPolicy>> ListPolicies() override;
  absl::StatusOr<StoredPolicy> GetPolicy(const SlaPolicyKey& key) override;
  absl::StatusOr<common::Page<v1::SlaPolicyChange>> ListPolicyChanges(
      const std::optional<SlaPolicyKey>& key, const std::optional<common::PageCursor>& cursor,
      int limit) override;
  absl::StatusOr<std::vector<StoredRoute>> ListRoutes() override;

 private:
  friend class MySqlCaseTx;
  common::ConnectionPool* pool_;
  common::IdAllocator case_ids_;
  common::IdAllocator event_ids_;
  common::IdAllocator policy_change_ids_;
};

}  // namespace kam::interaction::cases

#endif  // KAM_SERVICES_INTERACTION_CASES_MYSQL_CASE_STORE_H_
