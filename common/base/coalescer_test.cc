#include "common/base/coalescer.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace kam::common {
namespace {

// A fake query: "row-<n>" for each input n, taking `latency`, recording the
// batches it ran and how many ran at once.
class FakeQuery {
 public:
  explicit FakeQuery(absl::Duration latency) : latency_(latency) {}

  std::vector<std::string> Run(const std::vector<const int*>& inputs) {
    const int now = ++in_flight_;
    int seen = most_in_flight_.load();
    while (now > seen && !most_in_flight_.compare_exchange_weak(seen, now)) {
    }
    {
      absl::MutexLock lock(&mu_);
      std::vector<int> batch;
      for (const int* input : inputs) batch.push_back(*input);
      batches_.push_back(batch);
    }
    absl::SleepFor(latency_);
    std::vector<std::string> outputs;
    for (const int* input : inputs) outputs.push_back(absl::StrCat("row-", *input));
    --in_flight_;
    return outputs;
  }

  std::vector<std::vector<int>> batches() {
    absl::MutexLock lock(&mu_);
    return batches_;
  }
  int most_in_flight() const { return most_in_flight_.load(); }

 private:
  const absl::Duration latency_;
  std::atomic<int> in_flight_{0};
  std::atomic<int> most_in_flight_{0};
  absl::Mutex mu_;
  std::vector<std::vector<int>> batches_;
};

TEST(CoalescerTest, ALoneCallRunsAtOnceInABatchOfItsOwn) {
  FakeQuery query(absl::ZeroDuration());
  Coalescer<int, std::string> calls(
      [&](const std::vector<const int*>& inputs) { return query.Run(inputs); }, 64);
  EXPECT_EQ(calls.Call(4), "row-4");
  EXPECT_EQ(calls.Call(5), "row-5");
  EXPECT_EQ(query.batches(), (std::vector<std::vector<int>>{{4}, {5}}));
}

// Calls `calls` from `threads` threads, `per_thread` times each, with inputs
// distinct across threads; returns how many calls got another input's row.
int CallFromThreads(Coalescer<int, std::string>& calls, int threads, int per_thread) {
  std::atomic<int> wrong{0};
  std::vector<std::thread> running;
  for (int t = 0; t < threads; ++t) {
    running.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        const int input = t * 1000 + i;
        if (calls.Call(input) != absl::StrCat("row-", input)) ++wrong;
      }
    });
  }
  for (std::thread& thread : running) thread.join();
  return wrong.load();
}

TEST(CoalescerTest, ConcurrentCallsShareBatchesAndEachGetsItsOwnOutput) {
  FakeQuery query(absl::Milliseconds(2));
  Coalescer<int, std::string> calls(
      [&](const std::vector<const int*>& inputs) { return query.Run(inputs); }, 8);
  constexpr int kThreads = 16;
  constexpr int kCallsPerThread = 50;
  EXPECT_EQ(CallFromThreads(calls, kThreads, kCallsPerThread), 0);
  const std::vector<std::vector<int>> batches = query.batches();
  size_t calls_seen = 0, largest = 0;
  for (const auto& batch : batches) {
    calls_seen += batch.size();
    largest = std::max(largest, batch.size());
  }
  EXPECT_EQ(calls_seen, size_t{kThreads * kCallsPerThread});  // every call ran exactly once
  EXPECT_LT(batches.size(), size_t{kThreads * kCallsPerThread / 3});
  EXPECT_LE(largest, 8u);  // never above max_batch
  EXPECT_GT(largest, 1u);
  EXPECT_EQ(query.most_in_flight(), 1);  // one batch at a time
}

TEST(CoalescerTest, UpToMaxInFlightBatchesRunAtOnceAndEveryCallIsAnsweredOnce) {
  FakeQuery query(absl::Milliseconds(3));
  Coalescer<int, std::string> calls(
      [&](const std::vector<const int*>& inputs) { return query.Run(inputs); }, 4,
      /*max_in_flight=*/2);
  constexpr int kThreads = 12;
  constexpr int kCallsPerThread = 40;
  EXPECT_EQ(CallFromThreads(calls, kThreads, kCallsPerThread), 0);
  std::vector<int> seen;
  for (const auto& batch : query.batches()) {
    EXPECT_LE(batch.size(), 4u);
    seen.insert(seen.end(), batch.begin(), batch.end());
  }
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen.size(), size_t{kThreads * kCallsPerThread});
  EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end());  // none twice
  EXPECT_EQ(query.most_in_flight(), 2);
}

TEST(CoalescerTest, CallsQueuedDuringABatchRunTogetherInTheNextInArrivalOrder) {
  absl::Notification release_first;
  std::vector<std::vector<int>> batches;
  absl::Mutex mu;
  Coalescer<int, std::string> calls(
      [&](const std::vector<const int*>& inputs) {
        std::vector<int> batch;
        for (const int* input : inputs) batch.push_back(*input);
        {
          absl::MutexLock lock(&mu);
          batches.push_back(batch);
        }
        if (batch == std::vector<int>{1}) release_first.WaitForNotification();
        std::vector<std::string> outputs;
        for (const int* input : inputs) outputs.push_back(absl::StrCat("row-", *input));
        return outputs;
      },
      64);
  std::thread first([&] { EXPECT_EQ(calls.Call(1), "row-1"); });
  auto wait_until = [&](auto done) {
    while (!done()) absl::SleepFor(absl::Milliseconds(1));
  };
  wait_until([&] {
    absl::MutexLock lock(&mu);
    return !batches.empty();  // the first batch is running
  });
  std::vector<std::thread> queued;
  int expected_queue = 0;
  for (int input : {2, 3, 4}) {
    queued.emplace_back([&, input] { EXPECT_EQ(calls.Call(input), absl::StrCat("row-", input)); });
    ++expected_queue;
    wait_until([&] { return calls.QueuedCalls() == expected_queue; });  // arrival order
  }
  release_first.Notify();
  first.join();
  for (std::thread& t : queued) t.join();
  absl::MutexLock lock(&mu);
  EXPECT_EQ(batches, (std::vector<std::vector<int>>{{1}, {2, 3, 4}}));
}

TEST(CoalescerTest, ACallAskedAfterAWriteSeesIt) {
  // A batch reads the "table" when it starts; a call that begins after a
  // write must never get an older value.
  std::atomic<int> version{0};
  Coalescer<int, int> reads(
      [&](const std::vector<const int*>& inputs) {
        const int seen = version.load();
        absl::SleepFor(absl::Microseconds(300));
        return std::vector<int>(inputs.size(), seen);
      },
      64);
  std::atomic<bool> stop{false};
  std::vector<std::thread> noise;
  for (int i = 0; i < 4; ++i) {
    noise.emplace_back([&] {
      while (!stop) (void)reads.Call(7);
    });
  }
  int stale = 0;
  for (int write = 1; write <= 200; ++write) {
    version.store(write);
    if (reads.Call(7) < write) ++stale;
  }
  stop = true;
  for (std::thread& t : noise) t.join();
  EXPECT_EQ(stale, 0);
}

}  // namespace
}  // namespace kam::common
