// A rating run through kam-scoring's API, timed, with the scoring process's
// memory read from /proc: what scoring_bench measures against its in-DB
// baseline and paths_bench runs before it reads alerts and reports.
#pragma once

#include <sys/types.h>

#include <string>

#include "absl/flags/declare.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kam/scoring/v1/rating.pb.h"
#include "tests/harness/suite.h"

// --buffer_pool: the InnoDB buffer pool of the rating benchmarks' MariaDB
// (the book should fit, as in production).
ABSL_DECLARE_FLAG(std::string, buffer_pool);

namespace kam::testing {

// The suite a rating benchmark runs on: every service, MariaDB with
// --buffer_pool and a 1 GB redo log, its data in `data_dir` (empty: a
// temporary folder).
LocalSuite::Options RatingSuiteOptions(const std::string& data_dir);

// Peak (VmHWM) and current (VmRSS) resident set of a process, in MiB.
struct ProcessMemory {
  double peak_mib = 0;
  double current_mib = 0;
};
ProcessMemory ReadProcessMemory(pid_t pid);

struct RatingRunResult {
  double seconds = 0;         // StartRatingRun until SUCCEEDED
  double rating_seconds = 0;  // QUEUED/RUNNING until PUBLISHING
  scoring::v1::RatingRun run;
  ProcessMemory memory;         // of kam-scoring at the end
  double sampled_peak_mib = 0;  // the largest RSS seen while polling
  double before_mib = 0;        // RSS when the run was started
};

// Creates a profit pyramid policy over [start, end) and rates the whole book
// as of `end` (StartRatingRun, then GetRatingRun every 250 ms until the run
// ends; progress on stderr every 10 s). The request ids are fixed, so on a
// suite that ran it before the first run is answered again. INTERNAL when a
// call fails or the run ends other than SUCCEEDED.
absl::StatusOr<RatingRunResult> RunRating(LocalSuite& suite, absl::Time start, absl::Time end);

}  // namespace kam::testing
