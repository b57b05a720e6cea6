// The account service's parts, for main.cc and common::RunService: the
// embedded schema migrations and the modules that serve
// kam.account.v1.AccountService (one generated service, its handlers in
// one group per area) and kam.account.v1.AccountExportService.
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "common/db/migrator.h"
#include "common/db/mysql_pool.h"
#include "common/server/run_service.h"

namespace kam::account {

// The embedded migrations (services/account/migrations).
const std::vector<common::Migration>& Migrations();

// The modules over `pool`: every area's handlers on MySQL stores.
absl::StatusOr<common::ServiceModules> BuildModules(common::ConnectionPool& pool);

}  // namespace kam::account
