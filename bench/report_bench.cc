// How ReportService scales with the size of a run: fills two SUCCEEDED runs
// of N synthetic ratings each straight into kam_scoring (the runner would
// need N accounts in the other services), then times each report over them
// and reports the scoring process's peak memory. Not part of ctest.
//
//   report_bench [--accounts=1000000] [--repeats=3]
//
// MariaDB spills the large sorts to files in its tmpdir, which the harness
// leaves at TMPDIR (or /tmp); where /tmp is shared with other sandboxes
// whose mariadbd has the same pid, the temporary file names collide ("Error
// on delete of '/tmp/#sql-temptable-...'"). So the bench gives the suite a
// TMPDIR of its own.
#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "grpcpp/grpcpp.h"
#include "kam/scoring/v1/report.grpc.pb.h"
#include "tests/harness/suite.h"

ABSL_FLAG(int64_t, accounts, 1000000, "ratings per run");
ABSL_FLAG(int, repeats, 3, "calls per report (the median is printed)");

namespace {

namespace sv1 = ::kam::scoring::v1;

// The child process of ours running `name`: its peak resident set, KiB.
std::string PeakRss(const std::string& name) {
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return "?";
  std::string result = "?";
  while (dirent* entry = readdir(proc)) {
    int pid = 0;
    if (!absl::SimpleAtoi(entry->d_name, &pid)) continue;
    std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
    std::string line, comm, hwm;
    int ppid = -1;
    while (std::getline(status, line)) {
      std::vector<std::string> parts = absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
      if (parts.size() < 2) continue;
      if (parts[0] == "Name:") comm = parts[1];
      if (parts[0] == "PPid:") (void)absl::SimpleAtoi(parts[1], &ppid);
      if (parts[0] == "VmHWM:") hwm = parts[1];
    }
    if (ppid == getpid() && comm == name) result = absl::StrCat(hwm, " KiB");
  }
  closedir(proc);
  return result;
}

// Run `run_id` rating accounts first..first+n-1; value a scrambled function
// of the id; tiers by value (about 1% A, 4% B, 15% C).
std::string FillRun(int64_t run_id, int64_t first, int64_t n, int64_t multiplier) {
  const std::string value = absl::StrCat("((seq * ", multiplier, ") % 1000003)");
  return absl::StrCat(
      "INSERT INTO kam_scoring.rating_runs (id, policy_id, policy_version, as_of, period_start, "
      "state, accounts_total, accounts_processed, create_time, end_time) VALUES (",
      run_id, ", 1, 1, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), 4, ", n, ", ", n,
      ", UTC_TIMESTAMP(6), UTC_TIMESTAMP(6));\n"
      "INSERT INTO kam_scoring.account_ratings (run_id, account_id, currency, value_minor, "
      "value_score, segment, seg_rank, tier, previous_tier, movement, key_account, clv_minor, "
      "churn_risk, health, details) SELECT ",
      run_id, ", seq + ", first - 1, ", 'EUR', ", value, ", 0, '', 0, CASE WHEN ", value,
      " >= 990000 THEN 1 WHEN ", value, " >= 950000 THEN 2 WHEN ", value,
      " >= 800000 THEN 3 ELSE 4 END, 0, 1, 0, ", value, " * 3, 0, 0, '' FROM kam_scoring.seq_1_to_", n,
      ";");
}

bool failed = false;

template <typename Request, typename Response>
void Time(const char* what, int repeats,
          grpc::Status (sv1::ReportService::Stub::*method)(grpc::ClientContext*, const Request&,
                                                           Response*),
          sv1::ReportService::Stub& stub, const Request& request) {
  std::vector<double> ms;
  Response response;
  for (int i = 0; i < repeats; ++i) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Minutes(5)));
    const absl::Time start = absl::Now();
    grpc::Status status = (stub.*method)(&context, request, &response);
    ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
    if (!status.ok()) {
      std::printf("%s: %s\n", what, status.error_message().c_str());
      failed = true;
      return;
    }
  }
  std::sort(ms.begin(), ms.end());
  std::printf("%-22s median %8.1f ms (min %.1f, max %.1f), response %zu bytes\n", what,
              ms[ms.size() / 2], ms.front(), ms.back(), response.ByteSizeLong());
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int64_t n = absl::GetFlag(FLAGS_accounts);
  const int repeats = absl::GetFlag(FLAGS_repeats);
  const char* outer = std::getenv("TMPDIR");
  std::string tmp = absl::StrCat(outer != nullptr && outer[0] != '\0' ? outer : "/tmp",
                                 "/report-bench-XXXXXX");
  if (mkdtemp(tmp.data()) == nullptr) {
    std::perror("mkdtemp");
    return 1;
  }
  setenv("TMPDIR", tmp.c_str(), 1);
  kam::testing::LocalSuite::Options options;
  options.services = {"account", "interaction", "scoring"};
  auto suite = kam::testing::LocalSuite::Start(options);
  if (!suite.ok()) {
    std::fprintf(stderr, "suite: %s\n", std::string(suite.status().message()).c_str());
    return 1;
  }
  const absl::Time fill_start = absl::Now();
  // Run 2 shifts the accounts by 5% (new and dropped ones) and rescrambles
  // the values (moves between tiers).
  for (const std::string& sql :
       {FillRun(900001, 1, n, 7919), FillRun(900002, n / 20 + 1, n, 104729)}) {
    if (absl::Status s = (*suite)->db().ExecuteAsRoot(sql); !s.ok()) {
      std::fprintf(stderr, "fill: %s\n", std::string(s.message()).c_str());
      return 1;
    }
  }
  std::printf("filled 2 runs x %lld ratings in %.1f s\n", static_cast<long long>(n),
              absl::ToDoubleSeconds(absl::Now() - fill_start));
  auto stub = sv1::ReportService::NewStub(
      grpc::CreateChannel((*suite)->scoring_address(), grpc::InsecureChannelCredentials()));
  sv1::GetPyramidReportRequest pyramid;
  pyramid.set_run("ratingRuns/900001");
  Time("GetPyramidReport", repeats, &sv1::ReportService::Stub::GetPyramidReport, *stub, pyramid);
  sv1::GetParetoReportRequest pareto;
  pareto.set_run("ratingRuns/900001");
  Time("GetParetoReport", repeats, &sv1::ReportService::Stub::GetParetoReport, *stub, pareto);
  sv1::GetCustomerEquityRequest equity;
  equity.set_run("ratingRuns/900001");
  Time("GetCustomerEquity", repeats, &sv1::ReportService::Stub::GetCustomerEquity, *stub, equity);
  sv1::CompareRatingRunsRequest compare;
  compare.set_from_run("ratingRuns/900001");
  compare.set_to_run("ratingRuns/900002");
  Time("CompareRatingRuns", repeats, &sv1::ReportService::Stub::CompareRatingRuns, *stub, compare);
  std::printf("kam-scoring peak RSS: %s\n", PeakRss("kam-scoring").c_str());
  if (failed) std::printf("scoring log:\n%s\n", (*suite)->LogTail("scoring", 20).c_str());
  suite->reset();
  std::error_code ignored;
  std::filesystem::remove_all(tmp, ignored);  // the suite's MariaDB template is in it too
  return failed ? 1 : 0;
}
