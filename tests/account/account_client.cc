#include "tests/account/account_client.h"

namespace kam::testing {

std::unique_ptr<AccountApi> AccountStub() {
  return v1::AccountService::NewStub(
      grpc::CreateChannel(Suite().account_address(), grpc::InsecureChannelCredentials()));
}

AccountApi& Accounts() {
  static AccountApi* stub = AccountStub().release();
  return *stub;
}

v1::Account CreateAccount(AccountApi& stub, const std::string& display_name,
                          const std::string& parent) {
  v1::CreateAccountRequest request;
  request.mutable_account()->set_display_name(display_name);
  request.mutable_account()->set_parent_account(parent);
  v1::Account account;
  grpc::Status status = stub.CreateAccount(Context().get(), request, &account);
  EXPECT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
  return account;
}

}  // namespace kam::testing
