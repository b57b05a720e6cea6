// VisitCadenceStore on MariaDB: the visit_cadence_policy row and grouped
// reads of the activities table (migrations/0001_activities.sql). Prepared
// statements only.
#ifndef KAM_SERVICES_INTERACTION_VISIT_CADENCE_MYSQL_VISIT_CADENCE_STORE_H_
#define KAM_SERVICES_INTERACTION_VISIT_CADENCE_MYSQL_VISIT_CADENCE_STORE_H_

#include <memory>

#include "common/db/mysql_pool.h"
#include "services/interaction/visit_cadence/visit_cadence_store.h"

namespace kam::interaction::visit_cadence {

// `pool` outlives the store.
std::unique_ptr<VisitCadenceStore> NewMySqlVisitCadenceStore(common::ConnectionPool* pool);

}  // namespace kam::interaction::visit_cadence

#endif  // KAM_SERVICES_INTERACTION_VISIT_CADENCE_MYSQL_VISIT_CADENCE_STORE_H_
