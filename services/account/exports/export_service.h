// kam.account.v1.AccountExportService: the bulk export the scoring service
// reads every account through (a server stream, on one of gRPC's threads;
// see common/server/service_methods.h). account_module.cc serves it.
#pragma once

#include "absl/status/status.h"
#include "common/server/grpc_server.h"
#include "common/server/service_methods.h"
#include "kam/account/v1/account.pb.h"
#include "services/account/exports/export_store.h"

namespace kam::account::exports {

class ExportService final {
 public:
  // `store` outlives the handler.
  explicit ExportService(ExportStore* store) : store_(store) {}

  // Pages of at most page_size accounts in id order, each written as it is
  // read; CANCELLED when the caller stops reading.
  absl::Status ExportAccounts(const common::CallContext& ctx,
                              const v1::ExportAccountsRequest& request,
                              common::ResponseWriter<v1::ExportAccountsResponse>& writer);

 private:
  ExportStore* const store_;
};

}  // namespace kam::account::exports
