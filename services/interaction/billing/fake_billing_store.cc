#include "services/interaction/billing/fake_billing_store.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "common/base/proto_time.h"

namespace kam::interaction::billing {
namespace {

using Tables = FakeBillingStore::Tables;

// What a read of a row returns besides its columns: the etag of its version,
// the invoice an order names, an invoice's balance.
void Derive(StoredOrder& row) {
  v1::Order& o = row.order;
  o.clear_invoice();
  if (row.invoice_id != 0) o.set_invoice(absl::StrCat("invoices/", row.invoice_id));
  o.set_etag(common::MakeEtag(o.name(), row.version));
}

void Derive(StoredInvoice& row) {
  v1::Invoice& i = row.invoice;
  *i.mutable_balance() = i.amount();
  if (i.status() == v1::INVOICE_STATUS_OPEN) {
    i.mutable_balance()->set_minor_units(i.amount().minor_units() - i.paid_amount().minor_units());
  } else {
    i.mutable_balance()->set_minor_units(0);
  }
  i.set_etag(common::MakeEtag(i.name(), row.version));
}

// The open amounts of `account_ids` added up per currency, as the MySQL
// store's ReadOpenTotals.
std::vector<OpenTotals> OpenTotalsIn(const Tables& t, const std::vector<int64_t>& account_ids) {
  auto listed = [&](int64_t account_id) {
    return std::find(account_ids.begin(), account_ids.end(), account_id) != account_ids.end();
  };
  std::map<std::string, OpenTotals> totals;
  auto at = [&](const std::string& currency) -> OpenTotals& {
    OpenTotals& entry = totals[currency];
    entry.currency_code = currency;
    return entry;
  };
  for (const auto& [id, row] : t.orders.rows) {
    if (!listed(row.account_id) || row.order.status() != v1::ORDER_STATUS_OPEN) continue;
    at(row.order.amount().currency_code()).open_orders += row.order.amount().minor_units();
  }
  for (const auto& [id, row] : t.invoices.rows) {
    if (!listed(row.account_id) || row.invoice.status() != v1::INVOICE_STATUS_OPEN) continue;
    at(row.invoice.amount().currency_code()).open_invoices += row.invoice.balance().minor_units();
  }
  std::vector<OpenTotals> out;
  for (auto& [currency, entry] : totals) out.push_back(std::move(entry));
  return out;
}

// The credit hold's steps over the fake's invoices and lifts, as the MySQL
// steps read them.
class FakeCreditHoldSteps final : public credit_hold::CreditHoldSteps {
 public:
  explicit FakeCreditHoldSteps(Tables& tables) : t_(tables) {}

  absl::StatusOr<credit_hold::StoredHoldPolicy> Settings() override { return t_.hold_policy; }

  absl::StatusOr<bool> WriteSettingsIfVersion(const credit_hold::StrikeSettings& settings,
                                              int64_t expected_version, absl::Time now,
                                              const std::string& actor) override {
    if (t_.hold_policy.version != expected_version) return false;
    t_.hold_policy = {settings, expected_version + 1, now, actor};
    return true;
  }

  absl::StatusOr<std::vector<credit_hold::InvoiceDates>> LateInvoices(
      int64_t account_id, absl::Time due_before, const credit_hold::StrikeSettings&) override {
    std::vector<credit_hold::InvoiceDates> late;
    for (const auto& [id, row] : t_.invoices.rows) {
      const v1::Invoice& i = row.invoice;
      const absl::Time due = common::FromProtoTimestamp(i.due_time());
      if (row.account_id != account_id || i.status() == v1::INVOICE_STATUS_VOID ||
          due >= due_before) {
        continue;
      }
      std::optional<absl::Time> settle;
      if (i.has_settle_time()) settle = common::FromProtoTimestamp(i.settle_time());
      late.push_back({id, due, common::FromProtoTimestamp(i.create_time()), settle});
    }
    return late;
  }

  absl::StatusOr<std::optional<credit_hold::Lift>> LastLift(int64_t account_id) override {
    std::optional<credit_hold::Lift> last;
    for (const Tables::HoldLift& l : t_.hold_lifts) {
      if (l.account_id == account_id) last = l.lift;
    }
    return last;
  }

  absl::StatusOr<std::optional<std::string>> LiftRequestHash(
      const std::string& request_id) override {
    for (const Tables::HoldLift& l : t_.hold_lifts) {
      if (l.key.id == request_id) return std::optional<std::string>(l.key.hash);
    }
    return std::optional<std::string>();
  }

  absl::Status InsertLift(int64_t account_id, const credit_hold::Lift& lift,
                          const common::RequestKey& key) override {
    t_.hold_lifts.push_back({account_id, lift, key});
    return absl::OkStatus();
  }

 private:
  Tables& t_;
};

class FakeBillingTx final : public BillingTx {
 public:
  explicit FakeBillingTx(Tables& tables) : t_(tables), hold_(tables) {}

  credit_hold::CreditHoldSteps& CreditHold() override { return hold_; }

  absl::Status LockAccount(int64_t) override { return absl::OkStatus(); }

  absl::StatusOr<bool> OrderRequestUsed(const std::string& request_id) override {
    return Used(t_.orders, request_id);
  }
  absl::StatusOr<bool> InvoiceRequestUsed(const std::string& request_id) override {
    return Used(t_.invoices, request_id);
  }
  absl::StatusOr<bool> PaymentRequestUsed(const std::string& request_id) override {
    return Used(t_.payments, request_id);
  }

  absl::StatusOr<std::vector<OpenTotals>> OpenTotalsOf(int64_t account_id) override {
    return OpenTotalsIn(t_, {account_id});
  }

  absl::Status LockGroup(int64_t) override { return absl::OkStatus(); }

  absl::StatusOr<std::vector<OpenTotals>> OpenTotalsOfAccounts(
      const std::vector<int64_t>& account_ids) override {
    return OpenTotalsIn(t_, account_ids);
  }

  absl::StatusOr<StoredOrder> LockOrder(int64_t id) override { return t_.orders.Get(id); }
  absl::StatusOr<StoredInvoice> LockInvoice(int64_t id) override { return t_.invoices.Get(id); }

  absl::StatusOr<common::InsertOutcome> InsertOrder(const StoredOrder& row,
                                                    const common::RequestKey& key) override {
    return t_.orders.Insert(row, key);
  }
  absl::StatusOr<common::InsertOutcome> InsertInvoice(const StoredInvoice& row,
                                                      const common::RequestKey& key) override {
    return t_.invoices.Insert(row, key);
  }
  absl::StatusOr<common::InsertOutcome> InsertPayment(const StoredPayment& row,
                                                      const common::RequestKey& key) override {
    return t_.payments.Insert(row, key);
  }

  // Only the columns MySqlBillingStore writes.
  absl::Status WriteOrder(const StoredOrder& row) override {
    return UpdateRow(t_.orders, row.id, [&](StoredOrder& stored) {
      v1::Order& o = stored.order;
      o.mutable_amount()->set_minor_units(row.order.amount().minor_units());
      o.mutable_cost()->set_minor_units(row.order.cost().minor_units());
      o.set_description(row.order.description());
      o.set_status(row.order.status());
      o.set_cancel_reason(row.order.cancel_reason());
      *o.mutable_update_time() = row.order.update_time();
      stored.invoice_id = row.invoice_id;
      stored.version = row.version;
      Derive(stored);
    });
  }

  absl::Status WriteInvoiceStatus(const StoredInvoice& row) override {
    return UpdateRow(t_.invoices, row.id, [&](StoredInvoice& stored) {
      stored.invoice.set_status(row.invoice.status());
      stored.invoice.set_void_reason(row.invoice.void_reason());
      *stored.invoice.mutable_update_time() = row.invoice.update_time();
      stored.version = row.version;
      Derive(stored);
    });
  }

  absl::StatusOr<std::vector<StoredInvoice>> LockOpenInvoices(
      int64_t account_id, const std::string& currency_code) override {
    std::vector<StoredInvoice> open;
    for (const auto& [id, row] : t_.invoices.rows) {
      const v1::Invoice& i = row.invoice;
      if (row.account_id == account_id && i.status() == v1::INVOICE_STATUS_OPEN &&
          i.amount().currency_code() == currency_code) {
        open.push_back(row);
      }
    }
    auto key = [](const StoredInvoice& row) {
      return std::make_tuple(common::FromProtoTimestamp(row.invoice.due_time()),
                             common::FromProtoTimestamp(row.invoice.issue_time()), row.id);
    };
    std::sort(open.begin(), open.end(),
              [&](const StoredInvoice& a, const StoredInvoice& b) { return key(a) < key(b); });
    return open;
  }

  absl::Status ApplyPaymentToInvoice(int64_t invoice_id, int64_t paid, bool paid_in_full,
                                     int64_t version, absl::Time now) override {
    return UpdateRow(t_.invoices, invoice_id, [&](StoredInvoice& stored) {
      v1::Invoice& i = stored.invoice;
      i.mutable_paid_amount()->set_minor_units(paid);
      i.set_status(paid_in_full ? v1::INVOICE_STATUS_PAID : v1::INVOICE_STATUS_OPEN);
      i.clear_settle_time();
      if (paid_in_full) {
        // The latest received_time of the payments applied to it.
        absl::Time settled = absl::InfinitePast();
        for (const auto& [id, payment] : t_.payments.rows) {
          for (const v1::PaymentAllocation& a : payment.payment.allocations()) {
            if (a.invoice() != i.name()) continue;
            settled =
                std::max(settled, common::FromProtoTimestamp(payment.payment.received_time()));
          }
        }
        *i.mutable_settle_time() = common::ToProtoTimestamp(settled);
      }
      stored.version = version;
      *i.mutable_update_time() = common::ToProtoTimestamp(now);
      Derive(stored);
    });
  }

 private:
  template <typename Row>
  absl::StatusOr<bool> Used(const common::testing::FakeTable<Row>& table,
                            const std::string& request_id) {
    return table.RequestUsed(request_id);
  }

  Tables& t_;
  FakeCreditHoldSteps hold_;
};

}  // namespace

absl::Status FakeBillingStore::Transact(absl::string_view context,
                                        absl::FunctionRef<absl::Status(BillingTx&)> fn) {
  return TransactOn<FakeBillingTx>(db_, context, fn);
}

absl::StatusOr<std::vector<OpenTotals>> FakeBillingStore::OpenTotalsOf(int64_t account_id) {
  return db_.Read<std::vector<OpenTotals>>("reading open totals", [&](const Tables& tables) {
    return OpenTotalsIn(tables, {account_id});
  });
}

}  // namespace kam::interaction::billing
