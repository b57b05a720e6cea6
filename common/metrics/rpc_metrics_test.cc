// What a scrape shows after calls are recorded: the series go-grpc-prometheus
// dashboards read, with their labels, and the batch sizes.
#include "common/metrics/rpc_metrics.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/metrics/batch_sizes.h"
#include "common/metrics/registry.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kam::common::metrics {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kLabels[] =
    R"(grpc_method="GetAccount",grpc_service="kam.account.v1.AccountService",grpc_type="unary")";

TEST(RpcMetricsTest, ServerCallsAreCountedByMethodAndCode) {
  RpcMetrics& metrics = ServerRpc("/kam.account.v1.AccountService/GetAccount", RpcType::kUnary);
  EXPECT_EQ(&metrics, &ServerRpc("/kam.account.v1.AccountService/GetAccount", RpcType::kUnary));
  metrics.StartedWithRequest();
  metrics.Sent();
  metrics.Handled(absl::StatusCode::kOk, absl::Milliseconds(3));
  metrics.StartedWithRequest();
  metrics.Handled(absl::StatusCode::kNotFound, absl::Milliseconds(30));

  const std::string text = TextExposition();
  EXPECT_THAT(text, HasSubstr(absl::StrCat("grpc_server_started_total{", kLabels, "} 2")));
  EXPECT_THAT(text, HasSubstr(absl::StrCat("grpc_server_msg_received_total{", kLabels, "} 2")));
  EXPECT_THAT(text, HasSubstr(absl::StrCat("grpc_server_msg_sent_total{", kLabels, "} 1")));
  for (const char* code : {"OK", "NotFound"}) {
    EXPECT_THAT(text, HasSubstr(absl::StrCat(R"(grpc_server_handled_total{grpc_code=")", code,
                                             R"(",)", kLabels, "} 1")));
  }
  // Every code's series is there from the first call, at 0.
  EXPECT_THAT(text, HasSubstr(absl::StrCat(R"(grpc_server_handled_total{grpc_code="Unavailable",)",
                                           kLabels, "} 0")));
  // 3 ms falls in le=0.005, 30 ms in le=0.05.
  EXPECT_THAT(text, HasSubstr(absl::StrCat("grpc_server_handling_seconds_bucket{", kLabels,
                                           R"(,le="0.005"} 1)")));
  EXPECT_THAT(text, HasSubstr(absl::StrCat("grpc_server_handling_seconds_bucket{", kLabels,
                                           R"(,le="0.05"} 2)")));
  EXPECT_THAT(text, HasSubstr(absl::StrCat("grpc_server_handling_seconds_count{", kLabels, "} 2")));
  // The client side has its own families; nothing was called.
  EXPECT_THAT(text, Not(HasSubstr(absl::StrCat("grpc_client_started_total{", kLabels))));
}

TEST(RpcMetricsTest, ClientCallsHaveTheirOwnFamilies) {
  RpcMetrics& metrics =
      ClientRpc("/kam.interaction.v1.FactsService/StreamAccountFacts", RpcType::kServerStream);
  metrics.Started();
  metrics.Sent();
  metrics.Received();
  metrics.Received();
  metrics.Handled(absl::StatusCode::kUnavailable, absl::Seconds(20));
  const std::string labels =
      R"(grpc_method="StreamAccountFacts",grpc_service="kam.interaction.v1.FactsService",)"
      R"(grpc_type="server_stream")";
  const std::string text = TextExposition();
  EXPECT_THAT(text, HasSubstr(absl::StrCat("grpc_client_started_total{", labels, "} 1")));
  EXPECT_THAT(text, HasSubstr(absl::StrCat("grpc_client_msg_received_total{", labels, "} 2")));
  EXPECT_THAT(text, HasSubstr(absl::StrCat(R"(grpc_client_handled_total{grpc_code="Unavailable",)",
                                           labels, "} 1")));
  // 20 s is past the last bucket (10 s): only +Inf counts it.
  EXPECT_THAT(text, HasSubstr(absl::StrCat("grpc_client_handling_seconds_bucket{", labels,
                                           R"(,le="10"} 0)")));
  EXPECT_THAT(text, HasSubstr(absl::StrCat("grpc_client_handling_seconds_bucket{", labels,
                                           R"(,le="+Inf"} 1)")));
}

TEST(BatchSizesTest, TheWrappedBatchRunsAndItsSizeIsObserved) {
  auto run = ObserveBatchSize("test_batch", [](const std::vector<int>& inputs, int offset) {
    return static_cast<int>(inputs.size()) + offset;
  });
  EXPECT_EQ(run(std::vector<int>{1, 2, 3}, 10), 13);
  EXPECT_EQ(run(std::vector<int>{1}, 0), 1);
  const std::string text = TextExposition();
  EXPECT_THAT(text, HasSubstr(R"(kam_coalesced_batch_size_bucket{batch="test_batch",le="1"} 1)"));
  EXPECT_THAT(text, HasSubstr(R"(kam_coalesced_batch_size_bucket{batch="test_batch",le="4"} 2)"));
  EXPECT_THAT(text, HasSubstr(R"(kam_coalesced_batch_size_sum{batch="test_batch"} 4)"));
}

}  // namespace
}  // namespace kam::common::metrics
