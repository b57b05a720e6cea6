#include "common/client/rpc_client.h"

#include <optional>
#include <thread>

#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace kam::common {
namespace {

TEST(DependencyLimitTest, OneMoreThanTheBoundIsRefusedAfterTheWait) {
  DependencyLimit limit("account service", 2, absl::Milliseconds(20));
  absl::StatusOr<DependencyLimit::Slot> first = limit.Enter();
  absl::StatusOr<DependencyLimit::Slot> second = limit.Enter();
  ASSERT_TRUE(first.ok() && second.ok());
  const absl::StatusOr<DependencyLimit::Slot> third = limit.Enter();
  EXPECT_EQ(third.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(third.status().message(),
            "account service unavailable (2 calls already waiting for it); retry later");
}

TEST(DependencyLimitTest, ASlotLeftIsTakenByTheNextCall) {
  DependencyLimit limit("account service", 1, absl::Seconds(10));
  std::optional<absl::StatusOr<DependencyLimit::Slot>> held(limit.Enter());
  ASSERT_TRUE(held->ok());
  // Freed while the next call waits: it gets the slot instead of a refusal.
  std::thread release([&] {
    absl::SleepFor(absl::Milliseconds(20));
    held.reset();
  });
  const absl::StatusOr<DependencyLimit::Slot> next = limit.Enter();
  release.join();
  EXPECT_TRUE(next.ok()) << next.status();
}

}  // namespace
}  // namespace kam::common
