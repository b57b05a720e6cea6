#include "bench/bench_rates.h"

#include <cppconn/exception.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <thread>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

ABSL_FLAG(int, concurrency, 16, "calls in flight (client slots), the same for every phase");
ABSL_FLAG(int, seconds, 5, "length of each measured phase");
ABSL_FLAG(int, rounds, 3, "interleaved rounds; the median is reported");
ABSL_FLAG(int, service_threads, 8,
          "--threads of the services under test (and of account_bench's echo server)");

namespace kam::testing {

int64_t BenchResult::Percentile(double p) const {
  if (latencies_us.empty()) return 0;
  std::vector<int64_t> sorted = latencies_us;
  const size_t k = std::min(sorted.size() - 1, static_cast<size_t>(p * sorted.size()));
  std::nth_element(sorted.begin(), sorted.begin() + k, sorted.end());
  return sorted[k];
}

void BenchResult::Add(const BenchResult& other) {
  ok += other.ok;
  failed += other.failed;
  latencies_us.insert(latencies_us.end(), other.latencies_us.begin(), other.latencies_us.end());
}

const BenchResult& MedianRound(std::vector<BenchResult>& rounds) {
  std::sort(rounds.begin(), rounds.end(),
            [](const BenchResult& a, const BenchResult& b) { return a.rate() < b.rate(); });
  return rounds[rounds.size() / 2];
}

void PrintRateRow(const char* name, const BenchResult& r, int width) {
  std::printf("  %-*s %10.0f %9lld %9lld %8lld\n", width, name, r.rate(),
              static_cast<long long>(r.Percentile(0.50)),
              static_cast<long long>(r.Percentile(0.99)), static_cast<long long>(r.failed));
}

BenchResult RunRawSql(const RawSqlTarget& target, int concurrency, absl::Duration duration,
                      const std::function<void(sql::Connection&, int64_t call)>& body) {
  std::vector<std::thread> threads;
  std::vector<BenchResult> per_thread(concurrency);
  std::atomic<int64_t> calls{0};
  std::atomic<bool> reported{false};
  sql::mysql::MySQL_Driver* driver = sql::mysql::get_mysql_driver_instance();
  const absl::Time start = absl::Now();
  const absl::Time end = start + duration;
  for (int t = 0; t < concurrency; ++t) {
    threads.emplace_back([&, t] {
      driver->threadInit();
      try {
        sql::ConnectOptionsMap options;
        options["hostName"] = sql::SQLString(absl::StrCat("tcp://127.0.0.1:", target.port));
        options["userName"] = sql::SQLString(target.user);
        options["password"] = sql::SQLString(target.password);
        options["schema"] = sql::SQLString(target.schema);
        options["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
        std::unique_ptr<sql::Connection> connection(driver->connect(options));
        std::unique_ptr<sql::Statement> statement(connection->createStatement());
        statement->execute("SET time_zone = '+00:00'");
        BenchResult& r = per_thread[t];
        while (absl::Now() < end) {
          const absl::Time begin = absl::Now();
          try {
            body(*connection, calls.fetch_add(1));
            ++r.ok;
            r.latencies_us.push_back(absl::ToInt64Microseconds(absl::Now() - begin));
          } catch (const sql::SQLException& e) {
            if (!reported.exchange(true)) std::fprintf(stderr, "raw call failed: %s\n", e.what());
            ++r.failed;
          }
        }
      } catch (const sql::SQLException& e) {
        std::fprintf(stderr, "raw connection failed: %s\n", e.what());
      }
      driver->threadEnd();
    });
  }
  for (std::thread& thread : threads) thread.join();
  BenchResult result;
  result.seconds = absl::ToDoubleSeconds(absl::Now() - start);
  for (const BenchResult& r : per_thread) result.Add(r);
  return result;
}

sql::PreparedStatement& Prepared(sql::Connection& connection, const std::string& sql) {
  thread_local std::map<std::pair<sql::Connection*, std::string>,
                        std::unique_ptr<sql::PreparedStatement>>
      cache;
  auto& slot = cache[{&connection, sql}];
  if (slot == nullptr) slot.reset(connection.prepareStatement(sql));
  return *slot;
}

}  // namespace kam::testing
