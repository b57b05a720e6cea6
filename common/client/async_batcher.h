// Batches look-ups made without waiting: the asynchronous sibling of
// base/coalescer.h, for calls to other services made ahead of a handler
// (server/prefetch.h) by a thread that must not block.
//
// Add() queues an input with a callback and returns at once. While fewer
// than `lanes` batches are out, a batch is sent at once with everything
// queued (up to `max_batch`); when one comes back, each callback gets its
// own output and the lane sends what has queued meanwhile. So at low load
// a look-up goes alone and at once, and under load one call to the other
// service answers many.
//
// RunBatch starts a batch and must call its `finish` exactly once, from any
// thread, with one output per input in order; callbacks run on that thread
// and must not block.
#pragma once

#include <algorithm>
#include <deque>
#include <functional>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace kam::common {

template <typename Input, typename Output>
class AsyncBatcher {
 public:
  using Finish = std::function<void(std::vector<Output>)>;
  using RunBatch = std::function<void(const std::vector<Input>& inputs, Finish finish)>;
  using Done = std::function<void(Output)>;

  AsyncBatcher(RunBatch run, int max_batch, int lanes)
      : run_(std::move(run)), max_batch_(std::max(1, max_batch)), lanes_(std::max(1, lanes)) {}

  void Add(Input input, Done done) {
    Batch batch;
    {
      absl::MutexLock lock(&mu_);
      queue_.push_back(Item{std::move(input), std::move(done)});
      if (lanes_busy_ == lanes_) return;  // a lane coming back takes it
      ++lanes_busy_;
      batch = TakeBatch();
    }
    Send(std::move(batch));
  }

 private:
  struct Item {
    Input input;
    Done done;
  };
  struct Batch {
    std::vector<Input> inputs;
    std::vector<Done> dones;
  };

  Batch TakeBatch() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    Batch batch;
    while (!queue_.empty() && static_cast<int>(batch.inputs.size()) < max_batch_) {
      batch.inputs.push_back(std::move(queue_.front().input));
      batch.dones.push_back(std::move(queue_.front().done));
      queue_.pop_front();
    }
    return batch;
  }

  void Send(Batch batch) {
    // Copied out first: `finish` may run before run_ returns.
    const std::vector<Input> inputs = std::move(batch.inputs);
    run_(inputs, [this, dones = std::move(batch.dones)](std::vector<Output> outputs) {
      for (size_t i = 0; i < dones.size(); ++i) dones[i](std::move(outputs[i]));
      Batch next;
      {
        absl::MutexLock lock(&mu_);
        if (queue_.empty()) {
          --lanes_busy_;
          return;
        }
        next = TakeBatch();
      }
      Send(std::move(next));
    });
  }

  const RunBatch run_;
  const int max_batch_;
  const int lanes_;
  absl::Mutex mu_;
  std::deque<Item> queue_ ABSL_GUARDED_BY(mu_);
  int lanes_busy_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace kam::common
