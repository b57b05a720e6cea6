#include "common/metrics/rpc_labels.h"

#include "gtest/gtest.h"

namespace kam::common::metrics {
namespace {

TEST(GoCodeNameTest, EveryCodeHasGosName) {
  // go-grpc-prometheus labels grpc_code with codes.Code's String().
  const char* const kGoNames[] = {
      "OK",       "Canceled",       "Unknown",          "InvalidArgument",   "DeadlineExceeded",
      "NotFound", "AlreadyExists",  "PermissionDenied", "ResourceExhausted", "FailedPrecondition",
      "Aborted",  "OutOfRange",     "Unimplemented",    "Internal",          "Unavailable",
      "DataLoss", "Unauthenticated"};
  for (int code = 0; code < kCodeCount; ++code) {
    EXPECT_EQ(GoCodeName(static_cast<absl::StatusCode>(code)), kGoNames[code]) << code;
    EXPECT_EQ(CodeIndex(static_cast<absl::StatusCode>(code)), code);
  }
}

TEST(GoCodeNameTest, NumbersOutsideTheCodesAreUnknown) {
  for (int number : {-1, 17, 20, 1000}) {
    EXPECT_EQ(GoCodeName(static_cast<absl::StatusCode>(number)), "Unknown") << number;
    EXPECT_EQ(CodeIndex(static_cast<absl::StatusCode>(number)), 2) << number;
  }
}

TEST(RpcTypeLabelTest, SpelledAsGrpcPrometheus) {
  EXPECT_EQ(RpcTypeLabel(RpcType::kUnary), "unary");
  EXPECT_EQ(RpcTypeLabel(RpcType::kClientStream), "client_stream");
  EXPECT_EQ(RpcTypeLabel(RpcType::kServerStream), "server_stream");
  EXPECT_EQ(RpcTypeLabel(RpcType::kBidiStream), "bidi_stream");
}

TEST(SplitMethodNameTest, ServiceAndMethod) {
  struct Case {
    const char* full_name;
    const char* service;
    const char* method;
  };
  const Case kCases[] = {
      {"/kam.account.v1.AccountService/GetAccount", "kam.account.v1.AccountService", "GetAccount"},
      {"kam.scoring.v1.AlertService/WatchAlerts", "kam.scoring.v1.AlertService", "WatchAlerts"},
      {"/grpc.health.v1.Health/Check", "grpc.health.v1.Health", "Check"},
      {"/NoMethod", "unknown", "unknown"},
      {"", "unknown", "unknown"},
  };
  for (const Case& c : kCases) {
    const MethodLabels labels = SplitMethodName(c.full_name);
    EXPECT_EQ(labels.service, c.service) << c.full_name;
    EXPECT_EQ(labels.method, c.method) << c.full_name;
  }
}

}  // namespace
}  // namespace kam::common::metrics
