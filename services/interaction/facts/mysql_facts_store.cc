// FactsStore on MariaDB (NewMySqlFactsStore). It reads other areas' tables
// (the migrations document what may be relied on: status numbers, how
// balances and costs are kept); it never writes. Prepared statements only.
// Range runs every statement of a range on one connection, in one
// consistent snapshot.
#include <cppconn/exception.h>

#include <array>
#include <optional>

#include "absl/strings/str_cat.h"
#include "common/db/mysql_pool.h"
#include "common/db/row_reader.h"
#include "common/db/transaction.h"
#include "services/interaction/facts/facts_store.h"
#include "services/interaction/opportunity/opportunity_pipeline.h"
#include "services/interaction/shared/names.h"
#include "services/interaction/shared/store_sql.h"

namespace kam::interaction::facts {
namespace {

using common::SqlConnection;

// Status and kind numbers the other areas' migrations document.
constexpr int kOrderOpen = 1;            // 0003_billing.sql
constexpr int kOrderCancelled = 3;       // 0003_billing.sql
constexpr int kInvoiceOpen = 1;          // 0003_billing.sql
constexpr int kInvoiceVoid = 3;          // 0003_billing.sql
constexpr int kCaseComplaint = 2;        // 0002_cases.sql
constexpr int kCaseCollection = 4;       // 0002_cases.sql
constexpr int kActivityPlanned = 1;      // activity.proto
constexpr int kSurveyCsat = 1;           // satisfaction.proto
constexpr int kSurveyNps = 2;            // satisfaction.proto
constexpr int kActivityVisit = 1;        // activity.proto
constexpr int kActivityDone = 2;         // activity.proto
constexpr int kLevelAccountManager = 1;  // activity.proto
constexpr int kLevelExecutive = 2;       // activity.proto
constexpr int kOpportunityOpen = 1;      // opportunity.proto

using common::ReadTimestamp;
using common::SqlTime;

// The entry of `id`, created on first use; the first currency seen is the
// account's (every amount of one account is in its credit currency).
v1::AccountFacts& Entry(std::map<int64_t, v1::AccountFacts>& facts, int64_t id,
                        const std::string& currency = "") {
  v1::AccountFacts& f = facts[id];
  if (f.account().empty()) f.set_account(AccountName(id));
  if (f.currency_code().empty() && !currency.empty()) f.set_currency_code(currency);
  return f;
}

// Amounts in another currency than the account's (left over from a change
// of credit currency) cannot be added to it and are left out.
bool SameCurrency(const v1::AccountFacts& f, const std::string& currency) {
  return f.currency_code().empty() || f.currency_code() == currency;
}

// Reads rows of (account_id, currency, amounts...): `add(f, rs)` adds a
// row's amounts to its account's facts when they are in the account's
// currency.
template <typename Add>
void AddAmountRows(sql::ResultSet& rs, std::map<int64_t, v1::AccountFacts>& facts, Add add) {
  while (rs.next()) {
    const std::string currency = rs.getString(2);
    v1::AccountFacts& f = Entry(facts, rs.getInt64(1), currency);
    if (SameCurrency(f, currency)) add(f, rs);
  }
}

// An amount of AccountFacts, to add to.
struct AmountField {
  int64_t (v1::AccountFacts::*get)() const;
  void (v1::AccountFacts::*set)(int64_t);
};
// The overdue ageing buckets below 90 days, in the balances statement's
// order.
constexpr AmountField kOverdueBuckets[] = {
    {&v1::AccountFacts::overdue_1_30_minor, &v1::AccountFacts::set_overdue_1_30_minor},
    {&v1::AccountFacts::overdue_31_60_minor, &v1::AccountFacts::set_overdue_31_60_minor},
    {&v1::AccountFacts::overdue_61_90_minor, &v1::AccountFacts::set_overdue_61_90_minor},
};

// Every statement of FactsStore::Range, on one connection.
void ReadRange(SqlConnection& c, int64_t first, int64_t last, const FactsPeriod& period,
               std::map<int64_t, v1::AccountFacts>& facts) {
  const std::string start = SqlTime(period.start);
  const std::string end = SqlTime(period.end);
  const std::string previous_start = SqlTime(period.start - (period.end - period.start));
  const std::string overdue_90 = SqlTime(period.end - absl::Hours(24 * 90));
  const std::string overdue_60 = SqlTime(period.end - absl::Hours(24 * 60));
  const std::string overdue_30 = SqlTime(period.end - absl::Hours(24 * 30));
  // Revenue and gross profit (invoices issued in the period), and the
  // previous period's revenue.
  auto rs = c.Query(
      "SELECT account_id, currency, "
      "SUM(IF(issue_time >= ?, amount_minor, 0)), "
      "SUM(IF(issue_time >= ?, amount_minor - cost_minor, 0)), "
      "SUM(IF(issue_time < ?, amount_minor, 0)) "
      "FROM invoices WHERE account_id BETWEEN ? AND ? AND status <> ? "
      "AND issue_time >= ? AND issue_time < ? GROUP BY account_id, currency",
      start, start, start, first, last, kInvoiceVoid, previous_start, end);
  AddAmountRows(*rs, facts, [](v1::AccountFacts& f, sql::ResultSet& row) {
    f.set_revenue_minor(f.revenue_minor() + row.getInt64(3));
    f.set_gross_profit_minor(f.gross_profit_minor() + row.getInt64(4));
    f.set_previous_revenue_minor(f.previous_revenue_minor() + row.getInt64(5));
  });
  // Balances: receivables and overdue at the end of the period, and the
  // collection rate's figures (BillingService.GetCollectionStats: what
  // was owed by the end of the period, at its start, and what of it was
  // paid during it). Invoices settled before the period owe nothing then.
  // The overdue part by days past due as receivables ageing buckets it
  // (receivables_aging.h: rounded up, so 30 days late exactly is 1-30).
  rs = c.Query(
      "SELECT x.account_id, x.currency, "
      "SUM(x.amount - x.paid_before - x.paid_during), "
      "SUM(IF(x.due_time < ?, x.amount - x.paid_before - x.paid_during, 0)), "
      "SUM(IF(x.due_time < ?, x.amount - x.paid_before - x.paid_during, 0)), "
      "SUM(IF(x.due_time < ?, x.amount - x.paid_before, 0)), "
      "SUM(IF(x.due_time < ?, x.paid_during, 0)), "
      "SUM(IF(x.due_time >= ? AND x.due_time < ?, x.amount - x.paid_before - x.paid_during, 0)), "
      "SUM(IF(x.due_time >= ? AND x.due_time < ?, x.amount - x.paid_before - x.paid_during, 0)), "
      "SUM(IF(x.due_time >= ? AND x.due_time < ?, x.amount - x.paid_before - x.paid_during, 0)) "
      "FROM (SELECT i.account_id, i.currency, i.amount_minor AS amount, i.due_time, "
      "COALESCE(SUM(IF(a.received_time < ?, a.amount_minor, 0)), 0) AS paid_before, "
      "COALESCE(SUM(IF(a.received_time >= ? AND a.received_time < ?, a.amount_minor, 0)), 0) "
      "AS paid_during "
      "FROM invoices i LEFT JOIN payment_allocations a ON a.invoice_id = i.id "
      "WHERE i.account_id BETWEEN ? AND ? AND i.status <> ? AND i.issue_time < ? "
      "AND (i.settle_time IS NULL OR i.settle_time >= ?) GROUP BY i.id) x "
      "GROUP BY x.account_id, x.currency",
      end, overdue_90, end, end, overdue_30, end, overdue_60, overdue_30, overdue_90, overdue_60,
      start, start, end, first, last, kInvoiceVoid, end, start);
  AddAmountRows(*rs, facts, [](v1::AccountFacts& f, sql::ResultSet& row) {
    f.set_receivables_minor(f.receivables_minor() + row.getInt64(3));
    f.set_overdue_minor(f.overdue_minor() + row.getInt64(4));
    f.set_overdue_90_plus_minor(f.overdue_90_plus_minor() + row.getInt64(5));
    f.set_collectible_minor(f.collectible_minor() + row.getInt64(6));
    f.set_collected_minor(f.collected_minor() + row.getInt64(7));
    int column = 8;
    for (const AmountField& bucket : kOverdueBuckets) {
      (f.*bucket.set)((f.*bucket.get)() + row.getInt64(column++));
    }
  });
  // The credit exposure now, as the credit check counts it
  // (billing/credit_check.h): OPEN orders' amounts and OPEN invoices'
  // unpaid balances.
  rs = c.Query(
      "SELECT account_id, currency, SUM(amount_minor) FROM orders "
      "WHERE account_id BETWEEN ? AND ? AND status = ? GROUP BY account_id, currency "
      "UNION ALL SELECT account_id, currency, SUM(amount_minor - paid_minor) FROM invoices "
      "WHERE account_id BETWEEN ? AND ? AND status = ? GROUP BY account_id, currency",
      first, last, kOrderOpen, first, last, kInvoiceOpen);
  AddAmountRows(*rs, facts, [](v1::AccountFacts& f, sql::ResultSet& row) {
    f.set_credit_exposure_minor(f.credit_exposure_minor() + row.getInt64(3));
  });
  // Orders placed in the period (contract volume).
  rs = c.Query(
      "SELECT account_id, currency, COUNT(*), SUM(amount_minor) FROM orders "
      "WHERE account_id BETWEEN ? AND ? AND status <> ? AND order_time >= ? AND order_time < ? "
      "GROUP BY account_id, currency",
      first, last, kOrderCancelled, start, end);
  AddAmountRows(*rs, facts, [](v1::AccountFacts& f, sql::ResultSet& row) {
    f.set_order_count(f.order_count() + row.getInt(3));
    f.set_order_amount_minor(f.order_amount_minor() + row.getInt64(4));
  });
  // Service cases opened in the period, and those open at its end (opened
  // before it, neither resolved nor closed by then).
  rs = c.Query(
      "SELECT account_id, SUM(create_time >= ?), SUM(create_time >= ? AND case_type = ?), "
      "SUM(IF(create_time >= ?, first_response_breached + resolution_breached, 0)), "
      "SUM(create_time >= ? AND case_type = ?), "
      "SUM((resolve_time IS NULL OR resolve_time >= ?) AND (close_time IS NULL OR "
      "close_time >= ?)) FROM cases WHERE account_id BETWEEN ? AND ? AND create_time < ? "
      "AND (create_time >= ? OR ((resolve_time IS NULL OR resolve_time >= ?) AND "
      "(close_time IS NULL OR close_time >= ?))) GROUP BY account_id",
      start, start, kCaseComplaint, start, start, kCaseCollection, end, end, first, last, end,
      start, end, end);
  while (rs->next()) {
    v1::AccountFacts& f = Entry(facts, rs->getInt64(1));
    f.set_case_count(rs->getInt(2));
    f.set_complaint_count(rs->getInt(3));
    f.set_sla_breach_count(rs->getInt(4));
    f.set_collection_case_count(rs->getInt(5));
    f.set_open_case_count(rs->getInt(6));
  }
  // Surveys in the period and the previous one.
  rs = c.Query(
      "SELECT account_id, "
      "SUM(kind = ? AND response_time >= ?), SUM(IF(kind = ? AND response_time >= ?, score, 0)), "
      "SUM(kind = ? AND response_time < ?), SUM(IF(kind = ? AND response_time < ?, score, 0)), "
      "SUM(kind = ? AND response_time >= ?), SUM(kind = ? AND response_time >= ? AND score >= 9), "
      "SUM(kind = ? AND response_time >= ? AND score <= 6) FROM survey_responses "
      "WHERE account_id BETWEEN ? AND ? AND response_time >= ? AND response_time < ? "
      "GROUP BY account_id",
      kSurveyCsat, start, kSurveyCsat, start, kSurveyCsat, start, kSurveyCsat, start, kSurveyNps,
      start, kSurveyNps, start, kSurveyNps, start, first, last, previous_start, end);
  while (rs->next()) {
    v1::AccountFacts& f = Entry(facts, rs->getInt64(1));
    f.set_csat_count(rs->getInt(2));
    f.set_csat_score_sum(rs->getInt64(3));
    f.set_previous_csat_count(rs->getInt(4));
    f.set_previous_csat_score_sum(rs->getInt64(5));
    f.set_nps_count(rs->getInt(6));
    f.set_nps_promoters(rs->getInt(7));
    f.set_nps_detractors(rs->getInt(8));
  }
  // Activities: done in the period, the cost to serve, and the last
  // contact at each level before the end of the period.
  rs = c.Query(
      "SELECT account_id, MAX(cost_currency), "
      "SUM(status = ? AND actual_time >= ? AND actual_time < ?), "
      "SUM(status = ? AND kind = ? AND actual_time >= ? AND actual_time < ?), "
      "SUM(status = ? AND level = ? AND actual_time >= ? AND actual_time < ?), "
      "SUM(IF(status = ? AND actual_time >= ? AND actual_time < ?, COALESCE(cost_minor, 0), 0)), "
      "MAX(IF(status = ? AND actual_time < ?, actual_time, NULL)), "
      "MAX(IF(status = ? AND level = ? AND actual_time < ?, actual_time, NULL)), "
      "MAX(IF(status = ? AND level = ? AND actual_time < ?, actual_time, NULL)) "
      "FROM activities WHERE account_id BETWEEN ? AND ? AND delete_time IS NULL "
      "GROUP BY account_id",
      kActivityDone, start, end, kActivityDone, kActivityVisit, start, end, kActivityDone,
      kLevelExecutive, start, end, kActivityDone, start, end, kActivityDone, end, kActivityDone,
      kLevelAccountManager, end, kActivityDone, kLevelExecutive, end, first, last);
  while (rs->next()) {
    const std::string currency = rs->getString(2);
    v1::AccountFacts& f = Entry(facts, rs->getInt64(1), currency);
    f.set_activity_count(rs->getInt(3));
    f.set_visit_count(rs->getInt(4));
    f.set_executive_activity_count(rs->getInt(5));
    if (SameCurrency(f, currency)) f.set_cost_to_serve_minor(rs->getInt64(6));
    if (auto t = ReadTimestamp(*rs, 7)) *f.mutable_last_contact_time() = *t;
    if (auto t = ReadTimestamp(*rs, 8)) *f.mutable_last_account_manager_contact_time() = *t;
    if (auto t = ReadTimestamp(*rs, 9)) *f.mutable_last_executive_contact_time() = *t;
  }
  // Follow-ups overdue at the end of the period, by ListOverdueFollowUps'
  // rule (visit_cadence.h): an activity asked for a follow-up that came
  // before the end, and no DONE activity of the account took place after
  // that activity (and before the end).
  rs = c.Query(
      "SELECT a.account_id, COUNT(*) FROM activities a WHERE a.account_id BETWEEN ? AND ? "
      "AND a.delete_time IS NULL AND a.status IN (?, ?) AND a.next_follow_up_time < ? "
      "AND (a.status = ? OR a.actual_time < ?) AND NOT EXISTS (SELECT 1 FROM activities b "
      "WHERE b.account_id = a.account_id AND b.status = ? AND b.delete_time IS NULL "
      "AND b.actual_time < ? AND b.actual_time > IF(a.status = ?, a.actual_time, "
      "a.planned_time)) GROUP BY a.account_id",
      first, last, kActivityPlanned, kActivityDone, end, kActivityPlanned, end, kActivityDone, end,
      kActivityDone);
  while (rs->next()) {
    Entry(facts, rs->getInt64(1)).set_overdue_follow_up_count(rs->getInt(2));
  }
  // The open pipeline (now), weighted as OpportunityService's
  // GetWeightedPipeline weighs it: per stage, the stage's total times its
  // probability, rounded half up (opportunity_pipeline.h), then summed.
  // Weighing the account's total at once would round differently.
  std::array<int, 6> percents{};
  rs = c.Query(
      "SELECT p1_percent, p2_percent, p3_percent, p4_percent, p5_percent, p6_percent "
      "FROM opportunity_stage_probabilities WHERE id = 1");
  if (rs->next()) {
    for (int i = 0; i < 6; ++i) percents[i] = rs->getInt(i + 1);
  }
  // The unweighted open amount beside it.
  rs = c.Query(
      "SELECT account_id, amount_currency, stage, SUM(amount_minor) FROM opportunities "
      "WHERE account_id BETWEEN ? AND ? AND state = ? AND delete_time IS NULL "
      "AND amount_minor IS NOT NULL GROUP BY account_id, amount_currency, stage",
      first, last, kOpportunityOpen);
  while (rs->next()) {
    const std::string currency = rs->getString(2);
    v1::AccountFacts& f = Entry(facts, rs->getInt64(1), currency);
    const int stage = rs->getInt(3);
    if (!SameCurrency(f, currency) || stage < 1 || stage > 6) continue;
    f.set_open_pipeline_minor(f.open_pipeline_minor() + rs->getInt64(4));
    f.set_weighted_pipeline_minor(
        f.weighted_pipeline_minor() +
        opportunity::WeightedMinorUnits(rs->getInt64(4), percents[stage - 1]));
  }
  // The agreement ending soonest (not terminated, not ended at the end of
  // the period); the lowest id of those ending at the same time comes first.
  rs = c.Query(
      "SELECT a.account_id, a.id, a.end_time, a.notice_deadline FROM agreements a "
      "JOIN (SELECT account_id, MIN(end_time) AS end_time FROM agreements "
      "WHERE account_id BETWEEN ? AND ? AND terminate_time IS NULL AND end_time > ? "
      "GROUP BY account_id) m ON a.account_id = m.account_id AND a.end_time = m.end_time "
      "WHERE a.terminate_time IS NULL ORDER BY a.account_id, a.id",
      first, last, end);
  while (rs->next()) {
    v1::AccountFacts& f = Entry(facts, rs->getInt64(1));
    if (!f.next_agreement().empty()) continue;
    f.set_next_agreement(absl::StrCat("agreements/", rs->getInt64(2)));
    if (auto t = ReadTimestamp(*rs, 3)) *f.mutable_next_agreement_end_time() = *t;
    if (auto t = ReadTimestamp(*rs, 4)) *f.mutable_next_agreement_notice_deadline() = *t;
  }
}

class MySqlFactsStore final : public FactsStore, private MySqlStoreBase {
 public:
  explicit MySqlFactsStore(common::ConnectionPool* pool) : MySqlStoreBase(pool) {}

  absl::StatusOr<int64_t> MaxAccountId() override {
    return common::ReadWithConnection<int64_t>(
        *pool_, "reading facts", [](SqlConnection& c) -> absl::StatusOr<int64_t> {
          auto rs = c.Query(
              "SELECT GREATEST("
              "COALESCE((SELECT MAX(account_id) FROM invoices), 0), "
              "COALESCE((SELECT MAX(account_id) FROM orders), 0), "
              "COALESCE((SELECT MAX(account_id) FROM cases), 0), "
              "COALESCE((SELECT MAX(account_id) FROM survey_responses), 0), "
              "COALESCE((SELECT MAX(account_id) FROM activities), 0), "
              "COALESCE((SELECT MAX(account_id) FROM opportunities), 0), "
              "COALESCE((SELECT MAX(account_id) FROM agreements), 0))");
          return rs->next() ? rs->getInt64(1) : 0;
        });
  }

  absl::StatusOr<std::map<int64_t, v1::AccountFacts>> Range(int64_t first, int64_t last,
                                                            const FactsPeriod& period) override {
    using Facts = std::map<int64_t, v1::AccountFacts>;
    return common::ReadWithConnection<Facts>(
        *pool_, "reading facts", [&](SqlConnection& c) -> absl::StatusOr<Facts> {
          // One snapshot for all the statements (the pool's sessions are READ
          // COMMITTED, where each statement sees its own), so an account's figures
          // agree with each other while payments and invoices are being written.
          c.Execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
          c.Execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
          Facts facts;
          try {
            ReadRange(c, first, last, period, facts);
          } catch (const sql::SQLException&) {
            // Never hand the connection back inside a transaction.
            try {
              c.Execute("ROLLBACK");
            } catch (const sql::SQLException&) {
            }
            throw;
          }
          c.Execute("COMMIT");
          return facts;
        });
  }
};

}  // namespace

std::unique_ptr<FactsStore> NewMySqlFactsStore(common::ConnectionPool* pool) {
  return std::make_unique<MySqlFactsStore>(pool);
}

}  // namespace kam::interaction::facts
