// Shared set-up for the account service's integration tests: one suite
// (MariaDB + kam-account as processes) per test binary, and helpers to call
// it the way any client would.
#ifndef KAM_TESTS_ACCOUNT_ACCOUNT_CLIENT_H_
#define KAM_TESTS_ACCOUNT_ACCOUNT_CLIENT_H_

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "kam/account/v1/account.grpc.pb.h"
#include "tests/harness/suite.h"

namespace kam::testing {

namespace v1 = ::kam::account::v1;

// The suite shared by every test of a binary; started by SuiteEnvironment.
LocalSuite& Suite();

class SuiteEnvironment : public ::testing::Environment {
 public:
  explicit SuiteEnvironment(LocalSuite::Options options = {}) : options_(std::move(options)) {}
  void SetUp() override;
  void TearDown() override;

 private:
  LocalSuite::Options options_;
};

std::unique_ptr<v1::AccountService::Stub> AccountStub();

// A client context with a deadline and the caller's name.
std::unique_ptr<grpc::ClientContext> Context(const std::string& actor = "test",
                                             absl::Duration deadline = absl::Seconds(20));

// A short unique string for names and request ids within one test run.
std::string Unique(const std::string& prefix);

// Creates an account with `display_name` (and the given fields); fails the
// test when the call fails.
v1::Account CreateAccount(v1::AccountService::Stub& stub, const std::string& display_name,
                          const std::string& parent = "");

}  // namespace kam::testing

#endif  // KAM_TESTS_ACCOUNT_ACCOUNT_CLIENT_H_
