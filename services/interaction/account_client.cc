#include "services/interaction/account_client.h"

#include "common/rpc_client.h"

namespace kam::interaction {

namespace v1 = account::v1;

constexpr char kAccountService[] = "account service";

AccountClient::AccountClient(const std::string& address, absl::Duration deadline)
    : stub_(v1::AccountService::NewStub(common::DependencyChannel(address))),
      deadline_(deadline) {}

absl::StatusOr<v1::Account> AccountClient::GetAccount(const std::string& name,
                                                      const common::CallContext* caller) {
  v1::GetAccountRequest request;
  request.set_name(name);
  return common::CallDependency(*stub_, &v1::AccountService::Stub::GetAccount, request, caller,
                                deadline_, kAccountService);
}

absl::StatusOr<v1::Contact> AccountClient::GetContact(const std::string& name,
                                                      const common::CallContext* caller) {
  v1::GetContactRequest request;
  request.set_name(name);
  return common::CallDependency(*stub_, &v1::AccountService::Stub::GetContact, request, caller,
                                deadline_, kAccountService);
}

absl::StatusOr<std::vector<v1::Account>> AccountClient::BatchGetAccounts(
    const std::vector<std::string>& names, const common::CallContext* caller) {
  v1::BatchGetAccountsRequest request;
  for (const std::string& name : names) request.add_names(name);
  absl::StatusOr<v1::BatchGetAccountsResponse> response = common::CallDependency(
      *stub_, &v1::AccountService::Stub::BatchGetAccounts, request, caller, deadline_,
      kAccountService);
  if (!response.ok()) return response.status();
  return std::vector<v1::Account>(response->accounts().begin(), response->accounts().end());
}

absl::StatusOr<v1::ListAccountsResponse> AccountClient::ListAccounts(
    const v1::ListAccountsRequest& request, const common::CallContext* caller) {
  return common::CallDependency(*stub_, &v1::AccountService::Stub::ListAccounts, request, caller,
                                deadline_, kAccountService);
}

}  // namespace kam::interaction
