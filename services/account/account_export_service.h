// kam.account.v1.AccountExportService: the bulk export the scoring service
// reads every account through (a server stream, on one of gRPC's threads;
// see common/server/service_methods.h).
#ifndef KAM_SERVICES_ACCOUNT_ACCOUNT_EXPORT_SERVICE_H_
#define KAM_SERVICES_ACCOUNT_ACCOUNT_EXPORT_SERVICE_H_

#include "common/server/grpc_server.h"
#include "common/server/service_methods.h"
#include "kam/account/v1/account.grpc.pb.h"
#include "services/account/account_store.h"

namespace kam::account {

class AccountExportService final {
 public:
  explicit AccountExportService(AccountStore* store) : store_(store) {}

  void Register(common::GrpcServer& server);

  absl::Status ExportAccounts(const common::CallContext&, const v1::ExportAccountsRequest& request,
                              common::ResponseWriter<v1::ExportAccountsResponse>& writer);

 private:
  v1::AccountExportService::Service service_;
  AccountStore* store_;
};

}  // namespace kam::account

#endif  // KAM_SERVICES_ACCOUNT_ACCOUNT_EXPORT_SERVICE_H_
