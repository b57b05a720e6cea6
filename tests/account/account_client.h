// Shared set-up for the account service's integration tests, and for the
// interaction and scoring tests, which make their accounts through it: the
// harness's suite and API helpers (tests/harness), the account stub, one-line
// calls of the account API and accounts made through it.
#pragma once

#include <memory>
#include <string>

#include "grpcpp/grpcpp.h"
#include "kam/account/v1/account.grpc.pb.h"
#include "tests/harness/api_test_util.h"
#include "tests/harness/suite_environment.h"

namespace kam::testing {

namespace v1 = ::kam::account::v1;
using AccountApi = v1::AccountService::Stub;

// A new stub for the suite's account service.
std::unique_ptr<AccountApi> AccountStub();

// One stub shared by every test of the binary.
AccountApi& Accounts();

// One AccountService call on Accounts() with a fresh context, e.g.
// Call(&AccountApi::GetAccount, request).
template <typename Request, typename Response>
Reply<Response> Call(grpc::Status (AccountApi::*method)(grpc::ClientContext*, const Request&,
                                                        Response*),
                     const Request& request, const std::string& actor = "test") {
  return Call(Accounts(), method, request, actor);
}

// Creates an account with `display_name` (under `parent` when given); fails
// the test when the call fails.
v1::Account CreateAccount(AccountApi& stub, const std::string& display_name,
                          const std::string& parent = "");

}  // namespace kam::testing
