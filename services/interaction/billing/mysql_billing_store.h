// The billing area's storage over MySQL: all SQL of the billing area (tables
// of migrations/0003_billing.sql). Prepared statements only; every value is
// bound, never spliced into the text. Reads run on their own (autocommit);
// Transact runs common::RunInTransaction (READ COMMITTED connections, so a
// read after LockAccount sees what the previous lock holder committed).
// Database errors become statuses (common/db/transaction.h): nothing throws
// out of the store.
#ifndef KAM_SERVICES_INTERACTION_BILLING_MYSQL_BILLING_STORE_H_
#define KAM_SERVICES_INTERACTION_BILLING_MYSQL_BILLING_STORE_H_

#include <memory>

#include "common/db/mysql_pool.h"
#include "services/interaction/billing/billing_store.h"

namespace kam::interaction::billing {

// Orders, invoices and payments as rows, their filters and the write
// transaction (mysql_billing_store.cc). `pool` outlives the store.
std::unique_ptr<BillingStore> NewMySqlBillingStore(common::ConnectionPool* pool);

// The figures' aggregate reads (mysql_billing_figures.cc). `pool` outlives
// them.
std::unique_ptr<BillingFigures> NewMySqlBillingFigures(common::ConnectionPool* pool);

}  // namespace kam::interaction::billing

#endif  // KAM_SERVICES_INTERACTION_BILLING_MYSQL_BILLING_STORE_H_
