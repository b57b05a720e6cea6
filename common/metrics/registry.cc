#include "common/metrics/registry.h"

#include <utility>

#include "absl/synchronization/mutex.h"
#include "prometheus/text_serializer.h"

namespace kam::common::metrics {
namespace {

class Collected final : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override {
    std::vector<prometheus::MetricFamily> families = registry_->Collect();
    absl::MutexLock lock(&mu_);
    for (const Source& source : sources_) {
      for (prometheus::MetricFamily& family : source()) families.push_back(std::move(family));
    }
    return families;
  }

  void Add(Source source) {
    absl::MutexLock lock(&mu_);
    sources_.push_back(std::move(source));
  }

  prometheus::Registry& registry() { return *registry_; }

 private:
  const std::shared_ptr<prometheus::Registry> registry_ = std::make_shared<prometheus::Registry>();
  mutable absl::Mutex mu_;
  std::vector<Source> sources_ ABSL_GUARDED_BY(mu_);
};

// Never destroyed: metric objects are used by threads that may outlive
// main's locals (detached handlers at an abandoned shutdown).
const std::shared_ptr<Collected>& Process() {
  static const auto* collected = new std::shared_ptr<Collected>(std::make_shared<Collected>());
  return *collected;
}

}  // namespace

prometheus::Registry& Registry() { return Process()->registry(); }

void AddSource(Source source) { Process()->Add(std::move(source)); }

std::shared_ptr<prometheus::Collectable> Everything() { return Process(); }

std::string TextExposition() {
  return prometheus::TextSerializer().Serialize(Process()->Collect());
}

}  // namespace kam::common::metrics
