// AccountClient over gRPC: each call with a deadline.
#ifndef KAM_SERVICES_INTERACTION_SHARED_GRPC_ACCOUNT_CLIENT_H_
#define KAM_SERVICES_INTERACTION_SHARED_GRPC_ACCOUNT_CLIENT_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/base/coalescer.h"
#include "common/server/grpc_server.h"
#include "kam/account/v1/account.grpc.pb.h"
#include "services/interaction/shared/account_client.h"

namespace kam::interaction {

class GrpcAccountClient final : public AccountClient {
 public:
  GrpcAccountClient(const std::string& address, absl::Duration deadline);

  // `caller` (may be null) is forwarded as x-kam-actor / x-request-id.
  // Concurrent GetAccount calls share one BatchGetAccounts call
  // (common/base/coalescer.h), which forwards the first caller's identity.
  absl::StatusOr<account::v1::Account> GetAccount(const std::string& name,
                                                  const common::CallContext* caller) override;
  absl::StatusOr<account::v1::Contact> GetContact(const std::string& name,
                                                  const common::CallContext* caller) override;
  // At most 1000 names; NOT_FOUND if any is missing.
  absl::StatusOr<std::vector<account::v1::Account>> BatchGetAccounts(
      const std::vector<std::string>& names, const common::CallContext* caller) override;
  // One page of ListAccounts (filter as in account.proto).
  absl::StatusOr<account::v1::ListAccountsResponse> ListAccounts(
      const account::v1::ListAccountsRequest& request, const common::CallContext* caller) override;

 private:
  struct AccountRead {
    const std::string* name;
    const common::CallContext* caller;
  };
  using ReadResult = absl::StatusOr<account::v1::Account>;
  absl::StatusOr<account::v1::Account> GetOneAccount(const std::string& name,
                                                     const common::CallContext* caller);
  std::vector<ReadResult> ReadBatch(const std::vector<const AccountRead*>& reads);

  std::unique_ptr<account::v1::AccountService::Stub> stub_;
  const absl::Duration deadline_;
  common::Coalescer<AccountRead, ReadResult> account_reads_;
};

}  // namespace kam::interaction

#endif  // KAM_SERVICES_INTERACTION_SHARED_GRPC_ACCOUNT_CLIENT_H_
