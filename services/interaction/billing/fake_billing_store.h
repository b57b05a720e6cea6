// An in-memory BillingStore (and BillingFigures) for the handler unit tests
// (built into kam_interaction_fakes, never into the service). It keeps
// orders, invoices and payments as the MySQL store reads them back (etags
// from versions, invoice balances from status and paid amount), refuses a
// request id used before (kDuplicateRequest), runs Transact all or nothing
// (a failed transaction leaves nothing behind) one at a time, and answers
// every call UNAVAILABLE while "down", like a database that cannot be
// reached. The listings and the figures other than OpenTotalsOf are not in
// the fake (UNIMPLEMENTED).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/base/status_macros.h"
#include "common/testing/fake_database.h"
#include "services/interaction/billing/billing_store.h"
#include "services/interaction/shared/fake_rows.h"

namespace kam::interaction::billing {

// What the fake stores; a transaction works on a copy.
struct FakeBillingTables {
  common::testing::FakeTable<StoredOrder> orders{"order orders/"};
  common::testing::FakeTable<StoredInvoice> invoices{"invoice invoices/"};
  common::testing::FakeTable<StoredPayment> payments{"payment payments/"};
  // The credit hold's settings and lifts (BillingTx::CreditHold).
  struct HoldLift {
    int64_t account_id = 0;
    credit_hold::Lift lift;
    common::RequestKey key;
  };
  credit_hold::StoredHoldPolicy hold_policy;
  std::vector<HoldLift> hold_lifts;
};

class FakeBillingStore final : public BillingStore, public BillingFigures {
 public:
  using Tables = FakeBillingTables;

  // While down, every call is UNAVAILABLE.
  void SetDown(bool down) { db_.SetDown(down); }

  // Every row stored, in id order: what tests check was (not) written.
  std::vector<StoredOrder> Orders() const { return All(&Tables::orders); }
  std::vector<StoredInvoice> Invoices() const { return All(&Tables::invoices); }
  std::vector<StoredPayment> Payments() const { return All(&Tables::payments); }

  // --- BillingStore ---

  absl::Status Transact(absl::string_view context,
                        absl::FunctionRef<absl::Status(BillingTx&)> fn) override;

  // One sequence of ids for every kind of row.
  absl::StatusOr<int64_t> NewOrderId() override { return db_.NewId("allocating an order id"); }
  absl::StatusOr<int64_t> NewInvoiceId() override { return db_.NewId("allocating an invoice id"); }
  absl::StatusOr<int64_t> NewPaymentId() override { return db_.NewId("allocating a payment id"); }

  absl::StatusOr<StoredOrder> GetOrder(int64_t id) override {
    return ReadRow(db_, &Tables::orders, id);
  }
  absl::StatusOr<StoredInvoice> GetInvoice(int64_t id) override {
    return ReadRow(db_, &Tables::invoices, id);
  }
  absl::StatusOr<StoredPayment> GetPayment(int64_t id) override {
    return ReadRow(db_, &Tables::payments, id);
  }

  FoundByRequest<StoredOrder> FindOrderByRequest(const std::string& id) override {
    return ReadRowByRequest(db_, &Tables::orders, id);
  }
  FoundByRequest<StoredInvoice> FindInvoiceByRequest(const std::string& id) override {
    return ReadRowByRequest(db_, &Tables::invoices, id);
  }
  FoundByRequest<StoredPayment> FindPaymentByRequest(const std::string& id) override {
    return ReadRowByRequest(db_, &Tables::payments, id);
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

  // --- BillingFigures: not in the fake ---

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

  template <typename Row>
  std::vector<Row> All(common::testing::FakeTable<Row> Tables::*table) const {
    return (db_.Snapshot().*table).All();
  }

  common::testing::FakeDatabase<Tables> db_;  // locked for a whole transaction
};

}  // namespace kam::interaction::billing
