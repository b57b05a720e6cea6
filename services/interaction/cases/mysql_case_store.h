// The service-case store on MySQL (schema kam_interaction, migration
// 0002_cases.sql): the only SQL of cases, their audit trail, SLA policies and
// their change history, and the routing table. Prepared statements only;
// every value is bound.
#ifndef KAM_SERVICES_INTERACTION_CASES_MYSQL_CASE_STORE_H_
#define KAM_SERVICES_INTERACTION_CASES_MYSQL_CASE_STORE_H_

#include <memory>

#include "common/db/mysql_pool.h"
#include "services/interaction/cases/case_store.h"

namespace kam::interaction::cases {

// `pool` outlives the store.
std::unique_ptr<CaseStore> NewMySqlCaseStore(common::ConnectionPool* pool);

}  // namespace kam::interaction::cases

#endif  // KAM_SERVICES_INTERACTION_CASES_MYSQL_CASE_STORE_H_
