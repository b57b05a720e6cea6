// kam_coalesced_batch_size{batch}: how many calls each batch of a coalescer
// (common/base/coalescer.h) or an asynchronous batcher
// (common/client/async_batcher.h) served. Under load the sizes grow and one
// statement or call serves many callers; at 1 nothing is coalesced.
//
// The batch function is wrapped where the coalescer is made:
//   reads_(metrics::ObserveBatchSize("account_reads", [this](const auto& inputs) {...}), ...)
#pragma once

#include <utility>

#include "absl/strings/string_view.h"

namespace prometheus {
class Histogram;
}  // namespace prometheus

namespace kam::common::metrics {

// The histogram of batch `name` (made on first use; buckets 1, 2, 4 ... 256).
prometheus::Histogram& BatchSizes(absl::string_view name);
void ObserveSize(prometheus::Histogram& sizes, size_t size);

// `run` (a coalescer's or batcher's batch function, whose first argument is
// the batch's inputs) recording each batch's size first.
template <typename Run>
auto ObserveBatchSize(absl::string_view name, Run run) {
  return [sizes = &BatchSizes(name), run = std::move(run)](const auto& inputs, auto&&... rest) {
    ObserveSize(*sizes, inputs.size());
    return run(inputs, std::forward<decltype(rest)>(rest)...);
  };
}

}  // namespace kam::common::metrics
