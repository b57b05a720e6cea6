// The billing store over MySQL: all SQL of the billing area (tables of
// migrations/0003_billing.sql). Prepared statements only; every value is
// bound, never spliced into the text. Reads run on their own (autocommit);
// Transact runs common::RunInTransaction (READ COMMITTED connections, so a
// read after LockAccount sees what the previous lock holder committed).
// Database errors become statuses here (common/db/transaction.h): nothing
// throws out of the store.
//
// mysql_billing_store.cc holds the rows, the filters and the write
// transaction; mysql_billing_reports.cc the figures (ageing, collection).
#ifndef KAM_SERVICES_INTERACTION_BILLING_MYSQL_BILLING_STORE_H_
#define KAM_SERVICES_INTERACTION_BILLING_MYSQL_BILLING_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/db/id_allocator.h"
#include "common/db/mysql_pool.h"
#include "services/interaction/billing/billing_store.h"

namespace kam::interaction::billing {

class MySqlBillingStore final : public BillingStore {
 public:
  explicit MySqlBillingStore(common::ConnectionPool* pool);

  absl::Status Transact(absl::string_view context,
                        absl::FunctionRef<absl::Status(BillingTx&)> fn) override;

  absl::StatusOr<int64_t> NewOrderId() override { return order_ids_.Next(); }
  absl::StatusOr<int64_t> NewInvoiceId() override { return invoice_ids_.Next(); }
  absl::StatusOr<int64_t> NewPaymentId() override { return payment_ids_.Next(); }

  absl::StatusOr<StoredOrder> GetOrder(int64_t id) override;
  absl::StatusOr<StoredInvoice> GetInvoice(int64_t id) override;
  absl::StatusOr<StoredPayment> GetPayment(int64_t id) override;

  FoundByRequest<StoredOrder> FindOrderByRequest(const std::string& request_id) override;
  FoundByRequest<StoredInvoice> FindInvoiceByRequest(const std::string& request_id) override;
  FoundByRequest<StoredPayment> FindPaymentByRequest(const std::string& request_id) override;

  absl::StatusOr<common::Page<StoredOrder>> ListOrders(
      const common::FilterNode& filter, const std::optional<common::PageCursor>& cursor,
      int limit) override;
  absl::StatusOr<common::Page<StoredInvoice>> ListInvoices(
      const common::FilterNode& filter, absl::Time now,
      const std::optional<common::PageCursor>& cursor, int limit) override;
  absl::StatusOr<common::Page<StoredPayment>> ListPayments(
      const common::FilterNode& filter, const std::optional<common::PageCursor>& cursor,
      int limit) override;

  absl::StatusOr<std::vector<OpenTotals>> OpenTotalsOf(int64_t account_id) override;
  absl::StatusOr<int64_t> OverdueBalance(int64_t account_id, const std::string& currency_code,
                                         absl::Time now) override;

  absl::StatusOr<std::vector<int64_t>> AccountsOwingAt(absl::Time as_of, int64_t after_account,
                                                       int limit) override;
  absl::StatusOr<std::vector<InvoiceHistory>> HistoriesOwingAt(
      const std::vector<int64_t>& account_ids, absl::Time as_of) override;

  absl::StatusOr<std::vector<std::string>> InvoiceCurrencies(int64_t account_id) override;
  absl::StatusOr<std::vector<InvoiceHistory>> HistoriesForPeriod(int64_t account_id,
                                                                 const std::string& currency_code,
                                                                 absl::Time start,
                                                                 absl::Time end) override;
  absl::StatusOr<int64_t> PaymentsReceived(int64_t account_id, const std::string& currency_code,
                                           absl::Time start, absl::Time end) override;

  // Shared by the two .cc files of the store.
  //
  // The values of an id list padded to the next size in 1, 2, 4, ... by
  // repeating the last id, and the "?,?,..." to go with them, so IN (...)
  // lists of any length share few prepared statements. `ids` is not empty.
  static std::vector<common::SqlValue> PaddedIds(const std::vector<int64_t>& ids,
                                                 std::string* placeholders);
  // A SUM(...) column: DECIMAL text, clamped to int64; NULL is 0.
  static int64_t ReadSum(sql::ResultSet& rs, int column);

 private:
  common::ConnectionPool* pool_;
  common::IdAllocator order_ids_;
  common::IdAllocator invoice_ids_;
  common::IdAllocator payment_ids_;
};

}  // namespace kam::interaction::billing

#endif  // KAM_SERVICES_INTERACTION_BILLING_MYSQL_BILLING_STORE_H_
