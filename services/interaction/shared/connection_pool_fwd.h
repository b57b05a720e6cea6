// The connection pool, declared but not defined: what an area's
// <area>_store.h needs to declare the function that makes its MySQL store
// (NewMySql<Area>Store). The definition (common/db/mysql_pool.h) pulls in
// Connector/C++, which store interfaces, handlers and fakes do without.
#pragma once

namespace kam::common {
class ConnectionPool;
}  // namespace kam::common
