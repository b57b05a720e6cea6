// The grpc_client_* metrics of every call made on a dependency channel
// (common/client/rpc_client.h: DependencyChannel), whichever way it is made:
// CallDependency, an asynchronous batch (async_batcher.h), a server stream.
// A call is counted once however many attempts gRPC's retry policy makes,
// as the caller sees it.
#pragma once

#include <memory>
#include <vector>

#include "grpcpp/support/client_interceptor.h"

namespace kam::common::metrics {

// The interceptors to create a dependency channel with.
std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>>
ClientInterceptors();

}  // namespace kam::common::metrics
