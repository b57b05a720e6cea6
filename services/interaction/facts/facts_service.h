// kam.interaction.v1.FactsService: the facts the scoring service rates
// accounts on, streamed in account order (see facts.proto).
#pragma once

#include "common/server/grpc_server.h"
#include "common/server/service_methods.h"
#include "kam/interaction/v1/facts.grpc.pb.h"
#include "services/interaction/facts/facts_store.h"

namespace kam::interaction::facts {

class FactsService final {
 public:
  explicit FactsService(FactsStore* store) : store_(store) {}

  void Register(common::GrpcServer& server);

  absl::Status StreamAccountFacts(const common::CallContext&, const v1::StreamAccountFactsRequest&,
                                  common::ResponseWriter<v1::StreamAccountFactsResponse>&);

 private:
  v1::FactsService::Service service_;
  FactsStore* store_;
};

}  // namespace kam::interaction::facts
