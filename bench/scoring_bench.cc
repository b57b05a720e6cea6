// scoring_bench: a rating run over a large book, end to end, next to the
// same work done by set-based SQL inside the database, measured in one run
// on the same server.
//
//   service    StartRatingRun -> SUCCEEDED through kam-scoring: the account
//              export and the interaction facts streamed (two passes), every
//              account rated and its results row written, the tiers
//              published to kam-account with SetAccountTiers (tier history
//              included). Its peak RSS (VmHWM) is read from /proc, with its
//              RSS just before the run: the difference over the accounts is
//              what each account costs (an upper bound: it includes what the
//              first run of a process allocates once). Given the peak of a
//              run at another size (--other_size=ACCOUNTS:MIB, as printed by
//              that run), it also prints the marginal cost per account
//              between the two sizes.
//   baseline   the same work as SQL statements on one root connection: the
//              facts aggregated from the interaction tables (the queries the
//              facts stream runs, over all accounts at once), ranked with a
//              window function, the results rows written to
//              kam_scoring.account_ratings, the tiers applied to
//              kam_account.accounts and the tier-history rows inserted.
//
// The baseline runs first on the fresh book; its writes are then undone
// (not timed) so the service rates the same book from the same state. The
// ratio printed is service time / baseline time (target <= 1.5).
//
//   scoring_bench [--accounts=1000000] [--buffer_pool=4G] [--data_dir=DIR]
//                 [--other_size=ACCOUNTS:MIB]
//
// With --data_dir=KEEP/<accounts> the rated book stays for
// `paths_bench --sizes=<accounts> --keep_db=KEEP`, which then times the
// read paths over this run.
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <mysql_connection.h>
#include <mysql_driver.h>

#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/bench_book.h"
#include "bench/bench_rating.h"
#include "common/base/proto_time.h"
#include "grpcpp/grpcpp.h"
#include "kam/scoring/v1/rating.grpc.pb.h"
#include "tests/harness/suite.h"

ABSL_FLAG(int64_t, accounts, 1000000, "accounts in the generated book");
ABSL_FLAG(std::string, data_dir, "",
          "keep the suite's data here (default: a temporary folder, removed at the end)");
ABSL_FLAG(int, publish_batch, 1000, "kam-scoring --publish_batch");
ABSL_FLAG(std::string, other_size, "",
          "ACCOUNTS:MIB, the peak RSS of kam-scoring in a run at another size, for the marginal "
          "memory per account between the two sizes");

namespace {

namespace v1 = kam::scoring::v1;

// The baseline's run id in kam_scoring.account_ratings: far above the ids
// the service allocates, and removed before the service runs.
constexpr int64_t kBaselineRun = int64_t{1} << 50;

std::unique_ptr<sql::Connection> RootConnection(int port) {
  sql::ConnectOptionsMap options;
  options["hostName"] = sql::SQLString(absl::StrCat("tcp://127.0.0.1:", port));
  options["userName"] = sql::SQLString("root");
  options["password"] = sql::SQLString("");
  std::unique_ptr<sql::Connection> c(sql::mysql::get_mysql_driver_instance()->connect(options));
  std::unique_ptr<sql::Statement> s(c->createStatement());
  s->execute("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION'");
  return c;
}

// Runs `sql` and returns the seconds it took.
double Timed(sql::Connection& c, const std::string& sql) {
  const absl::Time start = absl::Now();
  std::unique_ptr<sql::Statement> s(c.createStatement());
  s->execute(sql);
  return absl::ToDoubleSeconds(absl::Now() - start);
}

int64_t QueryInt(sql::Connection& c, const std::string& sql) {
  std::unique_ptr<sql::Statement> s(c.createStatement());
  std::unique_ptr<sql::ResultSet> rs(s->executeQuery(sql));
  return rs->next() ? rs->getInt64(1) : 0;
}

std::string Quoted(absl::Time t) { return absl::StrCat("'", kam::common::ToSqlDateTime(t), "'"); }

struct Step {
  std::string name;
  double seconds = 0;
};

// The baseline, one statement per step. Its facts are the facts stream's
// queries (services/interaction/facts/mysql_facts_store.cc) over all accounts at once;
// its rating is the policy's: value = gross profit - cost to serve, the
// default pyramid by row number (round half up of N x share; values <= 0
// are D), movement against the account's current tier, a CLV at the
// policy's default churn rate and a risk figure from complaints, breaches
// and overdue money. It is simpler than the service's rating (no ties
// rule, no factor explanations beyond a text of the figures), so the ratio
// is if anything in the baseline's favour.
std::vector<Step> RunBaseline(sql::Connection& c, absl::Time start, absl::Time end) {
  const std::string s = Quoted(start);
  const std::string e = Quoted(end);
  const std::string prev = Quoted(start - (end - start));
  const std::string overdue_90 = Quoted(end - absl::Hours(24 * 90));
  const std::string now = Quoted(kam::common::NowMicros());
  std::vector<Step> steps;
  auto step = [&](const std::string& name, const std::vector<std::string>& statements) {
    double seconds = 0;
    for (const std::string& sql : statements) seconds += Timed(c, sql);
    steps.push_back({name, seconds});
    std::fprintf(stderr, "baseline: %s %.1f s\n", name.c_str(), seconds);
  };
  Timed(c, "DROP DATABASE IF EXISTS kam_bench_baseline");
  Timed(c, "CREATE DATABASE kam_bench_baseline");
  const std::string db = "kam_bench_baseline.";
  step("aggregate facts (7 GROUP BY over interaction)", {
      absl::StrCat("CREATE TABLE ", db, "f_invoices (PRIMARY KEY (account_id)) AS "
                   "SELECT account_id, SUM(IF(issue_time >= ", s, ", amount_minor, 0)) AS revenue, "
                   "SUM(IF(issue_time >= ", s, ", amount_minor - cost_minor, 0)) AS profit, "
                   "SUM(IF(issue_time < ", s, ", amount_minor, 0)) AS previous_revenue "
                   "FROM kam_interaction.invoices WHERE status <> 3 AND issue_time >= ", prev,
                   " AND issue_time < ", e, " GROUP BY account_id"),
      absl::StrCat("CREATE TABLE ", db, "f_balances (PRIMARY KEY (account_id)) AS "
                   "SELECT x.account_id, SUM(x.amount - x.paid_before - x.paid_during) AS receivables, "
                   "SUM(IF(x.due_time < ", e, ", x.amount - x.paid_before - x.paid_during, 0)) AS overdue, "
                   "SUM(IF(x.due_time < ", overdue_90, ", x.amount - x.paid_before - x.paid_during, 0)) AS overdue_90, "
                   "SUM(IF(x.due_time < ", e, ", x.amount - x.paid_before, 0)) AS collectible, "
                   "SUM(IF(x.due_time < ", e, ", x.paid_during, 0)) AS collected "
                   "FROM (SELECT i.account_id, i.amount_minor AS amount, i.due_time, "
                   "COALESCE(SUM(IF(a.received_time < ", s, ", a.amount_minor, 0)), 0) AS paid_before, "
                   "COALESCE(SUM(IF(a.received_time >= ", s, " AND a.received_time < ", e,
                   ", a.amount_minor, 0)), 0) AS paid_during "
                   "FROM kam_interaction.invoices i LEFT JOIN kam_interaction.payment_allocations a "
                   "ON a.invoice_id = i.id WHERE i.status <> 3 AND i.issue_time < ", e,
                   " AND (i.settle_time IS NULL OR i.settle_time >= ", s, ") GROUP BY i.id) x "
                   "GROUP BY x.account_id"),
      absl::StrCat("CREATE TABLE ", db, "f_orders (PRIMARY KEY (account_id)) AS "
                   "SELECT account_id, COUNT(*) AS orders, SUM(amount_minor) AS order_amount "
                   "FROM kam_interaction.orders WHERE status <> 3 AND order_time >= ", s,
                   " AND order_time < ", e, " GROUP BY account_id"),
      absl::StrCat("CREATE TABLE ", db, "f_cases (PRIMARY KEY (account_id)) AS "
                   "SELECT account_id, COUNT(*) AS cases, SUM(case_type = 2) AS complaints, "
                   "SUM(first_response_breached + resolution_breached) AS breaches "
                   "FROM kam_interaction.cases WHERE create_time >= ", s, " AND create_time < ", e,
                   " GROUP BY account_id"),
      absl::StrCat("CREATE TABLE ", db, "f_surveys (PRIMARY KEY (account_id)) AS "
                   "SELECT account_id, SUM(kind = 1 AND response_time >= ", s, ") AS csat_count, "
                   "SUM(IF(kind = 1 AND response_time >= ", s, ", score, 0)) AS csat_sum, "
                   "SUM(kind = 1 AND response_time < ", s, ") AS previous_csat_count, "
                   "SUM(IF(kind = 1 AND response_time < ", s, ", score, 0)) AS previous_csat_sum, "
                   "SUM(kind = 2 AND response_time >= ", s, ") AS nps_count, "
                   "SUM(kind = 2 AND response_time >= ", s, " AND score >= 9) AS promoters, "
                   "SUM(kind = 2 AND response_time >= ", s, " AND score <= 6) AS detractors "
                   "FROM kam_interaction.survey_responses WHERE response_time >= ", prev,
                   " AND response_time < ", e, " GROUP BY account_id"),
      absl::StrCat("CREATE TABLE ", db, "f_activities (PRIMARY KEY (account_id)) AS "
                   "SELECT account_id, "
                   "SUM(status = 2 AND actual_time >= ", s, " AND actual_time < ", e, ") AS activities, "
                   "SUM(status = 2 AND kind = 1 AND actual_time >= ", s, " AND actual_time < ", e,
                   ") AS visits, "
                   "SUM(status = 2 AND level = 2 AND actual_time >= ", s, " AND actual_time < ", e,
                   ") AS executive_activities, "
                   "SUM(IF(status = 2 AND actual_time >= ", s, " AND actual_time < ", e,
                   ", COALESCE(cost_minor, 0), 0)) AS cost, "
                   "MAX(IF(status = 2 AND actual_time < ", e, ", actual_time, NULL)) AS last_contact, "
                   "MAX(IF(status = 2 AND level = 1 AND actual_time < ", e,
                   ", actual_time, NULL)) AS last_manager_contact, "
                   "MAX(IF(status = 2 AND level = 2 AND actual_time < ", e,
                   ", actual_time, NULL)) AS last_executive_contact "
                   "FROM kam_interaction.activities WHERE delete_time IS NULL GROUP BY account_id"),
      absl::StrCat("CREATE TABLE ", db, "f_pipeline (PRIMARY KEY (account_id)) AS "
                   "SELECT o.account_id, SUM(o.amount_minor * CASE o.stage "
                   "WHEN 1 THEN p.p1_percent WHEN 2 THEN p.p2_percent WHEN 3 THEN p.p3_percent "
                   "WHEN 4 THEN p.p4_percent WHEN 5 THEN p.p5_percent ELSE p.p6_percent END) DIV 100 "
                   "AS weighted FROM kam_interaction.opportunities o "
                   "JOIN kam_interaction.opportunity_stage_probabilities p ON p.id = 1 "
                   "WHERE o.state = 1 AND o.delete_time IS NULL AND o.amount_minor IS NOT NULL "
                   "GROUP BY o.account_id"),
  });
  // Rank and write the results rows. Values <= 0 are D (as the pyramid
  // rule); the counts are round-half-up(N x 1% / 5% / 20%).
  const std::string run = absl::StrCat(kBaselineRun);
  step(
      "rank (ROW_NUMBER window) + write results rows",
      {absl::StrCat(
          "INSERT INTO kam_scoring.account_ratings (run_id, account_id, currency, value_minor, "
          "value_score, segment, seg_rank, tier, previous_tier, movement, key_account, clv_minor, "
          "churn_risk, health, sla_breaches, receivables_minor, overdue_minor, details) "
          "SELECT ",
          run,
          ", r.id, r.currency, r.value, 0, '', r.rn, r.tier, r.previous_tier, "
          "CASE WHEN r.previous_tier = 0 THEN 1 WHEN r.tier < r.previous_tier THEN 2 "
          "WHEN r.tier > r.previous_tier THEN 3 ELSE 4 END, r.tier <= 2, "
          // CLV at 10% churn: 10 years of profit (docs/domain.md §3).
          "r.value * 10, LEAST(100, r.risk), 100 - LEAST(100, r.risk), r.breaches, r.receivables, "
          "r.overdue, CONCAT_WS(',', r.value, r.revenue, r.previous_revenue, r.cost, "
          "r.receivables, "
          "r.overdue, r.complaints, r.breaches, r.csat_sum, r.last_contact) "
          "FROM (SELECT q.*, CASE WHEN q.value <= 0 THEN 4 "
          "WHEN q.rn <= FLOOR(q.n * 0.01 + 0.5) THEN 1 WHEN q.rn <= FLOOR(q.n * 0.05 + 0.5) THEN 2 "
          "WHEN q.rn <= FLOOR(q.n * 0.20 + 0.5) THEN 3 ELSE 4 END AS tier FROM ("
          "SELECT a.id, a.credit_currency AS currency, a.tier AS previous_tier, "
          "COALESCE(fi.profit, 0) - COALESCE(fa.cost, 0) AS value, COALESCE(fi.revenue, 0) AS "
          "revenue, "
          "COALESCE(fi.previous_revenue, 0) AS previous_revenue, COALESCE(fa.cost, 0) AS cost, "
          "COALESCE(fb.receivables, 0) AS receivables, COALESCE(fb.overdue, 0) AS overdue, "
          "COALESCE(fc.complaints, 0) AS complaints, COALESCE(fc.breaches, 0) AS breaches, "
          "COALESCE(fs.csat_sum, 0) AS csat_sum, fa.last_contact, "
          "COALESCE(fc.complaints, 0) * 10 + COALESCE(fc.breaches, 0) * 10 + "
          "IF(COALESCE(fb.overdue, 0) > 0, 20, 0) + IF(fa.last_contact IS NULL, 20, 0) AS risk, "
          "ROW_NUMBER() OVER (ORDER BY COALESCE(fi.profit, 0) - COALESCE(fa.cost, 0) DESC, a.id) "
          "AS rn, "
          "COUNT(*) OVER () AS n FROM kam_account.accounts a "
          "LEFT JOIN ",
          db,
          "f_invoices fi ON fi.account_id = a.id "
          "LEFT JOIN ",
          db,
          "f_balances fb ON fb.account_id = a.id "
          "LEFT JOIN ",
          db,
          "f_orders fo ON fo.account_id = a.id "
          "LEFT JOIN ",
          db,
          "f_cases fc ON fc.account_id = a.id "
          "LEFT JOIN ",
          db,
          "f_surveys fs ON fs.account_id = a.id "
          "LEFT JOIN ",
          db,
          "f_activities fa ON fa.account_id = a.id "
          "LEFT JOIN ",
          db,
          "f_pipeline fp ON fp.account_id = a.id "
          "WHERE a.delete_time IS NULL) q) r")});
  const std::string stamp = absl::StrCat("'ratingRuns/", run, "'");
  step("apply tiers to kam_account.accounts", {absl::StrCat(
      "UPDATE kam_account.accounts a JOIN kam_scoring.account_ratings r "
      "ON r.run_id = ", run, " AND r.account_id = a.id SET a.tier = r.tier, a.tier_rating_run = ",
      stamp, ", a.tier_policy_version = 'policies/baseline/versions/1', a.tier_update_time = ", now,
      ", a.version = a.version + 1, a.update_time = ", now)});
  step("insert tier-history rows", {absl::StrCat(
      "INSERT INTO kam_account.tier_changes (id, account_id, from_tier, to_tier, rating_run, "
      "policy_version, reason, change_time) SELECT ", kBaselineRun,
      " + ROW_NUMBER() OVER (ORDER BY account_id), account_id, previous_tier, tier, ", stamp,
      ", 'policies/baseline/versions/1', CONCAT('rank ', seg_rank, ', value ', value_minor), ",
      now, " FROM kam_scoring.account_ratings WHERE run_id = ", run, " AND previous_tier <> tier")});
  return steps;
}

// Undoes the baseline's writes so the service starts from the same state.
void UndoBaseline(sql::Connection& c) {
  const std::string run = absl::StrCat(kBaselineRun);
  Timed(c, absl::StrCat("DELETE FROM kam_account.tier_changes WHERE id > ", kBaselineRun));
  Timed(c, absl::StrCat("UPDATE kam_account.accounts SET tier = 0, tier_rating_run = '', "
                        "tier_policy_version = '', tier_update_time = NULL "
                        "WHERE tier_rating_run = 'ratingRuns/", run, "'"));
  Timed(c, absl::StrCat("DELETE FROM kam_scoring.account_ratings WHERE run_id = ", run));
  Timed(c, "DROP DATABASE kam_bench_baseline");
}

// "  marginal ... bytes per account" between this run and the one
// `other_size` (ACCOUNTS:MIB) describes; nothing when it is empty.
void PrintMarginalMemory(const std::string& other_size, int64_t accounts, double peak_mib) {
  if (other_size.empty()) return;
  const std::vector<std::string> parts = absl::StrSplit(other_size, ':');
  int64_t other_accounts = 0;
  double other_mib = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &other_accounts) ||
      !absl::SimpleAtod(parts[1], &other_mib) || other_accounts == accounts) {
    std::fprintf(stderr, "--other_size must be ACCOUNTS:MIB at another size (got %s)\n",
                 other_size.c_str());
    return;
  }
  std::printf("    %-48s %7.1f bytes per account (%lld -> %lld accounts: %.0f -> %.0f MiB)\n",
              "marginal memory between the two sizes",
              (peak_mib - other_mib) * 1048576 / static_cast<double>(accounts - other_accounts),
              static_cast<long long>(other_accounts), static_cast<long long>(accounts), other_mib,
              peak_mib);
}

void PrintTierCounts(const char* who, int64_t a, int64_t b, int64_t c, int64_t d) {
  std::printf("  %-10s A %lld / B %lld / C %lld / D %lld\n", who, static_cast<long long>(a),
              static_cast<long long>(b), static_cast<long long>(c), static_cast<long long>(d));
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  sql::mysql::get_mysql_driver_instance();
  const int64_t accounts = absl::GetFlag(FLAGS_accounts);

  kam::testing::LocalSuite::Options options =
      kam::testing::RatingSuiteOptions(absl::GetFlag(FLAGS_data_dir));
  options.args["scoring"] = {absl::StrCat("--publish_batch=", absl::GetFlag(FLAGS_publish_batch))};
  auto suite = kam::testing::LocalSuite::Start(options);
  if (!suite.ok()) {
    std::fprintf(stderr, "cannot start the suite: %s\n", std::string(suite.status().message()).c_str());
    return 1;
  }

  kam::testing::BenchBookOptions book_options;
  book_options.accounts = accounts;
  // The book paths_bench writes (its 1% group included), so that a suite
  // kept with --data_dir, rated by this run, serves `paths_bench --keep_db`
  // as DIR/<accounts> without writing the book again.
  book_options.group_accounts = accounts / 100;
  const absl::Time generate_start = absl::Now();
  absl::StatusOr<kam::testing::BenchBook> book = kam::testing::FillBenchBook(**suite, book_options);
  if (!book.ok()) {
    std::fprintf(stderr, "cannot generate the book: %s\n", std::string(book.status().message()).c_str());
    return 1;
  }
  const double generate_seconds = absl::ToDoubleSeconds(absl::Now() - generate_start);
  std::printf(
      "scoring_bench: %lld accounts and %lld interaction rows generated in %.0f s (%.0f rows/s)\n",
      static_cast<long long>(accounts),
      static_cast<long long>(book->rows.total() - book->rows.accounts), generate_seconds,
      book->rows.total() / generate_seconds);

  std::unique_ptr<sql::Connection> root;
  std::vector<Step> baseline;
  int64_t base_counts[4] = {};
  try {
    root = RootConnection((*suite)->db().port());
    baseline = RunBaseline(*root, book->period_start, book->period_end);
    for (int tier = 1; tier <= 4; ++tier) {
      base_counts[tier - 1] = QueryInt(*root, absl::StrCat(
          "SELECT COUNT(*) FROM kam_scoring.account_ratings WHERE run_id = ", kBaselineRun,
          " AND tier = ", tier));
    }
    UndoBaseline(*root);
  } catch (const sql::SQLException& e) {
    std::fprintf(stderr, "baseline failed: %s\n", e.what());
    return 1;
  }

  absl::StatusOr<kam::testing::RatingRunResult> service =
      kam::testing::RunRating(**suite, book->period_start, book->period_end);
  if (!service.ok()) {
    std::fprintf(stderr, "service run failed: %s\n%s\n", std::string(service.status().message()).c_str(),
                 (*suite)->LogTail("scoring").c_str());
    return 1;
  }
  int64_t history_rows = 0;
  try {
    history_rows = QueryInt(*root, "SELECT COUNT(*) FROM kam_account.tier_changes");
  } catch (const sql::SQLException& e) {
    std::fprintf(stderr, "reading the tier history failed: %s\n", e.what());
  }

  double baseline_seconds = 0;
  std::printf("\n  in-DB SQL baseline (one root connection, same server, same book)\n");
  for (const Step& step : baseline) {
    std::printf("    %-48s %7.1f s\n", step.name.c_str(), step.seconds);
    baseline_seconds += step.seconds;
  }
  std::printf("    %-48s %7.1f s\n", "total", baseline_seconds);
  std::printf("\n  kam-scoring rating run (StartRatingRun -> SUCCEEDED)\n");
  std::printf("    %-48s %7.1f s\n", "rating: 2 streamed passes, results rows written",
              service->rating_seconds);
  std::printf("    %-48s %7.1f s\n", "publishing: SetAccountTiers batches",
              service->seconds - service->rating_seconds);
  std::printf("    %-48s %7.1f s  (%.0f accounts/s, %lld tier-history rows)\n", "total",
              service->seconds, accounts / service->seconds, static_cast<long long>(history_rows));
  std::printf("    %-48s %7.0f MiB (target < 300; sampled RSS max %.0f MiB)\n",
              "peak RSS of kam-scoring (VmHWM)", service->memory.peak_mib,
              service->sampled_peak_mib);
  std::printf("    %-48s %7.1f bytes per account (RSS %.0f MiB before the run)\n",
              "peak above the RSS before the run",
              (service->memory.peak_mib - service->before_mib) * 1048576 / accounts,
              service->before_mib);
  PrintMarginalMemory(absl::GetFlag(FLAGS_other_size), accounts, service->memory.peak_mib);
  std::printf("\n  tiers\n");
  PrintTierCounts("baseline", base_counts[0], base_counts[1], base_counts[2], base_counts[3]);
  const v1::TierCounts& t = service->run.tier_counts();
  PrintTierCounts("service", t.a(), t.b(), t.c(), t.d());
  std::printf("\n  service / baseline = %.2f (target <= 1.5)\n",
              service->seconds / baseline_seconds);
  return 0;
}
