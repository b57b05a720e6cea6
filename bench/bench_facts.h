// The facts stream over a whole bench book, through the service and as the
// raw baseline (the MySQL facts store's own statements in this process):
// what interaction_bench and paths_bench time.
#pragma once

#include <cstdint>
#include <string>

#include "bench/bench_book.h"
#include "tests/harness/suite.h"

namespace kam::testing {

struct FactsRun {
  int64_t accounts = 0;
  int64_t checksum = 0;  // sums of a few fields, to show both sides agree
  double seconds = 0;
  std::string error;
  double rate() const { return seconds > 0 ? accounts / seconds : 0; }
};

// StreamAccountFacts at `address` for the book's period, read to the end.
FactsRun StreamFacts(const std::string& address, const BenchBook& book, int page_size);

// The raw baseline: the facts store's Range over the same ranges of ids as
// the service walks (twice the page wide), every row read, on the
// interaction service's database user.
FactsRun RawFacts(LocalSuite& suite, const BenchBook& book, int page_size);

// "  <name>  accounts  seconds  accounts/s  [error]".
void PrintFacts(const char* name, const FactsRun& run);

}  // namespace kam::testing
