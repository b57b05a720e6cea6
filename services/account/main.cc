// kam-account: the account service process. Wiring only: its parts are in
// account_module.h; common::RunService does the rest.
#include "common/server/run_service.h"
#include "services/account/account_module.h"

int main(int argc, char** argv) {
  return kam::common::RunService(argc, argv,
                                 {.program = "kam-account",
                                  .defaults = {.env_prefix = "KAM_ACCOUNT",
                                               .listen = "127.0.0.1:50051",
                                               .db_name = "kam_account",
                                               .db_user = "kam_account"},
                                  .extra_flags = {},
                                  .migrations = &kam::account::Migrations(),
                                  .build = kam::account::BuildModules});
}
