#include "bench/bench_book.h"

#include <cppconn/exception.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "common/db/mysql_pool.h"

namespace kam::testing {
namespace {

using common::SqlConnection;

// Accounts per statement: big enough that per-statement costs vanish, small
// enough that one transaction's undo stays modest and progress shows.
constexpr int64_t kChunk = 100000;

// Placeholders expanded in every statement below (see Expand):
//   {A}     the chunk's accounts as rows `a.i` (1-based index in the book)
//   {S:x}   the size factor of account index x: u^-0.8, u in (0, 1] from a
//           hash, capped at 1000 (Pareto, alpha 1.25: P(s >= t) = t^-1.25)
//   {CUR:x} the credit currency of account index x (85% EUR, 10% USD, 5% GBP;
//           EUR for the group's accounts, 1..@grp: a group's members use the
//           currency of its group credit limit, as the credit check requires)
//   {SLOTS:salt,percent,t2,...,tn}
//           the records of one kind: the chunk's accounts that have any
//           (`percent`% of them, picked by a hash salted with `salt`) joined
//           with their slots 1..n as `k.seq`; slot 1 for each of them, slot
//           k >= 2 for those whose size factor is at least t_k
// User variables: @lo/@n the chunk (indexes @lo+1 .. @lo+@n), @grp the
// group's accounts (index i in 2..@grp has parent index 1 + (i - 2) DIV 10:
// ten children each, parents before children), @acc, @ord,
// @inv, @pay, @case, @srv, @act, @opp the id bases of each table (a row's id
// is base + (i - 1) * slots + k, so ids are stable and never collide).
std::string Slots(absl::string_view spec) {
  const std::vector<absl::string_view> parts = absl::StrSplit(spec, ',');
  std::string sql = absl::StrCat("{A} JOIN seq_1_to_", parts.size() - 1, " k WHERE CRC32(CONCAT('",
                                 parts[0], "', a.i)) % 100 < ", parts[1], " AND (k.seq = 1");
  for (size_t k = 2; k < parts.size(); ++k) {
    absl::StrAppend(&sql, " OR (k.seq = ", k, " AND {S:a.i} >= ", parts[k], ")");
  }
  return sql + ")";
}

std::string Expand(std::string sql) {
  for (size_t at = sql.find("{SLOTS:"); at != std::string::npos; at = sql.find("{SLOTS:")) {
    const size_t end = sql.find('}', at);
    const size_t spec = at + std::string_view("{SLOTS:").size();
    sql.replace(at, end + 1 - at, Slots(absl::string_view(sql).substr(spec, end - spec)));
  }
  for (const char* x : {"a.i", "x.i", "y.i"}) {
    absl::StrReplaceAll(
        {{absl::StrCat("{S:", x, "}"),
          absl::StrCat("LEAST(1000, POW((CRC32(CONCAT('s', ", x, ")) + 1) / 4294967296, -0.8))")},
         {absl::StrCat("{CUR:", x, "}"),
          absl::StrCat("IF(", x, " <= @grp, 'EUR', ELT(1 + (", x, " % 20 >= 17) + (", x,
                       " % 20 >= 19), 'EUR', 'USD', 'GBP'))")}},
        &sql);
  }
  absl::StrReplaceAll({{"{A}", "(SELECT seq + @lo AS i FROM seq_1_to_100000 WHERE seq <= @n) a"}},
                      &sql);
  return sql;
}

const char* const kAccounts = R"sql(
INSERT INTO kam_account.accounts (id, display_name, industry, region, category, parent_id,
  owner, stage, share_of_wallet, stage_update_time, tier, credit_limit_minor, credit_currency,
  payment_terms_days, credit_risk, state, contact_count, version, create_time, update_time)
SELECT @acc + a.i, CONCAT('Bench account ', a.i),
  ELT(1 + FLOOR(9 * POW(CRC32(CONCAT('n', a.i)) / 4294967296, 1.6)), 'manufacturing', 'retail',
      'energy', 'healthcare', 'financial services', 'logistics', 'telecommunications',
      'public sector', 'construction'),
  ELT(1 + CRC32(CONCAT('r', a.i)) % 6, 'north', 'south', 'east', 'west', 'central',
      'international'),
  1 + CRC32(CONCAT('g', a.i)) % 3,
  IF(a.i BETWEEN 2 AND @grp, @acc + 1 + (a.i - 2) DIV 10, NULL),
  CONCAT('am-', LPAD(CRC32(CONCAT('w', a.i)) % 2000, 4, '0')),
  ELT(1 + CRC32(CONCAT('t', a.i)) % 10, 1, 2, 2, 3, 3, 3, 3, 4, 4, 5),
  CRC32(CONCAT('t', a.i)) % 10 * 10,
  TIMESTAMP'2024-01-01 00:00:00',
  0, ROUND({S:a.i} * 20000000), {CUR:a.i}, 30, 1 + CRC32(CONCAT('k', a.i)) % 3, 1, 0, 1,
  TIMESTAMP'2023-06-01 00:00:00' + INTERVAL a.i % 365 DAY,
  TIMESTAMP'2023-06-01 00:00:00' + INTERVAL a.i % 365 DAY
FROM {A})sql";

// Billing slots k of a billing account (65%): 1 an invoice in the period,
// 2 one in the previous period (60%), 3 and 4 more in the period for larger
// accounts, 5 an order not invoiced (20%: open or cancelled). pc decides how
// an invoice is paid: < 3 void, < 63 paid in full (10-49 days after issue,
// some after the 30-day due date), < 78 half paid after 20 days, else unpaid.
const char* const kBillingSlots = R"sql(
(SELECT a.i, k.seq AS k, CRC32(CONCAT('p', a.i, '-', k.seq)) % 100 AS pc,
   CRC32(CONCAT('m', a.i, '-', k.seq)) AS h,
   GREATEST(100, ROUND({S:a.i} * (50000 + CRC32(CONCAT('m', a.i, '-', k.seq)) % 150000))) AS amount,
   TIMESTAMP'2025-01-01 00:00:00' - INTERVAL IF(k.seq = 2, 365, 0) DAY
     + INTERVAL CRC32(CONCAT('d', a.i, '-', k.seq)) % 8760 HOUR AS issue,
   TIMESTAMP'2025-01-01 00:00:00' - INTERVAL IF(k.seq = 2, 365, 0) DAY
     + INTERVAL CRC32(CONCAT('d', a.i, '-', k.seq)) % 8760 HOUR
     + INTERVAL IF(CRC32(CONCAT('p', a.i, '-', k.seq)) % 100 < 63,
                   10 + CRC32(CONCAT('p', a.i, '-', k.seq)) % 100 % 40, 20) DAY AS paid_time
 FROM {A} JOIN seq_1_to_5 k
 WHERE CRC32(CONCAT('b', a.i)) % 100 < 65 AND (k.seq = 1
   OR (k.seq = 2 AND CRC32(CONCAT('q', a.i)) % 100 < 60)
   OR (k.seq = 3 AND {S:a.i} >= 3) OR (k.seq = 4 AND {S:a.i} >= 15)
   OR (k.seq = 5 AND CRC32(CONCAT('e', a.i)) % 100 < 20))) x)sql";

const char* const kOrders = R"sql(
INSERT INTO orders (id, account_id, currency, amount_minor, cost_minor, description, status,
  order_time, invoice_id, cancel_reason, actor, version, create_time, update_time)
SELECT @ord + (x.i - 1) * 5 + x.k, @acc + x.i, {CUR:x.i}, x.amount,
  x.amount * (55 + x.h % 30) DIV 100, 'bench order',
  CASE WHEN x.k = 5 THEN IF(x.h % 2 = 0, 1, 3) WHEN x.pc < 3 THEN 3 ELSE 2 END,
  x.issue - INTERVAL 3 DAY,
  IF(x.k < 5 AND x.pc >= 3, @inv + (x.i - 1) * 4 + x.k, NULL),
  IF((x.k = 5 AND x.h % 2 = 1) OR (x.k < 5 AND x.pc < 3), 'cancelled by the customer', ''),
  'bench', 1, x.issue - INTERVAL 3 DAY, x.issue
FROM {BILLING})sql";

const char* const kInvoices = R"sql(
INSERT INTO invoices (id, account_id, order_id, currency, amount_minor, cost_minor, paid_minor,
  status, issue_time, due_time, payment_terms_days, settle_time, void_reason, description, actor,
  version, create_time, update_time)
SELECT @inv + (x.i - 1) * 4 + x.k, @acc + x.i, @ord + (x.i - 1) * 5 + x.k, {CUR:x.i}, x.amount,
  x.amount * (55 + x.h % 30) DIV 100,
  CASE WHEN x.pc < 3 THEN 0 WHEN x.pc < 63 THEN x.amount WHEN x.pc < 78 THEN x.amount DIV 2
       ELSE 0 END,
  CASE WHEN x.pc < 3 THEN 3 WHEN x.pc < 63 THEN 2 ELSE 1 END,
  x.issue, x.issue + INTERVAL 30 DAY, 30, IF(x.pc >= 3 AND x.pc < 63, x.paid_time, NULL),
  IF(x.pc < 3, 'issued in error', ''), 'bench invoice', 'bench', 1, x.issue,
  IF(x.pc >= 3 AND x.pc < 78, x.paid_time, x.issue)
FROM {BILLING} WHERE x.k <= 4)sql";

const char* const kPayments = R"sql(
INSERT INTO payments (id, account_id, currency, amount_minor, received_time, reference, actor,
  create_time)
SELECT @pay + (x.i - 1) * 4 + x.k, @acc + x.i, {CUR:x.i},
  IF(x.pc < 63, x.amount, x.amount DIV 2), x.paid_time, CONCAT('bench-', x.i, '-', x.k), 'bench',
  x.paid_time
FROM {BILLING} WHERE x.k <= 4 AND x.pc >= 3 AND x.pc < 78)sql";

const char* const kAllocations = R"sql(
INSERT INTO payment_allocations (payment_id, invoice_id, seq, account_id, amount_minor,
  received_time)
SELECT @pay + (x.i - 1) * 4 + x.k, @inv + (x.i - 1) * 4 + x.k, 1, @acc + x.i,
  IF(x.pc < 63, x.amount, x.amount DIV 2), x.paid_time
FROM {BILLING} WHERE x.k <= 4 AND x.pc >= 3 AND x.pc < 78)sql";

// Cases (30% of accounts, 1-4 by size) opened from 2024-07-01 to the end of
// the period: 40% routine, 25% complaints, the rest fault repair,
// collections and contract supervision; 10% breach first response, 8%
// resolution (answered or resolved after twice the target), escalated one
// level per breach. All resolved or closed, so the SLA sweeper leaves them.
const char* const kCases = R"sql(
INSERT INTO cases (id, account_id, contact_id, case_type, priority, title, description, status,
  level, assignee, account_tier, first_response_minutes, resolution_minutes,
  first_response_due_time, resolution_due_time, first_response_time, resolve_time, close_time,
  first_response_breached, resolution_breached, first_response_escalated, resolution_escalated,
  version, create_time, update_time)
SELECT @case + (y.i - 1) * 4 + y.k, @acc + y.i, NULL, y.type, y.priority,
  CONCAT('Bench case ', y.k), '', y.status,
  IF(y.type >= 4, 2, 1) + y.fr_breach + y.res_breach, '', 0,
  p.first_response_minutes, p.resolution_minutes,
  y.created + INTERVAL p.first_response_minutes MINUTE,
  y.created + INTERVAL p.resolution_minutes MINUTE,
  y.created + INTERVAL IF(y.fr_breach, 2 * p.first_response_minutes,
                          p.first_response_minutes DIV 2) MINUTE,
  y.created + INTERVAL IF(y.res_breach, 2 * p.resolution_minutes,
                          p.resolution_minutes DIV 2) MINUTE,
  IF(y.status = 5, y.created + INTERVAL IF(y.res_breach, 2 * p.resolution_minutes,
                                           p.resolution_minutes DIV 2) MINUTE + INTERVAL 1 DAY,
     NULL),
  y.fr_breach, y.res_breach, y.fr_breach, y.res_breach, 1, y.created,
  y.created + INTERVAL 3 DAY
FROM (SELECT x.i, x.k, x.created,
        ELT(1 + x.h % 20, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 4, 4, 5, 5) AS type,
        ELT(1 + x.h DIV 20 % 10, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4) AS priority,
        IF(x.h DIV 200 % 10 = 0, 4, 5) AS status,
        x.h DIV 2000 % 100 < 10 AS fr_breach,
        x.h DIV 200000 % 100 < 8 AS res_breach
      FROM (SELECT a.i, k.seq AS k, CRC32(CONCAT('c', a.i, '-', k.seq)) AS h,
              TIMESTAMP'2024-07-01 00:00:00'
                + INTERVAL CRC32(CONCAT('z', a.i, '-', k.seq)) % 13128 HOUR AS created
            FROM {SLOTS:c,30,2,6,25}) x) y
JOIN sla_policies p ON p.priority = y.priority AND p.tier = 0)sql";

// Surveys (25% of accounts, 1-3 by size) over both periods: CSAT and NPS
// half each, scores leaning satisfied.
const char* const kSurveys = R"sql(
INSERT INTO survey_responses (id, account_id, case_id, contact_id, kind, score, comment,
  response_time, create_time)
SELECT @srv + (x.i - 1) * 3 + x.k, @acc + x.i, NULL, NULL, 1 + x.h % 2,
  IF(x.h % 2 = 0, ELT(1 + x.h DIV 2 % 10, 5, 5, 4, 4, 4, 4, 3, 3, 2, 1),
     ELT(1 + x.h DIV 2 % 12, 10, 10, 9, 9, 9, 8, 8, 7, 7, 6, 4, 2)),
  '', TIMESTAMP'2024-01-02 00:00:00' + INTERVAL x.h DIV 100 % 17520 HOUR,
  TIMESTAMP'2024-01-02 00:00:00' + INTERVAL x.h DIV 100 % 17520 HOUR
FROM (SELECT a.i, k.seq AS k, CRC32(CONCAT('f', a.i, '-', k.seq)) AS h
      FROM {SLOTS:u,25,3,12}) x)sql";

// Activities (60% of accounts, 1-6 by size) planned from 2024-06-01 to
// 2026-01-22: done (with a cost, visits and executive ones dearer), 5%
// cancelled, those from 2025-12-15 still planned; 15% at executive level.
const char* const kActivities = R"sql(
INSERT INTO activities (id, account_id, kind, subject, level, status, planned_time, actual_time,
  outcome, next_follow_up_time, cost_minor, cost_currency, creator, version, create_time,
  update_time)
SELECT @act + (y.i - 1) * 6 + y.k, @acc + y.i, y.kind, CONCAT('Bench activity ', y.k), y.level,
  y.status, y.planned,
  IF(y.status = 2, y.planned + INTERVAL y.h DIV 100000 % 180 MINUTE, NULL),
  IF(y.status = 2, 'done', NULL), NULL,
  IF(y.status = 2, (2000 + y.h DIV 7 % 18000) * IF(y.kind = 1, 3, 1) * y.level, NULL),
  IF(y.status = 2, {CUR:y.i}, ''), 'bench', 1, y.planned - INTERVAL 7 DAY,
  IF(y.status = 2, y.planned + INTERVAL y.h DIV 100000 % 180 MINUTE, y.planned - INTERVAL 7 DAY)
FROM (SELECT x.i, x.k, x.h, x.planned,
        ELT(1 + x.h % 10, 1, 1, 1, 2, 2, 3, 4, 5, 6, 7) AS kind,
        IF(x.h DIV 10 % 100 < 15, 2, 1) AS level,
        IF(x.planned >= TIMESTAMP'2025-12-15 00:00:00', 1, IF(x.h DIV 1000 % 20 = 0, 3, 2))
          AS status
      FROM (SELECT a.i, k.seq AS k, CRC32(CONCAT('v', a.i, '-', k.seq)) AS h,
              TIMESTAMP'2024-06-01 00:00:00'
                + INTERVAL CRC32(CONCAT('y', a.i, '-', k.seq)) % 14400 HOUR AS planned
            FROM {SLOTS:a,60,1.5,3,8,20,60}) x) y)sql";

// Opportunities (20% of accounts, a second one for larger accounts): 60%
// open at every stage, 20% won (at implementation), 20% lost on price; an
// amount from the proposal stage on (and on a third of earlier ones).
const char* const kOpportunities = R"sql(
INSERT INTO opportunities (id, account_id, title, owner, amount_minor, amount_currency, stage,
  stage_update_time, state, opportunity_class, expected_close_time, won_reason, lost_reason,
  lost_to, close_time, version, create_time, update_time)
SELECT @opp + (y.i - 1) * 2 + y.k, @acc + y.i, CONCAT('Bench opportunity ', y.k),
  CONCAT('am-', LPAD(CRC32(CONCAT('w', y.i)) % 2000, 4, '0')),
  IF(y.stage >= 3 OR y.h % 3 = 0, GREATEST(1000, ROUND(y.s * (100000 + y.h DIV 1000 % 900000))),
     NULL),
  IF(y.stage >= 3 OR y.h % 3 = 0, {CUR:y.i}, ''),
  y.stage, y.created, y.state, 1 + y.h DIV 100 % 4, y.created + INTERVAL 120 DAY,
  IF(y.state = 2, 'best total cost', ''), IF(y.state = 3, 1, 0),
  IF(y.state = 3, 'a competitor', ''), IF(y.state > 1, y.created + INTERVAL 60 DAY, NULL), 1,
  y.created, y.created + INTERVAL IF(y.state > 1, 60, 0) DAY
FROM (SELECT x.i, x.k, x.h, x.s, x.created, x.state,
        IF(x.state = 2, 6, 1 + x.h % 6) AS stage
      FROM (SELECT a.i, k.seq AS k, CRC32(CONCAT('o', a.i, '-', k.seq)) AS h, {S:a.i} AS s,
              ELT(1 + CRC32(CONCAT('o', a.i, '-', k.seq)) DIV 6 % 10, 1, 1, 1, 1, 1, 1, 2, 2, 3,
                  3) AS state,
              TIMESTAMP'2024-09-01 00:00:00'
                + INTERVAL CRC32(CONCAT('o', a.i, '-', k.seq)) DIV 60 % 10000 HOUR AS created
            FROM {SLOTS:o,20,4}) x) y)sql";

struct Table {
  const char* label;
  const char* sql;
  int64_t BenchBookRows::*rows;
};

// Reserves `count` ids of `sequence` in `schema` as common::IdAllocator
// does (so a service's block can never overlap), starting after every id of
// `table`; returns the base (the ids are base + 1 .. base + count).
int64_t ReserveIds(SqlConnection& c, const std::string& schema, const std::string& table,
                   const std::string& sequence, int64_t count) {
  c.Update(
      absl::StrCat("INSERT IGNORE INTO ", schema, ".kam_sequences (name, next_id) VALUES (?, 1)"),
      sequence);
  c.Update(absl::StrCat("UPDATE ", schema,
                        ".kam_sequences SET next_id = LAST_INSERT_ID(GREATEST(next_id, "
                        "(SELECT COALESCE(MAX(id), 0) + 1 FROM ",
                        schema, ".", table, ")) + ?) WHERE name = ?"),
           count, sequence);
  std::unique_ptr<sql::ResultSet> rs = c.Query("SELECT LAST_INSERT_ID()");
  rs->next();
  return rs->getInt64(1) - count - 1;
}

int64_t RowsPerSecond(int64_t rows, absl::Duration elapsed) {
  const double seconds = absl::ToDoubleSeconds(elapsed);
  return seconds > 0 ? static_cast<int64_t>(rows / seconds) : 0;
}

absl::Time Utc(int year, int month, int day) {
  return absl::FromCivil(absl::CivilDay(year, month, day), absl::UTCTimeZone());
}

}  // namespace

absl::StatusOr<BenchBook> FillBenchBook(LocalSuite& suite, const BenchBookOptions& options) {
  if (options.accounts < 1) return absl::InvalidArgumentError("accounts must be at least 1");
  if (options.group_accounts < 0) {
    return absl::InvalidArgumentError("group_accounts must not be negative");
  }
  const absl::Time begin = absl::Now();
  common::InitMySqlDriver();
  common::DbOptions db;
  db.port = suite.db().port();
  db.user = "root";
  db.schema = options.interactions ? "kam_interaction" : "kam_account";
  db.pool_size = 1;
  common::ConnectionPool pool(db);
  absl::StatusOr<std::unique_ptr<SqlConnection>> opened = pool.OpenDedicated(absl::Minutes(30));
  if (!opened.ok()) return opened.status();
  SqlConnection& c = **opened;

  BenchBook book;
  book.period_start = Utc(2025, 1, 1);
  book.period_end = Utc(2026, 1, 1);
  const int64_t n = options.accounts;
  auto say = [&](const std::string& line) {
    if (options.progress) {
      std::fprintf(stderr, "bench_book: %s (%.1f s)\n", line.c_str(),
                   absl::ToDoubleSeconds(absl::Now() - begin));
    }
  };
  // The id bases, as user variables every statement reads.
  std::vector<std::pair<std::string, int64_t>> bases;
  std::vector<Table> tables;
  try {
    const int64_t acc = ReserveIds(c, "kam_account", "accounts", "accounts", n);
    bases.emplace_back("@acc", acc);
    bases.emplace_back("@grp", std::min(options.group_accounts, n));
    book.first_account_id = acc + 1;
    book.last_account_id = acc + n;
    if (options.interactions) {
      struct Sequence {
        const char* variable;
        const char* table;
        int slots;
      };
      for (const Sequence& s :
           {Sequence{"@ord", "orders", 5}, Sequence{"@inv", "invoices", 4},
            Sequence{"@pay", "payments", 4}, Sequence{"@case", "cases", 4},
            Sequence{"@srv", "survey_responses", 3}, Sequence{"@act", "activities", 6},
            Sequence{"@opp", "opportunities", 2}}) {
        bases.emplace_back(s.variable,
                           ReserveIds(c, "kam_interaction", s.table, s.table, s.slots * n));
      }
    }
  } catch (const sql::SQLException& e) {
    return absl::InternalError(absl::StrCat("reserving ids for the bench book failed: ", e.what()));
  }
  // Dearest first (measured at a million accounts), so that the workers,
  // each taking the next table, finish close together.
  if (options.interactions) {
    tables = {{"invoices", kInvoices, &BenchBookRows::invoices},
              {"accounts", kAccounts, &BenchBookRows::accounts},
              {"activities", kActivities, &BenchBookRows::activities},
              {"orders", kOrders, &BenchBookRows::orders},
              {"cases", kCases, &BenchBookRows::cases},
              {"payments", kPayments, &BenchBookRows::payments},
              {"payment allocations", kAllocations, nullptr},
              {"opportunities", kOpportunities, &BenchBookRows::opportunities},
              {"surveys", kSurveys, &BenchBookRows::surveys}};
  } else {
    tables = {{"accounts", kAccounts, &BenchBookRows::accounts}};
  }
  say(absl::StrCat("writing ", n, " accounts (ids ", book.first_account_id, "..",
                   book.last_account_id, ")", options.interactions ? " and their records" : "",
                   " on ", options.connections, " connections"));

  // Tables are independent (ids are fixed by the bases), so they are written
  // side by side on separate connections: the work is the server's CPU.
  std::atomic<size_t> next_table{0};
  std::mutex mu;
  absl::Status failed;
  std::vector<std::thread> workers;
  for (int w = 0; w < std::max(1, options.connections); ++w) {
    workers.emplace_back([&] {
      common::ScopedMySqlThread thread;
      absl::StatusOr<std::unique_ptr<SqlConnection>> connection =
          pool.OpenDedicated(absl::Minutes(30));
      if (!connection.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        failed.Update(connection.status());
        return;
      }
      SqlConnection& wc = **connection;
      try {
        for (const auto& [variable, base] : bases) {
          wc.Update(absl::StrCat("SET ", variable, " = ?"), base);
        }
        for (size_t t = next_table++; t < tables.size(); t = next_table++) {
          const Table& table = tables[t];
          const std::string sql =
              Expand(absl::StrReplaceAll(table.sql, {{"{BILLING}", kBillingSlots}}));
          const absl::Time table_start = absl::Now();
          int64_t written = 0;
          for (int64_t lo = 0; lo < n; lo += kChunk) {
            wc.Update("SET @lo = ?, @n = ?", lo, std::min(kChunk, n - lo));
            written += wc.Update(sql);
            // Large books take a while: a line every ten chunks.
            if (lo / kChunk % 10 == 9 && lo + kChunk < n) {
              say(absl::StrCat(table.label, ": ", written, " rows, ",
                               RowsPerSecond(written, absl::Now() - table_start), " rows/s"));
            }
          }
          std::lock_guard<std::mutex> lock(mu);
          if (table.rows != nullptr) book.rows.*table.rows = written;
          say(absl::StrCat(table.label, ": ", written, " rows, ",
                           RowsPerSecond(written, absl::Now() - table_start), " rows/s"));
        }
      } catch (const sql::SQLException& e) {
        std::lock_guard<std::mutex> lock(mu);
        failed.Update(absl::InternalError(absl::StrCat("writing the bench book failed: ", e.what(),
                                                       " (", e.getErrorCode(), ")")));
        next_table = tables.size();  // the others stop after their table
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  if (!failed.ok()) return failed;
  book.elapsed = absl::Now() - begin;
  say(absl::StrCat("done: ", book.rows.total(), " rows, ",
                   RowsPerSecond(book.rows.total(), book.elapsed), " rows/s"));
  return book;
}

}  // namespace kam::testing
