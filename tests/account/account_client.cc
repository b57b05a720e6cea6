#include "tests/account/account_client.h"

#include <atomic>

#include "absl/time/clock.h"

namespace kam::testing {
namespace {
LocalSuite* suite = nullptr;
}  // namespace

LocalSuite& Suite() { return *suite; }

void SuiteEnvironment::SetUp() {
  absl::StatusOr<std::unique_ptr<LocalSuite>> started = LocalSuite::Start(options_);
  ASSERT_TRUE(started.ok()) << started.status();
  suite = started->release();
}

void SuiteEnvironment::TearDown() {
  delete suite;
  suite = nullptr;
}

std::unique_ptr<v1::AccountService::Stub> AccountStub() {
  return v1::AccountService::NewStub(
      grpc::CreateChannel(Suite().account_address(), grpc::InsecureChannelCredentials()));
}

std::unique_ptr<grpc::ClientContext> Context(const std::string& actor, absl::Duration deadline) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  context->AddMetadata("x-kam-actor", actor);
  return context;
}

std::string Unique(const std::string& prefix) {
  static std::atomic<int> counter{0};
  static const int64_t run = absl::ToUnixMicros(absl::Now());
  return absl::StrCat(prefix, "-", run, "-", counter.fetch_add(1));
}

v1::Account CreateAccount(v1::AccountService::Stub& stub, const std::string& display_name,
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
