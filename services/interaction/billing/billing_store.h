// What the billing handlers need from storage (tables of
// migrations/0003_billing.sql in the kam_interaction schema), as three
// interfaces: BillingStore (reads of rows on their own, ids, Transact),
// BillingTx (the steps of one write transaction, composed by the handlers
// with the pure rules: credit_check, payment_allocation) and BillingFigures
// (the aggregate reads of the figures). NewMySqlBillingStore and
// NewMySqlBillingFigures (below) make the real ones; FakeBillingStore
// (fake_billing_store.h) stands in for them in handler unit tests. No SQL
// here.
//
// Every method returns a status: UNAVAILABLE when the database cannot be
// reached, NOT_FOUND where a row is missing (messages name the resource,
// "order orders/7 not found").
//
// Concurrency: every write transaction of an account starts with
// LockAccount(account_id), which serialises them, and every read after the
// lock sees what the previous holder committed. That is what makes the credit
// check hold under concurrent orders: exposure is read and the order written
// under one lock.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/api/filter.h"
#include "common/api/idempotency.h"
#include "common/api/list_request.h"
#include "common/api/page_token.h"
#include "kam/interaction/v1/billing.pb.h"
#include "services/interaction/billing/credit_check.h"
#include "services/interaction/billing/invoice_history.h"
#include "services/interaction/credit_hold/credit_hold_store.h"
#include "services/interaction/shared/connection_pool_fwd.h"

namespace kam::interaction::billing {

// The row a create request id made, with that request's fingerprint.
template <typename Row>
using FoundByRequest = absl::StatusOr<std::optional<common::CreatedByRequest<Row>>>;

// An order row; `order` has every field filled, name and etag included.
struct StoredOrder {
  int64_t id = 0;
  int64_t account_id = 0;
  int64_t invoice_id = 0;  // 0: not invoiced
  int64_t version = 0;
  v1::Order order;
};

struct StoredInvoice {
  int64_t id = 0;
  int64_t account_id = 0;
  int64_t order_id = 0;  // 0: an invoice on its own
  int64_t version = 0;
  v1::Invoice invoice;
};

struct StoredPayment {
  int64_t id = 0;
  int64_t account_id = 0;
  v1::Payment payment;  // with its allocations
};

class BillingTx {
 public:
  virtual ~BillingTx() = default;

  // The credit hold's steps (credit_hold/credit_hold_store.h) on this
  // transaction's connection: an order reads the hold after LockAccount.
  virtual credit_hold::CreditHoldSteps& CreditHold() = 0;

  // Takes the account's billing lock until the transaction ends. Call it
  // first, before any other step of the transaction.
  virtual absl::Status LockAccount(int64_t account_id) = 0;

  // Whether a create with `request_id` has committed (read after
  // LockAccount, so a concurrent retry that held the lock is seen).
  virtual absl::StatusOr<bool> OrderRequestUsed(const std::string& request_id) = 0;
  virtual absl::StatusOr<bool> InvoiceRequestUsed(const std::string& request_id) = 0;
  virtual absl::StatusOr<bool> PaymentRequestUsed(const std::string& request_id) = 0;

  // The account's open amounts per currency: OPEN orders and the unpaid
  // balances of OPEN invoices.
  virtual absl::StatusOr<std::vector<OpenTotals>> OpenTotalsOf(int64_t account_id) = 0;

  // Takes the billing lock of the group that account `group_id` heads (its
  // group credit limit's) until the transaction ends. After LockAccount, and
  // for several groups in one order (the nearest first): every write that
  // adds to a member's exposure takes the locks of its groups, so each
  // group's check sees its members' writes one at a time.
  virtual absl::Status LockGroup(int64_t group_id) = 0;
  // The open amounts of `account_ids` together, per currency (as OpenTotalsOf).
  virtual absl::StatusOr<std::vector<OpenTotals>> OpenTotalsOfAccounts(
      const std::vector<int64_t>& account_ids) = 0;

  // The row, locked. NOT_FOUND.
  virtual absl::StatusOr<StoredOrder> LockOrder(int64_t id) = 0;
  virtual absl::StatusOr<StoredInvoice> LockInvoice(int64_t id) = 0;

  // kDuplicateRequest when key.id was used before (nothing written). The
  // payment comes with one allocation row per entry of row.payment.allocations.
  virtual absl::StatusOr<common::InsertOutcome> InsertOrder(const StoredOrder& row,
                                                            const common::RequestKey& key) = 0;
  virtual absl::StatusOr<common::InsertOutcome> InsertInvoice(const StoredInvoice& row,
                                                              const common::RequestKey& key) = 0;
  virtual absl::StatusOr<common::InsertOutcome> InsertPayment(const StoredPayment& row,
                                                              const common::RequestKey& key) = 0;

  // Writes the mutable fields of an order (its version as given).
  virtual absl::Status WriteOrder(const StoredOrder& row) = 0;
  // Writes the status, void reason, version and update time of an invoice.
  virtual absl::Status WriteInvoiceStatus(const StoredInvoice& row) = 0;

  // The account's OPEN invoices in `currency_code`, locked, oldest due
  // first (then oldest issued, then lowest id).
  virtual absl::StatusOr<std::vector<StoredInvoice>> LockOpenInvoices(
      int64_t account_id, const std::string& currency_code) = 0;

  // After the allocation rows of a payment are in: the invoice's new paid
  // amount and version; when `paid_in_full` it becomes PAID with
  // settle_time = the latest received_time of its allocations.
  virtual absl::Status ApplyPaymentToInvoice(int64_t invoice_id, int64_t paid, bool paid_in_full,
                                             int64_t version, absl::Time now) = 0;
};

class BillingStore {
 public:
  virtual ~BillingStore() = default;

  // Runs `fn` in one transaction: all of its writes or none (the error of
  // `fn` or of the commit is returned). `fn` may run more than once (a
  // deadlock runs it again whole), so it must not keep state between runs.
  // `context` says what is done ("creating order").
  virtual absl::Status Transact(absl::string_view context,
                                absl::FunctionRef<absl::Status(BillingTx&)> fn) = 0;

  // Fresh ids, one sequence per table.
  virtual absl::StatusOr<int64_t> NewOrderId() = 0;
  virtual absl::StatusOr<int64_t> NewInvoiceId() = 0;
  virtual absl::StatusOr<int64_t> NewPaymentId() = 0;

  // NOT_FOUND when missing.
  virtual absl::StatusOr<StoredOrder> GetOrder(int64_t id) = 0;
  virtual absl::StatusOr<StoredInvoice> GetInvoice(int64_t id) = 0;
  virtual absl::StatusOr<StoredPayment> GetPayment(int64_t id) = 0;

  // The row a request id created, or nullopt.
  virtual FoundByRequest<StoredOrder> FindOrderByRequest(const std::string& request_id) = 0;
  virtual FoundByRequest<StoredInvoice> FindInvoiceByRequest(const std::string& request_id) = 0;
  virtual FoundByRequest<StoredPayment> FindPaymentByRequest(const std::string& request_id) = 0;

  // Rows matching `filter` after `cursor` in id order, at most `limit`.
  // INVALID_ARGUMENT for filter fields, operators or values it cannot map.
  // `now` is the time the invoices' `overdue` filter compares with.
  virtual absl::StatusOr<common::Page<StoredOrder>> ListOrders(
      const common::FilterNode& filter, const std::optional<common::PageCursor>& cursor,
      int limit) = 0;
  virtual absl::StatusOr<common::Page<StoredInvoice>> ListInvoices(
      const common::FilterNode& filter, absl::Time now,
      const std::optional<common::PageCursor>& cursor, int limit) = 0;
  virtual absl::StatusOr<common::Page<StoredPayment>> ListPayments(
      const common::FilterNode& filter, const std::optional<common::PageCursor>& cursor,
      int limit) = 0;

  // The account's open amounts per currency, as BillingTx::OpenTotalsOf
  // reads them but outside a transaction.
  virtual absl::StatusOr<std::vector<OpenTotals>> OpenTotalsOf(int64_t account_id) = 0;
};

// The reads behind the figures (GetCreditExposure's overdue part,
// receivables ageing, collection figures): read-only aggregates, kept apart
// from the rows and their transactions.
class BillingFigures {
 public:
  virtual ~BillingFigures() = default;

  // The balances of the account's OPEN invoices in `currency_code` with
  // due_time < now.
  virtual absl::StatusOr<int64_t> OverdueBalance(int64_t account_id,
                                                 const std::string& currency_code,
                                                 absl::Time now) = 0;

  // Ageing: accounts after `after_account` with a balance at `as_of`, in id
  // order, at most `limit` + 1 (so the caller sees whether more follow).
  virtual absl::StatusOr<std::vector<int64_t>> AccountsOwingAt(absl::Time as_of,
                                                               int64_t after_account,
                                                               int limit) = 0;
  // The histories of the non-void invoices of `account_ids` that had a
  // balance at `as_of` (issued at or before it, not settled by it).
  virtual absl::StatusOr<std::vector<InvoiceHistory>> HistoriesOwingAt(
      const std::vector<int64_t>& account_ids, absl::Time as_of) = 0;

  // Collection figures: the currencies of the account's non-void invoices,
  // the histories that can contribute to the period [start, end) in one
  // currency, and the payments received in the period.
  virtual absl::StatusOr<std::vector<std::string>> InvoiceCurrencies(int64_t account_id) = 0;
  virtual absl::StatusOr<std::vector<InvoiceHistory>> HistoriesForPeriod(
      int64_t account_id, const std::string& currency_code, absl::Time start, absl::Time end) = 0;
  virtual absl::StatusOr<int64_t> PaymentsReceived(int64_t account_id,
                                                   const std::string& currency_code,
                                                   absl::Time start, absl::Time end) = 0;
};

// The real ones, over MySQL (mysql_billing_store.cc and
// mysql_billing_figures.cc). `pool` outlives them.
std::unique_ptr<BillingStore> NewMySqlBillingStore(common::ConnectionPool* pool);
std::unique_ptr<BillingFigures> NewMySqlBillingFigures(common::ConnectionPool* pool);

}  // namespace kam::interaction::billing
