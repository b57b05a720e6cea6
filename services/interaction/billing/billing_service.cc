#include "services/interaction/billing/billing_service.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "common/api/field_mask.h"
#include "common/api/filter.h"
#include "common/api/page_token.h"
#include "common/api/validation.h"
#include "common/base/fingerprint.h"
#include "common/base/proto_time.h"
#include "common/server/service_methods.h"
#include "services/interaction/billing/billing_service_util.h"
#include "services/interaction/billing/credit_check.h"
#include "services/interaction/billing/receivables_aging.h"

namespace kam::interaction::billing {
namespace {

using common::CallContext;

// Every write of an order: a new version, etag and update time.
void Touch(StoredOrder& row, absl::Time now) {
  ++row.version;
  *row.order.mutable_update_time() = common::ToProtoTimestamp(now);
  row.order.set_etag(common::MakeEtag(row.order.name(), row.version));
}

void Touch(StoredInvoice& row, absl::Time now) {
  ++row.version;
  *row.invoice.mutable_update_time() = common::ToProtoTimestamp(now);
  row.invoice.set_etag(common::MakeEtag(row.invoice.name(), row.version));
}

std::string AccountName(int64_t id) { return absl::StrCat("accounts/", id); }

const std::string& OrderStatusName(v1::OrderStatus status) {
  return v1::OrderStatus_Name(status);
}

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
  absl::StatusOr<account::v1::Account> account = accounts_->GetAccount(AccountName(account_id), &ctx);
  if (!account.ok()) return account.status();
  if (absl::Status s = CheckAccountLive(*account); !s.ok()) return s;
  return TermsOf(*account);
}

// --- orders ---------------------------------------------------------------

absl::Status BillingService::CreateOrder(const Ctx& ctx, const v1::CreateOrderRequest& request,
                                         v1::Order* response) {
  if (!request.has_order()) return common::InvalidField("order", "is required");
  const v1::Order& in = request.order();
  const std::string& request_id = request.request_id();
  if (absl::Status s = common::CheckRequestId("request_id", request_id); !s.ok()) return s;
  absl::StatusOr<int64_t> account_id = ParseId("order.account", in.account(), "accounts");
  if (!account_id.ok()) return account_id.status();
  if (absl::Status s = ValidateOrderFields(in); !s.ok()) return s;
  const absl::Time now = common::NowMicros();
  absl::StatusOr<absl::Time> order_time =
      TimeOrNow("order.order_time", in.has_order_time(), in.order_time(), now);
  if (!order_time.ok()) return order_time.status();
  const std::string request_hash = RequestHash(request);

  // A retry gets the first result before anything else is asked: even with
  // the account service down or the credit used up since.
  auto first_result = [&]() -> absl::StatusOr<bool> {
    if (request_id.empty()) return false;
    absl::StatusOr<std::optional<BillingCreated<StoredOrder>>> first =
        store_->FindOrderByRequest(request_id);
    if (!first.ok()) return first.status();
    if (!first->has_value()) return false;
    if ((*first)->request_hash != request_hash) return RequestIdReused(request_id, "CreateOrder");
    *response = std::move((*first)->row.order);
    return true;
  };
  absl::StatusOr<bool> retried = first_result();
  if (!retried.ok() || *retried) return retried.status();

  absl::StatusOr<AccountTerms> terms = TermsForWrite(ctx, *account_id);
  if (!terms.ok()) return terms.status();
  if (absl::Status s = CheckCurrency("order.amount", in.amount(), terms->currency_code); !s.ok()) {
    return s;
  }
  if (in.has_cost()) {
    if (absl::Status s = CheckCurrency("order.cost", in.cost(), terms->currency_code); !s.ok()) {
      return s;
    }
  }
  absl::StatusOr<int64_t> id = store_->NewOrderId();
  if (!id.ok()) return id.status();

  StoredOrder row;
  row.id = *id;
  row.account_id = *account_id;
  row.version = 1;
  v1::Order& o = row.order;
  o.set_name(absl::StrCat("orders/", row.id));
  o.set_account(AccountName(row.account_id));
  *o.mutable_amount() = in.amount();
  o.mutable_cost()->set_currency_code(terms->currency_code);
  o.mutable_cost()->set_minor_units(in.cost().minor_units());
  o.set_description(in.description());
  o.set_status(v1::ORDER_STATUS_OPEN);
  *o.mutable_order_time() = common::ToProtoTimestamp(*order_time);
  o.set_actor(ctx.actor);
  *o.mutable_create_time() = common::ToProtoTimestamp(now);
  *o.mutable_update_time() = o.create_time();
  o.set_etag(common::MakeEtag(o.name(), row.version));

  BillingInsert outcome = BillingInsert::kInserted;
  absl::Status status = store_->Transact("creating order", [&](BillingTx& tx) {
    tx.LockAccount(row.account_id);
    outcome = BillingInsert::kInserted;
    // A concurrent retry that committed while this call waited for the lock.
    if (!request_id.empty() && tx.OrderRequestUsed(request_id)) {
      outcome = BillingInsert::kDuplicateRequest;
      return absl::OkStatus();
    }
    if (absl::Status s = CheckCredit(o.account(), "order", terms->currency_code,
                                     terms->credit_limit, tx.OpenTotalsOf(row.account_id),
                                     o.amount().minor_units());
        !s.ok()) {
      return s;
    }
    outcome = tx.InsertOrder(row, request_id, request_hash);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (outcome == BillingInsert::kDuplicateRequest) {
    absl::StatusOr<bool> found = first_result();
    if (!found.ok()) return found.status();
    if (!*found) return ConcurrentRetryRolledBack();
    return absl::OkStatus();
  }
  *response = std::move(row.order);
  return absl::OkStatus();
}

absl::Status BillingService::GetOrder(const Ctx&, const v1::GetOrderRequest& request,
                                      v1::Order* response) {
  absl::StatusOr<int64_t> id = ParseId("name", request.name(), "orders");
  if (!id.ok()) return id.status();
  absl::StatusOr<StoredOrder> row = store_->GetOrder(*id);
  if (!row.ok()) return row.status();
  *response = std::move(row->order);
  return absl::OkStatus();
}

absl::Status BillingService::ListOrders(const Ctx&, const v1::ListOrdersRequest& request,
                                        v1::ListOrdersResponse* response) {
  absl::StatusOr<int> limit = common::ResolvePageSize(request.page_size());
  if (!limit.ok()) return limit.status();
  absl::StatusOr<common::FilterNode> filter = common::ParseFilter(request.filter());
  if (!filter.ok()) return filter.status();
  const uint64_t query = common::Fingerprint64({"ListOrders", request.filter()});
  absl::StatusOr<std::optional<common::PageCursor>> cursor =
      DecodeCursor(request.page_token(), query);
  if (!cursor.ok()) return cursor.status();
  absl::StatusOr<BillingPage<StoredOrder>> page = store_->ListOrders(*filter, *cursor, *limit);
  if (!page.ok()) return page.status();
  if (page->more) {
    response->set_next_page_token(
        common::EncodePageToken(query, common::PageCursor{{}, page->rows.back().id}));
  }
  for (StoredOrder& row : page->rows) *response->add_orders() = std::move(row.order);
  return absl::OkStatus();
}

absl::Status BillingService::UpdateOrder(const Ctx& ctx, const v1::UpdateOrderRequest& request,
                                         v1::Order* response) {
  if (!request.has_order()) return common::InvalidField("order", "is required");
  const v1::Order& patch = request.order();
  absl::StatusOr<int64_t> id = ParseId("order.name", patch.name(), "orders");
  if (!id.ok()) return id.status();
  absl::StatusOr<std::vector<std::string>> paths =
      common::ResolveUpdateMask(request.update_mask(), patch, OrderMaskRules());
  if (!paths.ok()) return paths.status();
  auto updates = [&](const char* path) {
    return std::find(paths->begin(), paths->end(), path) != paths->end();
  };
  const bool amount = updates("amount");
  const bool cost = updates("cost");
  if (amount) {
    if (!patch.has_amount()) return common::InvalidField("order.amount", "is required");
    if (absl::Status s = CheckMoneyShape("order.amount", patch.amount(), 1); !s.ok()) return s;
  }
  if (cost && patch.has_cost()) {
    if (absl::Status s = CheckMoneyShape("order.cost", patch.cost(), 0); !s.ok()) return s;
  }
  if (updates("description")) {
    if (absl::Status s = common::CheckText("order.description", patch.description(),
                                           kMaxBillingText, /*multiline=*/true);
        !s.ok()) {
      return s;
    }
  }
  absl::StatusOr<StoredOrder> current = store_->GetOrder(*id);
  if (!current.ok()) return current.status();
  // Money changes need the account's currency and limit; a description
  // change does not ask the account service.
  std::optional<AccountTerms> terms;
  if (amount || cost) {
    absl::StatusOr<AccountTerms> t = TermsForWrite(ctx, current->account_id);
    if (!t.ok()) return t.status();
    if (amount) {
      if (absl::Status s = CheckCurrency("order.amount", patch.amount(), t->currency_code); !s.ok()) {
        return s;
      }
    }
    if (cost && patch.has_cost()) {
      if (absl::Status s = CheckCurrency("order.cost", patch.cost(), t->currency_code); !s.ok()) {
        return s;
      }
    }
    terms = *std::move(t);
  }
  const absl::Time now = common::NowMicros();
  StoredOrder result;
  absl::Status status = store_->Transact("updating order", [&](BillingTx& tx) {
    tx.LockAccount(current->account_id);
    absl::StatusOr<StoredOrder> row = tx.LockOrder(*id);
    if (!row.ok()) return row.status();
    v1::Order& o = row->order;
    if (absl::Status s = common::CheckEtag(o.name(), row->version, patch.etag()); !s.ok()) return s;
    if (o.status() != v1::ORDER_STATUS_OPEN) {
      return absl::FailedPreconditionError(absl::StrCat("order ", o.name(), " is ",
                                                        OrderStatusName(o.status()),
                                                        "; only an OPEN order can be updated"));
    }
    const int64_t old_amount = o.amount().minor_units();
    if (updates("description")) o.set_description(patch.description());
    if (amount) *o.mutable_amount() = patch.amount();
    if (cost) o.mutable_cost()->set_minor_units(patch.cost().minor_units());
    if (terms.has_value()) {
      // The order keeps one currency: the account's, as the amount was
      // just checked against it.
      if (o.amount().currency_code() != terms->currency_code) {
        return absl::FailedPreconditionError(absl::StrCat(
            "order ", o.name(), " is in ", o.amount().currency_code(),
            " but the account's credit currency is now ", terms->currency_code,
            "; cancel it and place a new order"));
      }
      o.mutable_cost()->set_currency_code(terms->currency_code);
      const int64_t increase = o.amount().minor_units() - old_amount;
      if (increase > 0) {
        if (absl::Status s =
                CheckCredit(o.account(), "order increase", terms->currency_code,
                            terms->credit_limit, tx.OpenTotalsOf(row->account_id), increase);
            !s.ok()) {
          return s;
        }
      }
    }
    Touch(*row, now);
    tx.WriteOrder(*row);
    result = *std::move(row);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  *response = std::move(result.order);
  return absl::OkStatus();
}

absl::Status BillingService::CancelOrder(const Ctx&, const v1::CancelOrderRequest& request,
                                         v1::Order* response) {
  absl::StatusOr<int64_t> id = ParseId("name", request.name(), "orders");
  if (!id.ok()) return id.status();
  if (absl::Status s = common::CheckText("reason", request.reason(), kMaxBillingText,
                                         /*multiline=*/true);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<StoredOrder> current = store_->GetOrder(*id);
  if (!current.ok()) return current.status();
  const absl::Time now = common::NowMicros();
  StoredOrder result;
  absl::Status status = store_->Transact("cancelling order", [&](BillingTx& tx) {
    tx.LockAccount(current->account_id);
    absl::StatusOr<StoredOrder> row = tx.LockOrder(*id);
    if (!row.ok()) return row.status();
    v1::Order& o = row->order;
    if (absl::Status s = common::CheckEtag(o.name(), row->version, request.etag()); !s.ok()) {
      return s;
    }
    if (o.status() == v1::ORDER_STATUS_INVOICED) {
      return absl::FailedPreconditionError(absl::StrCat(
          "order ", o.name(), " is INVOICED (", o.invoice(), "); void the invoice first"));
    }
    if (o.status() != v1::ORDER_STATUS_OPEN) {
      return absl::FailedPreconditionError(absl::StrCat("order ", o.name(), " is already ",
                                                        OrderStatusName(o.status())));
    }
    o.set_status(v1::ORDER_STATUS_CANCELLED);
    o.set_cancel_reason(request.reason());
    Touch(*row, now);
    tx.WriteOrder(*row);
    result = *std::move(row);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  *response = std::move(result.order);
  return absl::OkStatus();
}

// --- invoices -------------------------------------------------------------

absl::Status BillingService::CreateInvoice(const Ctx& ctx, const v1::CreateInvoiceRequest& request,
                                           v1::Invoice* response) {
  if (!request.has_invoice()) return common::InvalidField("invoice", "is required");
  const v1::Invoice& in = request.invoice();
  const std::string& request_id = request.request_id();
  if (absl::Status s = common::CheckRequestId("request_id", request_id); !s.ok()) return s;
  int64_t order_id = 0;
  if (!in.order().empty()) {
    absl::StatusOr<int64_t> parsed = ParseId("invoice.order", in.order(), "orders");
    if (!parsed.ok()) return parsed.status();
    order_id = *parsed;
  }
  int64_t account_id = 0;
  if (!in.account().empty()) {
    absl::StatusOr<int64_t> parsed = ParseId("invoice.account", in.account(), "accounts");
    if (!parsed.ok()) return parsed.status();
    account_id = *parsed;
  } else if (order_id == 0) {
    return common::InvalidField("invoice.account", "is required for an invoice without an order");
  }
  if (absl::Status s = ValidateInvoiceFields(in); !s.ok()) return s;
  const absl::Time now = common::NowMicros();
  absl::StatusOr<absl::Time> issue_time =
      TimeOrNow("invoice.issue_time", in.has_issue_time(), in.issue_time(), now);
  if (!issue_time.ok()) return issue_time.status();
  const std::string request_hash = RequestHash(request);

  auto first_result = [&]() -> absl::StatusOr<bool> {
    if (request_id.empty()) return false;
    absl::StatusOr<std::optional<BillingCreated<StoredInvoice>>> first =
        store_->FindInvoiceByRequest(request_id);
    if (!first.ok()) return first.status();
    if (!first->has_value()) return false;
    if ((*first)->request_hash != request_hash) {
      return RequestIdReused(request_id, "CreateInvoice");
    }
    *response = std::move((*first)->row.invoice);
    return true;
  };
  absl::StatusOr<bool> retried = first_result();
  if (!retried.ok() || *retried) return retried.status();

  if (order_id != 0) {
    // The order names the account (an order never changes account).
    absl::StatusOr<StoredOrder> order = store_->GetOrder(order_id);
    if (!order.ok()) return order.status();
    if (account_id != 0 && account_id != order->account_id) {
      return common::InvalidField(
          "invoice.account", absl::StrCat("must be the order's account ", order->order.account(),
                                          " (got ", in.account(), ")"));
    }
    account_id = order->account_id;
  }
  absl::StatusOr<AccountTerms> terms = TermsForWrite(ctx, account_id);
  if (!terms.ok()) return terms.status();
  if (in.has_amount()) {
    if (absl::Status s = CheckCurrency("invoice.amount", in.amount(), terms->currency_code);
        !s.ok()) {
      return s;
    }
  }
  if (in.has_cost()) {
    if (absl::Status s = CheckCurrency("invoice.cost", in.cost(), terms->currency_code); !s.ok()) {
      return s;
    }
  }
  absl::StatusOr<int64_t> id = store_->NewInvoiceId();
  if (!id.ok()) return id.status();

  StoredInvoice row;
  row.id = *id;
  row.account_id = account_id;
  row.order_id = order_id;
  row.version = 1;
  v1::Invoice& i = row.invoice;
  i.set_name(absl::StrCat("invoices/", row.id));
  i.set_account(AccountName(account_id));
  if (order_id != 0) i.set_order(absl::StrCat("orders/", order_id));
  i.set_status(v1::INVOICE_STATUS_OPEN);
  *i.mutable_issue_time() = common::ToProtoTimestamp(*issue_time);
  *i.mutable_due_time() =
      common::ToProtoTimestamp(DueTime(*issue_time, terms->payment_terms_days));
  i.set_payment_terms_days(terms->payment_terms_days);
  i.set_description(in.description());
  i.set_actor(ctx.actor);
  *i.mutable_create_time() = common::ToProtoTimestamp(now);
  *i.mutable_update_time() = i.create_time();
  i.set_etag(common::MakeEtag(i.name(), row.version));

  BillingInsert outcome = BillingInsert::kInserted;
  absl::Status status = store_->Transact("creating invoice", [&](BillingTx& tx) {
    tx.LockAccount(account_id);
    outcome = BillingInsert::kInserted;
    if (!request_id.empty() && tx.InvoiceRequestUsed(request_id)) {
      outcome = BillingInsert::kDuplicateRequest;
      return absl::OkStatus();
    }
    std::optional<StoredOrder> order;
    int64_t amount = in.amount().minor_units();
    int64_t cost = in.cost().minor_units();
    if (order_id != 0) {
      absl::StatusOr<StoredOrder> locked = tx.LockOrder(order_id);
      if (!locked.ok()) return locked.status();
      const v1::Order& o = locked->order;
      if (o.status() == v1::ORDER_STATUS_INVOICED) {
        return absl::FailedPreconditionError(
            absl::StrCat("order ", o.name(), " is already invoiced (", o.invoice(), ")"));
      }
      if (o.status() != v1::ORDER_STATUS_OPEN) {
        return absl::FailedPreconditionError(
            absl::StrCat("order ", o.name(), " is ", OrderStatusName(o.status()),
                         "; only an OPEN order can be invoiced"));
      }
      if (o.amount().currency_code() != terms->currency_code) {
        return absl::FailedPreconditionError(absl::StrCat(
            "order ", o.name(), " is in ", o.amount().currency_code(),
            " but the account's credit currency is now ", terms->currency_code));
      }
      if (in.has_amount() && in.amount().minor_units() != o.amount().minor_units()) {
        return common::InvalidField(
            "invoice.amount", absl::StrCat("must equal the order's amount ",
                                           o.amount().minor_units(), " (got ",
                                           in.amount().minor_units(), ")"));
      }
      amount = o.amount().minor_units();
      cost = o.cost().minor_units();
      order = *std::move(locked);
    } else {
      // An invoice on its own adds its whole amount to the exposure.
      if (absl::Status s = CheckCredit(i.account(), "invoice", terms->currency_code,
                                       terms->credit_limit, tx.OpenTotalsOf(account_id), amount);
          !s.ok()) {
        return s;
      }
    }
    i.mutable_amount()->set_currency_code(terms->currency_code);
    i.mutable_amount()->set_minor_units(amount);
    i.mutable_cost()->set_currency_code(terms->currency_code);
    i.mutable_cost()->set_minor_units(cost);
    i.mutable_paid_amount()->set_currency_code(terms->currency_code);
    i.mutable_paid_amount()->set_minor_units(0);
    *i.mutable_balance() = i.amount();
    outcome = tx.InsertInvoice(row, request_id, request_hash);
    if (outcome == BillingInsert::kDuplicateRequest || !order.has_value()) {
      return absl::OkStatus();
    }
    order->order.set_status(v1::ORDER_STATUS_INVOICED);
    order->invoice_id = row.id;
    order->order.set_invoice(i.name());
    Touch(*order, now);
    tx.WriteOrder(*order);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (outcome == BillingInsert::kDuplicateRequest) {
    absl::StatusOr<bool> found = first_result();
    if (!found.ok()) return found.status();
    if (!*found) return ConcurrentRetryRolledBack();
    return absl::OkStatus();
  }
  *response = std::move(row.invoice);
  return absl::OkStatus();
}

absl::Status BillingService::GetInvoice(const Ctx&, const v1::GetInvoiceRequest& request,
                                        v1::Invoice* response) {
  absl::StatusOr<int64_t> id = ParseId("name", request.name(), "invoices");
  if (!id.ok()) return id.status();
  absl::StatusOr<StoredInvoice> row = store_->GetInvoice(*id);
  if (!row.ok()) return row.status();
  *response = std::move(row->invoice);
  return absl::OkStatus();
}

absl::Status BillingService::ListInvoices(const Ctx&, const v1::ListInvoicesRequest& request,
                                          v1::ListInvoicesResponse* response) {
  absl::StatusOr<int> limit = common::ResolvePageSize(request.page_size());
  if (!limit.ok()) return limit.status();
  absl::StatusOr<common::FilterNode> filter = common::ParseFilter(request.filter());
  if (!filter.ok()) return filter.status();
  const uint64_t query = common::Fingerprint64({"ListInvoices", request.filter()});
  absl::StatusOr<std::optional<common::PageCursor>> cursor =
      DecodeCursor(request.page_token(), query);
  if (!cursor.ok()) return cursor.status();
  absl::StatusOr<BillingPage<StoredInvoice>> page =
      store_->ListInvoices(*filter, common::NowMicros(), *cursor, *limit);
  if (!page.ok()) return page.status();
  if (page->more) {
    response->set_next_page_token(
        common::EncodePageToken(query, common::PageCursor{{}, page->rows.back().id}));
  }
  for (StoredInvoice& row : page->rows) *response->add_invoices() = std::move(row.invoice);
  return absl::OkStatus();
}

absl::Status BillingService::VoidInvoice(const Ctx&, const v1::VoidInvoiceRequest& request,
                                         v1::Invoice* response) {
  absl::StatusOr<int64_t> id = ParseId("name", request.name(), "invoices");
  if (!id.ok()) return id.status();
  if (absl::Status s = common::CheckText("reason", request.reason(), kMaxBillingText,
                                         /*multiline=*/true);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<StoredInvoice> current = store_->GetInvoice(*id);
  if (!current.ok()) return current.status();
  const absl::Time now = common::NowMicros();
  StoredInvoice result;
  absl::Status status = store_->Transact("voiding invoice", [&](BillingTx& tx) {
    tx.LockAccount(current->account_id);
    absl::StatusOr<StoredInvoice> row = tx.LockInvoice(*id);
    if (!row.ok()) return row.status();
    v1::Invoice& i = row->invoice;
    if (absl::Status s = common::CheckEtag(i.name(), row->version, request.etag()); !s.ok()) {
      return s;
    }
    if (i.status() != v1::INVOICE_STATUS_OPEN) {
      return absl::FailedPreconditionError(absl::StrCat(
          "invoice ", i.name(), " is ", v1::InvoiceStatus_Name(i.status()),
          "; only an OPEN invoice with nothing paid can be voided"));
    }
    if (i.paid_amount().minor_units() != 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "invoice ", i.name(), " has ", i.paid_amount().minor_units(), " ",
          i.paid_amount().currency_code(),
          " minor units paid; only an invoice with nothing paid can be voided"));
    }
    i.set_status(v1::INVOICE_STATUS_VOID);
    i.set_void_reason(request.reason());
    i.mutable_balance()->set_minor_units(0);
    Touch(*row, now);
    tx.WriteInvoiceStatus(*row);
    if (row->order_id != 0) {
      // The order goes back to OPEN and can be invoiced again; its amount
      // counts as an open order again instead of the invoice's balance.
      absl::StatusOr<StoredOrder> order = tx.LockOrder(row->order_id);
      if (!order.ok()) return order.status();
      order->order.set_status(v1::ORDER_STATUS_OPEN);
      order->order.clear_invoice();
      order->invoice_id = 0;
      Touch(*order, now);
      tx.WriteOrder(*order);
    }
    result = *std::move(row);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  *response = std::move(result.invoice);
  return absl::OkStatus();
}

}  // namespace kam::interaction::billing
