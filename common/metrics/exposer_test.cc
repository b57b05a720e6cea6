#include "common/metrics/exposer.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace kam::common::metrics {
namespace {

TEST(CheckMetricsListenTest, EmptyOrHostAndPort) {
  for (const char* ok : {"", "127.0.0.1:9090", "0.0.0.0:0", "[::]:9464", "localhost:65535"}) {
    EXPECT_TRUE(CheckMetricsListen(ok).ok()) << ok;
  }
  for (const char* bad : {"9090", ":9090", "host:", "host:http", "host:-1", "host:65536"}) {
    const absl::Status status = CheckMetricsListen(bad);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(status.message().find("--metrics_listen"), absl::string_view::npos) << bad;
  }
}

TEST(MetricsEndpointTest, PortZeroPicksOneAndATakenPortIsRefused) {
  absl::StatusOr<std::unique_ptr<MetricsEndpoint>> first = MetricsEndpoint::Start("127.0.0.1:0");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_GT((*first)->port(), 0);
  absl::StatusOr<std::unique_ptr<MetricsEndpoint>> second =
      MetricsEndpoint::Start(absl::StrCat("127.0.0.1:", (*first)->port()));
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace kam::common::metrics
