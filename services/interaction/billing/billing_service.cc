// BillingService: registration, orders (CreateOrder, GetOrder, ListOrders,
// UpdateOrder, CancelOrder) and invoices (CreateInvoice, GetInvoice,
// ListInvoices, VoidInvoice).
#include "services/interaction/billing/billing_service.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "common/api/field_mask.h"
#include "common/api/list_request.h"
#include "common/api/validation.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "common/server/service_methods.h"
#include "services/interaction/billing/credit_check.h"
#include "services/interaction/billing/group_limits.h"
#include "services/interaction/billing/receivables_aging.h"
#include "services/interaction/credit_hold/hold_check.h"
#include "services/interaction/shared/account_checks.h"
#include "services/interaction/shared/list_page.h"

namespace kam::interaction::billing {
namespace {

const std::string& OrderStatusName(v1::OrderStatus status) { return v1::OrderStatus_Name(status); }

// The credit check of a write that adds `amount` to the account's exposure,
// on the open totals read under the account's lock, then each group credit
// limit over it (terms.groups, nearest first) under the group's lock.
absl::Status CheckCreditInTx(BillingTx& tx, int64_t account_id, const AccountTerms& terms,
                             absl::string_view what, int64_t amount) {
  KAM_ASSIGN_OR_RETURN(std::vector<OpenTotals> totals, tx.OpenTotalsOf(account_id));
  const std::string account = AccountName(account_id);
  KAM_RETURN_IF_ERROR(
      CheckCredit(account, what, terms.currency_code, terms.credit_limit, totals, amount));
  for (const GroupLimit& group : terms.groups) {
    KAM_RETURN_IF_ERROR(tx.LockGroup(group.group_id));
    KAM_ASSIGN_OR_RETURN(std::vector<OpenTotals> group_totals,
                         tx.OpenTotalsOfAccounts(group.member_ids));
    KAM_RETURN_IF_ERROR(
        CheckGroupCredit(group, account, what, terms.currency_code, group_totals, amount));
  }
  return absl::OkStatus();
}

// Writes a changed order at its next version (update time and etag with it).
absl::Status WriteOrderAt(BillingTx& tx, StoredOrder& row, absl::Time now) {
  common::StampWrite(&row.version, &row.order, now);
  return tx.WriteOrder(row);
}

// FAILED_PRECONDITION unless order `o` can be invoiced now: OPEN, and in
// the account's credit currency `currency_code`.
absl::Status CheckInvoiceable(const v1::Order& o, const std::string& currency_code) {
  if (o.status() == v1::ORDER_STATUS_INVOICED) {
    return absl::FailedPreconditionError(
        absl::StrCat("order ", o.name(), " is already invoiced (", o.invoice(), ")"));
  }
  if (o.status() != v1::ORDER_STATUS_OPEN) {
    return absl::FailedPreconditionError(absl::StrCat("order ", o.name(), " is ",
                                                      OrderStatusName(o.status()),
                                                      "; only an OPEN order can be invoiced"));
  }
  if (o.amount().currency_code() != currency_code) {
    return absl::FailedPreconditionError(
        absl::StrCat("order ", o.name(), " is in ", o.amount().currency_code(),
                     " but the account's credit currency is now ", currency_code));
  }
  return absl::OkStatus();
}

constexpr CreateKind<StoredOrder, v1::Order> kOrders{
    &BillingStore::FindOrderByRequest, &BillingTx::OrderRequestUsed, &StoredOrder::order};
constexpr CreateKind<StoredInvoice, v1::Invoice> kInvoices{
    &BillingStore::FindInvoiceByRequest, &BillingTx::InvoiceRequestUsed, &StoredInvoice::invoice};

}  // namespace

void BillingService::Register(common::GrpcServer& server) {
  common::ServeMethods(
      server, &service_, this, &BillingService::CreateOrder, &BillingService::GetOrder,
      &BillingService::ListOrders, &BillingService::UpdateOrder, &BillingService::CancelOrder,
      &BillingService::CreateInvoice, &BillingService::GetInvoice, &BillingService::ListInvoices,
      &BillingService::VoidInvoice, &BillingService::RecordPayment, &BillingService::GetPayment,
      &BillingService::ListPayments, &BillingService::GetCreditExposure,
      &BillingService::GetReceivablesAging, &BillingService::GetCollectionStats);
}

absl::StatusOr<AccountTerms> BillingService::TermsForWrite(const Ctx& ctx, int64_t account_id) {
  KAM_ASSIGN_OR_RETURN(account::v1::Account account,
                       GetLiveAccount(*accounts_, ctx, AccountName(account_id)));
  return TermsOf(account);
}

absl::StatusOr<AccountTerms> BillingService::TermsForCredit(const Ctx& ctx, int64_t account_id) {
  KAM_ASSIGN_OR_RETURN(account::v1::Account account,
                       GetLiveAccount(*accounts_, ctx, AccountName(account_id)));
  KAM_ASSIGN_OR_RETURN(AccountTerms terms, TermsOf(account));
  KAM_ASSIGN_OR_RETURN(terms.groups, ReadGroupLimits(*accounts_, ctx, account));
  return terms;
}

absl::Status BillingService::ChangeOrder(
    absl::string_view context, int64_t account_id, int64_t id, absl::string_view etag,
    absl::FunctionRef<absl::Status(BillingTx&, StoredOrder&)> change, v1::Order* response) {
  const absl::Time now = common::NowMicros();
  return store_->Transact(context, [&](BillingTx& tx) -> absl::Status {
    KAM_RETURN_IF_ERROR(tx.LockAccount(account_id));
    KAM_ASSIGN_OR_RETURN(StoredOrder row, tx.LockOrder(id));
    KAM_RETURN_IF_ERROR(common::CheckEtag(row.order.name(), row.version, etag));
    KAM_RETURN_IF_ERROR(change(tx, row));
    KAM_RETURN_IF_ERROR(WriteOrderAt(tx, row, now));
    *response = std::move(row.order);
    return absl::OkStatus();
  });
}

// --- orders ---------------------------------------------------------------

absl::Status BillingService::CreateOrder(const Ctx& ctx, const v1::CreateOrderRequest& request,
                                         v1::Order* response) {
  if (!request.has_order()) return common::InvalidField("order", "is required");
  const v1::Order& in = request.order();
  KAM_ASSIGN_OR_RETURN(const CreateTarget target,
                       ReadCreateTarget(request, "CreateOrder", "order.account", in.account()));
  KAM_RETURN_IF_ERROR(ValidateOrderFields(in));
  const absl::Time now = common::NowMicros();
  KAM_ASSIGN_OR_RETURN(absl::Time order_time,
                       TimeOrNow("order.order_time", in.has_order_time(), in.order_time(), now));
  absl::StatusOr<bool> answered = AnsweredEarlier(target.key, kOrders, response);
  if (!answered.ok() || *answered) return answered.status();

  KAM_ASSIGN_OR_RETURN(AccountTerms terms, TermsForCredit(ctx, target.account_id));
  KAM_RETURN_IF_ERROR(CheckCurrency("order.amount", in.amount(), terms.currency_code));
  if (in.has_cost()) {
    KAM_RETURN_IF_ERROR(CheckCurrency("order.cost", in.cost(), terms.currency_code));
  }
  KAM_ASSIGN_OR_RETURN(const int64_t id, store_->NewOrderId());

  StoredOrder row;
  row.id = id;
  row.account_id = target.account_id;
  v1::Order& o = row.order;
  o.set_name(absl::StrCat("orders/", row.id));
  o.set_account(AccountName(row.account_id));
  *o.mutable_amount() = in.amount();
  *o.mutable_cost() = MoneyOf(terms.currency_code, in.cost().minor_units());
  o.set_description(in.description());
  o.set_prepaid(in.prepaid());
  o.set_status(v1::ORDER_STATUS_OPEN);
  *o.mutable_order_time() = common::ToProtoTimestamp(order_time);
  o.set_actor(ctx.actor);
  common::StampCreate(&row.version, &o, now);

  auto insert = [&](BillingTx& tx) -> absl::StatusOr<common::InsertOutcome> {
    if (!o.prepaid()) {  // a credit hold refuses orders on credit only
      KAM_RETURN_IF_ERROR(credit_hold::CheckNotOnHold(tx.CreditHold(), row.account_id, now));
    }
    KAM_RETURN_IF_ERROR(
        CheckCreditInTx(tx, row.account_id, terms, "order", o.amount().minor_units()));
    return tx.InsertOrder(row, target.key);
  };
  return InsertOnce("creating order", target.key, row.account_id, kOrders, insert, row, response);
}

absl::Status BillingService::GetOrder(const Ctx& ctx, const v1::GetOrderRequest& request,
                                      v1::Order* response) {
  return GetRow(ctx, request.name(), "orders", "order", &BillingStore::GetOrder,
                &StoredOrder::order, response);
}

absl::StatusOr<StoredOrder> BillingService::OrderToChange(const Ctx& ctx, int64_t id) {
  return OwnRow(*accounts_, ctx, store_->GetOrder(id), "order",
                common::FormatResourceName({"orders"}, {id}));
}

absl::Status BillingService::ListOrders(const Ctx& ctx, const v1::ListOrdersRequest& request,
                                        v1::ListOrdersResponse* response) {
  KAM_ASSIGN_OR_RETURN(std::optional<common::ListRequest> list,
                       ReadNarrowedList(*accounts_, ctx, request, "ListOrders", request.filter()));
  if (!list.has_value()) return absl::OkStatus();
  return AnswerPage(*list, store_->ListOrders(list->filter, list->cursor, list->limit), response,
                    [&](StoredOrder& row) { *response->add_orders() = std::move(row.order); });
}

absl::Status BillingService::UpdateOrder(const Ctx& ctx, const v1::UpdateOrderRequest& request,
                                         v1::Order* response) {
  if (!request.has_order()) return common::InvalidField("order", "is required");
  const v1::Order& patch = request.order();
  KAM_ASSIGN_OR_RETURN(int64_t id, common::ParseId("order.name", patch.name(), "orders"));
  KAM_ASSIGN_OR_RETURN(std::vector<std::string> paths,
                       common::ResolveUpdateMask(request.update_mask(), patch, OrderMaskRules()));
  auto updates = [&](const char* path) {
    return std::find(paths.begin(), paths.end(), path) != paths.end();
  };
  const bool amount = updates("amount");
  const bool cost = updates("cost");
  if (amount) {
    if (!patch.has_amount()) return common::InvalidField("order.amount", "is required");
    KAM_RETURN_IF_ERROR(CheckMoneyShape("order.amount", patch.amount(), 1));
  }
  if (cost && patch.has_cost()) {
    KAM_RETURN_IF_ERROR(CheckMoneyShape("order.cost", patch.cost(), 0));
  }
  if (updates("description")) {
    KAM_RETURN_IF_ERROR(common::CheckText("order.description", patch.description(), kMaxBillingText,
                                          /*multiline=*/true));
  }
  KAM_ASSIGN_OR_RETURN(StoredOrder current, OrderToChange(ctx, id));
  // Money changes need the account's currency and limit; a description
  // change does not ask the account service.
  std::optional<AccountTerms> terms;
  if (amount || cost) {
    KAM_ASSIGN_OR_RETURN(AccountTerms t, amount ? TermsForCredit(ctx, current.account_id)
                                                : TermsForWrite(ctx, current.account_id));
    if (amount) {
      KAM_RETURN_IF_ERROR(CheckCurrency("order.amount", patch.amount(), t.currency_code));
    }
    if (cost && patch.has_cost()) {
      KAM_RETURN_IF_ERROR(CheckCurrency("order.cost", patch.cost(), t.currency_code));
    }
    terms = std::move(t);
  }
  auto change = [&](BillingTx& tx, StoredOrder& row) -> absl::Status {
    v1::Order& o = row.order;
    if (o.status() != v1::ORDER_STATUS_OPEN) {
      return absl::FailedPreconditionError(absl::StrCat("order ", o.name(), " is ",
                                                        OrderStatusName(o.status()),
                                                        "; only an OPEN order can be updated"));
    }
    const int64_t old_amount = o.amount().minor_units();
    if (updates("description")) o.set_description(patch.description());
    if (amount) *o.mutable_amount() = patch.amount();
    if (cost) o.mutable_cost()->set_minor_units(patch.cost().minor_units());
    if (!terms.has_value()) return absl::OkStatus();
    // The order keeps one currency: the account's, as the amount was just
    // checked against it.
    if (o.amount().currency_code() != terms->currency_code) {
      return absl::FailedPreconditionError(
          absl::StrCat("order ", o.name(), " is in ", o.amount().currency_code(),
                       " but the account's credit currency is now ", terms->currency_code,
                       "; cancel it and place a new order"));
    }
    o.mutable_cost()->set_currency_code(terms->currency_code);
    const int64_t increase = o.amount().minor_units() - old_amount;
    if (increase <= 0) return absl::OkStatus();
    if (!o.prepaid()) {
      KAM_RETURN_IF_ERROR(
          credit_hold::CheckNotOnHold(tx.CreditHold(), row.account_id, common::NowMicros()));
    }
    return CheckCreditInTx(tx, row.account_id, *terms, "order increase", increase);
  };
  return ChangeOrder("updating order", current.account_id, id, patch.etag(), change, response);
}

absl::Status BillingService::CancelOrder(const Ctx& ctx, const v1::CancelOrderRequest& request,
                                         v1::Order* response) {
  KAM_ASSIGN_OR_RETURN(int64_t id, ParseStatusChange(request.name(), "orders", request.reason()));
  KAM_ASSIGN_OR_RETURN(StoredOrder current, OrderToChange(ctx, id));
  auto change = [&](BillingTx&, StoredOrder& row) -> absl::Status {
    v1::Order& o = row.order;
    if (o.status() == v1::ORDER_STATUS_INVOICED) {
      return absl::FailedPreconditionError(absl::StrCat("order ", o.name(), " is INVOICED (",
                                                        o.invoice(), "); void the invoice first"));
    }
    if (o.status() != v1::ORDER_STATUS_OPEN) {
      return absl::FailedPreconditionError(
          absl::StrCat("order ", o.name(), " is already ", OrderStatusName(o.status())));
    }
    o.set_status(v1::ORDER_STATUS_CANCELLED);
    o.set_cancel_reason(request.reason());
    return absl::OkStatus();
  };
  return ChangeOrder("cancelling order", current.account_id, id, request.etag(), change, response);
}

// --- invoices -------------------------------------------------------------

absl::Status BillingService::CreateInvoice(const Ctx& ctx, const v1::CreateInvoiceRequest& request,
                                           v1::Invoice* response) {
  if (!request.has_invoice()) return common::InvalidField("invoice", "is required");
  const v1::Invoice& in = request.invoice();
  KAM_ASSIGN_OR_RETURN(common::RequestKey key, common::RequestKeyOf(request, "CreateInvoice"));
  int64_t order_id = 0;
  if (!in.order().empty()) {
    KAM_ASSIGN_OR_RETURN(int64_t parsed, common::ParseId("invoice.order", in.order(), "orders"));
    order_id = parsed;
  }
  int64_t account_id = 0;
  if (!in.account().empty()) {
    KAM_ASSIGN_OR_RETURN(int64_t parsed, ParseAccountName("invoice.account", in.account()));
    account_id = parsed;
  } else if (order_id == 0) {
    return common::InvalidField("invoice.account", "is required for an invoice without an order");
  }
  KAM_RETURN_IF_ERROR(ValidateInvoiceFields(in));
  const absl::Time now = common::NowMicros();
  KAM_ASSIGN_OR_RETURN(absl::Time issue_time,
                       TimeOrNow("invoice.issue_time", in.has_issue_time(), in.issue_time(), now));
  absl::StatusOr<bool> answered = AnsweredEarlier(key, kInvoices, response);
  if (!answered.ok() || *answered) return answered.status();

  if (order_id != 0) {
    // The order names the account (an order never changes account).
    KAM_ASSIGN_OR_RETURN(StoredOrder order, store_->GetOrder(order_id));
    if (account_id != 0 && account_id != order.account_id) {
      return common::InvalidField(
          "invoice.account", absl::StrCat("must be the order's account ", order.order.account(),
                                          " (got ", in.account(), ")"));
    }
    account_id = order.account_id;
  }
  // An invoice of an order moves the order's amount, adding nothing.
  KAM_ASSIGN_OR_RETURN(AccountTerms terms, order_id == 0 ? TermsForCredit(ctx, account_id)
                                                         : TermsForWrite(ctx, account_id));
  const std::string& currency = terms.currency_code;
  if (in.has_amount()) {
    KAM_RETURN_IF_ERROR(CheckCurrency("invoice.amount", in.amount(), currency));
  }
  if (in.has_cost()) {
    KAM_RETURN_IF_ERROR(CheckCurrency("invoice.cost", in.cost(), currency));
  }
  KAM_ASSIGN_OR_RETURN(const int64_t id, store_->NewInvoiceId());

  StoredInvoice row;
  row.id = id;
  row.account_id = account_id;
  row.order_id = order_id;
  v1::Invoice& i = row.invoice;
  i.set_name(absl::StrCat("invoices/", row.id));
  i.set_account(AccountName(account_id));
  if (order_id != 0) i.set_order(absl::StrCat("orders/", order_id));
  i.set_status(v1::INVOICE_STATUS_OPEN);
  *i.mutable_issue_time() = common::ToProtoTimestamp(issue_time);
  *i.mutable_due_time() = common::ToProtoTimestamp(DueTime(issue_time, terms.payment_terms_days));
  i.set_payment_terms_days(terms.payment_terms_days);
  i.set_description(in.description());
  i.set_actor(ctx.actor);
  common::StampCreate(&row.version, &i, now);

  auto insert = [&](BillingTx& tx) -> absl::StatusOr<common::InsertOutcome> {
    std::optional<StoredOrder> order;
    int64_t amount = in.amount().minor_units();
    int64_t cost = in.cost().minor_units();
    if (order_id != 0) {
      KAM_ASSIGN_OR_RETURN(StoredOrder locked, tx.LockOrder(order_id));
      const v1::Order& o = locked.order;
      KAM_RETURN_IF_ERROR(CheckInvoiceable(o, currency));
      if (in.has_amount() && in.amount().minor_units() != o.amount().minor_units()) {
        return common::InvalidField(
            "invoice.amount",
            absl::StrCat("must equal the order's amount ", o.amount().minor_units(), " (got ",
                         in.amount().minor_units(), ")"));
      }
      amount = o.amount().minor_units();
      cost = o.cost().minor_units();
      order = std::move(locked);
    } else if (absl::Status s = CheckCreditInTx(tx, account_id, terms, "invoice", amount);
               !s.ok()) {
      return s;  // an invoice on its own adds its whole amount to the exposure
    }
    *i.mutable_amount() = MoneyOf(currency, amount);
    *i.mutable_cost() = MoneyOf(currency, cost);
    *i.mutable_paid_amount() = MoneyOf(currency, 0);
    *i.mutable_balance() = i.amount();
    absl::StatusOr<common::InsertOutcome> outcome = tx.InsertInvoice(row, key);
    if (!outcome.ok() || *outcome == common::InsertOutcome::kDuplicateRequest ||
        !order.has_value()) {
      return outcome;
    }
    order->order.set_status(v1::ORDER_STATUS_INVOICED);
    order->invoice_id = row.id;
    order->order.set_invoice(i.name());
    KAM_RETURN_IF_ERROR(WriteOrderAt(tx, *order, now));
    return outcome;
  };
  return InsertOnce("creating invoice", key, account_id, kInvoices, insert, row, response);
}

absl::Status BillingService::GetInvoice(const Ctx& ctx, const v1::GetInvoiceRequest& request,
                                        v1::Invoice* response) {
  return GetRow(ctx, request.name(), "invoices", "invoice", &BillingStore::GetInvoice,
                &StoredInvoice::invoice, response);
}

absl::Status BillingService::ListInvoices(const Ctx& ctx, const v1::ListInvoicesRequest& request,
                                          v1::ListInvoicesResponse* response) {
  KAM_ASSIGN_OR_RETURN(
      std::optional<common::ListRequest> list,
      ReadNarrowedList(*accounts_, ctx, request, "ListInvoices", request.filter()));
  if (!list.has_value()) return absl::OkStatus();
  return AnswerPage(
      *list, store_->ListInvoices(list->filter, common::NowMicros(), list->cursor, list->limit),
      response, [&](StoredInvoice& row) { *response->add_invoices() = std::move(row.invoice); });
}

absl::Status BillingService::VoidInvoice(const Ctx&, const v1::VoidInvoiceRequest& request,
                                         v1::Invoice* response) {
  KAM_ASSIGN_OR_RETURN(int64_t id, ParseStatusChange(request.name(), "invoices", request.reason()));
  KAM_ASSIGN_OR_RETURN(StoredInvoice current, store_->GetInvoice(id));
  const absl::Time now = common::NowMicros();
  StoredInvoice result;
  absl::Status status = store_->Transact("voiding invoice", [&](BillingTx& tx) -> absl::Status {
    KAM_RETURN_IF_ERROR(tx.LockAccount(current.account_id));
    KAM_ASSIGN_OR_RETURN(StoredInvoice row, tx.LockInvoice(id));
    v1::Invoice& i = row.invoice;
    KAM_RETURN_IF_ERROR(common::CheckEtag(i.name(), row.version, request.etag()));
    if (i.status() != v1::INVOICE_STATUS_OPEN) {
      return absl::FailedPreconditionError(
          absl::StrCat("invoice ", i.name(), " is ", v1::InvoiceStatus_Name(i.status()),
                       "; only an OPEN invoice with nothing paid can be voided"));
    }
    if (i.paid_amount().minor_units() != 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("invoice ", i.name(), " has ", i.paid_amount().minor_units(), " ",
                       i.paid_amount().currency_code(),
                       " minor units paid; only an invoice with nothing paid can be voided"));
    }
    i.set_status(v1::INVOICE_STATUS_VOID);
    i.set_void_reason(request.reason());
    i.mutable_balance()->set_minor_units(0);
    common::StampWrite(&row.version, &i, now);
    KAM_RETURN_IF_ERROR(tx.WriteInvoiceStatus(row));
    if (row.order_id != 0) {
      // The order goes back to OPEN and can be invoiced again; its amount
      // counts as an open order again instead of the invoice's balance.
      KAM_ASSIGN_OR_RETURN(StoredOrder order, tx.LockOrder(row.order_id));
      order.order.set_status(v1::ORDER_STATUS_OPEN);
      order.order.clear_invoice();
      order.invoice_id = 0;
      KAM_RETURN_IF_ERROR(WriteOrderAt(tx, order, now));
    }
    result = std::move(row);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  *response = std::move(result.invoice);
  return absl::OkStatus();
}

}  // namespace kam::interaction::billing
