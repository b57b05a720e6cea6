// What the benchmark programs share: the flags of the timed phases, the
// result of a timed phase (OK calls, failures, latencies), the median of
// interleaved rounds, the table row they print, and the raw Connector/C++
// baseline (a statement run in a loop on a pool of connections, one per
// client slot, as a service's pool).
#pragma once

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/time/time.h"

// The flags of the timed phases, the same in every benchmark that measures
// call rates (account_bench, interaction_bench): --concurrency (calls in
// flight), --seconds (length of each measured phase), --rounds (interleaved
// rounds; the median is reported) and --service_threads (--threads of the
// services under test).
ABSL_DECLARE_FLAG(int, concurrency);
ABSL_DECLARE_FLAG(int, seconds);
ABSL_DECLARE_FLAG(int, rounds);
ABSL_DECLARE_FLAG(int, service_threads);

namespace kam::testing {

// One timed phase.
struct BenchResult {
  int64_t ok = 0;
  int64_t failed = 0;
  double seconds = 0;
  std::vector<int64_t> latencies_us;  // OK calls only

  double rate() const { return seconds > 0 ? ok / seconds : 0; }
  // The latency below which a share `p` (0..1) of the OK calls finished.
  int64_t Percentile(double p) const;
  // Adds another thread's counts and latencies (not its seconds).
  void Add(const BenchResult& other);
};

// The round with the median rate (the machine is shared and noisy, so
// phases run in interleaved rounds). `rounds` must not be empty.
const BenchResult& MedianRound(std::vector<BenchResult>& rounds);

// "  <name>  calls/s  p50 us  p99 us  failed", the name padded to `width`.
void PrintRateRow(const char* name, const BenchResult& r, int width = 28);

// Where the raw baseline connects.
struct RawSqlTarget {
  int port = 0;  // MariaDB on 127.0.0.1
  std::string user;
  std::string password;
  std::string schema;
};

// `concurrency` threads, each with its own connection (session time zone
// UTC, utf8mb4), running `body` in a loop until `duration` ends; a call
// counts as OK unless it throws sql::SQLException (the first failure is
// printed to stderr).
BenchResult RunRawSql(const RawSqlTarget& target, int concurrency, absl::Duration duration,
                      const std::function<void(sql::Connection&, int64_t call)>& body);

// `sql` prepared once per connection and kept (what the services' pool
// does), for RunRawSql bodies.
sql::PreparedStatement& Prepared(sql::Connection& connection, const std::string& sql);

}  // namespace kam::testing
