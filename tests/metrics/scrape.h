// Scraping a service's /metrics as Prometheus does: a plain HTTP GET on
// loopback, the text format parsed into one value per series.
#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"

namespace kam::testing {

// Series as the text format writes them, labels in the order written
// (prometheus-cpp sorts them by name), e.g.
//   grpc_server_handled_total{grpc_code="OK",grpc_method="GetAccount",...}
using Series = std::map<std::string, double>;

// GET http://127.0.0.1:<port><path>: the body of a 200 answer, else an error
// with the status line.
absl::StatusOr<std::string> HttpGet(int port, const std::string& path);

// The samples of a text exposition (comments and blank lines skipped).
Series ParseExposition(const std::string& text);

// HttpGet(port, "/metrics"), parsed.
absl::StatusOr<Series> Scrape(int port);

}  // namespace kam::testing
