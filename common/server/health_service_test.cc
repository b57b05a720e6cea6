#include "common/server/health_service.h"

#include <memory>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

namespace kam::common {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

// The service on an in-process server on loopback, with a client for it.
class HealthServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&health_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = Health::NewStub(grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                                                grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    health_.Shutdown();
    server_->Shutdown(std::chrono::system_clock::now());
  }

  grpc::Status Check(const std::string& service, HealthCheckResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    HealthCheckRequest request;
    request.set_service(service);
    return stub_->Check(&context, request, response);
  }

  struct Watch {
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientReader<HealthCheckResponse>> reader;
    // The next status sent, or -1 when the stream ended.
    int Next() {
      HealthCheckResponse response;
      return reader->Read(&response) ? response.status() : -1;
    }
  };
  std::unique_ptr<Watch> StartWatch(const std::string& service) {
    auto watch = std::make_unique<Watch>();
    watch->context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    HealthCheckRequest request;
    request.set_service(service);
    watch->reader = stub_->Watch(&watch->context, request);
    return watch;
  }

  HealthService health_{/*max_watches=*/2, /*poll=*/absl::Milliseconds(50)};
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<Health::Stub> stub_;
};

TEST_F(HealthServiceTest, CheckAnswersTheStatusSetAndNotFoundForUnknownNames) {
  health_.SetStatus("", false);
  health_.SetStatus("liveness", true);
  HealthCheckResponse response;
  ASSERT_TRUE(Check("", &response).ok());
  EXPECT_EQ(response.status(), HealthCheckResponse::NOT_SERVING);
  ASSERT_TRUE(Check("liveness", &response).ok());
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);
  health_.SetStatus("", true);
  ASSERT_TRUE(Check("", &response).ok());
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);

  const grpc::Status unknown = Check("kam.nothing.v1.Nothing", &response);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(unknown.error_message(), "service name unknown");
}

TEST_F(HealthServiceTest, WatchSendsTheStatusThenEachChange) {
  health_.SetStatus("", false);
  std::unique_ptr<Watch> watch = StartWatch("");
  EXPECT_EQ(watch->Next(), HealthCheckResponse::NOT_SERVING);
  health_.SetStatus("", true);
  EXPECT_EQ(watch->Next(), HealthCheckResponse::SERVING);
  health_.SetStatus("", true);  // no change: nothing sent
  health_.SetStatus("", false);
  EXPECT_EQ(watch->Next(), HealthCheckResponse::NOT_SERVING);
  watch->context.TryCancel();
}

TEST_F(HealthServiceTest, WatchOfAnUnknownNameWaitsForIt) {
  std::unique_ptr<Watch> watch = StartWatch("kam.later.v1.Later");
  EXPECT_EQ(watch->Next(), HealthCheckResponse::SERVICE_UNKNOWN);
  health_.SetStatus("kam.later.v1.Later", true);
  EXPECT_EQ(watch->Next(), HealthCheckResponse::SERVING);
  watch->context.TryCancel();
}

TEST_F(HealthServiceTest, ShutdownSendsNotServingAndEndsWatches) {
  health_.SetStatus("", true);
  std::unique_ptr<Watch> watch = StartWatch("");
  EXPECT_EQ(watch->Next(), HealthCheckResponse::SERVING);
  health_.Shutdown();
  EXPECT_EQ(watch->Next(), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(watch->Next(), -1);
  const grpc::Status ended = watch->reader->Finish();
  EXPECT_EQ(ended.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(ended.error_message(), "the server is shutting down");
  // Statuses set after the shutdown are ignored.
  health_.SetStatus("", true);
  HealthCheckResponse response;
  ASSERT_TRUE(Check("", &response).ok());
  EXPECT_EQ(response.status(), HealthCheckResponse::NOT_SERVING);
}

TEST_F(HealthServiceTest, OpenWatchesAreLimitedAndFreedWhenCallersLeave) {
  health_.SetStatus("", true);
  std::unique_ptr<Watch> first = StartWatch("");
  std::unique_ptr<Watch> second = StartWatch("");
  EXPECT_EQ(first->Next(), HealthCheckResponse::SERVING);
  EXPECT_EQ(second->Next(), HealthCheckResponse::SERVING);
  std::unique_ptr<Watch> third = StartWatch("");
  EXPECT_EQ(third->Next(), -1);
  const grpc::Status refused = third->reader->Finish();
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(refused.error_message(), "at most 2 health watches may be open at once; retry later");

  // A caller that hangs up frees its place within the poll interval.
  first->context.TryCancel();
  EXPECT_FALSE(first->reader->Finish().ok());
  int status = -1;
  for (int attempt = 0; attempt < 100 && status == -1; ++attempt) {
    std::unique_ptr<Watch> again = StartWatch("");
    status = again->Next();
    again->context.TryCancel();
    if (status == -1) absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_EQ(status, HealthCheckResponse::SERVING);
  second->context.TryCancel();
}

}  // namespace
}  // namespace kam::common
