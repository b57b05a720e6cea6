// A method with a prefetch (prefetch.h) on a real in-process server: its
// calls hold no worker thread while their look-ups are out, the handler
// sees the answers, and a shutdown whose grace ends first answers the
// caller UNAVAILABLE without running the handler.
#include "common/server/prefetch.h"

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/server/service_methods.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "kam/account/v1/account.grpc.pb.h"

namespace kam::common {
namespace {

namespace v1 = account::v1;

// A prefetch that parks every "accounts/wait-*" look-up until the test
// answers it, and answers any other at once with nothing.
class ParkingPrefetch {
 public:
  void Start(const v1::GetAccountRequest& request, Prefetched* into, std::function<void()> done) {
    if (!absl::StartsWith(request.name(), "accounts/wait-")) {
      done();
      return;
    }
    absl::MutexLock lock(&mu_);
    parked_.push_back({request.name(), into, std::move(done)});
  }

  size_t Parked() {
    absl::MutexLock lock(&mu_);
    return parked_.size();
  }

  // Answers every parked look-up with an account whose display name says
  // it was fetched.
  void AnswerAll() {
    std::vector<Look> looks;
    {
      absl::MutexLock lock(&mu_);
      looks.swap(parked_);
    }
    for (Look& look : looks) {
      auto account = std::make_shared<v1::Account>();
      account->set_display_name(absl::StrCat("fetched ", look.name));
      look.into->Put(look.name, {absl::OkStatus(), std::move(account)});
      look.done();
    }
  }

 private:
  struct Look {
    std::string name;
    Prefetched* into;
    std::function<void()> done;
  };
  absl::Mutex mu_;
  std::vector<Look> parked_ ABSL_GUARDED_BY(mu_);
};

// Answers with what the prefetch found for the name, or "not fetched".
class Handler {
 public:
  absl::Status GetAccount(const CallContext& context, const v1::GetAccountRequest& request,
                          v1::Account* response) {
    runs.fetch_add(1);
    const Prefetched::Answer* answer =
        context.prefetched == nullptr ? nullptr : context.prefetched->Find(request.name());
    response->set_name(request.name());
    response->set_display_name(
        answer == nullptr ? "not fetched"
                          : static_cast<const v1::Account&>(*answer->message).display_name());
    return absl::OkStatus();
  }
  std::atomic<int> runs{0};
};

class PrefetchTest : public testing::Test {
 protected:
  void SetUp() override {
    GrpcServer::Options options;
    options.threads = 1;  // one thread: a parked call must not hold it
    options.shutdown_grace = absl::Milliseconds(200);
    server_ = std::make_unique<GrpcServer>(options);
    ServeMethods(*server_, &service_, &handler_, &Handler::GetAccount);
    server_->SetPrefetch<v1::GetAccountRequest>(
        [this](const CallContext&, const v1::GetAccountRequest& request, Prefetched* into,
               std::function<void()> done) { prefetch_.Start(request, into, std::move(done)); });
    ASSERT_TRUE(server_->Start().ok());
    server_->MarkReady();
    stub_ = v1::AccountService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", server_->port()), grpc::InsecureChannelCredentials()));
  }
  void TearDown() override { server_->Shutdown(); }

  grpc::Status Get(const std::string& name, v1::Account* account) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::GetAccountRequest request;
    request.set_name(name);
    return stub_->GetAccount(&context, request, account);
  }

  void WaitUntilParked(size_t calls) {
    while (prefetch_.Parked() < calls) absl::SleepFor(absl::Milliseconds(1));
  }

  ParkingPrefetch prefetch_;
  Handler handler_;
  v1::AccountService::Service service_;
  std::unique_ptr<GrpcServer> server_;
  std::unique_ptr<v1::AccountService::Stub> stub_;
};

TEST_F(PrefetchTest, ParkedCallsHoldNoThreadAndTheHandlerSeesTheAnswers) {
  constexpr int kParked = 3;
  std::vector<v1::Account> answers(kParked);
  std::vector<grpc::Status> statuses(kParked);
  std::vector<std::thread> callers;
  for (int i = 0; i < kParked; ++i) {
    callers.emplace_back(
        [&, i] { statuses[i] = Get(absl::StrCat("accounts/wait-", i), &answers[i]); });
  }
  WaitUntilParked(kParked);
  EXPECT_EQ(handler_.runs.load(), 0) << "a handler ran before its look-ups were answered";

  // The server's only thread is free: another call is served meanwhile.
  v1::Account now;
  ASSERT_TRUE(Get("accounts/now", &now).ok());
  EXPECT_EQ(now.display_name(), "not fetched");

  prefetch_.AnswerAll();
  for (std::thread& caller : callers) caller.join();
  for (int i = 0; i < kParked; ++i) {
    ASSERT_TRUE(statuses[i].ok()) << statuses[i].error_message();
    EXPECT_EQ(answers[i].display_name(), absl::StrCat("fetched accounts/wait-", i));
  }
  EXPECT_EQ(handler_.runs.load(), kParked + 1);
}

TEST_F(PrefetchTest, AGraceThatEndsFirstAnswersUnavailableAndTheHandlerNeverRuns) {
  grpc::Status status;
  std::thread caller([&] {
    v1::Account account;
    status = Get("accounts/wait-shutdown", &account);
    // Answered while the look-up is still out; it comes back now, within
    // the moment the server waits for calls in flight.
    prefetch_.AnswerAll();
  });
  WaitUntilParked(1);
  EXPECT_TRUE(server_->Shutdown()) << "the call finished in time and was not abandoned";
  caller.join();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_EQ(status.error_message(), "the server is shutting down");
  EXPECT_EQ(handler_.runs.load(), 0);
}

}  // namespace
}  // namespace kam::common
