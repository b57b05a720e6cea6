#include "services/interaction/billing/billing_store.h"

#include <cppconn/exception.h>

#include <map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "common/api/resource_name.h"
#include "common/base/proto_time.h"
#include "common/db/filter_sql.h"
#include "common/db/sql_error.h"
#include "common/db/transaction.h"
#include "services/interaction/shared/money_math.h"

namespace kam::interaction::billing {
namespace {

using common::SqlConnection;
using common::SqlValue;

// Column lists; the Read* functions read them by position.
constexpr char kOrderColumns[] =
    "o.id, o.account_id, o.currency, o.amount_minor, o.cost_minor, o.description, o.status, "
    "o.order_time, o.invoice_id, o.cancel_reason, o.actor, o.version, o.create_time, "
    "o.update_time";
constexpr int kOrderColumnCount = 14;

constexpr char kInvoiceColumns[] =
    "i.id, i.account_id, i.order_id, i.currency, i.amount_minor, i.cost_minor, i.paid_minor, "
    "i.status, i.issue_time, i.due_time, i.payment_terms_days, i.settle_time, i.void_reason, "
    "i.description, i.actor, i.version, i.create_time, i.update_time";
constexpr int kInvoiceColumnCount = 18;

constexpr char kPaymentColumns[] =
    "p.id, p.account_id, p.currency, p.amount_minor, p.received_time, p.reference, p.actor, "
    "p.create_time";
constexpr int kPaymentColumnCount = 8;

constexpr int kOrderOpen = v1::ORDER_STATUS_OPEN;
constexpr int kInvoiceOpen = v1::INVOICE_STATUS_OPEN;
constexpr int kInvoicePaid = v1::INVOICE_STATUS_PAID;
constexpr int kInvoiceVoid = v1::INVOICE_STATUS_VOID;

std::string Str(sql::ResultSet& rs, int column) { return rs.getString(column); }

// The column as a Timestamp; nullopt when it is NULL.
std::optional<google::protobuf::Timestamp> ReadTime(sql::ResultSet& rs, int column) {
  const sql::SQLString text = rs.getString(column);
  if (rs.wasNull()) return std::nullopt;
  google::protobuf::Timestamp ts;
  common::SqlDateTimeToProto(absl::string_view(text.c_str(), text.length()), &ts);
  return ts;
}

absl::Time ReadAbslTime(sql::ResultSet& rs, int column) {
  const sql::SQLString text = rs.getString(column);
  absl::StatusOr<absl::Time> t =
      common::FromSqlDateTime(absl::string_view(text.c_str(), text.length()));
  return t.ok() ? *t : absl::InfinitePast();
}

// A SUM(...) column: DECIMAL text, clamped to int64; NULL is 0.
int64_t ReadSum(sql::ResultSet& rs, int column) {
  const sql::SQLString text = rs.getString(column);
  if (rs.wasNull()) return 0;
  return SaturatingParse(absl::string_view(text.c_str(), text.length()));
}

std::string Time(const google::protobuf::Timestamp& ts) {
  return common::ToSqlDateTime(common::FromProtoTimestamp(ts));
}

type::Money Money(const std::string& currency, int64_t units) {
  type::Money m;
  m.set_currency_code(currency);
  m.set_minor_units(units);
  return m;
}

std::optional<std::string> OptionalText(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return text;
}

StoredOrder ReadOrder(sql::ResultSet& rs) {
  StoredOrder row;
  v1::Order& o = row.order;
  row.id = rs.getInt64(1);
  row.account_id = rs.getInt64(2);
  const std::string currency = Str(rs, 3);
  o.set_name(absl::StrCat("orders/", row.id));
  o.set_account(absl::StrCat("accounts/", row.account_id));
  *o.mutable_amount() = Money(currency, rs.getInt64(4));
  *o.mutable_cost() = Money(currency, rs.getInt64(5));
  o.set_description(Str(rs, 6));
  o.set_status(static_cast<v1::OrderStatus>(rs.getInt(7)));
  if (auto t = ReadTime(rs, 8)) *o.mutable_order_time() = *t;
  row.invoice_id = rs.getInt64(9);
  if (row.invoice_id != 0) o.set_invoice(absl::StrCat("invoices/", row.invoice_id));
  o.set_cancel_reason(Str(rs, 10));
  o.set_actor(Str(rs, 11));
  row.version = rs.getInt64(12);
  if (auto t = ReadTime(rs, 13)) *o.mutable_create_time() = *t;
  if (auto t = ReadTime(rs, 14)) *o.mutable_update_time() = *t;
  o.set_etag(common::MakeEtag(o.name(), row.version));
  return row;
}

StoredInvoice ReadInvoice(sql::ResultSet& rs) {
  StoredInvoice row;
  v1::Invoice& i = row.invoice;
  row.id = rs.getInt64(1);
  row.account_id = rs.getInt64(2);
  row.order_id = rs.getInt64(3);
  const std::string currency = Str(rs, 4);
  const int64_t amount = rs.getInt64(5);
  const int64_t paid = rs.getInt64(7);
  i.set_name(absl::StrCat("invoices/", row.id));
  i.set_account(absl::StrCat("accounts/", row.account_id));
  if (row.order_id != 0) i.set_order(absl::StrCat("orders/", row.order_id));
  *i.mutable_amount() = Money(currency, amount);
  *i.mutable_cost() = Money(currency, rs.getInt64(6));
  *i.mutable_paid_amount() = Money(currency, paid);
  i.set_status(static_cast<v1::InvoiceStatus>(rs.getInt(8)));
  *i.mutable_balance() =
      Money(currency, i.status() == v1::INVOICE_STATUS_OPEN ? SaturatingSub(amount, paid) : 0);
  if (auto t = ReadTime(rs, 9)) *i.mutable_issue_time() = *t;
  if (auto t = ReadTime(rs, 10)) *i.mutable_due_time() = *t;
  i.set_payment_terms_days(rs.getInt(11));
  if (auto t = ReadTime(rs, 12)) *i.mutable_settle_time() = *t;
  i.set_void_reason(Str(rs, 13));
  i.set_description(Str(rs, 14));
  i.set_actor(Str(rs, 15));
  row.version = rs.getInt64(16);
  if (auto t = ReadTime(rs, 17)) *i.mutable_create_time() = *t;
  if (auto t = ReadTime(rs, 18)) *i.mutable_update_time() = *t;
  i.set_etag(common::MakeEtag(i.name(), row.version));
  return row;
}

StoredPayment ReadPayment(sql::ResultSet& rs) {
  StoredPayment row;
  v1::Payment& p = row.payment;
  row.id = rs.getInt64(1);
  row.account_id = rs.getInt64(2);
  p.set_name(absl::StrCat("payments/", row.id));
  p.set_account(absl::StrCat("accounts/", row.account_id));
  *p.mutable_amount() = Money(Str(rs, 3), rs.getInt64(4));
  if (auto t = ReadTime(rs, 5)) *p.mutable_received_time() = *t;
  p.set_reference(Str(rs, 6));
  p.set_actor(Str(rs, 7));
  if (auto t = ReadTime(rs, 8)) *p.mutable_create_time() = *t;
  return row;
}

// Pads an id list to the next size in 1, 2, 4, ... by repeating the last
// id, so IN (...) lists of any length share few prepared statements.
std::vector<SqlValue> PaddedIds(const std::vector<int64_t>& ids, std::string* placeholders) {
  size_t size = 1;
  while (size < ids.size()) size *= 2;
  std::vector<SqlValue> values;
  values.reserve(size);
  for (int64_t id : ids) values.emplace_back(id);
  while (values.size() < size) values.emplace_back(ids.back());
  *placeholders = "?";
  for (size_t i = 1; i < size; ++i) placeholders->append(",?");
  return values;
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
  std::vector<SqlValue> values = PaddedIds(ids, &placeholders);
  auto rs = connection.Query(
      absl::StrCat("SELECT payment_id, invoice_id, amount_minor FROM payment_allocations "
                   "WHERE payment_id IN (", placeholders, ") ORDER BY payment_id, seq"),
      values);
  while (rs->next()) {
    auto it = by_id.find(rs->getInt64(1));
    if (it == by_id.end()) continue;
    v1::Payment& p = it->second->payment;
    v1::PaymentAllocation* a = p.add_allocations();
    a->set_invoice(absl::StrCat("invoices/", rs->getInt64(2)));
    *a->mutable_amount() = Money(p.amount().currency_code(), rs->getInt64(3));
  }
}

// --- filters ------------------------------------------------------------

using common::FilterToSql;
using common::SqlFragment;

using ComparisonMapper =
    std::function<absl::Status(const common::FilterComparison&, SqlFragment*)>;

using common::SqlOp;

using common::OnlyEquality;

// `column` holds the id of "<collection>/{id}"; an empty value matches NULL
// (no such reference).
absl::Status NameComparison(const common::FilterComparison& c, const char* column,
                            absl::string_view collection, SqlFragment* out) {
  if (absl::Status s = OnlyEquality(c); !s.ok()) return s;
  const bool eq = c.op == common::FilterOp::kEq;
  if (c.value.empty()) {
    absl::StrAppend(&out->sql, column, eq ? " IS NULL" : " IS NOT NULL");
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<int64_t>> ids = common::ParseResourceName(
      absl::StrCat("filter value for ", c.field), c.value, {collection});
  if (!ids.ok()) return ids.status();
  if (eq) {
    absl::StrAppend(&out->sql, column, " = ?");
  } else {
    absl::StrAppend(&out->sql, "NOT (", column, " <=> ?)");
  }
  out->params.emplace_back((*ids)[0]);
  return absl::OkStatus();
}

template <typename Enum>
absl::Status EnumComparison(const common::FilterComparison& c, const char* column,
                            absl::string_view prefix, bool (*parse)(const std::string&, Enum*),
                            SqlFragment* out) {
  if (absl::Status s = OnlyEquality(c); !s.ok()) return s;
  const std::string upper = absl::AsciiStrToUpper(c.value);
  Enum parsed;
  if (!parse(upper, &parsed) && !parse(absl::StrCat(prefix, upper), &parsed)) {
    return absl::InvalidArgumentError(absl::StrCat("filter value \"", c.value.substr(0, 64),
                                                   "\" is not a valid ", c.field));
  }
  absl::StrAppend(&out->sql, column, SqlOp(c.op), "?");
  out->params.emplace_back(static_cast<int64_t>(parsed));
  return absl::OkStatus();
}

absl::Status TimeComparison(const common::FilterComparison& c, const char* column,
                            SqlFragment* out) {
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, c.value, &t, &error)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "filter value for ", c.field, " must be an RFC 3339 time like 2026-01-31T00:00:00Z"));
  }
  absl::StrAppend(&out->sql, column, SqlOp(c.op), "?");
  out->params.emplace_back(common::ToSqlDateTime(t));
  return absl::OkStatus();
}

absl::StatusOr<bool> BoolValue(const common::FilterComparison& c) {
  if (absl::Status s = OnlyEquality(c); !s.ok()) return s;
  const std::string v = absl::AsciiStrToLower(c.value);
  if (v != "true" && v != "false") {
    return absl::InvalidArgumentError(
        absl::StrCat("filter value for ", c.field, " must be true or false"));
  }
  return (v == "true") == (c.op == common::FilterOp::kEq);
}

absl::Status Unsupported(const common::FilterComparison& c, absl::string_view fields) {
  return absl::InvalidArgumentError(absl::StrCat("filter field \"", c.field.substr(0, 64),
                                                 "\" is not supported; use ", fields));
}

absl::Status OrderComparison(const common::FilterComparison& c, SqlFragment* out) {
  if (c.field == "account") return NameComparison(c, "o.account_id", "accounts", out);
  if (c.field == "status") {
    return EnumComparison<v1::OrderStatus>(c, "o.status", "ORDER_STATUS_", v1::OrderStatus_Parse,
                                           out);
  }
  if (c.field == "order_time") return TimeComparison(c, "o.order_time", out);
  if (c.field == "create_time") return TimeComparison(c, "o.create_time", out);
  return Unsupported(c, "account, status, order_time or create_time");
}

absl::Status PaymentComparison(const common::FilterComparison& c, SqlFragment* out) {
  if (c.field == "account") return NameComparison(c, "p.account_id", "accounts", out);
  if (c.field == "invoice") {
    if (absl::Status s = OnlyEquality(c); !s.ok()) return s;
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

template <typename Row>
BillingPage<Row> TrimPage(std::vector<Row> rows, int limit) {
  BillingPage<Row> page;
  page.more = static_cast<int>(rows.size()) > limit;
  if (page.more) rows.resize(limit);
  page.rows = std::move(rows);
  return page;
}

int64_t CursorId(const std::optional<common::PageCursor>& cursor) {
  return cursor.has_value() ? cursor->last_id : 0;
}

// INSERT of a row with a request id: kDuplicateRequest when the request id
// is taken; any other error propagates.
template <typename Fn>
BillingInsert InsertWithRequestId(absl::string_view request_key, Fn insert) {
  try {
    insert();
  } catch (const sql::SQLException& e) {
    if (e.getErrorCode() != common::kErDupEntry ||
        common::DuplicateKeyName(e.what()) != request_key) {
      throw;
    }
    return BillingInsert::kDuplicateRequest;
  }
  return BillingInsert::kInserted;
}

// Histories of invoices `i` matching `where` (with `params`): the invoice
// rows, then their allocations (two queries with the same condition).
std::vector<InvoiceHistory> LoadHistories(SqlConnection& connection, const std::string& where,
                                          const std::vector<SqlValue>& params) {
  std::vector<InvoiceHistory> histories;
  std::map<int64_t, size_t> index;
  auto rs = connection.Query(
      absl::StrCat("SELECT i.id, i.account_id, i.currency, i.amount_minor, i.cost_minor, "
                   "i.issue_time, i.due_time FROM invoices i WHERE ", where, " ORDER BY i.id"),
      params);
  while (rs->next()) {
    InvoiceHistory h;
    h.invoice_id = rs->getInt64(1);
    h.account_id = rs->getInt64(2);
    h.currency_code = Str(*rs, 3);
    h.amount = rs->getInt64(4);
    h.cost = rs->getInt64(5);
    h.issue_time = ReadAbslTime(*rs, 6);
    h.due_time = ReadAbslTime(*rs, 7);
    index[h.invoice_id] = histories.size();
    histories.push_back(std::move(h));
  }
  rs.reset();
  if (histories.empty()) return histories;
  auto allocations = connection.Query(
      absl::StrCat("SELECT a.invoice_id, a.amount_minor, a.received_time FROM "
                   "payment_allocations a JOIN invoices i ON i.id = a.invoice_id WHERE ",
                   where),
      params);
  while (allocations->next()) {
    auto it = index.find(allocations->getInt64(1));
    if (it == index.end()) continue;  // an invoice committed between the two reads
    histories[it->second].payments.push_back(
        PaymentPart{allocations->getInt64(2), ReadAbslTime(*allocations, 3)});
  }
  return histories;
}

// The condition "invoice i had a balance at ?" (not void (3), issued at or
// before it, not settled by it), binding the time twice.
constexpr char kOwingAt[] =
    "i.status <> 3 AND i.issue_time <= ? AND (i.settle_time IS NULL OR i.settle_time > ?)";

}  // namespace

// --- BillingTx ----------------------------------------------------------

void BillingTx::LockAccount(int64_t account_id) {
  // ON DUPLICATE KEY UPDATE takes the existing row's exclusive lock; a first
  // insert holds the new row's lock. Either way concurrent writers of the
  // account queue here.
  connection_.Update(
      "INSERT INTO billing_account_locks (account_id, lock_count) VALUES (?, 1) "
      "ON DUPLICATE KEY UPDATE lock_count = lock_count + 1",
      account_id);
}

bool BillingTx::OrderRequestUsed(const std::string& request_id) {
  return connection_.Query("SELECT 1 FROM orders WHERE create_request_id = ?", request_id)->next();
}

bool BillingTx::InvoiceRequestUsed(const std::string& request_id) {
  return connection_.Query("SELECT 1 FROM invoices WHERE create_request_id = ?", request_id)
      ->next();
}

bool BillingTx::PaymentRequestUsed(const std::string& request_id) {
  return connection_.Query("SELECT 1 FROM payments WHERE create_request_id = ?", request_id)
      ->next();
}

std::vector<OpenTotals> BillingTx::OpenTotalsOf(int64_t account_id) {
  std::map<std::string, OpenTotals> totals;
  {
    auto rs = connection_.Query(
        "SELECT currency, SUM(amount_minor) FROM orders WHERE account_id = ? AND status = ? "
        "GROUP BY currency",
        account_id, kOrderOpen);
    while (rs->next()) {
      OpenTotals& t = totals[Str(*rs, 1)];
      t.currency_code = Str(*rs, 1);
      t.open_orders = ReadSum(*rs, 2);
    }
  }
  {
    auto rs = connection_.Query(
        "SELECT currency, SUM(amount_minor - paid_minor) FROM invoices WHERE account_id = ? "
        "AND status = ? GROUP BY currency",
        account_id, kInvoiceOpen);
    while (rs->next()) {
      OpenTotals& t = totals[Str(*rs, 1)];
      t.currency_code = Str(*rs, 1);
      t.open_invoices = ReadSum(*rs, 2);
    }
  }
  std::vector<OpenTotals> out;
  for (auto& [currency, t] : totals) out.push_back(std::move(t));
  return out;
}

absl::StatusOr<StoredOrder> BillingTx::LockOrder(int64_t id) {
  auto rs = connection_.Query(
      absl::StrCat("SELECT ", kOrderColumns, " FROM orders o WHERE o.id = ? FOR UPDATE"), id);
  if (!rs->next()) return absl::NotFoundError(absl::StrCat("order orders/", id, " not found"));
  return ReadOrder(*rs);
}

absl::StatusOr<StoredInvoice> BillingTx::LockInvoice(int64_t id) {
  auto rs = connection_.Query(
      absl::StrCat("SELECT ", kInvoiceColumns, " FROM invoices i WHERE i.id = ? FOR UPDATE"), id);
  if (!rs->next()) return absl::NotFoundError(absl::StrCat("invoice invoices/", id, " not found"));
  return ReadInvoice(*rs);
}

BillingInsert BillingTx::InsertOrder(const StoredOrder& row, const std::string& request_id,
                                     const std::string& request_hash) {
  const v1::Order& o = row.order;
  return InsertWithRequestId("uk_orders_create_request", [&] {
    connection_.Update(
        "INSERT INTO orders (id, account_id, currency, amount_minor, cost_minor, description, "
        "status, order_time, invoice_id, cancel_reason, actor, version, create_time, "
        "update_time, create_request_id, create_request_hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, '', ?, ?, ?, ?, ?, ?)",
        row.id, row.account_id, o.amount().currency_code(), o.amount().minor_units(),
        o.cost().minor_units(), o.description(), static_cast<int>(o.status()),
        Time(o.order_time()), o.actor(), row.version, Time(o.create_time()),
        Time(o.update_time()), OptionalText(request_id),
        request_id.empty() ? std::nullopt : std::optional<std::string>(request_hash));
  });
}

BillingInsert BillingTx::InsertInvoice(const StoredInvoice& row, const std::string& request_id,
                                       const std::string& request_hash) {
  const v1::Invoice& i = row.invoice;
  return InsertWithRequestId("uk_invoices_create_request", [&] {
    connection_.Update(
        "INSERT INTO invoices (id, account_id, order_id, currency, amount_minor, cost_minor, "
        "paid_minor, status, issue_time, due_time, payment_terms_days, settle_time, "
        "void_reason, description, actor, version, create_time, update_time, "
        "create_request_id, create_request_hash) "
        "VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, NULL, '', ?, ?, ?, ?, ?, ?, ?)",
        row.id, row.account_id,
        row.order_id == 0 ? std::nullopt : std::optional<int64_t>(row.order_id),
        i.amount().currency_code(), i.amount().minor_units(), i.cost().minor_units(),
        static_cast<int>(i.status()), Time(i.issue_time()), Time(i.due_time()),
        i.payment_terms_days(), i.description(), i.actor(), row.version, Time(i.create_time()),
        Time(i.update_time()), OptionalText(request_id),
        request_id.empty() ? std::nullopt : std::optional<std::string>(request_hash));
  });
}

BillingInsert BillingTx::InsertPayment(const StoredPayment& row, const std::string& request_id,
                                       const std::string& request_hash) {
  const v1::Payment& p = row.payment;
  const std::string received = Time(p.received_time());
  const BillingInsert outcome = InsertWithRequestId("uk_payments_create_request", [&] {
    connection_.Update(
        "INSERT INTO payments (id, account_id, currency, amount_minor, received_time, "
        "reference, actor, create_time, create_request_id, create_request_hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        row.id, row.account_id, p.amount().currency_code(), p.amount().minor_units(), received,
        p.reference(), p.actor(), Time(p.create_time()), OptionalText(request_id),
        request_id.empty() ? std::nullopt : std::optional<std::string>(request_hash));
  });
  if (outcome == BillingInsert::kDuplicateRequest) return outcome;
  for (int n = 0; n < p.allocations_size(); ++n) {
    const v1::PaymentAllocation& a = p.allocations(n);
    absl::StatusOr<std::vector<int64_t>> invoice =
        common::ParseResourceName("invoice", a.invoice(), {"invoices"});
    connection_.Update(
        "INSERT INTO payment_allocations (payment_id, invoice_id, seq, account_id, "
        "amount_minor, received_time) VALUES (?, ?, ?, ?, ?, ?)",
        row.id, invoice.ok() ? (*invoice)[0] : int64_t{0}, n, row.account_id,
        a.amount().minor_units(), received);
  }
  return outcome;
}

void BillingTx::WriteOrder(const StoredOrder& row) {
  const v1::Order& o = row.order;
  connection_.Update(
      "UPDATE orders SET amount_minor = ?, cost_minor = ?, description = ?, status = ?, "
      "invoice_id = ?, cancel_reason = ?, version = ?, update_time = ? WHERE id = ?",
      o.amount().minor_units(), o.cost().minor_units(), o.description(),
      static_cast<int>(o.status()),
      row.invoice_id == 0 ? std::nullopt : std::optional<int64_t>(row.invoice_id),
      o.cancel_reason(), row.version, Time(o.update_time()), row.id);
}

void BillingTx::WriteInvoiceStatus(const StoredInvoice& row) {
  const v1::Invoice& i = row.invoice;
  connection_.Update(
      "UPDATE invoices SET status = ?, void_reason = ?, version = ?, update_time = ? "
      "WHERE id = ?",
      static_cast<int>(i.status()), i.void_reason(), row.version, Time(i.update_time()), row.id);
}

std::vector<StoredInvoice> BillingTx::LockOpenInvoices(int64_t account_id,
                                                       const std::string& currency_code) {
  auto rs = connection_.Query(
      absl::StrCat("SELECT ", kInvoiceColumns,
                   " FROM invoices i WHERE i.account_id = ? AND i.status = ? AND i.currency = ? "
                   "ORDER BY i.due_time, i.issue_time, i.id FOR UPDATE"),
      account_id, kInvoiceOpen, currency_code);
  std::vector<StoredInvoice> rows;
  while (rs->next()) rows.push_back(ReadInvoice(*rs));
  return rows;
}

void BillingTx::ApplyPaymentToInvoice(int64_t invoice_id, int64_t paid, bool paid_in_full,
                                      int64_t version, absl::Time now) {
  connection_.Update(
      "UPDATE invoices SET paid_minor = ?, status = ?, settle_time = IF(? = 1, "
      "(SELECT MAX(a.received_time) FROM payment_allocations a WHERE a.invoice_id = ?), NULL), "
      "version = ?, update_time = ? WHERE id = ?",
      paid, paid_in_full ? kInvoicePaid : kInvoiceOpen, paid_in_full ? 1 : 0, invoice_id,
      version, common::ToSqlDateTime(now), invoice_id);
}

// --- BillingStore -------------------------------------------------------

BillingStore::BillingStore(common::ConnectionPool* pool)
    : pool_(pool),
      order_ids_(pool, "orders"),
      invoice_ids_(pool, "invoices"),
      payment_ids_(pool, "payments") {}

absl::Status BillingStore::Transact(absl::string_view context,
                                    const std::function<absl::Status(BillingTx&)>& fn) {
  return common::RunInTransaction(*pool_, context, [&](SqlConnection& connection) {
    BillingTx tx(connection, *this);
    return fn(tx);
  });
}

absl::StatusOr<StoredOrder> BillingStore::GetOrder(int64_t id) {
  StoredOrder row;
  absl::Status status = common::WithConnection(*pool_, "reading order", [&](SqlConnection& c) {
    auto rs = c.Query(absl::StrCat("SELECT ", kOrderColumns, " FROM orders o WHERE o.id = ?"), id);
    if (!rs->next()) return absl::NotFoundError(absl::StrCat("order orders/", id, " not found"));
    row = ReadOrder(*rs);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return row;
}

absl::StatusOr<StoredInvoice> BillingStore::GetInvoice(int64_t id) {
  StoredInvoice row;
  absl::Status status = common::WithConnection(*pool_, "reading invoice", [&](SqlConnection& c) {
    auto rs =
        c.Query(absl::StrCat("SELECT ", kInvoiceColumns, " FROM invoices i WHERE i.id = ?"), id);
    if (!rs->next()) {
      return absl::NotFoundError(absl::StrCat("invoice invoices/", id, " not found"));
    }
    row = ReadInvoice(*rs);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return row;
}

absl::StatusOr<StoredPayment> BillingStore::GetPayment(int64_t id) {
  std::vector<StoredPayment> rows;
  absl::Status status = common::WithConnection(*pool_, "reading payment", [&](SqlConnection& c) {
    {
      auto rs = c.Query(absl::StrCat("SELECT ", kPaymentColumns, " FROM payments p WHERE p.id = ?"),
                        id);
      if (!rs->next()) {
        return absl::NotFoundError(absl::StrCat("payment payments/", id, " not found"));
      }
      rows.push_back(ReadPayment(*rs));
    }
    LoadAllocations(c, rows);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return std::move(rows[0]);
}

absl::StatusOr<std::optional<BillingCreated<StoredOrder>>> BillingStore::FindOrderByRequest(
    const std::string& request_id) {
  std::optional<BillingCreated<StoredOrder>> found;
  absl::Status status = common::WithConnection(*pool_, "reading order", [&](SqlConnection& c) {
    auto rs = c.Query(absl::StrCat("SELECT ", kOrderColumns,
                                   ", o.create_request_hash FROM orders o "
                                   "WHERE o.create_request_id = ?"),
                      request_id);
    if (rs->next()) {
      found.emplace();
      found->row = ReadOrder(*rs);
      found->request_hash = rs->getString(kOrderColumnCount + 1);
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return found;
}

absl::StatusOr<std::optional<BillingCreated<StoredInvoice>>> BillingStore::FindInvoiceByRequest(
    const std::string& request_id) {
  std::optional<BillingCreated<StoredInvoice>> found;
  absl::Status status = common::WithConnection(*pool_, "reading invoice", [&](SqlConnection& c) {
    auto rs = c.Query(absl::StrCat("SELECT ", kInvoiceColumns,
                                   ", i.create_request_hash FROM invoices i "
                                   "WHERE i.create_request_id = ?"),
                      request_id);
    if (rs->next()) {
      found.emplace();
      found->row = ReadInvoice(*rs);
      found->request_hash = rs->getString(kInvoiceColumnCount + 1);
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return found;
}

absl::StatusOr<std::optional<BillingCreated<StoredPayment>>> BillingStore::FindPaymentByRequest(
    const std::string& request_id) {
  std::optional<BillingCreated<StoredPayment>> found;
  absl::Status status = common::WithConnection(*pool_, "reading payment", [&](SqlConnection& c) {
    std::vector<StoredPayment> rows;
    std::string hash;
    {
      auto rs = c.Query(absl::StrCat("SELECT ", kPaymentColumns,
                                     ", p.create_request_hash FROM payments p "
                                     "WHERE p.create_request_id = ?"),
                        request_id);
      if (!rs->next()) return absl::OkStatus();
      rows.push_back(ReadPayment(*rs));
      hash = rs->getString(kPaymentColumnCount + 1);
    }
    LoadAllocations(c, rows);
    found.emplace();
    found->row = std::move(rows[0]);
    found->request_hash = std::move(hash);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return found;
}

absl::StatusOr<BillingPage<StoredOrder>> BillingStore::ListOrders(
    const common::FilterNode& filter, const std::optional<common::PageCursor>& cursor,
    int limit) {
  SqlFragment where;
  if (absl::Status s = FilterToSql(filter, OrderComparison, &where); !s.ok()) return s;
  where.params.emplace_back(CursorId(cursor));
  where.params.emplace_back(static_cast<int64_t>(limit) + 1);
  const std::string sql = absl::StrCat("SELECT ", kOrderColumns, " FROM orders o WHERE ",
                                       where.sql, " AND o.id > ? ORDER BY o.id LIMIT ?");
  std::vector<StoredOrder> rows;
  absl::Status status = common::WithConnection(*pool_, "listing orders", [&](SqlConnection& c) {
    auto rs = c.Query(sql, where.params);
    while (rs->next()) rows.push_back(ReadOrder(*rs));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return TrimPage(std::move(rows), limit);
}

absl::StatusOr<BillingPage<StoredInvoice>> BillingStore::ListInvoices(
    const common::FilterNode& filter, absl::Time now,
    const std::optional<common::PageCursor>& cursor, int limit) {
  const std::string now_sql = common::ToSqlDateTime(now);
  auto map = [&](const common::FilterComparison& c, SqlFragment* out) -> absl::Status {
    if (c.field == "account") return NameComparison(c, "i.account_id", "accounts", out);
    if (c.field == "order") return NameComparison(c, "i.order_id", "orders", out);
    if (c.field == "status") {
      return EnumComparison<v1::InvoiceStatus>(c, "i.status", "INVOICE_STATUS_",
                                               v1::InvoiceStatus_Parse, out);
    }
    if (c.field == "overdue") {
      absl::StatusOr<bool> want = BoolValue(c);
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
  SqlFragment where;
  if (absl::Status s = FilterToSql(filter, map, &where); !s.ok()) return s;
  where.params.emplace_back(CursorId(cursor));
  where.params.emplace_back(static_cast<int64_t>(limit) + 1);
  const std::string sql = absl::StrCat("SELECT ", kInvoiceColumns, " FROM invoices i WHERE ",
                                       where.sql, " AND i.id > ? ORDER BY i.id LIMIT ?");
  std::vector<StoredInvoice> rows;
  absl::Status status = common::WithConnection(*pool_, "listing invoices", [&](SqlConnection& c) {
    auto rs = c.Query(sql, where.params);
    while (rs->next()) rows.push_back(ReadInvoice(*rs));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return TrimPage(std::move(rows), limit);
}

absl::StatusOr<BillingPage<StoredPayment>> BillingStore::ListPayments(
    const common::FilterNode& filter, const std::optional<common::PageCursor>& cursor,
    int limit) {
  SqlFragment where;
  if (absl::Status s = FilterToSql(filter, PaymentComparison, &where); !s.ok()) return s;
  where.params.emplace_back(CursorId(cursor));
  where.params.emplace_back(static_cast<int64_t>(limit) + 1);
  const std::string sql = absl::StrCat("SELECT ", kPaymentColumns, " FROM payments p WHERE ",
                                       where.sql, " AND p.id > ? ORDER BY p.id LIMIT ?");
  BillingPage<StoredPayment> page;
  absl::Status status = common::WithConnection(*pool_, "listing payments", [&](SqlConnection& c) {
    std::vector<StoredPayment> rows;
    {
      auto rs = c.Query(sql, where.params);
      while (rs->next()) rows.push_back(ReadPayment(*rs));
    }
    page = TrimPage(std::move(rows), limit);
    LoadAllocations(c, page.rows);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return page;
}

absl::StatusOr<std::vector<OpenTotals>> BillingStore::OpenTotalsOf(int64_t account_id) {
  std::vector<OpenTotals> totals;
  absl::Status status = common::WithConnection(*pool_, "reading exposure", [&](SqlConnection& c) {
    BillingTx tx(c, *this);
    totals = tx.OpenTotalsOf(account_id);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return totals;
}

absl::StatusOr<int64_t> BillingStore::OverdueBalance(int64_t account_id,
                                                     const std::string& currency_code,
                                                     absl::Time now) {
  int64_t overdue = 0;
  absl::Status status = common::WithConnection(*pool_, "reading exposure", [&](SqlConnection& c) {
    auto rs = c.Query(
        "SELECT SUM(amount_minor - paid_minor) FROM invoices WHERE account_id = ? AND "
        "status = ? AND currency = ? AND due_time < ?",
        account_id, kInvoiceOpen, currency_code, common::ToSqlDateTime(now));
    if (rs->next()) overdue = ReadSum(*rs, 1);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return overdue;
}

absl::StatusOr<std::vector<int64_t>> BillingStore::AccountsOwingAt(absl::Time as_of,
                                                                   int64_t after_account,
                                                                   int limit) {
  const std::string t = common::ToSqlDateTime(as_of);
  std::vector<int64_t> ids;
  absl::Status status = common::WithConnection(*pool_, "ageing receivables", [&](SqlConnection& c) {
    auto rs = c.Query(absl::StrCat("SELECT DISTINCT i.account_id FROM invoices i WHERE ",
                                   kOwingAt, " AND i.account_id > ? ORDER BY i.account_id LIMIT ?"),
                      t, t, after_account, static_cast<int64_t>(limit) + 1);
    while (rs->next()) ids.push_back(rs->getInt64(1));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return ids;
}

absl::StatusOr<std::vector<InvoiceHistory>> BillingStore::HistoriesOwingAt(
    const std::vector<int64_t>& account_ids, absl::Time as_of) {
  std::vector<InvoiceHistory> histories;
  if (account_ids.empty()) return histories;
  const std::string t = common::ToSqlDateTime(as_of);
  std::string placeholders;
  std::vector<SqlValue> params = PaddedIds(account_ids, &placeholders);
  params.emplace_back(t);
  params.emplace_back(t);
  const std::string where = absl::StrCat("i.account_id IN (", placeholders, ") AND ", kOwingAt);
  absl::Status status = common::WithConnection(*pool_, "ageing receivables", [&](SqlConnection& c) {
    histories = LoadHistories(c, where, params);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return histories;
}

absl::StatusOr<std::vector<std::string>> BillingStore::InvoiceCurrencies(int64_t account_id) {
  std::vector<std::string> currencies;
  absl::Status status =
      common::WithConnection(*pool_, "reading collection figures", [&](SqlConnection& c) {
        auto rs = c.Query(
            "SELECT DISTINCT currency FROM invoices WHERE account_id = ? AND status <> ? "
            "ORDER BY currency",
            account_id, kInvoiceVoid);
        while (rs->next()) currencies.push_back(Str(*rs, 1));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return currencies;
}

absl::StatusOr<std::vector<InvoiceHistory>> BillingStore::HistoriesForPeriod(
    int64_t account_id, const std::string& currency_code, absl::Time start, absl::Time end) {
  // Invoices settled before the period and not issued in it change no
  // figure (see collection_stats.h), so they are not read.
  const std::string s = common::ToSqlDateTime(start);
  const std::string e = common::ToSqlDateTime(end);
  const std::string where =
      "i.account_id = ? AND i.currency = ? AND i.status <> 3 /* VOID */ AND i.issue_time < ? AND "
      "(i.settle_time IS NULL OR i.settle_time >= ? OR i.issue_time >= ?)";
  const std::vector<SqlValue> params = {account_id, currency_code, e, s, s};
  std::vector<InvoiceHistory> histories;
  absl::Status status =
      common::WithConnection(*pool_, "reading collection figures", [&](SqlConnection& c) {
        histories = LoadHistories(c, where, params);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return histories;
}

absl::StatusOr<int64_t> BillingStore::PaymentsReceived(int64_t account_id,
                                                       const std::string& currency_code,
                                                       absl::Time start, absl::Time end) {
  int64_t received = 0;
  absl::Status status =
      common::WithConnection(*pool_, "reading collection figures", [&](SqlConnection& c) {
        auto rs = c.Query(
            "SELECT SUM(amount_minor) FROM payments WHERE account_id = ? AND currency = ? AND "
            "received_time >= ? AND received_time < ?",
            account_id, currency_code, common::ToSqlDateTime(start), common::ToSqlDateTime(end));
        if (rs->next()) received = ReadSum(*rs, 1);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return received;
}

}  // namespace kam::interaction::billing
