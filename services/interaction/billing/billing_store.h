// All SQL of the billing area (tables of migrations/0003_billing.sql in the
// kam_interaction schema). Prepared statements only; every value is bound,
// never spliced into the text.
//
// Reads run on their own (autocommit). Writes run in Transact(), whose
// BillingTx offers the row-level steps; the service composes them with the
// pure rules (credit_check, payment_allocation). BillingTx methods throw
// sql::SQLException on database errors; Transact turns those into statuses
// (common/db/transaction.h) and rolls back.
//
// Concurrency: every write transaction of an account starts with
// LockAccount(account_id), which serialises them; connections run READ
// COMMITTED, so every read after the lock sees what the previous holder
// committed. That is what makes the credit check hold under concurrent
// orders: exposure is read and the order written under one lock.
#ifndef KAM_SERVICES_INTERACTION_BILLING_BILLING_STORE_H_
#define KAM_SERVICES_INTERACTION_BILLING_BILLING_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/api/filter.h"
#include "common/api/page_token.h"
#include "common/db/id_allocator.h"
#include "common/db/mysql_pool.h"
#include "kam/interaction/v1/billing.pb.h"
#include "services/interaction/billing/credit_check.h"
#include "services/interaction/billing/invoice_history.h"
#include "services/interaction/billing/payment_allocation.h"

namespace kam::interaction::billing {

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

// Result of an insert that carries a client request id.
enum class BillingInsert { kInserted, kDuplicateRequest };

// A row found by its create request id, with the fingerprint of the request
// that created it.
template <typename Row>
struct BillingCreated {
  Row row;
  std::string request_hash;
};

// One page of a listing: at most `limit` rows, and whether more follow.
template <typename Row>
struct BillingPage {
  std::vector<Row> rows;
  bool more = false;
};

class BillingStore;

class BillingTx {
 public:
  BillingTx(common::SqlConnection& connection, BillingStore& store)
      : connection_(connection), store_(store) {}

  // Takes the account's billing lock until the transaction ends. Call it
  // first, before any other statement of the transaction.
  void LockAccount(int64_t account_id);

  // Whether a create with `request_id` has committed (read after
  // LockAccount, so a concurrent retry that held the lock is seen).
  bool OrderRequestUsed(const std::string& request_id);
  bool InvoiceRequestUsed(const std::string& request_id);
  bool PaymentRequestUsed(const std::string& request_id);

  // The account's open amounts per currency: OPEN orders and the unpaid
  // balances of OPEN invoices.
  std::vector<OpenTotals> OpenTotalsOf(int64_t account_id);

  // The row, locked. NOT_FOUND.
  absl::StatusOr<StoredOrder> LockOrder(int64_t id);
  absl::StatusOr<StoredInvoice> LockInvoice(int64_t id);

  // kDuplicateRequest when the request id was used before (nothing written).
  BillingInsert InsertOrder(const StoredOrder& row, const std::string& request_id,
                            const std::string& request_hash);
  BillingInsert InsertInvoice(const StoredInvoice& row, const std::string& request_id,
                              const std::string& request_hash);
  // The payment and one allocation row per entry of row.payment.allocations.
  BillingInsert InsertPayment(const StoredPayment& row, const std::string& request_id,
                              const std::string& request_hash);

  // Writes the mutable columns of an order (its version as given).
  void WriteOrder(const StoredOrder& row);
  // Writes the status, void reason, version and update time of an invoice.
  void WriteInvoiceStatus(const StoredInvoice& row);

  // The account's OPEN invoices in `currency_code`, locked, oldest due
  // first.
  std::vector<StoredInvoice> LockOpenInvoices(int64_t account_id,
                                              const std::string& currency_code);

  // After the allocation rows of a payment are in: the invoice's new paid
  // amount and version; when `paid_in_full` it becomes PAID with
  // settle_time = the latest received_time of its allocations.
  void ApplyPaymentToInvoice(int64_t invoice_id, int64_t paid, bool paid_in_full, int64_t version,
                             absl::Time now);

 private:
  common::SqlConnection& connection_;
  BillingStore& store_;
};

class BillingStore {
 public:
  explicit BillingStore(common::ConnectionPool* pool);

  // Runs `fn` in one transaction (see common::RunInTransaction: retried
  // whole on deadlock).
  absl::Status Transact(absl::string_view context,
                        const std::function<absl::Status(BillingTx&)>& fn);

  // Fresh ids (common/db/id_allocator.h), one sequence per table.
  absl::StatusOr<int64_t> NewOrderId() { return order_ids_.Next(); }
  absl::StatusOr<int64_t> NewInvoiceId() { return invoice_ids_.Next(); }
  absl::StatusOr<int64_t> NewPaymentId() { return payment_ids_.Next(); }

  // NOT_FOUND when missing.
  absl::StatusOr<StoredOrder> GetOrder(int64_t id);
  absl::StatusOr<StoredInvoice> GetInvoice(int64_t id);
  absl::StatusOr<StoredPayment> GetPayment(int64_t id);

  // The row a request id created, or nullopt.
  absl::StatusOr<std::optional<BillingCreated<StoredOrder>>> FindOrderByRequest(
      const std::string& request_id);
  absl::StatusOr<std::optional<BillingCreated<StoredInvoice>>> FindInvoiceByRequest(
      const std::string& request_id);
  absl::StatusOr<std::optional<BillingCreated<StoredPayment>>> FindPaymentByRequest(
      const std::string& request_id);

  // Rows matching `filter` after `cursor` in id order, at most `limit`.
  // INVALID_ARGUMENT for filter fields, operators or values it cannot map.
  // `now` is the time the invoices' `overdue` filter compares with.
  absl::StatusOr<BillingPage<StoredOrder>> ListOrders(
      const common::FilterNode& filter, const std::optional<common::PageCursor>& cursor,
      int limit);
  absl::StatusOr<BillingPage<StoredInvoice>> ListInvoices(
      const common::FilterNode& filter, absl::Time now,
      const std::optional<common::PageCursor>& cursor, int limit);
  absl::StatusOr<BillingPage<StoredPayment>> ListPayments(
      const common::FilterNode& filter, const std::optional<common::PageCursor>& cursor,
      int limit);

  // OpenTotals per currency and the overdue part (balances of OPEN invoices
  // in `currency_code` with due_time < now).
  absl::StatusOr<std::vector<OpenTotals>> OpenTotalsOf(int64_t account_id);
  absl::StatusOr<int64_t> OverdueBalance(int64_t account_id, const std::string& currency_code,
                                         absl::Time now);

  // Ageing: accounts after `after_account` with a balance at `as_of`, in id
  // order, at most `limit` + 1 (so the caller sees whether more follow).
  absl::StatusOr<std::vector<int64_t>> AccountsOwingAt(absl::Time as_of, int64_t after_account,
                                                       int limit);
  // The histories of the non-void invoices of `account_ids` that had a
  // balance at `as_of` (issued at or before it, not settled by it).
  absl::StatusOr<std::vector<InvoiceHistory>> HistoriesOwingAt(
      const std::vector<int64_t>& account_ids, absl::Time as_of);

  // Collection figures: the currencies of the account's non-void invoices,
  // the histories that can contribute to the period [start, end) in one
  // currency, and the payments received in the period.
  absl::StatusOr<std::vector<std::string>> InvoiceCurrencies(int64_t account_id);
  absl::StatusOr<std::vector<InvoiceHistory>> HistoriesForPeriod(int64_t account_id,
                                                                 const std::string& currency_code,
                                                                 absl::Time start, absl::Time end);
  absl::StatusOr<int64_t> PaymentsReceived(int64_t account_id, const std::string& currency_code,
                                           absl::Time start, absl::Time end);

 private:
  friend class BillingTx;

  common::ConnectionPool* pool_;
  common::IdAllocator order_ids_;
  common::IdAllocator invoice_ids_;
  common::IdAllocator payment_ids_;
};

}  // namespace kam::interaction::billing

#endif  // KAM_SERVICES_INTERACTION_BILLING_BILLING_STORE_H_
