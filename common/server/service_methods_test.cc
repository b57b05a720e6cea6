// The server machinery without a database: handlers named by member
// function, served unary (worker threads) and streaming (gRPC's threads).
#include "common/server/service_methods.h"

#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "kam/account/v1/account.grpc.pb.h"

namespace kam::common {
namespace {

using account::v1::Account;
using account::v1::AccountExportService;
using account::v1::AccountService;
using account::v1::ExportAccountsRequest;
using account::v1::ExportAccountsResponse;
using account::v1::GetAccountRequest;

TEST(FindMethodTest, FindsTheMethodByItsTypes) {
  const internal::MethodInfo get =
      internal::FindMethod(GetAccountRequest::descriptor(), Account::descriptor());
  EXPECT_EQ(get.full_name, "/kam.account.v1.AccountService/GetAccount");
  EXPECT_EQ(get.service_name, "kam.account.v1.AccountService");
  EXPECT_EQ(get.index, GetAccountRequest::descriptor()
                           ->file()
                           ->FindServiceByName("AccountService")
                           ->FindMethodByName("GetAccount")
                           ->index());
  const internal::MethodInfo export_accounts = internal::FindMethod(
      ExportAccountsRequest::descriptor(), ExportAccountsResponse::descriptor());
  EXPECT_EQ(export_accounts.full_name, "/kam.account.v1.AccountExportService/ExportAccounts");
}

// Answers GetAccount with the name asked for, and streams `pages` responses
// of ExportAccounts.
class FakeAccounts {
 public:
  absl::Status GetAccount(const CallContext& context, const GetAccountRequest& request,
                          Account* response) {
    if (request.name() == "accounts/0") return absl::NotFoundError("account accounts/0 not found");
    if (request.name() == "accounts/slow") {  // runs until the test releases it
      slow_started.Notify();
      slow_release.WaitForNotification();
    }
    response->set_name(request.name());
    response->set_owner(context.actor);
    return absl::OkStatus();
  }
  absl::Notification slow_started;
  absl::Notification slow_release;

  absl::Status ExportAccounts(const CallContext&, const ExportAccountsRequest& request,
                              ResponseWriter<ExportAccountsResponse>& writer) {
    for (int i = 1; i <= request.page_size(); ++i) {
      ExportAccountsResponse page;
      page.add_accounts()->set_name(absl::StrCat("accounts/", i));
      if (!writer.Write(page)) return absl::CancelledError("the caller went away");
    }
    return absl::OkStatus();
  }
};

class ServiceMethodsTest : public testing::Test {
 protected:
  void SetUp() override {
    GrpcServer::Options options;
    options.threads = 2;
    options.shutdown_grace = absl::Milliseconds(200);
    server_ = std::make_unique<GrpcServer>(options);
    ServeMethods(*server_, &accounts_service_, &handler_, &FakeAccounts::GetAccount);
    ServeMethods(*server_, &export_service_, &handler_, &FakeAccounts::ExportAccounts);
    ASSERT_TRUE(server_->Start().ok());
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                   grpc::InsecureChannelCredentials());
  }
  void TearDown() override { server_->Shutdown(); }

  FakeAccounts handler_;
  AccountService::Service accounts_service_;
  AccountExportService::Service export_service_;
  std::unique_ptr<GrpcServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(ServiceMethodsTest, ServesUnaryAndStreamingHandlersOnceReady) {
  auto accounts = AccountService::NewStub(channel_);
  GetAccountRequest request;
  request.set_name("accounts/42");
  {
    grpc::ClientContext context;
    Account account;
    EXPECT_EQ(accounts->GetAccount(&context, request, &account).error_code(),
              grpc::StatusCode::UNAVAILABLE);  // not ready: the schema may not exist yet
  }
  server_->MarkReady();
  {
    grpc::ClientContext context;
    context.AddMetadata("x-kam-actor", "alice");
    Account account;
    ASSERT_TRUE(accounts->GetAccount(&context, request, &account).ok());
    EXPECT_EQ(account.name(), "accounts/42");
    EXPECT_EQ(account.owner(), "alice");
  }
  {
    grpc::ClientContext context;
    Account account;
    request.set_name("accounts/0");
    const grpc::Status status = accounts->GetAccount(&context, request, &account);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(status.error_message(), "account accounts/0 not found");
  }
  {
    // A method of the service no handler was named for.
    grpc::ClientContext context;
    Account account;
    account::v1::DeleteAccountRequest remove;
    remove.set_name("accounts/42");
    EXPECT_EQ(accounts->DeleteAccount(&context, remove, &account).error_code(),
              grpc::StatusCode::UNIMPLEMENTED);
  }
  auto exports = AccountExportService::NewStub(channel_);
  grpc::ClientContext context;
  ExportAccountsRequest stream_request;
  stream_request.set_page_size(3);
  auto reader = exports->ExportAccounts(&context, stream_request);
  ExportAccountsResponse page;
  std::string names;
  while (reader->Read(&page)) absl::StrAppend(&names, page.accounts(0).name(), " ");
  EXPECT_TRUE(reader->Finish().ok());
  EXPECT_EQ(names, "accounts/1 accounts/2 accounts/3 ");
}

grpc::Status GetAccount(grpc::Channel& channel, const std::string& name) {
  auto accounts = AccountService::NewStub(std::shared_ptr<grpc::Channel>(&channel, [](auto*) {}));
  grpc::ClientContext context;
  GetAccountRequest request;
  request.set_name(name);
  Account account;
  return accounts->GetAccount(&context, request, &account);
}

TEST_F(ServiceMethodsTest, AStoppingServerRunsNoNewCall) {
  server_->MarkReady();
  ASSERT_TRUE(GetAccount(*channel_, "accounts/42").ok());
  server_->BeginShutdown();
  const grpc::Status unary = GetAccount(*channel_, "accounts/42");
  EXPECT_EQ(unary.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(unary.error_message(), "the server is shutting down");
  grpc::ClientContext context;
  ExportAccountsRequest stream_request;
  stream_request.set_page_size(3);
  auto reader = AccountExportService::NewStub(channel_)->ExportAccounts(&context, stream_request);
  ExportAccountsResponse page;
  EXPECT_FALSE(reader->Read(&page));
  const grpc::Status stream = reader->Finish();
  EXPECT_EQ(stream.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(stream.error_message(), "the server is shutting down");
}

TEST_F(ServiceMethodsTest, ACallRunningPastTheGraceAnswersUnavailableNotCancelled) {
  server_->MarkReady();
  grpc::Status slow;
  std::thread caller([&] {
    slow = GetAccount(*channel_, "accounts/slow");
    // Answered while its handler still runs; now let the handler return,
    // within the moment the server waits for it.
    handler_.slow_release.Notify();
  });
  handler_.slow_started.WaitForNotification();
  EXPECT_TRUE(server_->Shutdown()) << "the handler returned in time and was not abandoned";
  caller.join();
  EXPECT_EQ(slow.error_code(), grpc::StatusCode::UNAVAILABLE) << slow.error_message();
  EXPECT_EQ(slow.error_message(), "the server is shutting down");
}

}  // namespace
}  // namespace kam::common
