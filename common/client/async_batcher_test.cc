// AsyncBatcher: look-ups go alone while a lane is free, queue while every
// lane is out, and leave together when one comes back; each caller gets its
// own output.
#include "common/client/async_batcher.h"

#include <functional>
#include <vector>

#include "gtest/gtest.h"

namespace kam::common {
namespace {

// Batches that stay out until the test finishes them; outputs are inputs x 10.
class HeldBatches {
 public:
  using Batcher = AsyncBatcher<int, int>;

  Batcher::RunBatch Runner() {
    return [this](const std::vector<int>& inputs, Batcher::Finish finish) {
      sent.push_back(inputs);
      finishes.push_back(std::move(finish));
    };
  }

  // Finishes batch `i` (in the order they were sent).
  void Finish(size_t i) {
    std::vector<int> outputs;
    for (int input : sent[i]) outputs.push_back(input * 10);
    finishes[i](outputs);
  }

  std::vector<std::vector<int>> sent;
  std::vector<Batcher::Finish> finishes;
};

TEST(AsyncBatcherTest, QueuesWhileEveryLaneIsOutAndSendsTheQueueWhenOneComesBack) {
  HeldBatches held;
  HeldBatches::Batcher batcher(held.Runner(), /*max_batch=*/3, /*lanes=*/2);
  std::vector<int> got;
  auto record = [&](int output) { got.push_back(output); };
  for (int input = 1; input <= 6; ++input) batcher.Add(input, record);

  // Two lanes: 1 and 2 went alone; 3..6 wait.
  ASSERT_EQ(held.sent.size(), 2u);
  EXPECT_EQ(held.sent[0], std::vector<int>({1}));
  EXPECT_EQ(held.sent[1], std::vector<int>({2}));

  // The first lane comes back: its caller is answered and the lane takes
  // the queue, up to max_batch.
  held.Finish(0);
  EXPECT_EQ(got, std::vector<int>({10}));
  ASSERT_EQ(held.sent.size(), 3u);
  EXPECT_EQ(held.sent[2], std::vector<int>({3, 4, 5}));

  held.Finish(2);
  ASSERT_EQ(held.sent.size(), 4u);
  EXPECT_EQ(held.sent[3], std::vector<int>({6}));
  held.Finish(1);
  held.Finish(3);
  EXPECT_EQ(got, std::vector<int>({10, 30, 40, 50, 20, 60}));

  // Both lanes are free again: the next look-up goes at once, alone.
  batcher.Add(7, record);
  ASSERT_EQ(held.sent.size(), 5u);
  EXPECT_EQ(held.sent[4], std::vector<int>({7}));
}

TEST(AsyncBatcherTest, ABatchFinishedWhileItIsSentFreesItsLane) {
  std::vector<std::vector<int>> sent;
  AsyncBatcher<int, int> batcher(
      [&](const std::vector<int>& inputs, AsyncBatcher<int, int>::Finish finish) {
        sent.push_back(inputs);
        finish(std::vector<int>(inputs.size(), 0));  // answered at once
      },
      /*max_batch=*/8, /*lanes=*/1);
  int answered = 0;
  for (int i = 0; i < 3; ++i) batcher.Add(i, [&](int) { ++answered; });
  EXPECT_EQ(answered, 3);
  EXPECT_EQ(sent.size(), 3u) << "each went alone: the lane was free each time";
}

}  // namespace
}  // namespace kam::common
