// The satisfaction store on MySQL (table survey_responses of schema
// kam_interaction): the only SQL of survey responses. Prepared statements
// only; every value is bound.
#ifndef KAM_SERVICES_INTERACTION_SATISFACTION_MYSQL_SATISFACTION_STORE_H_
#define KAM_SERVICES_INTERACTION_SATISFACTION_MYSQL_SATISFACTION_STORE_H_

#include <memory>

#include "common/db/mysql_pool.h"
#include "services/interaction/satisfaction/satisfaction_store.h"

namespace kam::interaction::satisfaction {

// `pool` outlives the store.
std::unique_ptr<SatisfactionStore> NewMySqlSatisfactionStore(common::ConnectionPool* pool);

}  // namespace kam::interaction::satisfaction

#endif  // KAM_SERVICES_INTERACTION_SATISFACTION_MYSQL_SATISFACTION_STORE_H_
