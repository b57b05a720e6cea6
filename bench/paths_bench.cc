// paths_bench: how every read path grows with the book. For each size in
// --sizes it starts the suite, writes (or, with --keep_db, finds) a book of
// that many accounts (bench/bench_book.h, with one group of 1% of the book
// under its first account), rates it once through kam-scoring and times:
//
//   rating     StartRatingRun -> SUCCEEDED over the whole book (the same
//              run scoring_bench times; its in-DB baseline is there).
//   facts      StreamAccountFacts over the book's period, next to the raw
//              baseline: the facts store's statements in this process.
//   reports    GetPyramidReport, GetParetoReport, GetCustomerEquity over the
//              run (median of 3 calls; everything is aggregated in the
//              database, so no separate baseline).
//   lists      ListAccounts `owner = "am-0042"` (one account manager's
//              accounts, 0.05% of the book, spread over it) and, after the
//              run, `tier = B` (4%), each in id order and ordered by
//              display_name, and ListAlerts `run = <the run>` (newest
//              first), walked page by page (--page_size) from the first page
//              to the last, once untimed (so the timed walks find the rows
//              in the buffer pool) and again with each page timed: the
//              median of the first five,
//              of five at the middle and of the last five, and the whole
//              walk in rows/s. Next to it the same statement, page by page,
//              on raw Connector/C++ (the store's keyset condition).
//   group      GetGroupSummary on the group's head (median of 3), next to
//              the store's recursive query on raw Connector/C++.
//   rollup     GetGroupRollup of the group's head over the run (median of
//              3): every figure summed over the group's 1% of the book
//              through the run's stored parent links, next to the same
//              sums in one raw recursive statement.
//
// With two sizes it prints them side by side with, per path, the time per
// row at the larger size over the time per row at the smaller (1.00 is
// linear growth; a single page has the same rows at both sizes, so there
// it is the page's time ratio).
//
//   paths_bench [--sizes=1000000,10000000] [--keep_db=DIR] [--buffer_pool=4G]
//               [--page_size=100] [--walk_seconds=600]
//               [--paths=facts,group,accounts,rating,reports,rollup,alerts]
//
// The paths that need no run come first, so that on a long book their
// figures are printed before the run starts. --keep_db keeps each size's
// suite in DIR/<accounts> and, run again,
// reuses the book and the rating run found there (the rating figure is then
// the stored run's start-to-end time). A walk that takes longer than
// --walk_seconds stops; its "last pages" are then the last it reached.
#include <cppconn/exception.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/bench_book.h"
#include "bench/bench_facts.h"
#include "bench/bench_rating.h"
#include "common/db/mysql_pool.h"
#include "grpcpp/grpcpp.h"
#include "kam/account/v1/account.grpc.pb.h"
#include "kam/scoring/v1/alert.grpc.pb.h"
#include "kam/scoring/v1/report.grpc.pb.h"
#include "services/account/accounts/mysql_account_sql.h"
#include "tests/harness/suite.h"

ABSL_FLAG(std::string, sizes, "1000000,10000000", "book sizes (accounts), comma-separated");
ABSL_FLAG(std::string, paths, "facts,group,accounts,rating,reports,rollup,alerts",
          "the paths to time, comma-separated (without rating, and no run stored, the paths "
          "that need a run are left out)");
ABSL_FLAG(std::string, keep_db, "",
          "keep each size's suite in DIR/<accounts> and reuse the book and run found there");
ABSL_FLAG(int, page_size, 100, "page size of the List walks");
ABSL_FLAG(int, walk_seconds, 600, "longest walk through one list (it stops there)");

namespace {

namespace av1 = kam::account::v1;
namespace sv1 = kam::scoring::v1;
using kam::common::SqlConnection;
using kam::common::SqlValue;

// One path's figure at one size: the service and, where there is one, the
// raw baseline (seconds < 0: none).
struct Figure {
  std::string path;
  double seconds = 0;
  int64_t rows = 0;
  double baseline_seconds = -1;
  std::string note;
};

struct SizeFigures {
  int64_t accounts = 0;
  std::string load;  // /proc/loadavg at the start and at the end
  std::vector<Figure> figures;
};

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return absl::StrCat(one, " ", five, " ", fifteen);
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// The seconds `call` takes, median of `times` (OK calls only; a failure is
// returned as the status).
absl::StatusOr<double> MedianCall(int times, const std::function<grpc::Status()>& call) {
  std::vector<double> seconds;
  for (int i = 0; i < times; ++i) {
    const absl::Time start = absl::Now();
    const grpc::Status status = call();
    if (!status.ok()) return absl::InternalError(status.error_message());
    seconds.push_back(absl::ToDoubleSeconds(absl::Now() - start));
  }
  return Median(seconds);
}

void SetDeadline(grpc::ClientContext& context) {
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Minutes(10)));
}

// A walk through a list, one page per call: each page's seconds and rows.
struct Walk {
  std::vector<double> page_seconds;
  int64_t rows = 0;
  bool stopped = false;  // --walk_seconds ran out
  std::string error;
  double seconds() const {
    double total = 0;
    for (double s : page_seconds) total += s;
    return total;
  }
  // Median of five pages from `at` (0..1 of the walk).
  double PagesAt(double at) const {
    if (page_seconds.empty()) return 0;
    const size_t n = page_seconds.size();
    const size_t first = std::min(n - std::min<size_t>(n, 5), static_cast<size_t>(at * n));
    return Median({page_seconds.begin() + first, page_seconds.begin() + std::min(n, first + 5)});
  }
};

// Calls `page` until it returns no value (it read the last page before) or
// the time runs out. `page` returns the rows of the page it read.
Walk WalkPages(const std::function<absl::StatusOr<std::optional<int64_t>>()>& page) {
  Walk walk;
  const absl::Time end = absl::Now() + absl::Seconds(absl::GetFlag(FLAGS_walk_seconds));
  for (;;) {
    const absl::Time start = absl::Now();
    absl::StatusOr<std::optional<int64_t>> rows = page();
    const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
    if (!rows.ok()) {
      walk.error = std::string(rows.status().message());
      return walk;
    }
    if (!rows->has_value()) return walk;  // after the last page: no call made
    walk.page_seconds.push_back(seconds);
    walk.rows += **rows;
    if (absl::Now() > end) {
      walk.stopped = true;
      return walk;
    }
  }
}

// A service walk: `call` with the previous page's token ("" first) returns
// (rows, next token); the walk ends at an empty token.
Walk WalkService(
    const std::function<absl::StatusOr<std::pair<int64_t, std::string>>(const std::string&)>&
        call) {
  std::string token;
  bool done = false;
  return WalkPages([&]() -> absl::StatusOr<std::optional<int64_t>> {
    if (done) return std::optional<int64_t>();
    absl::StatusOr<std::pair<int64_t, std::string>> page = call(token);
    if (!page.ok()) return page.status();
    token = page->second;
    done = token.empty();
    return std::optional<int64_t>(page->first);
  });
}

// WalkService once untimed, then timed: the walk the figures report. The
// rows of a sparse filter sit on pages all over the book, and whichever
// walk came first read them from disk (the service's walk before this, 10
// to 60 times the raw walk's page time). The raw walk that follows then
// finds the same rows in the buffer pool as the timed service walk did.
Walk WarmedServiceWalk(
    const std::function<absl::StatusOr<std::pair<int64_t, std::string>>(const std::string&)>&
        call) {
  WalkService(call);
  return WalkService(call);
}

// The four figures of a walk (first pages, middle, last, all) beside the
// baseline's walk.
void AddWalk(const std::string& name, const Walk& service, const Walk& raw,
             std::vector<Figure>& out) {
  const std::string note =
      !service.error.empty() ? service.error
      : !raw.error.empty()   ? absl::StrCat("raw: ", raw.error)
      : service.stopped
          ? absl::StrCat("stopped after ", service.page_seconds.size(), " pages (--walk_seconds)")
          : "";
  const int64_t page = absl::GetFlag(FLAGS_page_size);
  out.push_back({name + ", first pages", service.PagesAt(0), page, raw.PagesAt(0), note});
  out.push_back({name + ", pages at 50%", service.PagesAt(0.5), page, raw.PagesAt(0.5), ""});
  out.push_back({name + ", last pages", service.PagesAt(1), page, raw.PagesAt(1), ""});
  out.push_back({absl::StrCat(name, ", all ", service.page_seconds.size(), " pages"),
                 service.seconds(), service.rows, raw.seconds(), ""});
}

// A raw walk: `sql` with the keyset condition appended after the first
// page, run page by page through one connection; `cursor` reads the last
// row's cursor values, `params` gives the first page's values.
Walk WalkRaw(SqlConnection& c, const std::string& first_sql, const std::string& next_sql,
             const std::vector<SqlValue>& params,
             const std::function<std::vector<SqlValue>(sql::ResultSet&)>& cursor) {
  std::optional<std::vector<SqlValue>> after;
  bool done = false;
  const int64_t page = absl::GetFlag(FLAGS_page_size);
  return WalkPages([&]() -> absl::StatusOr<std::optional<int64_t>> {
    if (done) return std::optional<int64_t>();
    try {
      std::vector<SqlValue> values = params;
      if (after.has_value()) values.insert(values.end(), after->begin(), after->end());
      values.emplace_back(page + 1);
      std::unique_ptr<sql::ResultSet> rs = c.Query(after ? next_sql : first_sql, values);
      int64_t rows = 0;
      while (rows < page && rs->next()) {
        ++rows;
        after = cursor(*rs);
      }
      done = !rs->next();
      return std::optional<int64_t>(rows);
    } catch (const sql::SQLException& e) {
      return absl::InternalError(e.what());
    }
  });
}

// The book in the suite: written now, or found (with --keep_db).
absl::StatusOr<kam::testing::BenchBook> FindOrWriteBook(kam::testing::LocalSuite& suite,
                                                        SqlConnection& root, int64_t accounts,
                                                        std::vector<Figure>& figures) {
  std::unique_ptr<sql::ResultSet> rs = root.Query(
      "SELECT COUNT(*), COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM "
      "kam_account.accounts");
  rs->next();
  if (rs->getInt64(1) == 0) {
    kam::testing::BenchBookOptions options;
    options.accounts = accounts;
    options.group_accounts = accounts / 100;
    absl::StatusOr<kam::testing::BenchBook> book = kam::testing::FillBenchBook(suite, options);
    if (book.ok()) {
      figures.push_back({"book written (accounts and interaction rows)",
                         absl::ToDoubleSeconds(book->elapsed), book->rows.total(), -1, ""});
    }
    return book;
  }
  if (rs->getInt64(1) != accounts) {
    return absl::FailedPreconditionError(
        absl::StrCat("--keep_db holds ", rs->getInt64(1), " accounts, not ", accounts));
  }
  kam::testing::BenchBook book;
  book.first_account_id = rs->getInt64(2);
  book.last_account_id = rs->getInt64(3);
  // As FillBenchBook writes it (bench_book.h).
  book.period_start = absl::FromCivil(absl::CivilDay(2025, 1, 1), absl::UTCTimeZone());
  book.period_end = absl::FromCivil(absl::CivilDay(2026, 1, 1), absl::UTCTimeZone());
  return book;
}

// The run in the suite: the one a previous invocation left, or rated now
// when `rate` (else none).
absl::StatusOr<std::optional<int64_t>> FindOrRate(kam::testing::LocalSuite& suite,
                                                  SqlConnection& root,
                                                  const kam::testing::BenchBook& book,
                                                  int64_t accounts, bool rate,
                                                  std::vector<Figure>& figures) {
  std::unique_ptr<sql::ResultSet> rs = root.Query(
      "SELECT id, TIMESTAMPDIFF(MICROSECOND, create_time, end_time) FROM kam_scoring.rating_runs "
      "WHERE state = ? ORDER BY id DESC LIMIT 1",
      int64_t{sv1::RUN_STATE_SUCCEEDED});
  if (rs->next()) {
    figures.push_back({"rating run (StartRatingRun -> SUCCEEDED)", rs->getInt64(2) / 1e6, accounts,
                       -1, "the stored run's start to end"});
    return rs->getInt64(1);
  }
  if (!rate) return std::nullopt;
  absl::StatusOr<kam::testing::RatingRunResult> run =
      kam::testing::RunRating(suite, book.period_start, book.period_end);
  if (!run.ok()) return run.status();
  figures.push_back({"rating run (StartRatingRun -> SUCCEEDED)", run->seconds, accounts, -1,
                     absl::StrFormat("rating %.0f s, peak RSS %.0f MiB", run->rating_seconds,
                                     run->memory.peak_mib)});
  int64_t id = 0;
  const std::vector<std::string> parts = absl::StrSplit(run->run.name(), '/');
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[1], &id)) {
    return absl::InternalError(absl::StrCat("unexpected run name ", run->run.name()));
  }
  return id;
}

void AddFacts(kam::testing::LocalSuite& suite, const kam::testing::BenchBook& book,
              std::vector<Figure>& figures) {
  const kam::testing::FactsRun raw = kam::testing::RawFacts(suite, book, 1000);
  const kam::testing::FactsRun service =
      kam::testing::StreamFacts(suite.interaction_address(), book, 1000);
  const bool agree = raw.accounts == service.accounts && raw.checksum == service.checksum;
  figures.push_back(
      {"facts stream (StreamAccountFacts, accounts)", service.seconds, service.accounts,
       raw.seconds,
       absl::StrCat(service.error, raw.error, agree ? "" : " raw and service DISAGREE")});
}

// One report over the run, median of 3 calls.
template <typename Request, typename Response>
void AddReport(const std::string& path, sv1::ReportService::Stub& stub,
               grpc::Status (sv1::ReportService::Stub::*method)(grpc::ClientContext*,
                                                                const Request&, Response*),
               int64_t run, int64_t accounts, std::vector<Figure>& figures) {
  Request request;
  request.set_run(absl::StrCat("ratingRuns/", run));
  absl::StatusOr<double> seconds = MedianCall(3, [&] {
    grpc::ClientContext context;
    SetDeadline(context);
    Response response;
    return (stub.*method)(&context, request, &response);
  });
  figures.push_back({path, seconds.ok() ? *seconds : 0, accounts, -1,
                     seconds.ok() ? "" : std::string(seconds.status().message())});
}

void AddReports(kam::testing::LocalSuite& suite, int64_t run, int64_t accounts,
                std::vector<Figure>& figures) {
  auto stub = sv1::ReportService::NewStub(suite.Channel("scoring"));
  using Stub = sv1::ReportService::Stub;
  AddReport("GetPyramidReport (ratings)", *stub, &Stub::GetPyramidReport, run, accounts, figures);
  AddReport("GetParetoReport (ratings)", *stub, &Stub::GetParetoReport, run, accounts, figures);
  AddReport("GetCustomerEquity (ratings)", *stub, &Stub::GetCustomerEquity, run, accounts, figures);
}

// ListAccounts with `filter` (the API's) = `where` (the store's, over `a`,
// binding `value`), in id order and by display_name, through the service
// and the store's statement.
void AddAccountWalks(kam::testing::LocalSuite& suite, SqlConnection& root,
                     const std::string& filter, const std::string& where, const SqlValue& value,
                     std::vector<Figure>& figures) {
  auto stub = av1::AccountService::NewStub(suite.Channel("account"));
  const int page = absl::GetFlag(FLAGS_page_size);
  const std::string select =
      absl::StrCat("SELECT ", kam::account::accounts::kAccountColumns,
                   " FROM kam_account.accounts a WHERE ", where, " AND a.delete_time IS NULL");
  for (const std::string order_by : {"", "display_name"}) {
    const Walk service = WarmedServiceWalk(
        [&](const std::string& token) -> absl::StatusOr<std::pair<int64_t, std::string>> {
          grpc::ClientContext context;
          SetDeadline(context);
          av1::ListAccountsRequest request;
          request.set_filter(filter);
          request.set_order_by(order_by);
          request.set_page_size(page);
          request.set_page_token(token);
          av1::ListAccountsResponse response;
          const grpc::Status status = stub->ListAccounts(&context, request, &response);
          if (!status.ok()) return absl::InternalError(status.error_message());
          return std::make_pair(int64_t{response.accounts_size()}, response.next_page_token());
        });
    const std::vector<SqlValue> params = {value};
    const Walk raw =
        order_by.empty()
            ? WalkRaw(root, select + " ORDER BY a.id LIMIT ?",
                      select + " AND a.id > ? ORDER BY a.id LIMIT ?", params,
                      [](sql::ResultSet& rs) { return std::vector<SqlValue>{rs.getInt64(1)}; })
            : WalkRaw(root, select + " ORDER BY a.display_name, a.id LIMIT ?",
                      select +
                          " AND (a.display_name > ? OR (a.display_name = ? AND a.id > ?)) "
                          "ORDER BY a.display_name, a.id LIMIT ?",
                      params, [](sql::ResultSet& rs) {
                        const std::string name = rs.getString(2);
                        return std::vector<SqlValue>{name, name, rs.getInt64(1)};
                      });
    AddWalk(absl::StrCat("ListAccounts ", filter,
                         order_by.empty() ? " (id order)" : ", order_by display_name"),
            service, raw, figures);
  }
}

// ListAlerts `run = ratingRuns/<run>`, newest first, through the service
// and the store's statement.
void AddAlertWalk(kam::testing::LocalSuite& suite, SqlConnection& root, int64_t run,
                  std::vector<Figure>& figures) {
  auto stub = sv1::AlertService::NewStub(suite.Channel("scoring"));
  const Walk service = WarmedServiceWalk(
      [&](const std::string& token) -> absl::StatusOr<std::pair<int64_t, std::string>> {
        grpc::ClientContext context;
        SetDeadline(context);
        sv1::ListAlertsRequest request;
        request.set_filter(absl::StrCat("run = \"ratingRuns/", run, "\""));
        request.set_page_size(absl::GetFlag(FLAGS_page_size));
        request.set_page_token(token);
        sv1::ListAlertsResponse response;
        const grpc::Status status = stub->ListAlerts(&context, request, &response);
        if (!status.ok()) return absl::InternalError(status.error_message());
        return std::make_pair(int64_t{response.alerts_size()}, response.next_page_token());
      });
  // The store's statements (services/scoring/alerts/mysql_alert_store.cc):
  // after the first page, the page's ids from the index, then their rows.
  const std::string columns =
      "SELECT id, run_id, account_id, kind, severity, message, evidence, create_time, "
      "acknowledge_time, acknowledged_by, version, seq FROM kam_scoring.alerts ";
  const Walk raw = WalkRaw(
      root, columns + "WHERE run_id = ? ORDER BY create_time DESC, id DESC LIMIT ?",
      columns +
          "JOIN (SELECT id FROM kam_scoring.alerts WHERE run_id = ? AND (create_time < "
          "CAST(? AS DATETIME(6)) OR (create_time = CAST(? AS DATETIME(6)) AND id < ?)) ORDER BY "
          "create_time DESC, id DESC LIMIT ?) page USING (id) ORDER BY create_time DESC, id DESC",
      {run}, [](sql::ResultSet& rs) {
        const std::string time = rs.getString(8);
        return std::vector<SqlValue>{time, time, rs.getInt64(1)};
      });
  AddWalk("ListAlerts run = <the run> (newest first)", service, raw, figures);
}

// GetGroupSummary on the group's head, and the store's statement.
void AddGroup(kam::testing::LocalSuite& suite, SqlConnection& root,
              const kam::testing::BenchBook& book, std::vector<Figure>& figures) {
  auto stub = av1::AccountService::NewStub(suite.Channel("account"));
  int32_t members = 0;
  absl::StatusOr<double> service = MedianCall(3, [&] {
    grpc::ClientContext context;
    SetDeadline(context);
    av1::GetGroupSummaryRequest request;
    request.set_name(absl::StrCat("accounts/", book.first_account_id));
    av1::GroupSummary response;
    const grpc::Status status = stub->GetGroupSummary(&context, request, &response);
    members = response.account_count();
    return status;
  });
  // mysql_hierarchy.cc's CountGroup (recursion limit 16: twice the depth).
  std::vector<double> raw;
  std::string note = service.ok() ? "" : std::string(service.status().message());
  try {
    for (int i = 0; i < 3; ++i) {
      const absl::Time start = absl::Now();
      std::unique_ptr<sql::ResultSet> rs = root.Query(
          "WITH RECURSIVE sub (id, depth) AS (SELECT id, 0 FROM kam_account.accounts WHERE id = ? "
          "AND delete_time IS NULL UNION ALL SELECT a.id, sub.depth + 1 FROM "
          "kam_account.accounts a JOIN sub ON a.parent_id = sub.id WHERE a.delete_time IS NULL "
          "AND sub.depth < ?) SELECT a.tier, a.stage, a.state, COUNT(*), MAX(sub.depth) FROM sub "
          "JOIN kam_account.accounts a ON a.id = sub.id GROUP BY a.tier, a.stage, a.state",
          book.first_account_id, int64_t{16});
      while (rs->next()) {
      }
      raw.push_back(absl::ToDoubleSeconds(absl::Now() - start));
    }
  } catch (const sql::SQLException& e) {
    note = absl::StrCat("raw: ", e.what());
  }
  figures.push_back({"GetGroupSummary (group members)", service.ok() ? *service : 0, members,
                     raw.empty() ? -1 : Median(raw), note});
}

// GetGroupRollup of the group's head over `run`, and the same sums in one
// raw statement (the subtree through the run's parent links, then one pass
// over its ratings).
void AddRollup(kam::testing::LocalSuite& suite, SqlConnection& root,
               const kam::testing::BenchBook& book, int64_t run, std::vector<Figure>& figures) {
  auto stub = sv1::ReportService::NewStub(suite.Channel("scoring"));
  sv1::GetGroupRollupRequest request;
  request.set_name(absl::StrCat("ratingRuns/", run, "/groupRollups/", book.first_account_id));
  sv1::GroupRollup rollup;
  absl::StatusOr<double> service = MedianCall(3, [&] {
    grpc::ClientContext context;
    SetDeadline(context);
    return stub->GetGroupRollup(&context, request, &rollup);
  });
  const int64_t members = rollup.member_count();
  std::string sums = "COUNT(*)";
  for (const char* column : {"revenue_minor",
                             "gross_profit_minor",
                             "cost_to_serve_minor",
                             "clv_minor",
                             "value_minor",
                             "receivables_minor",
                             "overdue_minor",
                             "credit_exposure_minor",
                             "open_pipeline_minor",
                             "weighted_pipeline_minor",
                             "open_cases",
                             "sla_breaches",
                             "complaints",
                             "activity_count",
                             "csat_count",
                             "csat_sum",
                             "health",
                             "churn_risk",
                             "overdue_1_30_minor",
                             "overdue_31_60_minor",
                             "overdue_61_90_minor",
                             "overdue_90_plus_minor",
                             "tier = 1",
                             "tier = 2",
                             "tier = 3",
                             "tier = 4",
                             "tier = 0"}) {
    absl::StrAppend(&sums, ", SUM(g.", column, ")");
  }
  for (const char* score : {"1", "g.health", "g.churn_risk"}) {
    absl::StrAppend(&sums, ", SUM(CAST(GREATEST(g.value_minor, 0) AS DECIMAL(20, 0)) * ", score,
                    ")");
  }
  std::vector<double> raw;
  int64_t raw_members = 0;
  std::string note = service.ok() ? "" : std::string(service.status().message());
  try {
    for (int i = 0; i < 3; ++i) {
      const absl::Time start = absl::Now();
      std::unique_ptr<sql::ResultSet> rs = root.Query(
          absl::StrCat("WITH RECURSIVE tree (id) AS (SELECT account_id FROM "
                       "kam_scoring.account_ratings WHERE run_id = ? AND account_id = ? UNION "
                       "SELECT k.account_id FROM kam_scoring.account_ratings k JOIN tree ON "
                       "k.run_id = ? AND k.parent_id = tree.id) SELECT g.currency, ",
                       sums,
                       " FROM tree JOIN kam_scoring.account_ratings g ON g.run_id = ? AND "
                       "g.account_id = tree.id GROUP BY g.currency"),
          run, book.first_account_id, run, run);
      raw_members = 0;
      while (rs->next()) raw_members += rs->getInt64(2);
      raw.push_back(absl::ToDoubleSeconds(absl::Now() - start));
    }
  } catch (const sql::SQLException& e) {
    note = absl::StrCat("raw: ", e.what());
  }
  if (note.empty() && raw_members != members) {
    note = absl::StrCat("raw counts ", raw_members, " members, the service ", members);
  }
  figures.push_back({"GetGroupRollup (group members)", service.ok() ? *service : 0, members,
                     raw.empty() ? -1 : Median(raw), note});
}

void PrintSize(const SizeFigures& size);

absl::StatusOr<SizeFigures> MeasureSize(int64_t accounts) {
  SizeFigures size;
  size.accounts = accounts;
  size.load = LoadAverage();
  const std::string keep = absl::GetFlag(FLAGS_keep_db);
  const kam::testing::LocalSuite::Options options =
      kam::testing::RatingSuiteOptions(keep.empty() ? "" : absl::StrCat(keep, "/", accounts));
  absl::StatusOr<std::unique_ptr<kam::testing::LocalSuite>> suite =
      kam::testing::LocalSuite::Start(options);
  if (!suite.ok()) return suite.status();
  kam::common::DbOptions db;
  db.port = (*suite)->db().port();
  db.user = "root";
  db.schema = "kam_account";
  db.pool_size = 1;
  kam::common::ConnectionPool pool(db);
  absl::StatusOr<std::unique_ptr<SqlConnection>> root = pool.OpenDedicated(absl::Minutes(30));
  if (!root.ok()) return root.status();
  try {
    absl::StatusOr<kam::testing::BenchBook> book =
        FindOrWriteBook(**suite, **root, accounts, size.figures);
    if (!book.ok()) return book.status();
    const std::vector<std::string> paths = absl::StrSplit(absl::GetFlag(FLAGS_paths), ',');
    auto wanted = [&](const char* path) {
      return std::find(paths.begin(), paths.end(), path) != paths.end();
    };
    // What needs no run first: on a long book its figures are in even if
    // the run is cut short.
    if (wanted("facts")) AddFacts(**suite, *book, size.figures);
    if (wanted("group")) AddGroup(**suite, **root, *book, size.figures);
    // One account manager's book (an indexed filter over the whole id range).
    if (wanted("accounts")) {
      AddAccountWalks(**suite, **root, "owner = \"am-0042\"", "a.owner = ?", std::string("am-0042"),
                      size.figures);
    }
    PrintSize(size);
    absl::StatusOr<std::optional<int64_t>> found =
        FindOrRate(**suite, **root, *book, accounts, wanted("rating"), size.figures);
    if (!found.ok()) return found.status();
    if (!found->has_value()) return size;
    const int64_t run = **found;
    PrintSize(size);
    if (wanted("reports")) AddReports(**suite, run, accounts, size.figures);
    if (wanted("rollup")) AddRollup(**suite, **root, *book, run, size.figures);
    // The B accounts, once the run has published the tiers.
    if (wanted("accounts")) {
      AddAccountWalks(**suite, **root, "tier = B", "a.tier = ?", int64_t{av1::TIER_B},
                      size.figures);
    }
    if (wanted("alerts")) AddAlertWalk(**suite, **root, run, size.figures);
  } catch (const sql::SQLException& e) {
    return absl::InternalError(absl::StrCat("reading the book: ", e.what()));
  }
  size.load = absl::StrCat(size.load, " -> ", LoadAverage());
  return size;
}

std::string Time(double seconds) {
  if (seconds < 0) return "";
  return seconds < 1 ? absl::StrFormat("%.1f ms", seconds * 1000)
                     : absl::StrFormat("%.1f s", seconds);
}

// "time (rows/s)" and, with a baseline, "raw time (service/raw)".
std::string Cell(const Figure& f) {
  std::string cell =
      absl::StrFormat("%s (%.0f/s)", Time(f.seconds), f.seconds > 0 ? f.rows / f.seconds : 0.0);
  if (f.baseline_seconds > 0) {
    absl::StrAppendFormat(&cell, "; raw %s, %.2fx", Time(f.baseline_seconds),
                          f.seconds / f.baseline_seconds);
  }
  if (!f.note.empty()) absl::StrAppend(&cell, "; ", f.note);
  return cell;
}

void PrintSize(const SizeFigures& size) {
  std::printf("\npaths_bench: %lld accounts (load average %s)\n",
              static_cast<long long>(size.accounts), size.load.c_str());
  for (const Figure& f : size.figures) {
    std::printf("  %-52s %12lld rows  %s\n", f.path.c_str(), static_cast<long long>(f.rows),
                Cell(f).c_str());
  }
  std::fflush(stdout);
}

// The sizes side by side, as a Markdown table: each path at each size and
// the per-row time at the last size over the per-row time at the first.
void PrintSideBySide(const std::vector<SizeFigures>& sizes) {
  std::printf("\n| path |");
  for (const SizeFigures& s : sizes)
    std::printf(" %lld accounts |", static_cast<long long>(s.accounts));
  std::printf(" per-row time, last / first |\n|---|");
  for (size_t i = 0; i <= sizes.size(); ++i) std::printf("---|");
  std::printf("\n");
  for (const Figure& f : sizes.front().figures) {
    std::printf("| %s |", f.path.c_str());
    const Figure* first = &f;
    const Figure* last = nullptr;
    for (const SizeFigures& s : sizes) {
      last = nullptr;
      for (const Figure& g : s.figures) {
        // Walk totals carry their page count in the name: match the prefix.
        if (g.path.substr(0, g.path.find(", all ")) == f.path.substr(0, f.path.find(", all "))) {
          last = &g;
        }
      }
      std::printf(" %s |", last ? Cell(*last).c_str() : "");
    }
    if (last != nullptr && first->rows > 0 && last->rows > 0 && first->seconds > 0) {
      std::printf(" %.2f |\n", (last->seconds / last->rows) / (first->seconds / first->rows));
    } else {
      std::printf(" |\n");
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  kam::common::InitMySqlDriver();
  std::vector<int64_t> sizes;
  for (absl::string_view s : absl::StrSplit(absl::GetFlag(FLAGS_sizes), ',', absl::SkipEmpty())) {
    int64_t n = 0;
    if (!absl::SimpleAtoi(s, &n) || n < 100) {
      std::fprintf(stderr, "--sizes: %s is not a book size (100 accounts or more)\n",
                   std::string(s).c_str());
      return 1;
    }
    sizes.push_back(n);
  }
  std::vector<SizeFigures> results;
  for (int64_t n : sizes) {
    absl::StatusOr<SizeFigures> size = MeasureSize(n);
    if (!size.ok()) {
      std::fprintf(stderr, "paths_bench at %lld accounts: %s\n", static_cast<long long>(n),
                   std::string(size.status().message()).c_str());
      return 1;
    }
    PrintSize(*size);
    results.push_back(*std::move(size));
  }
  if (results.size() > 1) PrintSideBySide(results);
  return 0;
}
