#include "bench/bench_rating.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/base/proto_time.h"
#include "grpcpp/grpcpp.h"
#include "kam/scoring/v1/policy.grpc.pb.h"
#include "kam/scoring/v1/rating.grpc.pb.h"

ABSL_FLAG(std::string, buffer_pool, "4G",
          "InnoDB buffer pool of the suite's MariaDB (the book should fit, as in production)");

namespace kam::testing {

namespace v1 = scoring::v1;

LocalSuite::Options RatingSuiteOptions(const std::string& data_dir) {
  LocalSuite::Options options;
  options.data_dir = data_dir;
  options.services = AllServices();
  options.db_args = {absl::StrCat("--innodb-buffer-pool-size=", absl::GetFlag(FLAGS_buffer_pool)),
                     "--innodb-log-file-size=1G"};
  return options;
}

ProcessMemory ReadProcessMemory(pid_t pid) {
  ProcessMemory m;
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    int64_t kib = 0;
    const auto value = [&line](absl::string_view key, int64_t* out) {
      if (!absl::StartsWith(line, key)) return false;
      std::string digits;
      for (char c : line.substr(key.size())) {
        if (c >= '0' && c <= '9') digits.push_back(c);
      }
      return absl::SimpleAtoi(digits, out);
    };
    if (value("VmHWM:", &kib)) m.peak_mib = kib / 1024.0;
    if (value("VmRSS:", &kib)) m.current_mib = kib / 1024.0;
  }
  return m;
}

absl::StatusOr<RatingRunResult> RunRating(LocalSuite& suite, absl::Time start, absl::Time end) {
  auto channel = grpc::CreateChannel(suite.scoring_address(), grpc::InsecureChannelCredentials());
  auto policies = v1::ScoringPolicyService::NewStub(channel);
  auto ratings = v1::RatingService::NewStub(channel);
  v1::CreateScoringPolicyRequest create;
  create.mutable_policy()->set_display_name("bench: profit pyramid");
  create.mutable_policy()->set_period_days(static_cast<int>(absl::ToInt64Hours(end - start) / 24));
  create.mutable_policy()->set_value_measure(v1::VALUE_MEASURE_PROFIT);
  create.set_request_id("scoring-bench-policy");
  v1::ScoringPolicy policy;
  {
    grpc::ClientContext context;
    grpc::Status status = policies->CreateScoringPolicy(&context, create, &policy);
    if (!status.ok())
      return absl::InternalError(absl::StrCat("CreateScoringPolicy: ", status.error_message()));
  }
  v1::StartRatingRunRequest start_request;
  start_request.set_policy(policy.name());
  *start_request.mutable_as_of() = common::ToProtoTimestamp(end);
  start_request.set_request_id("scoring-bench-run");
  RatingRunResult result;
  const pid_t pid = suite.pid("scoring");
  result.before_mib = ReadProcessMemory(pid).current_mib;
  const absl::Time began = absl::Now();
  {
    grpc::ClientContext context;
    grpc::Status status = ratings->StartRatingRun(&context, start_request, &result.run);
    if (!status.ok())
      return absl::InternalError(absl::StrCat("StartRatingRun: ", status.error_message()));
  }
  absl::Time last_print = began;
  for (;;) {
    absl::SleepFor(absl::Milliseconds(250));
    v1::GetRatingRunRequest get;
    get.set_name(result.run.name());
    grpc::ClientContext context;
    v1::RatingRun run;
    grpc::Status status = ratings->GetRatingRun(&context, get, &run);
    const ProcessMemory memory = ReadProcessMemory(pid);
    result.sampled_peak_mib = std::max(result.sampled_peak_mib, memory.current_mib);
    if (!status.ok()) continue;  // counted as the run's time; the loop waits on
    result.run = run;
    if (result.rating_seconds == 0 && run.state() >= v1::RUN_STATE_PUBLISHING) {
      result.rating_seconds = absl::ToDoubleSeconds(absl::Now() - began);
    }
    if (absl::Now() - last_print > absl::Seconds(10)) {
      last_print = absl::Now();
      std::fprintf(stderr, "service: %s, %lld of %lld rated, %lld published, RSS %.0f MiB\n",
                   v1::RunState_Name(run.state()).c_str(),
                   static_cast<long long>(run.accounts_processed()),
                   static_cast<long long>(run.accounts_total()),
                   static_cast<long long>(run.accounts_published()), memory.current_mib);
    }
    if (run.state() >= v1::RUN_STATE_SUCCEEDED) break;
  }
  result.seconds = absl::ToDoubleSeconds(absl::Now() - began);
  result.memory = ReadProcessMemory(pid);
  if (result.run.state() != v1::RUN_STATE_SUCCEEDED) {
    return absl::InternalError(absl::StrCat("the run ended ", v1::RunState_Name(result.run.state()),
                                            ": ", result.run.error()));
  }
  return result;
}

}  // namespace kam::testing
