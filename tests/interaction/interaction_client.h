// Shared set-up for the interaction service's integration tests: one suite
// per test binary with MariaDB, the account service and the interaction
// service as processes; stubs for any interaction gRPC service.
//
// Each test binary's main():
//   return kam::testing::RunTestsOnSuite(argc, argv, kam::testing::InteractionSuiteOptions());
#pragma once

#include <memory>

#include "grpcpp/grpcpp.h"
#include "tests/account/account_client.h"

namespace kam::testing {

inline LocalSuite::Options InteractionSuiteOptions() {
  LocalSuite::Options options;
  options.services = {"account", "interaction"};
  return options;
}

inline std::shared_ptr<grpc::Channel> InteractionChannel() {
  return grpc::CreateChannel(Suite().interaction_address(), grpc::InsecureChannelCredentials());
}

// A stub for one of the interaction service's gRPC services, e.g.
// InteractionStub<kam::interaction::v1::ActivityService>().
template <typename GrpcService>
std::unique_ptr<typename GrpcService::Stub> InteractionStub() {
  return GrpcService::NewStub(InteractionChannel());
}

// One stub for an interaction gRPC service, shared by every test of the
// binary, e.g. InteractionApi<kam::interaction::v1::BillingService>().
template <typename GrpcService>
typename GrpcService::Stub& InteractionApi() {
  static typename GrpcService::Stub* stub = InteractionStub<GrpcService>().release();
  return *stub;
}

}  // namespace kam::testing
