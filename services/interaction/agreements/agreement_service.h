// kam.interaction.v1.AgreementService: the gRPC handlers of cooperation
// agreements. Each handler checks its request, asks the account service on
// create only (before any transaction), applies the pure rules
// (agreement_rules.h) and the store's steps, and returns an absl::Status
// that common/grpc_server turns into the gRPC status.
#pragma once

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/server/grpc_server.h"
#include "kam/interaction/v1/agreement.grpc.pb.h"
#include "services/interaction/agreements/agreement_store.h"
#include "services/interaction/shared/handlers.h"

namespace kam::interaction::agreements {

class AgreementService final : public Handlers<AgreementStore> {
 public:
  using Handlers::Handlers;

  // Registers the service and every method with `server` (before Start).
  void Register(common::GrpcServer& server);

  absl::Status CreateAgreement(const Ctx&, const v1::CreateAgreementRequest&, v1::Agreement*);
  absl::Status GetAgreement(const Ctx&, const v1::GetAgreementRequest&, v1::Agreement*);
  absl::Status ListAgreements(const Ctx&, const v1::ListAgreementsRequest&,
                              v1::ListAgreementsResponse*);
  absl::Status UpdateAgreement(const Ctx&, const v1::UpdateAgreementRequest&, v1::Agreement*);
  absl::Status TerminateAgreement(const Ctx&, const v1::TerminateAgreementRequest&,
                                  v1::Agreement*);

 private:
  // Changes agreement `id` in one transaction: locks it, checks `etag`
  // (ABORTED when stale), refuses a terminated one (FAILED_PRECONDITION),
  // lets `change` edit it (its error rolls back), then writes it at its
  // next version. Another's, for a narrowed call, answers as a missing one.
  absl::Status ChangeAgreement(const Ctx& ctx, absl::string_view context, int64_t id,
                               absl::string_view etag, absl::Time now,
                               absl::FunctionRef<absl::Status(v1::Agreement&)> change,
                               v1::Agreement* response);

  v1::AgreementService::Service service_;
};

}  // namespace kam::interaction::agreements
