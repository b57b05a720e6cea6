// kam.interaction.v1.BillingService: the gRPC handlers of the billing area.
// Each handler checks its request, asks the account service where the
// write needs the account (before any transaction), applies the pure rules
// (billing_fields, credit_check, payment_allocation, receivables_aging,
// collection_stats) and the store's steps, and returns an absl::Status that
// common/grpc_server turns into the gRPC status.
//
// Everything of the billing area lives in kam::interaction::billing: the five
// areas share one library, and the sub-namespace keeps their helper names
// (request hashes, cursors, field checks) from colliding.
#ifndef KAM_SERVICES_INTERACTION_BILLING_BILLING_SERVICE_H_
#define KAM_SERVICES_INTERACTION_BILLING_BILLING_SERVICE_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/server/grpc_server.h"
#include "kam/interaction/v1/billing.grpc.pb.h"
#include "services/interaction/shared/account_client.h"
#include "services/interaction/billing/billing_fields.h"
#include "services/interaction/billing/billing_store.h"

namespace kam::interaction::billing {

class BillingService final {
 public:
  BillingService(BillingStore* store, AccountClient* accounts)
      : store_(store), accounts_(accounts) {}

  // Registers the service and every method with `server` (before Start).
  void Register(common::GrpcServer& server);

  using Ctx = common::CallContext;
  absl::Status CreateOrder(const Ctx&, const v1::CreateOrderRequest&, v1::Order*);
  absl::Status GetOrder(const Ctx&, const v1::GetOrderRequest&, v1::Order*);
  absl::Status ListOrders(const Ctx&, const v1::ListOrdersRequest&, v1::ListOrdersResponse*);
  absl::Status UpdateOrder(const Ctx&, const v1::UpdateOrderRequest&, v1::Order*);
  absl::Status CancelOrder(const Ctx&, const v1::CancelOrderRequest&, v1::Order*);

  absl::Status CreateInvoice(const Ctx&, const v1::CreateInvoiceRequest&, v1::Invoice*);
  absl::Status GetInvoice(const Ctx&, const v1::GetInvoiceRequest&, v1::Invoice*);
  absl::Status ListInvoices(const Ctx&, const v1::ListInvoicesRequest&,
                            v1::ListInvoicesResponse*);
  absl::Status VoidInvoice(const Ctx&, const v1::VoidInvoiceRequest&, v1::Invoice*);

  absl::Status RecordPayment(const Ctx&, const v1::RecordPaymentRequest&, v1::Payment*);
  absl::Status GetPayment(const Ctx&, const v1::GetPaymentRequest&, v1::Payment*);
  absl::Status ListPayments(const Ctx&, const v1::ListPaymentsRequest&,
                            v1::ListPaymentsResponse*);

  absl::Status GetCreditExposure(const Ctx&, const v1::GetCreditExposureRequest&,
                                 v1::CreditExposure*);
  absl::Status GetReceivablesAging(const Ctx&, const v1::GetReceivablesAgingRequest&,
                                   v1::GetReceivablesAgingResponse*);
  absl::Status GetCollectionStats(const Ctx&, const v1::GetCollectionStatsRequest&,
                                  v1::CollectionStats*);

 private:
  // The account's terms for a write: asks the account service (NOT_FOUND,
  // UNAVAILABLE as it answers), then refuses a deleted account or one with
  // no credit currency.
  absl::StatusOr<AccountTerms> TermsForWrite(const Ctx& ctx, int64_t account_id);

  v1::BillingService::Service service_;
  BillingStore* store_;
  AccountClient* accounts_;
};

}  // namespace kam::interaction::billing

#endif  // KAM_SERVICES_INTERACTION_BILLING_BILLING_SERVICE_H_
