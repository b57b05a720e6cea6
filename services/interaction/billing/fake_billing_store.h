// An in-memory BillingStore for the handler unit tests (built into
// kam_interaction_fakes, never into the service). It keeps orders, invoices
// and payments as MySqlBillingStore reads them back (etags from versions,
// invoice balances from status and paid amount), refuses a request id used
// before (kDuplicateRequest), runs Transact all or nothing (a failed
// transaction leaves nothing behind) one at a time, and answers every call
// UNAVAILABLE while "down", like a database that cannot be reached. The
// listings and the figures other than OpenTotalsOf are not in the fake
// (UNIMPLEMENTED).
#ifndef KAM_SERVICES_INTERACTION_BILLING_FAKE_BILLING_STORE_H_
#define KAM_SERVICES_INTERACTION_BILLING_FAKE_BILLING_STORE_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "services/interaction/billing/billing_store.h"

namespace kam::interaction::billing {

// One table of the fake: its rows by id, and per create request id the row
// it made and the request's fingerprint.
template <typename Row>
struct FakeTable {
  explicit FakeTable(const char* what) : what(what) {}

  const char* what;  // NOT_FOUND says "<what><id> not found"
  std::map<int64_t, Row> rows;
  std::map<std::string, std::pair<int64_t, std::string>> requests;

  absl::StatusOr<Row> Get(int64_t id) const {
    auto it = rows.find(id);
    if (it == rows.end()) return absl::NotFoundError(absl::StrCat(what, id, " not found"));
    return it->second;
  }

  FoundByRequest<Row> Find(const std::string& request_id) const {
    auto it = requests.find(request_id);
    if (it == requests.end()) return std::optional<common::CreatedByRequest<Row>>();
    return std::optional<common::CreatedByRequest<Row>>(
        common::CreatedByRequest<Row>{rows.at(it->second.first), it->second.second});
  }

  // kDuplicateRequest (nothing written) when key.id was used before.
  common::InsertOutcome Insert(const Row& row, const common::RequestKey& key) {
    if (!key.id.empty()) {
      if (requests.count(key.id) > 0) return common::InsertOutcome::kDuplicateRequest;
      requests[key.id] = {row.id, key.hash};
    }
    rows[row.id] = row;
    return common::InsertOutcome::kInserted;
  }
};

struct FakeBillingTables {
  FakeTable<StoredOrder> orders{"order orders/"};
  FakeTable<StoredInvoice> invoices{"invoice invoices/"};
  FakeTable<StoredPayment> payments{"payment payments/"};
};

class FakeBillingStore final : public BillingStore {
 public:
  // UNAVAILABLE while the store is down.
  static absl::Status Unavailable() {
    return absl::UnavailableError("database unavailable (the fake is down)");
  }

  using Tables = FakeBillingTables;

  // While down, every call (and every step of a transaction) is UNAVAILABLE.
  void SetDown(bool down) { down_ = down; }

  // Every row stored, in id order: what tests check was (not) written.
  std::vector<StoredOrder> Orders() const { return All(&Tables::orders); }
  std::vector<StoredInvoice> Invoices() const { return All(&Tables::invoices); }
  std::vector<StoredPayment> Payments() const { return All(&Tables::payments); }

  // --- BillingStore ---

  absl::Status Transact(absl::string_view context,
                        absl::FunctionRef<absl::Status(BillingTx&)> fn) override;

  absl::StatusOr<int64_t> NewOrderId() override { return NewId(); }
  absl::StatusOr<int64_t> NewInvoiceId() override { return NewId(); }
  absl::StatusOr<int64_t> NewPaymentId() override { return NewId(); }

  absl::StatusOr<StoredOrder> GetOrder(int64_t id) override { return Get(&Tables::orders, id); }
  absl::StatusOr<StoredInvoice> GetInvoice(int64_t id) override {
    return Get(&Tables::invoices, id);
  }
  absl::StatusOr<StoredPayment> GetPayment(int64_t id) override {
    return Get(&Tables::payments, id);
  }

  FoundByRequest<StoredOrder> FindOrderByRequest(const std::string& id) override {
    return Find(&Tables::orders, id);
  }
  FoundByRequest<StoredInvoice> FindInvoiceByRequest(const std::string& id) override {
    return Find(&Tables::invoices, id);
  }
  FoundByRequest<StoredPayment> FindPaymentByRequest(const std::string& id) override {
    return Find(&Tables::payments, id);
  }

  absl::StatusOr<std::vector<OpenTotals>> OpenTotalsOf(int64_t account_id) override;

  // Not in the fake.
  absl::StatusOr<common::Page<StoredOrder>> ListOrders(const common::FilterNode&,
                                                       const std::optional<common::PageCursor>&,
                                                       int) override {
    return NotInFake();
  }
  absl::StatusOr<common::Page<StoredInvoice>> ListInvoices(const common::FilterNode&, absl::Time,
                                                           const std::optional<common::PageCursor>&,
                                                           int) override {
    return NotInFake();
  }
  absl::StatusOr<common::Page<StoredPayment>> ListPayments(const common::FilterNode&,
                                                           const std::optional<common::PageCursor>&,
                                                           int) override {
    return NotInFake();
  }
  absl::StatusOr<int64_t> OverdueBalance(int64_t, const std::string&, absl::Time) override {
    return NotInFake();
  }
  absl::StatusOr<std::vector<int64_t>> AccountsOwingAt(absl::Time, int64_t, int) override {
    return NotInFake();
  }
  absl::StatusOr<std::vector<InvoiceHistory>> HistoriesOwingAt(const std::vector<int64_t>&,
                                                               absl::Time) override {
    return NotInFake();
  }
  absl::StatusOr<std::vector<std::string>> InvoiceCurrencies(int64_t) override {
    return NotInFake();
  }
  absl::StatusOr<std::vector<InvoiceHistory>> HistoriesForPeriod(int64_t, const std::string&,
                                                                 absl::Time, absl::Time) override {
    return NotInFake();
  }
  absl::StatusOr<int64_t> PaymentsReceived(int64_t, const std::string&, absl::Time,
                                           absl::Time) override {
    return NotInFake();
  }

 private:
  static absl::Status NotInFake() { return absl::UnimplementedError("not in the fake"); }

  absl::StatusOr<int64_t> NewId();

  template <typename Row>
  std::vector<Row> All(FakeTable<Row> Tables::*table) const {
    absl::MutexLock lock(&mu_);
    std::vector<Row> all;
    for (const auto& [id, row] : (tables_.*table).rows) all.push_back(row);
    return all;
  }
  template <typename Row>
  absl::StatusOr<Row> Get(FakeTable<Row> Tables::*table, int64_t id) {
    absl::MutexLock lock(&mu_);
    if (down_) return Unavailable();
    return (tables_.*table).Get(id);
  }
  template <typename Row>
  FoundByRequest<Row> Find(FakeTable<Row> Tables::*table, const std::string& request_id) {
    absl::MutexLock lock(&mu_);
    if (down_) return Unavailable();
    return (tables_.*table).Find(request_id);
  }

  std::atomic<bool> down_{false};
  mutable absl::Mutex mu_;  // held for the whole of a transaction
  Tables tables_ ABSL_GUARDED_BY(mu_);
  int64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
};

}  // namespace kam::interaction::billing

#endif  // KAM_SERVICES_INTERACTION_BILLING_FAKE_BILLING_STORE_H_
