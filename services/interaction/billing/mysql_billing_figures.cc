// The figures' reads over MySQL (NewMySqlBillingFigures): the overdue part
// of the exposure, receivables ageing, collection figures. Reads only,
// prepared statements only.
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/db/mysql_pool.h"
#include "common/db/queries.h"
#include "common/db/row_reader.h"
#include "common/db/transaction.h"
#include "services/interaction/billing/billing_store.h"
#include "services/interaction/shared/store_sql.h"

namespace kam::interaction::billing {
namespace {

using common::ReadText;
using common::SqlConnection;
using common::SqlTime;
using common::SqlValue;

constexpr int kInvoiceOpen = v1::INVOICE_STATUS_OPEN;
constexpr int kInvoiceVoid = v1::INVOICE_STATUS_VOID;

// The condition "invoice i had a balance at ?" (not void (3), issued at or
// before it, not settled by it), binding the time twice.
constexpr char kOwingAt[] =
    "i.status <> 3 AND i.issue_time <= ? AND (i.settle_time IS NULL OR i.settle_time > ?)";

// A NOT NULL time of an invoice; the distant past should it not parse.
absl::Time ReadInvoiceTime(sql::ResultSet& rs, int column) {
  return common::ReadTime(rs, column, absl::InfinitePast());
}

// Histories of invoices `i` matching `where` (with `params`): the invoice
// rows, then their allocations (two queries with the same condition).
std::vector<InvoiceHistory> LoadHistories(SqlConnection& connection, const std::string& where,
                                          const std::vector<SqlValue>& params) {
  std::vector<InvoiceHistory> histories;
  std::map<int64_t, size_t> index;
  auto rs = connection.Query(
      absl::StrCat("SELECT i.id, i.account_id, i.currency, i.amount_minor, i.cost_minor, "
                   "i.issue_time, i.due_time FROM invoices i WHERE ",
                   where, " ORDER BY i.id"),
      params);
  while (rs->next()) {
    InvoiceHistory h;
    h.invoice_id = rs->getInt64(1);
    h.account_id = rs->getInt64(2);
    h.currency_code = ReadText(*rs, 3);
    h.amount = rs->getInt64(4);
    h.cost = rs->getInt64(5);
    h.issue_time = ReadInvoiceTime(*rs, 6);
    h.due_time = ReadInvoiceTime(*rs, 7);
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
        PaymentPart{allocations->getInt64(2), ReadInvoiceTime(*allocations, 3)});
  }
  return histories;
}

// The SUM in the first column of the one row `sql` returns (0 for none).
template <typename... Args>
int64_t ReadTotal(SqlConnection& connection, const std::string& sql, const Args&... args) {
  auto rs = connection.Query(sql, args...);
  return rs->next() ? ReadSum(*rs, 1) : 0;
}

class MySqlBillingFigures final : public BillingFigures, private MySqlStoreBase {
 public:
  explicit MySqlBillingFigures(common::ConnectionPool* pool) : MySqlStoreBase(pool) {}

  absl::StatusOr<int64_t> OverdueBalance(int64_t account_id, const std::string& currency_code,
                                         absl::Time now) override {
    return common::ReadWithConnection<int64_t>(
        *pool_, "reading exposure", [&](SqlConnection& c) -> absl::StatusOr<int64_t> {
          return ReadTotal(c,
                           "SELECT SUM(amount_minor - paid_minor) FROM invoices WHERE account_id = "
                           "? AND status = ? AND currency = ? AND due_time < ?",
                           account_id, kInvoiceOpen, currency_code, SqlTime(now));
        });
  }

  absl::StatusOr<std::vector<int64_t>> AccountsOwingAt(absl::Time as_of, int64_t after_account,
                                                       int limit) override {
    const std::string t = SqlTime(as_of);
    return common::QueryRows(
        *pool_, "ageing receivables", [](sql::ResultSet& rs) { return rs.getInt64(1); },
        absl::StrCat("SELECT DISTINCT i.account_id FROM invoices i WHERE ", kOwingAt,
                     " AND i.account_id > ? ORDER BY i.account_id LIMIT ?"),
        t, t, after_account, static_cast<int64_t>(limit) + 1);
  }

  absl::StatusOr<std::vector<InvoiceHistory>> HistoriesOwingAt(
      const std::vector<int64_t>& account_ids, absl::Time as_of) override {
    if (account_ids.empty()) return std::vector<InvoiceHistory>();
    const std::string t = SqlTime(as_of);
    std::string placeholders;
    std::vector<SqlValue> params = common::PaddedIds(account_ids, &placeholders);
    params.emplace_back(t);
    params.emplace_back(t);
    const std::string where = absl::StrCat("i.account_id IN (", placeholders, ") AND ", kOwingAt);
    return common::ReadWithConnection<std::vector<InvoiceHistory>>(
        *pool_, "ageing receivables",
        [&](SqlConnection& c) -> absl::StatusOr<std::vector<InvoiceHistory>> {
          return LoadHistories(c, where, params);
        });
  }

  absl::StatusOr<std::vector<std::string>> InvoiceCurrencies(int64_t account_id) override {
    return common::QueryRows(
        *pool_, "reading collection figures", [](sql::ResultSet& rs) { return ReadText(rs, 1); },
        "SELECT DISTINCT currency FROM invoices WHERE account_id = ? AND status <> ? "
        "ORDER BY currency",
        account_id, kInvoiceVoid);
  }

  absl::StatusOr<std::vector<InvoiceHistory>> HistoriesForPeriod(int64_t account_id,
                                                                 const std::string& currency_code,
                                                                 absl::Time start,
                                                                 absl::Time end) override {
    // Invoices settled before the period and not issued in it change no
    // figure (see collection_stats.h), so they are not read.
    const std::string s = SqlTime(start);
    const std::string e = SqlTime(end);
    const std::string where =
        "i.account_id = ? AND i.currency = ? AND i.status <> 3 /* VOID */ AND i.issue_time < ? AND "
        "(i.settle_time IS NULL OR i.settle_time >= ? OR i.issue_time >= ?)";
    const std::vector<SqlValue> params = {account_id, currency_code, e, s, s};
    return common::ReadWithConnection<std::vector<InvoiceHistory>>(
        *pool_, "reading collection figures",
        [&](SqlConnection& c) -> absl::StatusOr<std::vector<InvoiceHistory>> {
          return LoadHistories(c, where, params);
        });
  }

  absl::StatusOr<int64_t> PaymentsReceived(int64_t account_id, const std::string& currency_code,
                                           absl::Time start, absl::Time end) override {
    return common::ReadWithConnection<int64_t>(
        *pool_, "reading collection figures", [&](SqlConnection& c) -> absl::StatusOr<int64_t> {
          return ReadTotal(c,
                           "SELECT SUM(amount_minor) FROM payments WHERE account_id = ? AND "
                           "currency = ? AND received_time >= ? AND received_time < ?",
                           account_id, currency_code, SqlTime(start), SqlTime(end));
        });
  }
};

}  // namespace

std::unique_ptr<BillingFigures> NewMySqlBillingFigures(common::ConnectionPool* pool) {
  return std::make_unique<MySqlBillingFigures>(pool);
}

}  // namespace kam::interaction::billing
