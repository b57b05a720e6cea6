// The billing store over MySQL (NewMySqlBillingStore): all SQL of orders,
// invoices and payments (tables of migrations/0003_billing.sql) as rows,
// their filters, and the write transaction (MySqlBillingTx); the figures'
// reads are in mysql_billing_figures.cc. Prepared statements only; every
// value is bound, never spliced into the text. Reads run on their own
// (autocommit); Transact runs common::RunInTransaction (READ COMMITTED
// connections, so a read after LockAccount sees what the previous lock
// holder committed). Database errors become statuses
// (common/db/transaction.h): nothing throws out of the store.
#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "common/api/resource_name.h"
#include "common/base/status_macros.h"
#include "common/db/filter_sql.h"
#include "common/db/id_allocator.h"
#include "common/db/mysql_pool.h"
#include "common/db/queries.h"
#include "common/db/row_reader.h"
#include "common/db/transaction.h"
#include "services/interaction/billing/billing_fields.h"
#include "services/interaction/billing/billing_store.h"
#include "services/interaction/shared/money_math.h"
#include "services/interaction/shared/names.h"
#include "services/interaction/shared/store_sql.h"

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
    "o.update_time, o.prepaid";

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
    "update_time, prepaid, create_request_id, create_request_hash) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, '', ?, ?, ?, ?, ?, ?, ?)";
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
  o.set_prepaid(rs.getInt(15) != 0);
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
  std::vector<SqlValue> values = common::PaddedIds(ids, &placeholders);
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

// The OPEN orders and unpaid OPEN invoice balances of `account_ids` (one
// account's, or a credit group's members'), added up per currency: one
// statement per table and per 512 ids (common::PaddedIds keeps the IN lists
// to a few prepared statements; one id is `IN (?)`, served like `= ?`).
std::vector<OpenTotals> ReadOpenTotals(SqlConnection& connection,
                                       const std::vector<int64_t>& account_ids) {
  constexpr size_t kChunk = 512;
  std::map<std::string, OpenTotals> totals;
  for (size_t from = 0; from < account_ids.size(); from += kChunk) {
    const std::vector<int64_t> chunk(
        account_ids.begin() + from,
        account_ids.begin() + std::min(account_ids.size(), from + kChunk));
    std::string in;
    const std::vector<SqlValue> ids = common::PaddedIds(chunk, &in);
    auto add = [&](absl::string_view select, absl::string_view table, int status,
                   int64_t OpenTotals::*field) {
      auto rs = connection.Query(absl::StrCat("SELECT currency, ", select, " FROM ", table,
                                              " WHERE account_id IN (", in,
                                              ") AND status = ? GROUP BY currency"),
                                 ids, status);
      while (rs->next()) {
        OpenTotals& t = totals[ReadText(*rs, 1)];
        t.currency_code = ReadText(*rs, 1);
        t.*field = SaturatingAdd(t.*field, ReadSum(*rs, 2));
      }
    };
    add("SUM(amount_minor)", "orders", kOrderOpen, &OpenTotals::open_orders);
    add("SUM(amount_minor - paid_minor)", "invoices", kInvoiceOpen, &OpenTotals::open_invoices);
  }
  std::vector<OpenTotals> out;
  for (auto& [currency, t] : totals) out.push_back(std::move(t));
  return out;
}

// --- filters ------------------------------------------------------------

absl::Status OrderComparison(const FilterComparison& c, SqlFragment* out) {
  if (c.field == "account") return ReferenceTerm(c, "o.account_id", "accounts", out);
  if (c.field == "status") {
    return EnumTerm(c, "o.status", "ORDER_STATUS_", v1::OrderStatus_Parse,
                    /*accept_unspecified=*/true, out);
  }
  if (c.field == "order_time") return common::TimeTerm(c, "o.order_time", out);
  if (c.field == "create_time") return common::TimeTerm(c, "o.create_time", out);
  return UnsupportedFilterField(c, "account, status, order_time or create_time");
}

// Every invoice field but `overdue`, which compares with the time of the
// listing (MySqlBillingStore::ListInvoices).
absl::Status InvoiceComparison(const FilterComparison& c, SqlFragment* out) {
  if (c.field == "account") return ReferenceTerm(c, "i.account_id", "accounts", out);
  if (c.field == "order") return ReferenceTerm(c, "i.order_id", "orders", out);
  if (c.field == "status") {
    return EnumTerm(c, "i.status", "INVOICE_STATUS_", v1::InvoiceStatus_Parse,
                    /*accept_unspecified=*/true, out);
  }
  if (c.field == "due_time") return common::TimeTerm(c, "i.due_time", out);
  if (c.field == "issue_time") return common::TimeTerm(c, "i.issue_time", out);
  if (c.field == "create_time") return common::TimeTerm(c, "i.create_time", out);
  return UnsupportedFilterField(
      c, "account, order, status, overdue, due_time, issue_time or create_time");
}

absl::Status PaymentComparison(const FilterComparison& c, SqlFragment* out) {
  if (c.field == "account") return ReferenceTerm(c, "p.account_id", "accounts", out);
  if (c.field == "invoice") {
    KAM_RETURN_IF_ERROR(common::OnlyEquality(c));
    KAM_ASSIGN_OR_RETURN(int64_t id,
                         common::ParseId("filter value for invoice", c.value, "invoices"));
    absl::StrAppend(&out->sql, c.op == common::FilterOp::kEq ? "" : "NOT ",
                    "EXISTS (SELECT 1 FROM payment_allocations pa WHERE pa.payment_id = p.id "
                    "AND pa.invoice_id = ?)");
    out->params.emplace_back(id);
    return absl::OkStatus();
  }
  if (c.field == "received_time") return common::TimeTerm(c, "p.received_time", out);
  if (c.field == "create_time") return common::TimeTerm(c, "p.create_time", out);
  return UnsupportedFilterField(c, "account, invoice, received_time or create_time");
}

// One page of `kind` matching `filter` after `cursor` in id order.
template <typename Row>
absl::StatusOr<common::Page<Row>> ListRows(common::ConnectionPool& pool, absl::string_view context,
                                           const RowKind<Row>& kind,
                                           const common::FilterNode& filter,
                                           const common::ComparisonToSql& comparison,
                                           const std::optional<common::PageCursor>& cursor,
                                           int limit) {
  KAM_ASSIGN_OR_RETURN(SqlFragment where, common::FilterSql(filter, comparison));
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

// --- the write transaction ------------------------------------------------

class MySqlBillingTx final : public common::StoreTx, public BillingTx {
 public:
  MySqlBillingTx(SqlConnection& connection, absl::string_view context)
      : StoreTx(connection, context) {}

  credit_hold::CreditHoldSteps& CreditHold() override {
    if (credit_hold_ == nullptr) {
      credit_hold_ = credit_hold::NewMySqlCreditHoldSteps(connection_, context_);
    }
    return *credit_hold_;
  }

  absl::Status LockAccount(int64_t account_id) override {
    // ON DUPLICATE KEY UPDATE takes the existing row's exclusive lock; a
    // first insert holds the new row's lock. Either way concurrent writers
    // of the account queue here.
    return Exec(
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
      return ReadOpenTotals(connection_, {account_id});
    });
  }

  absl::Status LockGroup(int64_t group_id) override {
    // As LockAccount, in a table of its own: a group's lock is always taken
    // after account locks, never before one, so the two cannot deadlock.
    return Exec(
        "INSERT INTO billing_group_locks (group_id, lock_count) VALUES (?, 1) "
        "ON DUPLICATE KEY UPDATE lock_count = lock_count + 1",
        group_id);
  }

  absl::StatusOr<std::vector<OpenTotals>> OpenTotalsOfAccounts(
      const std::vector<int64_t>& account_ids) override {
    return Step([&]() -> absl::StatusOr<std::vector<OpenTotals>> {
      return ReadOpenTotals(connection_, account_ids);
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
    return Insert("uk_orders_create_request", kInsertOrder, key, row.id, row.account_id,
                  o.amount().currency_code(), o.amount().minor_units(), o.cost().minor_units(),
                  o.description(), static_cast<int>(o.status()), SqlTime(o.order_time()), o.actor(),
                  row.version, SqlTime(o.create_time()), SqlTime(o.update_time()),
                  int64_t{o.prepaid() ? 1 : 0});
  }

  absl::StatusOr<common::InsertOutcome> InsertInvoice(const StoredInvoice& row,
                                                      const common::RequestKey& key) override {
    const v1::Invoice& i = row.invoice;
    return Insert("uk_invoices_create_request", kInsertInvoice, key, row.id, row.account_id,
                  IdOrNull(row.order_id), i.amount().currency_code(), i.amount().minor_units(),
                  i.cost().minor_units(), static_cast<int>(i.status()), SqlTime(i.issue_time()),
                  SqlTime(i.due_time()), i.payment_terms_days(), i.description(), i.actor(),
                  row.version, SqlTime(i.create_time()), SqlTime(i.update_time()));
  }

  absl::StatusOr<common::InsertOutcome> InsertPayment(const StoredPayment& row,
                                                      const common::RequestKey& key) override {
    const v1::Payment& p = row.payment;
    const std::string received = SqlTime(p.received_time());
    absl::StatusOr<common::InsertOutcome> outcome =
        Insert("uk_payments_create_request", kInsertPayment, key, row.id, row.account_id,
               p.amount().currency_code(), p.amount().minor_units(), received, p.reference(),
               p.actor(), SqlTime(p.create_time()));
    if (!outcome.ok() || *outcome == common::InsertOutcome::kDuplicateRequest) return outcome;
    absl::Status status = Step([&] {
      for (int n = 0; n < p.allocations_size(); ++n) {
        const v1::PaymentAllocation& a = p.allocations(n);
        absl::StatusOr<int64_t> invoice = common::ParseId("invoice", a.invoice(), "invoices");
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
    return Exec(
        "UPDATE orders SET amount_minor = ?, cost_minor = ?, description = ?, status = ?, "
        "invoice_id = ?, cancel_reason = ?, version = ?, update_time = ? WHERE id = ?",
        o.amount().minor_units(), o.cost().minor_units(), o.description(),
        static_cast<int>(o.status()), IdOrNull(row.invoice_id), o.cancel_reason(), row.version,
        SqlTime(o.update_time()), row.id);
  }

  absl::Status WriteInvoiceStatus(const StoredInvoice& row) override {
    const v1::Invoice& i = row.invoice;
    return Exec(
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
    return Exec(
        "UPDATE invoices SET paid_minor = ?, status = ?, settle_time = IF(? = 1, "
        "(SELECT MAX(a.received_time) FROM payment_allocations a WHERE a.invoice_id = ?), "
        "NULL), version = ?, update_time = ? WHERE id = ?",
        paid, paid_in_full ? kInvoicePaid : kInvoiceOpen, paid_in_full ? 1 : 0, invoice_id, version,
        SqlTime(now), invoice_id);
  }

 private:
  absl::StatusOr<bool> RequestUsed(absl::string_view table, const std::string& request_id) {
    return Step([&]() -> absl::StatusOr<bool> {
      return connection_
          .Query(absl::StrCat("SELECT 1 FROM ", table, " WHERE create_request_id = ?"), request_id)
          ->next();
    });
  }

  // shared/store_sql.h: InsertWithRequestId, as a step.
  template <typename... Args>
  absl::StatusOr<common::InsertOutcome> Insert(absl::string_view request_key,
                                               const std::string& insert,
                                               const common::RequestKey& key,
                                               const Args&... values) {
    return Step([&]() -> absl::StatusOr<common::InsertOutcome> {
      return InsertWithRequestId(connection_, request_key, insert, key, values...);
    });
  }

  std::unique_ptr<credit_hold::CreditHoldSteps> credit_hold_;  // made on first use
};

// --- the store --------------------------------------------------------------

class MySqlBillingStore final : public BillingStore, private MySqlStoreBase {
 public:
  explicit MySqlBillingStore(common::ConnectionPool* pool)
      : MySqlStoreBase(pool),
        order_ids_(pool, "orders"),
        invoice_ids_(pool, "invoices"),
        payment_ids_(pool, "payments") {}

  absl::Status Transact(absl::string_view context,
                        absl::FunctionRef<absl::Status(BillingTx&)> fn) override {
    return common::RunInTransaction(*pool_, context, [&](SqlConnection& connection) {
      MySqlBillingTx tx(connection, context);
      return fn(tx);
    });
  }

  absl::StatusOr<int64_t> NewOrderId() override { return order_ids_.Next(); }
  absl::StatusOr<int64_t> NewInvoiceId() override { return invoice_ids_.Next(); }
  absl::StatusOr<int64_t> NewPaymentId() override { return payment_ids_.Next(); }

  absl::StatusOr<StoredOrder> GetOrder(int64_t id) override {
    return Get(kOrders, "reading order", id);
  }
  absl::StatusOr<StoredInvoice> GetInvoice(int64_t id) override {
    return Get(kInvoices, "reading invoice", id);
  }
  absl::StatusOr<StoredPayment> GetPayment(int64_t id) override {
    return Get(kPayments, "reading payment", id);
  }

  FoundByRequest<StoredOrder> FindOrderByRequest(const std::string& request_id) override {
    return FindByRequest(*pool_, "reading order", kOrders, request_id);
  }
  FoundByRequest<StoredInvoice> FindInvoiceByRequest(const std::string& request_id) override {
    return FindByRequest(*pool_, "reading invoice", kInvoices, request_id);
  }
  FoundByRequest<StoredPayment> FindPaymentByRequest(const std::string& request_id) override {
    return FindByRequest(*pool_, "reading payment", kPayments, request_id);
  }

  absl::StatusOr<common::Page<StoredOrder>> ListOrders(
      const common::FilterNode& filter, const std::optional<common::PageCursor>& cursor,
      int limit) override {
    return ListRows(*pool_, "listing orders", kOrders, filter, OrderComparison, cursor, limit);
  }

  absl::StatusOr<common::Page<StoredInvoice>> ListInvoices(
      const common::FilterNode& filter, absl::Time now,
      const std::optional<common::PageCursor>& cursor, int limit) override {
    const std::string now_sql = SqlTime(now);
    auto map = [&](const FilterComparison& c, SqlFragment* out) -> absl::Status {
      if (c.field == "overdue") {
        KAM_ASSIGN_OR_RETURN(bool want, common::FilterWantsTrue(c));
        absl::StrAppend(&out->sql, want ? "" : "NOT ", "(i.status = ? AND i.due_time < ?)");
        out->params.emplace_back(int64_t{kInvoiceOpen});
        out->params.emplace_back(now_sql);
        return absl::OkStatus();
      }
      return InvoiceComparison(c, out);
    };
    return ListRows(*pool_, "listing invoices", kInvoices, filter, map, cursor, limit);
  }

  absl::StatusOr<common::Page<StoredPayment>> ListPayments(
      const common::FilterNode& filter, const std::optional<common::PageCursor>& cursor,
      int limit) override {
    return ListRows(*pool_, "listing payments", kPayments, filter, PaymentComparison, cursor,
                    limit);
  }

  absl::StatusOr<std::vector<OpenTotals>> OpenTotalsOf(int64_t account_id) override {
    return common::ReadWithConnection<std::vector<OpenTotals>>(
        *pool_, "reading exposure",
        [&](SqlConnection& c) -> absl::StatusOr<std::vector<OpenTotals>> {
          return ReadOpenTotals(c, {account_id});
        });
  }

 private:
  template <typename Row>
  absl::StatusOr<Row> Get(const RowKind<Row>& kind, absl::string_view context, int64_t id) {
    return common::ReadWithConnection<Row>(
        *pool_, context, [&](SqlConnection& c) { return ReadById(c, kind, id, /*lock=*/false); });
  }

  common::IdAllocator order_ids_;
  common::IdAllocator invoice_ids_;
  common::IdAllocator payment_ids_;
};

}  // namespace

std::unique_ptr<BillingStore> NewMySqlBillingStore(common::ConnectionPool* pool) {
  return std::make_unique<MySqlBillingStore>(pool);
}

}  // namespace kam::interaction::billing
