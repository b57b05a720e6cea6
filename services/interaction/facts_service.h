// kam.interaction.v1.FactsService: the facts the scoring service rates
// accounts on, streamed in account order (see facts.proto).
#ifndef KAM_SERVICES_INTERACTION_FACTS_SERVICE_H_
#define KAM_SERVICES_INTERACTION_FACTS_SERVICE_H_

#include "common/grpc_server.h"
#include "kam/interaction/v1/facts.grpc.pb.h"
#include "services/interaction/facts_store.h"

namespace kam::interaction::facts {

class FactsService final : public v1::FactsService::Service {
 public:
  FactsService(FactsStore* store, common::GrpcServer* server) : store_(store), server_(server) {}

  grpc::Status StreamAccountFacts(
      grpc::ServerContext* context, const v1::StreamAccountFactsRequest* request,
      grpc::ServerWriter<v1::StreamAccountFactsResponse>* writer) override;

 private:
  FactsStore* store_;
  common::GrpcServer* server_;
};

}  // namespace kam::interaction::facts

#endif  // KAM_SERVICES_INTERACTION_FACTS_SERVICE_H_
