// kam-account: the account service process. Wiring only: its parts are in
// account_module.h; common::RunService does the rest.
#include "common/server/run_service.h"
#include "services/account/account_module.h"

int main(int argc, char** argv) {
  kam::common::ServiceDefinition service = kam::common::StandardService("account", 50051);
  service.migrations = &kam::account::Migrations();
  service.build = kam::account::BuildModules;
  return kam::common::RunService(argc, argv, service);
}
