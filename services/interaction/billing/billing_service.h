// kam.interaction.v1.BillingService: the gRPC handlers of the billing area.
// Each handler checks its request, asks the account service where the
// write needs the account (before any transaction), applies the pure rules
// (billing_fields, credit_check, payment_allocation, receivables_aging,
// collection_stats) and the store's steps, and returns an absl::Status
// that common/grpc_server turns into the gRPC status.
//
// billing_service.cc holds orders and invoices, billing_service_payments.cc
// payments, billing_service_reports.cc the figures.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/api/idempotency.h"
#include "common/api/resource_name.h"
#include "common/base/status_macros.h"
#include "common/server/grpc_server.h"
#include "kam/interaction/v1/billing.grpc.pb.h"
#include "services/interaction/billing/billing_fields.h"
#include "services/interaction/billing/billing_store.h"
#include "services/interaction/shared/create_retry.h"
#include "services/interaction/shared/handlers.h"
#include "services/interaction/shared/names.h"
#include "services/interaction/shared/narrowing.h"

namespace kam::interaction::billing {

// What the creates of one kind of row share (common/api/idempotency.h):
// how to find the row a request id made, outside a transaction and in one,
// and the resource in the row.
template <typename Row, typename Resource>
struct CreateKind {
  FoundByRequest<Row> (BillingStore::*find)(const std::string& request_id);
  absl::StatusOr<bool> (BillingTx::*used)(const std::string& request_id);
  Resource Row::*resource;
};

class BillingService final : public Handlers<BillingStore> {
 public:
  // `store`, `accounts` and `figures` outlive the service.
  BillingService(BillingStore* store, AccountClient* accounts, BillingFigures* figures)
      : Handlers(store, accounts), figures_(figures) {}

  // Registers the service and every method with `server` (before Start).
  void Register(common::GrpcServer& server);

  absl::Status CreateOrder(const Ctx&, const v1::CreateOrderRequest&, v1::Order*);
  absl::Status GetOrder(const Ctx&, const v1::GetOrderRequest&, v1::Order*);
  absl::Status ListOrders(const Ctx&, const v1::ListOrdersRequest&, v1::ListOrdersResponse*);
  absl::Status UpdateOrder(const Ctx&, const v1::UpdateOrderRequest&, v1::Order*);
  absl::Status CancelOrder(const Ctx&, const v1::CancelOrderRequest&, v1::Order*);

  absl::Status CreateInvoice(const Ctx&, const v1::CreateInvoiceRequest&, v1::Invoice*);
  absl::Status GetInvoice(const Ctx&, const v1::GetInvoiceRequest&, v1::Invoice*);
  absl::Status ListInvoices(const Ctx&, const v1::ListInvoicesRequest&, v1::ListInvoicesResponse*);
  absl::Status VoidInvoice(const Ctx&, const v1::VoidInvoiceRequest&, v1::Invoice*);

  absl::Status RecordPayment(const Ctx&, const v1::RecordPaymentRequest&, v1::Payment*);
  absl::Status GetPayment(const Ctx&, const v1::GetPaymentRequest&, v1::Payment*);
  absl::Status ListPayments(const Ctx&, const v1::ListPaymentsRequest&, v1::ListPaymentsResponse*);

  absl::Status GetCreditExposure(const Ctx&, const v1::GetCreditExposureRequest&,
                                 v1::CreditExposure*);
  absl::Status GetReceivablesAging(const Ctx&, const v1::GetReceivablesAgingRequest&,
                                   v1::GetReceivablesAgingResponse*);
  absl::Status GetCollectionStats(const Ctx&, const v1::GetCollectionStatsRequest&,
                                  v1::CollectionStats*);

 private:
  // The account's terms for a write: asks the account service (NOT_FOUND,
  // UNAVAILABLE as it answers), then refuses a deleted account
  // (shared/account_checks.h) or one with no credit currency.
  absl::StatusOr<AccountTerms> TermsForWrite(const Ctx& ctx, int64_t account_id);
  // TermsForWrite's, with the group credit limits over the account
  // (group_limits.h): for a write that adds to its exposure.
  absl::StatusOr<AccountTerms> TermsForCredit(const Ctx& ctx, int64_t account_id);

  // Answers a retried create of `kind` with its first result before
  // anything else is asked (shared/create_retry.h: AnsweredEarlier), even
  // with the account service down or the credit used up since.
  template <typename Row, typename Resource>
  absl::StatusOr<bool> AnsweredEarlier(const common::RequestKey& key,
                                       const CreateKind<Row, Resource>& kind, Resource* response) {
    return interaction::AnsweredEarlier(
        key, [&](const std::string& id) { return (store_->*kind.find)(id); },
        [&](Row& row) { return std::move(row.*kind.resource); }, response);
  }

  // Get<Resource>: the row named `name` ("<collection>/{id}"), NOT_FOUND
  // "<what> <name> not found" when there is none, or when the call is
  // narrowed (shared/narrowing.h) and it is of another's account.
  template <typename Row, typename Resource>
  absl::Status GetRow(const Ctx& ctx, absl::string_view name, absl::string_view collection,
                      absl::string_view what, absl::StatusOr<Row> (BillingStore::*get)(int64_t),
                      Resource Row::*resource, Resource* response);
  // The order `id` to change, as GetRow reads it.
  absl::StatusOr<StoredOrder> OrderToChange(const Ctx& ctx, int64_t id);

  // Writes `row`, a new row of account `account_id`, in one transaction
  // under the account's lock: `insert` writes it unless a call with key.id
  // committed first (a concurrent retry that held the lock while this call
  // waited for it). `*response` is the row written or, when key.id turns out
  // taken, the first call's result (common::AnswerRetry: ALREADY_EXISTS for
  // a different request, ABORTED when it rolled back).
  template <typename Row, typename Resource>
  absl::Status InsertOnce(
      absl::string_view context, const common::RequestKey& key, int64_t account_id,
      const CreateKind<Row, Resource>& kind,
      absl::FunctionRef<absl::StatusOr<common::InsertOutcome>(BillingTx&)> insert, Row& row,
      Resource* response);

  // Changes order `id` of account `account_id` in one transaction under the
  // account's lock: locks it, checks `etag` (ABORTED when stale), lets
  // `change` edit it (its error rolls back), then writes it at its next
  // version into the store and `*response`.
  absl::Status ChangeOrder(absl::string_view context, int64_t account_id, int64_t id,
                           absl::string_view etag,
                           absl::FunctionRef<absl::Status(BillingTx&, StoredOrder&)> change,
                           v1::Order* response);

  v1::BillingService::Service service_;
  BillingFigures* const figures_;
};

// --- templates ----------------------------------------------------------------

template <typename Row, typename Resource>
absl::Status BillingService::GetRow(const Ctx& ctx, absl::string_view name,
                                    absl::string_view collection, absl::string_view what,
                                    absl::StatusOr<Row> (BillingStore::*get)(int64_t),
                                    Resource Row::*resource, Resource* response) {
  KAM_ASSIGN_OR_RETURN(int64_t id, common::ParseId("name", name, collection));
  KAM_ASSIGN_OR_RETURN(Row row, OwnRow(*accounts_, ctx, (store_->*get)(id), what,
                                       common::FormatResourceName({collection}, {id})));
  *response = std::move((row).*resource);
  return absl::OkStatus();
}

template <typename Row, typename Resource>
absl::Status BillingService::InsertOnce(
    absl::string_view context, const common::RequestKey& key, int64_t account_id,
    const CreateKind<Row, Resource>& kind,
    absl::FunctionRef<absl::StatusOr<common::InsertOutcome>(BillingTx&)> insert, Row& row,
    Resource* response) {
  common::InsertOutcome outcome = common::InsertOutcome::kInserted;
  absl::Status status = store_->Transact(context, [&](BillingTx& tx) -> absl::Status {
    KAM_RETURN_IF_ERROR(tx.LockAccount(account_id));
    outcome = common::InsertOutcome::kDuplicateRequest;
    if (!key.id.empty()) {
      KAM_ASSIGN_OR_RETURN(bool taken, (tx.*kind.used)(key.id));
      if (taken) return absl::OkStatus();
    }
    KAM_ASSIGN_OR_RETURN(common::InsertOutcome written, insert(tx));
    outcome = written;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (outcome == common::InsertOutcome::kInserted) {
    *response = std::move(row.*kind.resource);
    return absl::OkStatus();
  }
  KAM_ASSIGN_OR_RETURN(Row first, common::AnswerRetry(key, (store_->*kind.find)(key.id)));
  *response = std::move((first).*kind.resource);
  return absl::OkStatus();
}

}  // namespace kam::interaction::billing
