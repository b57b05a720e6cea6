// VisitCadenceStore on MariaDB: the visit_cadence_policy row and grouped
// reads of the activities table (migrations/0001_activities.sql). Prepared
// statements only.
#ifndef KAM_SERVICES_INTERACTION_VISIT_CADENCE_MYSQL_VISIT_CADENCE_STORE_H_
#define KAM_SERVICES_INTERACTION_VISIT_CADENCE_MYSQL_VISIT_CADENCE_STORE_H_

#include "common/db/mysql_pool.h"
#include "services/interaction/visit_cadence/visit_cadence_store.h"

namespace kam::interaction::visit_cadence {

class MySqlVisitCadenceStore final : public VisitCadenceStore {
 public:
  explicit MySqlVisitCadenceStore(common::ConnectionPool* pool) : pool_(pool) {}

  absl::StatusOr<StoredVisitCadence> GetVisitCadence() override;
  absl::StatusOr<bool> WriteVisitCadenceIfVersion(const VisitCadence& cadence,
                                                  int64_t expected_version, absl::Time now,
                                                  const std::string& actor) override;
  // Two statements for the whole list (one grouped), whatever its length.
  absl::StatusOr<std::map<int64_t, OverdueFacts>> LoadOverdueFacts(
      const std::vector<int64_t>& account_ids, absl::Time as_of) override;

 private:
  common::ConnectionPool* pool_;
};

}  // namespace kam::interaction::visit_cadence

#endif  // KAM_SERVICES_INTERACTION_VISIT_CADENCE_MYSQL_VISIT_CADENCE_STORE_H_
