// Coalesces concurrent calls into batches, the way group commit coalesces
// commits.
//
// A call that finds fewer than `max_in_flight` batches running runs at once,
// alone: at low load nothing waits. While that many batches run, later calls
// queue up; when one returns, the oldest queued call leads the next batch
// with every queued input (up to max_batch) and hands each caller its own
// output. More than one batch in flight lets the database overlap them (two
// commits share one log flush; a query runs while the other core serves
// calls). Under load one round trip
// and one statement serve many calls, which is most of what a point read or
// a single-row insert costs (measured: README, "Performance").
//
// A call only joins a batch that has not started yet, so a read sees every
// write committed before it was asked for (read-your-writes holds).
//
// Deadlines (call_scope.h): a batch runs under the latest deadline of its
// callers, so it is abandoned only when all of them have gone; a queued call
// whose own deadline passed before its batch started is answered
// DEADLINE_EXCEEDED and left out (when Output can hold a status).
#pragma once

#include <algorithm>
#include <deque>
#include <functional>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/base/call_scope.h"

namespace kam::common {

template <typename Input, typename Output>
class Coalescer {
 public:
  // Runs one batch: returns one output per input, in the same order.
  using RunBatch = std::function<std::vector<Output>(const std::vector<const Input*>& inputs)>;

  Coalescer(RunBatch run, int max_batch, int max_in_flight = 1)
      : run_(std::move(run)), max_batch_(max_batch), max_in_flight_(max_in_flight) {}

  Output Call(const Input& input) {
    Waiter self;
    self.input = &input;
    self.deadline = CallScope::Deadline();
    absl::MutexLock lock(&mu_);
    queue_.push_back(&self);
    if (leaders_ < max_in_flight_) {
      ++leaders_;
      self.lead = true;
    }
    mu_.Await(absl::Condition(
        +[](Waiter* w) { return w->output.has_value() || w->lead; }, &self));
    if (self.output.has_value()) return *std::move(self.output);

    // This call leads the next batch: itself, then the queued calls that
    // are not leaders of their own, oldest first, up to max_batch.
    queue_.erase(std::find(queue_.begin(), queue_.end(), &self));
    std::vector<Waiter*> batch = {&self};
    std::vector<const Input*> inputs = {self.input};
    absl::Time batch_deadline = self.deadline;
    const absl::Time now = absl::Now();
    for (auto it = queue_.begin();
         it != queue_.end() && static_cast<int>(batch.size()) < max_batch_;) {
      if ((*it)->lead) {
        ++it;
        continue;
      }
      if constexpr (std::is_constructible_v<Output, absl::Status>) {
        if ((*it)->deadline <= now) {
          (*it)->output.emplace(CallScope::CallerWaiting("the call"));
          it = queue_.erase(it);
          continue;
        }
      }
      batch_deadline = std::max(batch_deadline, (*it)->deadline);
      batch.push_back(*it);
      inputs.push_back((*it)->input);
      it = queue_.erase(it);
    }
    mu_.Unlock();
    std::vector<Output> outputs;
    {
      CallScope scope(batch_deadline);
      outputs = run_(inputs);
    }
    mu_.Lock();
    for (size_t i = 0; i < batch.size(); ++i) batch[i]->output = std::move(outputs[i]);
    // Hand the lead to the oldest waiting call without one, or stand down.
    Waiter* next = nullptr;
    for (Waiter* w : queue_) {
      if (!w->lead) {
        next = w;
        break;
      }
    }
    if (next == nullptr) {
      --leaders_;
    } else {
      next->lead = true;
    }
    return *std::move(self.output);
  }

  // Calls waiting for a batch (not counting running batches); for metrics
  // and tests.
  int QueuedCalls() {
    absl::MutexLock lock(&mu_);
    return static_cast<int>(queue_.size());
  }

 private:
  struct Waiter {
    const Input* input = nullptr;
    absl::Time deadline;  // the caller's (CallScope::Deadline)
    bool lead = false;
    std::optional<Output> output;
  };

  const RunBatch run_;
  const int max_batch_;
  const int max_in_flight_;
  absl::Mutex mu_;
  std::deque<Waiter*> queue_ ABSL_GUARDED_BY(mu_);
  int leaders_ ABSL_GUARDED_BY(mu_) = 0;  // leaders running or chosen
};

}  // namespace kam::common
