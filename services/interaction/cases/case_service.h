// kam.interaction.v1.ServiceCaseService: the gRPC handlers of service cases,
// SLA policies, the routing table and the on-demand sweep. Each handler
// checks its request, asks the account service where a write references an
// account or a contact (before any transaction), applies the pure rules
// (case_rules, case_sla_clock, case_sla_policy) and the store's steps, and
// returns an absl::Status that common/grpc_server turns into the gRPC status.
// case_service.cc holds the case handlers, case_service_settings.cc those of
// SLA policies, routes and the sweep.
//
// Which writes ask the account service: CreateCase (the account, its tier
// and the contact) and UpdateCase when it sets a contact. Status changes,
// escalations, first responses and the sweeper work on the case alone, so a
// case can be worked and escalated while the account service is down.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/server/grpc_server.h"
#include "kam/interaction/v1/service_case.grpc.pb.h"
#include "services/interaction/cases/case_sla_sweeper.h"
#include "services/interaction/cases/case_store.h"
#include "services/interaction/shared/handlers.h"

namespace kam::interaction::cases {

class CaseService final : public Handlers<CaseStore> {
 public:
  // The store, the account client and the sweeper must outlive the service.
  CaseService(CaseStore* store, AccountClient* accounts, SlaSweeper* sweeper)
      : Handlers(store, accounts), sweeper_(sweeper) {}

  // Registers the service and every method with `server` (before Start).
  void Register(common::GrpcServer& server);

  // Cases. Writes of one case check its etag (ABORTED when stale) and add to
  // its audit trail in the same transaction; NOT_FOUND for a missing case.
  absl::Status CreateCase(const Ctx&, const v1::CreateCaseRequest&, v1::Case*);
  absl::Status GetCase(const Ctx&, const v1::GetCaseRequest&, v1::Case*);
  absl::Status ListCases(const Ctx&, const v1::ListCasesRequest&, v1::ListCasesResponse*);
  absl::Status UpdateCase(const Ctx&, const v1::UpdateCaseRequest&, v1::Case*);
  // FAILED_PRECONDITION for a move the status machine (case_rules.h) refuses.
  absl::Status ChangeCaseStatus(const Ctx&, const v1::ChangeCaseStatusRequest&, v1::Case*);
  absl::Status RecordFirstResponse(const Ctx&, const v1::RecordFirstResponseRequest&, v1::Case*);
  absl::Status EscalateCase(const Ctx&, const v1::EscalateCaseRequest&, v1::Case*);
  absl::Status ListCaseEvents(const Ctx&, const v1::ListCaseEventsRequest&,
                              v1::ListCaseEventsResponse*);

  // SLA policies: a change checks the etag and records a history row.
  absl::Status GetSlaPolicy(const Ctx&, const v1::GetSlaPolicyRequest&, v1::SlaPolicy*);
  absl::Status ListSlaPolicies(const Ctx&, const v1::ListSlaPoliciesRequest&,
                               v1::ListSlaPoliciesResponse*);
  absl::Status UpdateSlaPolicy(const Ctx&, const v1::UpdateSlaPolicyRequest&, v1::SlaPolicy*);
  absl::Status ListSlaPolicyChanges(const Ctx&, const v1::ListSlaPolicyChangesRequest&,
                                    v1::ListSlaPolicyChangesResponse*);

  // The routing table (where new cases of each type start).
  absl::Status ListCaseRoutes(const Ctx&, const v1::ListCaseRoutesRequest&,
                              v1::ListCaseRoutesResponse*);
  absl::Status UpdateCaseRoute(const Ctx&, const v1::UpdateCaseRouteRequest&, v1::CaseRoute*);

  // One sweep of SLA breaches now (SlaSweeper::SweepOnce).
  absl::Status RunSlaSweep(const Ctx&, const v1::RunSlaSweepRequest&, v1::RunSlaSweepResponse*);

 private:
  // Runs `change` on the locked case `name` after the etag check, then
  // records its events, bumps the version and writes it: the frame shared by
  // the case's write methods.
  // The case `id` as the store reads it; NOT_FOUND as for a missing one
  // when the call is narrowed (shared/narrowing.h) and it is another's.
  absl::StatusOr<StoredCase> ReadCase(const Ctx& ctx, int64_t id);

  absl::Status ChangeCase(
      const Ctx& ctx, absl::string_view name_field, const std::string& name,
      const std::string& etag, absl::string_view context,
      const std::function<absl::Status(CaseTx&, StoredCase&, absl::Time now,
                                       std::vector<v1::CaseEvent>& events)>& change,
      v1::Case* response);

  v1::ServiceCaseService::Service service_;
  SlaSweeper* const sweeper_;
};

}  // namespace kam::interaction::cases
