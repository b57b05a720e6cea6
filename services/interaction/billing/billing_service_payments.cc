// BillingService: payments (RecordPayment, GetPayment, ListPayments).
#include <map>
#include <optional>

#include "absl/strings/str_cat.h"
#include "common/api/list_request.h"
#include "common/api/validation.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "services/interaction/billing/billing_service.h"
#include "services/interaction/billing/payment_allocation.h"
#include "services/interaction/shared/list_page.h"

namespace kam::interaction::billing {
namespace {

// Why requested allocation `index` names an invoice that is not among the
// account's OPEN invoices in the payment's currency (`invoice` locked).
absl::Status NotPayable(int index, const StoredInvoice& invoice, int64_t account_id,
                        const std::string& currency_code) {
  const std::string field = absl::StrCat("payment.allocations[", index, "].invoice");
  const v1::Invoice& i = invoice.invoice;
  if (invoice.account_id != account_id) {
    return absl::FailedPreconditionError(absl::StrCat(field, " ", i.name(), " belongs to ",
                                                      i.account(), ", not accounts/", account_id));
  }
  if (i.status() != v1::INVOICE_STATUS_OPEN) {
    return absl::FailedPreconditionError(absl::StrCat(
        field, " ", i.name(), " is ", v1::InvoiceStatus_Name(i.status()), "; it is not open"));
  }
  return absl::FailedPreconditionError(absl::StrCat(
      field, " ", i.name(), " is in ", i.amount().currency_code(), ", not ", currency_code));
}

constexpr CreateKind<StoredPayment, v1::Payment> kPayments{
    &BillingStore::FindPaymentByRequest, &BillingTx::PaymentRequestUsed, &StoredPayment::payment};

}  // namespace

absl::Status BillingService::RecordPayment(const Ctx& ctx, const v1::RecordPaymentRequest& request,
                                           v1::Payment* response) {
  if (!request.has_payment()) return common::InvalidField("payment", "is required");
  const v1::Payment& in = request.payment();
  KAM_ASSIGN_OR_RETURN(const CreateTarget target,
                       ReadCreateTarget(request, "RecordPayment", "payment.account", in.account()));
  KAM_RETURN_IF_ERROR(ValidatePaymentFields(in));
  const absl::Time now = common::NowMicros();
  KAM_ASSIGN_OR_RETURN(
      absl::Time received_time,
      TimeOrNow("payment.received_time", in.has_received_time(), in.received_time(), now));
  absl::StatusOr<bool> answered = AnsweredEarlier(target.key, kPayments, response);
  if (!answered.ok() || *answered) return answered.status();

  KAM_ASSIGN_OR_RETURN(AccountTerms terms, TermsForWrite(ctx, target.account_id));
  const std::string& currency = terms.currency_code;
  KAM_RETURN_IF_ERROR(CheckCurrency("payment.amount", in.amount(), currency));
  KAM_ASSIGN_OR_RETURN(const int64_t id, store_->NewPaymentId());
  const std::vector<Allocation> requested = RequestedAllocations(in);

  StoredPayment row;
  row.id = id;
  row.account_id = target.account_id;
  v1::Payment& p = row.payment;
  p.set_name(absl::StrCat("payments/", row.id));
  p.set_account(AccountName(row.account_id));
  *p.mutable_amount() = in.amount();
  *p.mutable_received_time() = common::ToProtoTimestamp(received_time);
  p.set_reference(in.reference());
  p.set_actor(ctx.actor);
  *p.mutable_create_time() = common::ToProtoTimestamp(now);

  auto insert = [&](BillingTx& tx) -> absl::StatusOr<common::InsertOutcome> {
    p.clear_allocations();
    KAM_ASSIGN_OR_RETURN(std::vector<StoredInvoice> locked,
                         tx.LockOpenInvoices(row.account_id, currency));
    std::map<int64_t, StoredInvoice> open;
    std::vector<OpenBalance> balances;
    for (StoredInvoice& invoice : locked) {
      const v1::Invoice& i = invoice.invoice;
      balances.push_back(OpenBalance{
          invoice.id, i.amount().minor_units() - i.paid_amount().minor_units(),
          common::FromProtoTimestamp(i.due_time()), common::FromProtoTimestamp(i.issue_time())});
      open.emplace(invoice.id, std::move(invoice));
    }
    std::vector<Allocation> allocations;
    if (requested.empty()) {
      KAM_ASSIGN_OR_RETURN(std::vector<Allocation> chosen,
                           AllocateOldestDueFirst(in.amount().minor_units(), balances));
      allocations = std::move(chosen);
    } else {
      for (size_t n = 0; n < requested.size(); ++n) {
        if (open.count(requested[n].invoice_id) > 0) continue;
        absl::StatusOr<StoredInvoice> invoice = tx.LockInvoice(requested[n].invoice_id);
        if (!invoice.ok()) {
          return absl::NotFoundError(absl::StrCat("payment.allocations[", n, "].invoice invoices/",
                                                  requested[n].invoice_id, " not found"));
        }
        return NotPayable(static_cast<int>(n), *invoice, row.account_id, currency);
      }
      KAM_RETURN_IF_ERROR(CheckAllocationsAgainstBalances(requested, balances));
      allocations = requested;
    }
    for (const Allocation& a : allocations) {
      v1::PaymentAllocation* out = p.add_allocations();
      out->set_invoice(absl::StrCat("invoices/", a.invoice_id));
      *out->mutable_amount() = MoneyOf(currency, a.amount);
    }
    absl::StatusOr<common::InsertOutcome> outcome = tx.InsertPayment(row, target.key);
    if (!outcome.ok() || *outcome == common::InsertOutcome::kDuplicateRequest) return outcome;
    for (const Allocation& a : allocations) {
      const StoredInvoice& invoice = open.at(a.invoice_id);
      const int64_t paid = invoice.invoice.paid_amount().minor_units() + a.amount;
      KAM_RETURN_IF_ERROR(tx.ApplyPaymentToInvoice(a.invoice_id, paid,
                                                   paid == invoice.invoice.amount().minor_units(),
                                                   invoice.version + 1, now));
    }
    return outcome;
  };
  return InsertOnce("recording payment", target.key, row.account_id, kPayments, insert, row,
                    response);
}

absl::Status BillingService::GetPayment(const Ctx& ctx, const v1::GetPaymentRequest& request,
                                        v1::Payment* response) {
  return GetRow(ctx, request.name(), "payments", "payment", &BillingStore::GetPayment,
                &StoredPayment::payment, response);
}

absl::Status BillingService::ListPayments(const Ctx& ctx, const v1::ListPaymentsRequest& request,
                                          v1::ListPaymentsResponse* response) {
  KAM_ASSIGN_OR_RETURN(
      std::optional<common::ListRequest> list,
      ReadNarrowedList(*accounts_, ctx, request, "ListPayments", request.filter()));
  if (!list.has_value()) return absl::OkStatus();
  return AnswerPage(
      *list, store_->ListPayments(list->filter, list->cursor, list->limit), response,
      [&](StoredPayment& row) { *response->add_payments() = std::move(row.payment); });
}

}  // namespace kam::interaction::billing
