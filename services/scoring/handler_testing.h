// For the handler unit tests (<area>/<area>_service_test.cc): a handler's
// answer as one value. Test-only: nothing in the service includes it.
#pragma once

#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "common/base/status_macros.h"
#include "common/server/grpc_server.h"

namespace kam::scoring {

// What `(service.*method)(request)` answers for a caller named `actor` (as
// the x-kam-actor metadata names it): the response, or the error.
template <typename Service, typename Request, typename Response>
absl::StatusOr<Response> Answer(Service& service,
                                absl::Status (Service::*method)(const common::CallContext&,
                                                                const Request&, Response*),
                                const Request& request, std::string actor = "tester") {
  const common::CallContext caller{nullptr, std::move(actor), ""};
  Response response;
  KAM_RETURN_IF_ERROR((service.*method)(caller, request, &response));
  return response;
}

}  // namespace kam::scoring
