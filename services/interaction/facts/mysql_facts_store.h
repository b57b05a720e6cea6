// FactsStore on MariaDB. It reads other areas' tables (the migrations
// document what may be relied on: status numbers, how balances and costs are
// kept); it never writes. Prepared statements only. Range runs every
// statement of a range on one connection, in one consistent snapshot.
#ifndef KAM_SERVICES_INTERACTION_FACTS_MYSQL_FACTS_STORE_H_
#define KAM_SERVICES_INTERACTION_FACTS_MYSQL_FACTS_STORE_H_

#include <memory>

#include "common/db/mysql_pool.h"
#include "services/interaction/facts/facts_store.h"

namespace kam::interaction::facts {

// `pool` outlives the store.
std::unique_ptr<FactsStore> NewMySqlFactsStore(common::ConnectionPool* pool);

}  // namespace kam::interaction::facts

#endif  // KAM_SERVICES_INTERACTION_FACTS_MYSQL_FACTS_STORE_H_
