#include <memory>

#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "common/client/rpc_client.h"
#include "kam/account/v1/account.grpc.pb.h"
#include "services/scoring/designations/account_check.h"
#include "services/scoring/names.h"

namespace kam::scoring::designations {

AccountCheck NewGrpcAccountCheck(const std::string& address, absl::Duration deadline) {
  std::shared_ptr<account::v1::AccountService::Stub> stub =
      account::v1::AccountService::NewStub(common::DependencyChannel(address));
  return [stub, deadline](int64_t account_id, const common::CallContext& caller) -> absl::Status {
    account::v1::GetAccountRequest request;
    request.set_name(AccountName(account_id));
    KAM_ASSIGN_OR_RETURN(account::v1::Account account,
                         common::CallDependency(*stub, &account::v1::AccountService::Stub::GetAccount,
                                                request, &caller, deadline, "account service"));
    if (account.has_delete_time()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "designation.account ", request.name(), " is deleted: restore it before designating it"));
    }
    return absl::OkStatus();
  };
}

}  // namespace kam::scoring::designations
