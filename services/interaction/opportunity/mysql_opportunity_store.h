// The opportunity store over MySQL: all SQL of the sales pipeline (tables
// opportunities, opportunity_stage_moves and opportunity_stage_probabilities
// in kam_interaction). Prepared statements only; every value is bound, never
// spliced into the text. Reads run on their own (autocommit); Transact runs
// common::RunInTransaction. Database errors become statuses here
// (common/db/transaction.h): nothing throws out of the store.
#ifndef KAM_SERVICES_INTERACTION_OPPORTUNITY_MYSQL_OPPORTUNITY_STORE_H_
#define KAM_SERVICES_INTERACTION_OPPORTUNITY_MYSQL_OPPORTUNITY_STORE_H_

#include <memory>

#include "common/db/mysql_pool.h"
#include "services/interaction/opportunity/opportunity_store.h"

namespace kam::interaction::opportunity {

// `pool` outlives the store.
std::unique_ptr<OpportunityStore> NewMySqlOpportunityStore(common::ConnectionPool* pool);

}  // namespace kam::interaction::opportunity

#endif  // KAM_SERVICES_INTERACTION_OPPORTUNITY_MYSQL_OPPORTUNITY_STORE_H_
