// The HTTP endpoint Prometheus scrapes: GET /metrics on --metrics_listen
// (host:port; empty: no endpoint), answering everything in registry.h in
// the text format. Plain HTTP without authentication, as scrape targets
// usually are: it serves counts, never data (the NetworkPolicy lets only
// Prometheus reach it, deploy/README.md).
#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace prometheus {
class Exposer;
}  // namespace prometheus

namespace kam::common::metrics {

// OK for "" (off) and for host:port with a port from 0 to 65535 (0: one the
// system picks; MetricsEndpoint::port says which); else INVALID_ARGUMENT
// naming --metrics_listen.
absl::Status CheckMetricsListen(absl::string_view listen);

class MetricsEndpoint {
 public:
  // Listens on `listen` (CheckMetricsListen's form, not empty).
  // UNAVAILABLE when it cannot listen there.
  static absl::StatusOr<std::unique_ptr<MetricsEndpoint>> Start(const std::string& listen);
  ~MetricsEndpoint();

  int port() const { return port_; }

 private:
  MetricsEndpoint(std::unique_ptr<prometheus::Exposer> exposer, int port);
  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_;
};

}  // namespace kam::common::metrics
