// The database pool's figures (common/db/mysql_pool.h), read when scraped:
//   kam_db_pool_size                      connections the pool may open
//   kam_db_pool_connections_open          open now (leased + idle)
//   kam_db_pool_connections_in_use        leased to calls now
//   kam_db_pool_waits_total               leases that found none free
//   kam_db_pool_wait_seconds_total        the time those waited
//   kam_db_pool_timeouts_total            waits that ran out (RESOURCE_EXHAUSTED)
#pragma once

namespace kam::common {
class ConnectionPool;
}  // namespace kam::common

namespace kam::common::metrics {

// Reports `pool` from now on; it must outlive every scrape (the process's).
void ExportPool(ConnectionPool* pool);

}  // namespace kam::common::metrics
