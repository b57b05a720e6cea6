#include "common/metrics/batch_sizes.h"

#include <string>

#include "common/metrics/registry.h"
#include "prometheus/histogram.h"

namespace kam::common::metrics {

prometheus::Histogram& BatchSizes(absl::string_view name) {
  static auto* family = &prometheus::BuildHistogram()
                             .Name("kam_coalesced_batch_size")
                             .Help(
                                 "Calls served by one batch of a coalescer (one statement or "
                                 "one call to another service), by batch.")
                             .Register(Registry());
  return family->Add({{"batch", std::string(name)}},
                     prometheus::Histogram::BucketBoundaries{1, 2, 4, 8, 16, 32, 64, 128, 256});
}

void ObserveSize(prometheus::Histogram& sizes, size_t size) {
  sizes.Observe(static_cast<double>(size));
}

}  // namespace kam::common::metrics
