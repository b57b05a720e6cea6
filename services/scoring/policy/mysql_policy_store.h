// PolicyStore over MariaDB (schema kam_scoring): the only SQL of the
// policies, prepared statements only. Policy ids come from the
// kam_sequences row "policies".
#ifndef KAM_SERVICES_SCORING_POLICY_MYSQL_POLICY_STORE_H_
#define KAM_SERVICES_SCORING_POLICY_MYSQL_POLICY_STORE_H_

#include <memory>

#include "common/db/mysql_pool.h"
#include "services/scoring/policy/policy_store.h"

namespace kam::scoring::policy {

std::unique_ptr<PolicyStore> NewMySqlPolicyStore(common::ConnectionPool* pool);

}  // namespace kam::scoring::policy

#endif  // KAM_SERVICES_SCORING_POLICY_MYSQL_POLICY_STORE_H_
