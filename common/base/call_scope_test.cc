#include "common/base/call_scope.h"

#include <thread>

#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace kam::common {
namespace {

TEST(CallScopeTest, NoScopeMeansNoDeadline) {
  EXPECT_EQ(CallScope::Deadline(), absl::InfiniteFuture());
  EXPECT_TRUE(CallScope::CallerWaiting("insert").ok());
}

TEST(CallScopeTest, PassedDeadlineRefusesTheWork) {
  CallScope scope(absl::Now() - absl::Milliseconds(1));
  const absl::Status status = CallScope::CallerWaiting("insert");
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(status.message(), "the caller's deadline has passed: insert not done");
}

TEST(CallScopeTest, FutureDeadlineLetsTheWorkThrough) {
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  CallScope scope(deadline);
  EXPECT_EQ(CallScope::Deadline(), deadline);
  EXPECT_TRUE(CallScope::CallerWaiting("insert").ok());
}

TEST(CallScopeTest, ScopesNestAndRestore) {
  CallScope call(absl::Now() - absl::Seconds(1));
  {
    CallScope batch(absl::InfiniteFuture());  // work for many callers
    EXPECT_TRUE(CallScope::CallerWaiting("batch").ok());
  }
  EXPECT_FALSE(CallScope::CallerWaiting("insert").ok());
}

TEST(CallScopeTest, ScopeIsPerThread) {
  CallScope call(absl::Now() - absl::Seconds(1));
  bool other_thread_free = false;
  std::thread([&] { other_thread_free = CallScope::CallerWaiting("x").ok(); }).join();
  EXPECT_TRUE(other_thread_free);
}

}  // namespace
}  // namespace kam::common
