// kam.account.v1.AccountExportService: the bulk export the scoring service
// reads every account through (a server stream, on gRPC's sync threads via
// common::GrpcServer::RunSync).
#ifndef KAM_SERVICES_ACCOUNT_ACCOUNT_EXPORT_SERVICE_H_
#define KAM_SERVICES_ACCOUNT_ACCOUNT_EXPORT_SERVICE_H_

#include "common/grpc_server.h"
#include "kam/account/v1/account.grpc.pb.h"
#include "services/account/account_store.h"

namespace kam::account {

class AccountExportService final : public v1::AccountExportService::Service {
 public:
  AccountExportService(AccountStore* store, common::GrpcServer* server)
      : store_(store), server_(server) {}

  grpc::Status ExportAccounts(grpc::ServerContext* context,
                              const v1::ExportAccountsRequest* request,
                              grpc::ServerWriter<v1::ExportAccountsResponse>* writer) override;

 private:
  AccountStore* store_;
  common::GrpcServer* server_;
};

}  // namespace kam::account

#endif  // KAM_SERVICES_ACCOUNT_ACCOUNT_EXPORT_SERVICE_H_
