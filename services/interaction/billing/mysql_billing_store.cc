// MySqlBillingStore: orders, invoices and payments as rows, their filters,
// and the write transaction (MySqlBillingTx). The figures are in
// mysql_billing_reports.cc.
#include "services/interaction/billing/mysql_billing_store.h"

#include <cppconn/exception.h>

#include <map>
#include <utility>

#include "absl/numeric/bits.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api/etag.h"
#include "common/api/resource_name.h"
#include "common/db/filter_sql.h"
#include "common/db/row_reader.h"
#include "common/db/sql_error.h"
#include "common/db/transaction.h"
#include "services/interaction/billing/billing_fields.h"
#include "services/interaction/shared/money_math.h"

namespace kam::interaction::billing {
namespace {

using common::FilterComparison;
using common::ReadText;
using common::ReadTimestamp;
using common::SqlConnection;
using common::SqlFragment;
using common::SqlTime;
using common::SqlValue;

// Column lists; the Read* functions read them by position.
constexpr char kOrderColumns[] =
    "o.id, o.account_id, o.currency, o.amount_minor, o.cost_minor, o.description, o.status, "
    "o.order_time, o.invoice_id, o.cancel_reason, o.actor, o.version, o.create_time, "
    "o.update_time";

constexpr char kInvoiceColumns[] =
    "i.id, i.account_id, i.order_id, i.currency, i.amount_minor, i.cost_minor, i.paid_minor, "
    "i.status, i.issue_time, i.due_time, i.payment_terms_days, i.settle_time, i.void_reason, "
    "i.description, i.actor, i.version, i.create_time, i.update_time";

constexpr char kPaymentColumns[] =
    "p.id, p.account_id, p.currency, p.amount_minor, p.received_time, p.reference, p.actor, "
    "p.create_time";

// Inserts of new rows, with the create request id and hash last.
constexpr char kInsertOrder[] =
    "INSERT INTO orders (id, account_id, currency, amount_minor, cost_minor, description, "
    "status, order_time, invoice_id, cancel_reason, actor, version, create_time, "
    "update_time, create_request_id, create_request_hash) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, '', ?, ?, ?, ?, ?, ?)";
constexpr char kInsertInvoice[] =
    "INSERT INTO invoices (id, account_id, order_id, currency, amount_minor, cost_minor, "
    "paid_minor, status, issue_time, due_time, payment_terms_days, settle_time, "
    "void_reason, description, actor, version, create_time, update_time, "
    "create_request_id, create_request_hash) "
    "VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, NULL, '', ?, ?, ?, ?, ?, ?, ?)";
constexpr char kInsertPayment[] =
    "INSERT INTO payments (id, account_id, currency, amount_minor, received_time, "
    "reference, actor, create_time, create_request_id, create_request_hash) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

constexpr int kOrderOpen = v1::ORDER_STATUS_OPEN;
constexpr int kInvoiceOpen = v1::INVOICE_STATUS_OPEN;
constexpr int kInvoicePaid = v1::INVOICE_STATUS_PAID;

// The last four columns of an order or an invoice (actor, version, create
// and update time) and the etag they make.
template <typename Resource>
void ReadStamp(sql::ResultSet& rs, int column, int64_t* version, Resource* resource) {
  resource->set_actor(ReadText(rs, column));
  *version = rs.getInt64(column + 1);
  if (auto t = ReadTimestamp(rs, column + 2)) *resource->mutable_create_time() = *t;
  if (auto t = ReadTimestamp(rs, column + 3)) *resource->mutable_update_time() = *t;
  resource->set_etag(common::MakeEtag(resource->name(), *version));
}

// The first two columns of every row (id, account_id) and the names they
// make ("<collection>/{id}", "accounts/{account}").
template <typename Row, typename Resource>
void ReadIds(sql::ResultSet& rs, absl::string_view collection, Row* row, Resource* resource) {
  row->id = rs.getInt64(1);
  row->account_id = rs.getInt64(2);
  resource->set_name(absl::StrCat(collection, "/", row->id));
  resource->set_account(AccountName(row->account_id));
}

StoredPayment ReadPayment(sql::ResultSet& rs) {
  StoredPayment row;
  v1::Payment& p = row.payment;
  ReadIds(rs, "payments", &row, &p);
  *p.mutable_amount() = MoneyOf(ReadText(rs, 3), rs.getInt64(4));
  if (auto t = ReadTimestamp(rs, 5)) *p.mutable_received_time() = *t;
  p.set_reference(ReadText(rs, 6));
  p.set_actor(ReadText(rs, 7));
  if (auto t = ReadTimestamp(rs, 8)) *p.mutable_create_time() = *t;
  return row;
}

StoredOrder ReadOrder(sql::ResultSet& rs) {
  StoredOrder row;
  v1::Order& o = row.order;
  ReadIds(rs, "orders", &row, &o);
  const std::string currency = ReadText(rs, 3);
  *o.mutable_amount() = MoneyOf(currency, rs.getInt64(4));
  *o.mutable_cost() = MoneyOf(currency, rs.getInt64(5));
  o.set_description(ReadText(rs, 6));
  o.set_status(static_cast<v1::OrderStatus>(rs.getInt(7)));
  if (auto t = ReadTimestamp(rs, 8)) *o.mutable_order_time() = *t;
  row.invoice_id = rs.getInt64(9);
  if (row.invoice_id != 0) o.set_invoice(absl::StrCat("invoices/", row.invoice_id));
  o.set_cancel_reason(ReadText(rs, 10));
  ReadStamp(rs, 11, &row.version, &o);
  return row;
}

StoredInvoice ReadInvoice(sql::ResultSet& rs) {
  StoredInvoice row;
  v1::Invoice& i = row.invoice;
  ReadIds(rs, "invoices", &row, &i);
  row.order_id = rs.getInt64(3);
  const std::string currency = ReadText(rs, 4);
  const int64_t amount = rs.getInt64(5);
  const int64_t paid = rs.getInt64(7);
  if (row.order_id != 0) i.set_order(absl::StrCat("orders/", row.order_id));
  *i.mutable_amount() = MoneyOf(currency, amount);
  *i.mutable_cost() = MoneyOf(currency, rs.getInt64(6));
  *i.mutable_paid_amount() = MoneyOf(currency, paid);
  i.set_status(static_cast<v1::InvoiceStatus>(rs.getInt(8)));
  *i.mutable_balance() =
      MoneyOf(currency, i.status() == v1::INVOICE_STATUS_OPEN ? SaturatingSub(amount, paid) : 0);
  if (auto t = ReadTimestamp(rs, 9)) *i.mutable_issue_time() = *t;
  if (auto t = ReadTimestamp(rs, 10)) *i.mutable_due_time() = *t;
  i.set_payment_terms_days(rs.getInt(11));
  if (auto t = ReadTimestamp(rs, 12)) *i.mutable_settle_time() = *t;
  i.set_void_reason(ReadText(rs, 13));
  i.set_description(ReadText(rs, 14));
  ReadStamp(rs, 15, &row.version, &i);
  return row;
}

// Fills the allocations of `payments` (one query).
void LoadAllocations(SqlConnection& connection, std::vector<StoredPayment>& payments) {
  if (payments.empty()) return;
  std::vector<int64_t> ids;
  std::map<int64_t, StoredPayment*> by_id;
  for (StoredPayment& p : payments) {
    ids.push_back(p.id);
    by_id[p.id] = &p;
  }
  std::string placeholders;
  std::vector<SqlValue> values = MySqlBillingStore::PaddedIds(ids, &placeholders);
  const std::string sql = absl::StrCat(
      "SELECT payment_id, invoice_id, amount_minor FROM payment_allocations "
      "WHERE payment_id IN (",
      placeholders, ") ORDER BY payment_id, seq");
  auto rs = connection.Query(sql, values);
  while (rs->next()) {
    auto it = by_id.find(rs->getInt64(1));
    if (it == by_id.end()) continue;
    v1::Payment& p = it->second->payment;
    v1::PaymentAllocation* a = p.add_allocations();
    a->set_invoice(absl::StrCat("invoices/", rs->getInt64(2)));
    *a->mutable_amount() = MoneyOf(p.amount().currency_code(), rs->getInt64(3));
  }
}

// What the reads of one kind of row share.
template <typename Row>
struct RowKind {
  const char* columns;  // what `read` reads, by position
  const char* table;
  const char* alias;  // of `table` in `columns`
  const char* what;   // NOT_FOUND says "<what><id> not found"
  Row (*read)(sql::ResultSet& rs);
  // Adds what the rows need from other tables (nullptr: nothing).
  void (*complete)(SqlConnection& connection, std::vector<Row>& rows);
};

constexpr RowKind<StoredOrder> kOrders{kOrderColumns,   "orders",  "o",
                                       "order orders/", ReadOrder, nullptr};
constexpr RowKind<StoredInvoice> kInvoices{kInvoiceColumns,     "invoices",  "i",
                                           "invoice invoices/", ReadInvoice, nullptr};
constexpr RowKind<StoredPayment> kPayments{kPaymentColumns,     "payments",  "p",
                                           "payment payments/", ReadPayment, LoadAllocations};

// "SELECT <columns> FROM <table> <alias> WHERE <condition>".
template <typename Row>
std::string Select(const RowKind<Row>& kind, absl::string_view condition) {
  return absl::StrCat("SELECT ", kind.columns, " FROM ", kind.table, " ", kind.alias, " WHERE ",
                      condition);
}

// The rows `rs` holds, completed.
template <typename Row>
std::vector<Row> ReadRows(SqlConnection& connection, const RowKind<Row>& kind,
                          std::unique_ptr<sql::ResultSet> rs) {
  std::vector<Row> rows;
  while (rs->next()) rows.push_back(kind.read(*rs));
  rs.reset();  // before `complete` runs its own statement
  if (kind.complete != nullptr && !rows.empty()) kind.complete(connection, rows);
  return rows;
}

// The row with `id` (locked until the transaction ends when `lock`).
// NOT_FOUND.
template <typename Row>
absl::StatusOr<Row> ReadById(SqlConnection& connection, const RowKind<Row>& kind, int64_t id,
                             bool lock) {
  const std::string condition = absl::StrCat(kind.alias, ".id = ?", lock ? " FOR UPDATE" : "");
  std::vector<Row> rows = ReadRows(connection, kind, connection.Query(Select(kind, condition), id));
  if (rows.empty()) return absl::NotFoundError(absl::StrCat(kind.what, id, " not found"));
  return std::move(rows[0]);
}

// The row created with `request_id` and that request's fingerprint.
template <typename Row>
FoundByRequest<Row> FindByRequest(common::ConnectionPool& pool, absl::string_view context,
                                  const RowKind<Row>& kind, const std::string& request_id) {
  using Found = std::optional<common::CreatedByRequest<Row>>;
  return common::ReadWithConnection<Found>(pool, context, [&](SqlConnection& c) {
    const std::string select =
        absl::StrCat("SELECT ", kind.columns, ", ", kind.alias, ".create_request_hash FROM ",
                     kind.table, " ", kind.alias, " WHERE ", kind.alias, ".create_request_id = ?");
    Found found = common::ReadCreatedByRequest(c, select, request_id, kind.read);
    if (found.has_value() && kind.complete != nullptr) {
      std::vector<Row> rows = {std::move(found->row)};
      kind.complete(c, rows);
      found->row = std::move(rows[0]);
    }
    return found;
  });
}

// The account's OPEN orders and unpaid OPEN invoice balances per currency.
std::vector<OpenTotals> ReadOpenTotals(SqlConnection& connection, int64_t account_id) {
  std::map<std::string, OpenTotals> totals;
  auto add = [&](const std::string& sql, int status, int64_t OpenTotals::*field) {
    auto rs = connection.Query(sql, account_id, status);
    while (rs->next()) {
      OpenTotals& t = totals[ReadText(*rs, 1)];
      t.currency_code = ReadText(*rs, 1);
      t.*field = MySqlBillingStore::ReadSum(*rs, 2);
    }
  };
  add("SELECT currency, SUM(amount_minor) FROM orders WHERE account_id = ? AND status = ? "
      "GROUP BY currency",
      kOrderOpen, &OpenTotals::open_orders);
  add("SELECT currency, SUM(amount_minor - paid_minor) FROM invoices WHERE account_id = ? "
      "AND status = ? GROUP BY currency",
      kInvoiceOpen, &OpenTotals::open_invoices);
  std::vector<OpenTotals> out;
  for (auto& [currency, t] : totals) out.push_back(std::move(t));
  return out;
}

// --- filters ------------------------------------------------------------

// `column <op> ?` with `value` bound (or the value's error).
absl::Status ColumnComparison(const FilterComparison& c, const char* column,
                              absl::StatusOr<SqlValue> value, SqlFragment* out) {
  if (!value.ok()) return value.status();
  absl::StrAppend(&out->sql, column, common::SqlOp(c.op), "?");
  out->params.push_back(*std::move(value));
  return absl::OkStatus();
}

absl::Status TimeComparison(const FilterComparison& c, const char* column, SqlFragment* out) {
  absl::StatusOr<std::string> time = common::FilterTime(c);
  if (!time.ok()) return time.status();
  return ColumnComparison(c, column, SqlValue(*std::move(time)), out);
}

template <typename Enum>
absl::Status EnumComparison(const FilterComparison& c, const char* column, absl::string_view prefix,
                            bool (*parse)(const std::string&, Enum*), SqlFragment* out) {
  if (absl::Status s = common::OnlyEquality(c); !s.ok()) return s;
  absl::StatusOr<int64_t> value = common::FilterEnum(c, prefix, parse);
  if (!value.ok()) {
    // FilterEnum refuses the unspecified value; billing filters take it (it
    // matches no row), as they always have.
    const std::string upper = absl::AsciiStrToUpper(c.value);
    Enum parsed{};
    if (!parse(upper, &parsed) && !parse(absl::StrCat(prefix, upper), &parsed))
      return value.status();
    value = int64_t{0};
  }
  return ColumnComparison(c, column, SqlValue(*value), out);
}

// `column` holds the id of "<collection>/{id}"; an empty value matches NULL
// (no such reference).
absl::Status NameComparison(const FilterComparison& c, const char* column,
                            absl::string_view collection, SqlFragment* out) {
  if (absl::Status s = common::OnlyEquality(c); !s.ok()) return s;
  const bool eq = c.op == common::FilterOp::kEq;
  if (c.value.empty()) {
    absl::StrAppend(&out->sql, column, eq ? " IS NULL" : " IS NOT NULL");
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<int64_t>> ids =
      common::ParseResourceName(absl::StrCat("filter value for ", c.field), c.value, {collection});
  if (!ids.ok()) return ids.status();
  if (eq) {
    absl::StrAppend(&out->sql, column, " = ?");
  } else {
    absl::StrAppend(&out->sql, "NOT (", column, " <=> ?)");
  }
  out->params.emplace_back((*ids)[0]);
  return absl::OkStatus();
}

absl::Status Unsupported(const FilterComparison& c, absl::string_view fields) {
  return absl::InvalidArgumentError(
      absl::StrCat("filter field \"", c.field.substr(0, 64), "\" is not supported; use ", fields));
}

absl::Status OrderComparison(const FilterComparison& c, SqlFragment* out) {
  if (c.field == "account") return NameComparison(c, "o.account_id", "accounts", out);
  if (c.field == "status") {
    return EnumComparison<v1::OrderStatus>(c, "o.status", "ORDER_STATUS_", v1::OrderStatus_Parse,
                                           out);
  }
  if (c.field == "order_time") return TimeComparison(c, "o.order_time", out);
  if (c.field == "create_time") return TimeComparison(c, "o.create_time", out);
  return Unsupported(c, "account, status, order_time or create_time");
}

absl::Status PaymentComparison(const FilterComparison& c, SqlFragment* out) {
  if (c.field == "account") return NameComparison(c, "p.account_id", "accounts", out);
  if (c.field == "invoice") {
    if (absl::Status s = common::OnlyEquality(c); !s.ok()) return s;
    absl::StatusOr<std::vector<int64_t>> ids =
        common::ParseResourceName("filter value for invoice", c.value, {"invoices"});
    if (!ids.ok()) return ids.status();
    absl::StrAppend(&out->sql, c.op == common::FilterOp::kEq ? "" : "NOT ",
                    "EXISTS (SELECT 1 FROM payment_allocations pa WHERE pa.payment_id = p.id "
                    "AND pa.invoice_id = ?)");
    out->params.emplace_back((*ids)[0]);
    return absl::OkStatus();
  }
  if (c.field == "received_time") return TimeComparison(c, "p.received_time", out);
  if (c.field == "create_time") return TimeComparison(c, "p.create_time", out);
  return Unsupported(c, "account, invoice, received_time or create_time");
}

// One page of `kind` matching `filter` after `cursor` in id order.
template <typename Row>
absl::StatusOr<common::Page<Row>> ListRows(common::ConnectionPool& pool, absl::string_view context,
                                           const RowKind<Row>& kind,
                                           const common::FilterNode& filter,
                                           const common::ComparisonToSql& comparison,
                                           const std::optional<common::PageCursor>& cursor,
                                           int limit) {
  SqlFragment where;
  if (absl::Status s = common::FilterToSql(filter, comparison, &where); !s.ok()) return s;
  where.params.emplace_back(common::CursorId(cursor));
  where.params.emplace_back(static_cast<int64_t>(limit) + 1);
  const std::string sql = Select(
      kind,
      absl::StrCat(where.sql, " AND ", kind.alias, ".id > ? ORDER BY ", kind.alias, ".id LIMIT ?"));
  return common::ReadWithConnection<common::Page<Row>>(
      pool, context, [&](SqlConnection& c) -> absl::StatusOr<common::Page<Row>> {
        // Rows past the page are not completed.
        RowKind<Row> page_kind = kind;
        page_kind.complete = nullptr;
        common::Page<Row> page =
            common::TrimPage(ReadRows(c, page_kind, c.Query(sql, where.params)), limit);
        if (kind.complete != nullptr && !page.rows.empty()) kind.complete(c, page.rows);
        return page;
      });
}

// The create_request_id and create_request_hash of a new row: NULL
// without a request id.
std::optional<std::string> RequestIdColumn(const common::RequestKey& key) {
  return common::TextOrNull(key.id);
}
std::optional<std::string> RequestHashColumn(const common::RequestKey& key) {
  if (key.id.empty()) return std::nullopt;
  return key.hash;
}

// --- the write transaction ------------------------------------------------

class MySqlBillingTx final : public common::StoreTx, public BillingTx {
 public:
  MySqlBillingTx(SqlConnection& connection, absl::string_view context)
      : StoreTx(connection, context) {}

  absl::Status LockAccount(int64_t account_id) override {
    // ON DUPLICATE KEY UPDATE takes the existing row's exclusive lock; a
    // first insert holds the new row's lock. Either way concurrent writers
    // of the account queue here.
    return Update(
        "INSERT INTO billing_account_locks (account_id, lock_count) VALUES (?, 1) "
        "ON DUPLICATE KEY UPDATE lock_count = lock_count + 1",
        account_id);
  }

  absl::StatusOr<bool> OrderRequestUsed(const std::string& request_id) override {
    return RequestUsed("orders", request_id);
  }
  absl::StatusOr<bool> InvoiceRequestUsed(const std::string& request_id) override {
    return RequestUsed("invoices", request_id);
  }
  absl::StatusOr<bool> PaymentRequestUsed(const std::string& request_id) override {
    return RequestUsed("payments", request_id);
  }

  absl::StatusOr<std::vector<OpenTotals>> OpenTotalsOf(int64_t account_id) override {
    return Step([&]() -> absl::StatusOr<std::vector<OpenTotals>> {
      return ReadOpenTotals(connection_, account_id);
    });
  }

  absl::StatusOr<StoredOrder> LockOrder(int64_t id) override {
    return Step([&] { return ReadById(connection_, kOrders, id, /*lock=*/true); });
  }

  absl::StatusOr<StoredInvoice> LockInvoice(int64_t id) override {
    return Step([&] { return ReadById(connection_, kInvoices, id, /*lock=*/true); });
  }

  absl::StatusOr<common::InsertOutcome> InsertOrder(const StoredOrder& row,
                                                    const common::RequestKey& key) override {
    const v1::Order& o = row.order;
    return InsertWithRequestId("uk_orders_create_request", kInsertOrder, row.id, row.account_id,
                               o.amount().currency_code(), o.amount().minor_units(),
                               o.cost().minor_units(), o.description(),
                               static_cast<int>(o.status()), SqlTime(o.order_time()), o.actor(),
                               row.version, SqlTime(o.create_time()), SqlTime(o.update_time()),
                               RequestIdColumn(key), RequestHashColumn(key));
  }

  absl::StatusOr<common::InsertOutcome> InsertInvoice(const StoredInvoice& row,
                                                      const common::RequestKey& key) override {
    const v1::Invoice& i = row.invoice;
    return InsertWithRequestId(
        "uk_invoices_create_request", kInsertInvoice, row.id, row.account_id,
        row.order_id == 0 ? std::nullopt : std::optional<int64_t>(row.order_id),
        i.amount().currency_code(), i.amount().minor_units(), i.cost().minor_units(),
        static_cast<int>(i.status()), SqlTime(i.issue_time()), SqlTime(i.due_time()),
        i.payment_terms_days(), i.description(), i.actor(), row.version, SqlTime(i.create_time()),
        SqlTime(i.update_time()), RequestIdColumn(key), RequestHashColumn(key));
  }

  absl::StatusOr<common::InsertOutcome> InsertPayment(const StoredPayment& row,
                                                      const common::RequestKey& key) override {
    const v1::Payment& p = row.payment;
    const std::string received = SqlTime(p.received_time());
    absl::StatusOr<common::InsertOutcome> outcome = InsertWithRequestId(
        "uk_payments_create_request", kInsertPayment, row.id, row.account_id,
        p.amount().currency_code(), p.amount().minor_units(), received, p.reference(), p.actor(),
        SqlTime(p.create_time()), RequestIdColumn(key), RequestHashColumn(key));
    if (!outcome.ok() || *outcome == common::InsertOutcome::kDuplicateRequest) return outcome;
    absl::Status status = Step([&] {
      for (int n = 0; n < p.allocations_size(); ++n) {
        const v1::PaymentAllocation& a = p.allocations(n);
        absl::StatusOr<int64_t> invoice = ParseId("invoice", a.invoice(), "invoices");
        connection_.Update(
            "INSERT INTO payment_allocations (payment_id, invoice_id, seq, account_id, "
            "amount_minor, received_time) VALUES (?, ?, ?, ?, ?, ?)",
            row.id, invoice.ok() ? *invoice : int64_t{0}, n, row.account_id,
            a.amount().minor_units(), received);
      }
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
    return outcome;
  }

  absl::Status WriteOrder(const StoredOrder& row) override {
    const v1::Order& o = row.order;
    return Update(
        "UPDATE orders SET amount_minor = ?, cost_minor = ?, description = ?, status = ?, "
        "invoice_id = ?, cancel_reason = ?, version = ?, update_time = ? WHERE id = ?",
        o.amount().minor_units(), o.cost().minor_units(), o.description(),
        static_cast<int>(o.status()),
        row.invoice_id == 0 ? std::nullopt : std::optional<int64_t>(row.invoice_id),
        o.cancel_reason(), row.version, SqlTime(o.update_time()), row.id);
  }

  absl::Status WriteInvoiceStatus(const StoredInvoice& row) override {
    const v1::Invoice& i = row.invoice;
    return Update(
        "UPDATE invoices SET status = ?, void_reason = ?, version = ?, update_time = ? "
        "WHERE id = ?",
        static_cast<int>(i.status()), i.void_reason(), row.version, SqlTime(i.update_time()),
        row.id);
  }

  absl::StatusOr<std::vector<StoredInvoice>> LockOpenInvoices(
      int64_t account_id, const std::string& currency_code) override {
    return Step([&]() -> absl::StatusOr<std::vector<StoredInvoice>> {
      const std::string sql = Select(kInvoices,
                                     "i.account_id = ? AND i.status = ? AND i.currency = ? "
                                     "ORDER BY i.due_time, i.issue_time, i.id FOR UPDATE");
      return ReadRows(connection_, kInvoices,
                      connection_.Query(sql, account_id, kInvoiceOpen, currency_code));
    });
  }

  absl::Status ApplyPaymentToInvoice(int64_t invoice_id, int64_t paid, bool paid_in_full,
                                     int64_t version, absl::Time now) override {
    return Update(
        "UPDATE invoices SET paid_minor = ?, status = ?, settle_time = IF(? = 1, "
        "(SELECT MAX(a.received_time) FROM payment_allocations a WHERE a.invoice_id = ?), "
        "NULL), version = ?, update_time = ? WHERE id = ?",
        paid, paid_in_full ? kInvoicePaid : kInvoiceOpen, paid_in_full ? 1 : 0, invoice_id, version,
        SqlTime(now), invoice_id);
  }

 private:
  // Runs `sql` (an INSERT or UPDATE) with `values`.
  template <typename... Args>
  absl::Status Update(const std::string& sql, const Args&... values) {
    return Step([&] {
      connection_.Update(sql, values...);
      return absl::OkStatus();
    });
  }

  absl::StatusOr<bool> RequestUsed(absl::string_view table, const std::string& request_id) {
    return Step([&]() -> absl::StatusOr<bool> {
      return connection_
          .Query(absl::StrCat("SELECT 1 FROM ", table, " WHERE create_request_id = ?"), request_id)
          ->next();
    });
  }

  // Runs `insert` (an INSERT of a row with a request id) with `values`:
  // kDuplicateRequest when the unique key `request_key` refuses it because
  // the id is taken; any other error is the step's.
  template <typename... Args>
  absl::StatusOr<common::InsertOutcome> InsertWithRequestId(absl::string_view request_key,
                                                            const std::string& insert,
                                                            const Args&... values) {
    return Step([&]() -> absl::StatusOr<common::InsertOutcome> {
      try {
        connection_.Update(insert, values...);
      } catch (const sql::SQLException& e) {
        if (e.getErrorCode() != common::kErDupEntry ||
            common::DuplicateKeyName(e.what()) != request_key) {
          throw;
        }
        return common::InsertOutcome::kDuplicateRequest;
      }
      return common::InsertOutcome::kInserted;
    });
  }
};

}  // namespace

// --- MySqlBillingStore ----------------------------------------------------

MySqlBillingStore::MySqlBillingStore(common::ConnectionPool* pool)
    : pool_(pool),
      order_ids_(pool, "orders"),
      invoice_ids_(pool, "invoices"),
      payment_ids_(pool, "payments") {}

std::vector<SqlValue> MySqlBillingStore::PaddedIds(const std::vector<int64_t>& ids,
                                                   std::string* placeholders) {
  std::vector<SqlValue> values(ids.begin(), ids.end());
  values.resize(absl::bit_ceil(ids.size()), SqlValue(ids.back()));
  *placeholders = absl::StrJoin(std::vector<absl::string_view>(values.size(), "?"), ",");
  return values;
}

int64_t MySqlBillingStore::ReadSum(sql::ResultSet& rs, int column) {
  const std::string text = ReadText(rs, column);
  if (rs.wasNull()) return 0;
  return SaturatingParse(text);
}

absl::Status MySqlBillingStore::Transact(absl::string_view context,
                                         absl::FunctionRef<absl::Status(BillingTx&)> fn) {
  return common::RunInTransaction(*pool_, context, [&](SqlConnection& connection) {
    MySqlBillingTx tx(connection, context);
    return fn(tx);
  });
}

absl::StatusOr<StoredOrder> MySqlBillingStore::GetOrder(int64_t id) {
  return common::ReadWithConnection<StoredOrder>(*pool_, "reading order", [&](SqlConnection& c) {
    return ReadById(c, kOrders, id, /*lock=*/false);
  });
}

absl::StatusOr<StoredInvoice> MySqlBillingStore::GetInvoice(int64_t id) {
  return common::ReadWithConnection<StoredInvoice>(
      *pool_, "reading invoice",
      [&](SqlConnection& c) { return ReadById(c, kInvoices, id, /*lock=*/false); });
}

absl::StatusOr<StoredPayment> MySqlBillingStore::GetPayment(int64_t id) {
  return common::ReadWithConnection<StoredPayment>(
      *pool_, "reading payment",
      [&](SqlConnection& c) { return ReadById(c, kPayments, id, /*lock=*/false); });
}

FoundByRequest<StoredOrder> MySqlBillingStore::FindOrderByRequest(const std::string& request_id) {
  return FindByRequest(*pool_, "reading order", kOrders, request_id);
}

FoundByRequest<StoredInvoice> MySqlBillingStore::FindInvoiceByRequest(
    const std::string& request_id) {
  return FindByRequest(*pool_, "reading invoice", kInvoices, request_id);
}

FoundByRequest<StoredPayment> MySqlBillingStore::FindPaymentByRequest(
    const std::string& request_id) {
  return FindByRequest(*pool_, "reading payment", kPayments, request_id);
}

absl::StatusOr<common::Page<StoredOrder>> MySqlBillingStore::ListOrders(
    const common::FilterNode& filter, const std::optional<common::PageCursor>& cursor, int limit) {
  return ListRows(*pool_, "listing orders", kOrders, filter, OrderComparison, cursor, limit);
}

absl::StatusOr<common::Page<StoredInvoice>> MySqlBillingStore::ListInvoices(
    const common::FilterNode& filter, absl::Time now,
    const std::optional<common::PageCursor>& cursor, int limit) {
  const std::string now_sql = SqlTime(now);
  auto map = [&](const FilterComparison& c, SqlFragment* out) -> absl::Status {
    if (c.field == "account") return NameComparison(c, "i.account_id", "accounts", out);
    if (c.field == "order") return NameComparison(c, "i.order_id", "orders", out);
    if (c.field == "status") {
      return EnumComparison<v1::InvoiceStatus>(c, "i.status", "INVOICE_STATUS_",
                                               v1::InvoiceStatus_Parse, out);
    }
    if (c.field == "overdue") {
      absl::StatusOr<bool> want = common::FilterWantsTrue(c);
      if (!want.ok()) return want.status();
      absl::StrAppend(&out->sql, *want ? "" : "NOT ", "(i.status = ? AND i.due_time < ?)");
      out->params.emplace_back(int64_t{kInvoiceOpen});
      out->params.emplace_back(now_sql);
      return absl::OkStatus();
    }
    if (c.field == "due_time") return TimeComparison(c, "i.due_time", out);
    if (c.field == "issue_time") return TimeComparison(c, "i.issue_time", out);
    if (c.field == "create_time") return TimeComparison(c, "i.create_time", out);
    return Unsupported(c, "account, order, status, overdue, due_time, issue_time or create_time");
  };
  return ListRows(*pool_, "listing invoices", kInvoices, filter, map, cursor, limit);
}

absl::StatusOr<common::Page<StoredPayment>> MySqlBillingStore::ListPayments(
    const common::FilterNode& filter, const std::optional<common::PageCursor>& cursor, int limit) {
  return ListRows(*pool_, "listing payments", kPayments, filter, PaymentComparison, cursor, limit);
}

absl::StatusOr<std::vector<OpenTotals>> MySqlBillingStore::OpenTotalsOf(int64_t account_id) {
  return common::ReadWithConnection<std::vector<OpenTotals>>(
      *pool_, "reading exposure", [&](SqlConnection& c) -> absl::StatusOr<std::vector<OpenTotals>> {
        return ReadOpenTotals(c, account_id);
      });
}

}  // namespace kam::interaction::billing
