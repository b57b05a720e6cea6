// The account service frozen (SIGSTOP: alive, connected, answering nothing),
// as a stuck process or a long GC pause looks to its callers:
//   - a caller's deadline travels to the account service, and nothing is
//     written for a caller whose deadline has passed (not even once the
//     account service wakes up);
//   - a create waiting for its account holds no thread (its look-up is
//     fetched ahead of the handler: common/server/prefetch.h), so more
//     creates than the service has threads can wait while calls that need
//     no account keep their latency;
//   - at most --account_max_prefetching creates wait on it; one more is
//     refused UNAVAILABLE at once.
#include <signal.h>

#include <algorithm>
#include <future>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "tests/interaction/activity_test_helpers.h"

namespace kam::testing {
namespace {

// More creates may wait on the frozen service than the interaction service
// has threads.
constexpr int kThreads = 4;
constexpr int kMaxWaiting = 3 * kThreads;

// Freezes the account service for the life of the object.
class FrozenAccountService {
 public:
  FrozenAccountService() : pid_(Suite().pid("account")) { EXPECT_EQ(kill(pid_, SIGSTOP), 0); }
  ~FrozenAccountService() { Thaw(); }
  void Thaw() {
    if (pid_ > 0) kill(pid_, SIGCONT);
    pid_ = -1;
  }

 private:
  pid_t pid_;
};

struct Timed {
  grpc::Status status;
  absl::Duration took;
};

Timed CreateWithDeadline(const std::string& account, absl::Duration deadline) {
  iv1::CreateActivityRequest request;
  *request.mutable_activity() = Visit(account);
  request.set_request_id(Unique("frozen"));
  iv1::Activity created;
  const absl::Time start = absl::Now();
  grpc::Status status =
      Activities().CreateActivity(Context("test", deadline).get(), request, &created);
  return {status, absl::Now() - start};
}

size_t ActivitiesOf(const std::string& account) {
  return ListAll(absl::StrCat("account = \"", account, "\"")).size();
}

// The 99th percentile (the largest of 50) of ListActivities on one account.
absl::Duration ListP99(const std::string& account) {
  std::vector<absl::Duration> took;
  for (int i = 0; i < 50; ++i) {
    iv1::ListActivitiesRequest request;
    request.set_filter(absl::StrCat("account = \"", account, "\""));
    iv1::ListActivitiesResponse response;
    const absl::Time start = absl::Now();
    const grpc::Status status = Activities().ListActivities(Context().get(), request, &response);
    took.push_back(absl::Now() - start);
    EXPECT_TRUE(status.ok()) << status.error_message();
  }
  std::sort(took.begin(), took.end());
  return took[took.size() * 99 / 100];
}

TEST(AccountServiceFrozen, CallerDeadlineTravelsAndNothingIsWrittenAfterIt) {
  const std::string account = MakeAccount("frozen-deadline").name();
  ASSERT_EQ(ActivitiesOf(account), 0u);
  {
    FrozenAccountService frozen;
    const Timed create = CreateWithDeadline(account, absl::Milliseconds(500));
    EXPECT_EQ(create.status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED)
        << create.status.error_message();
    EXPECT_LT(create.took, absl::Seconds(1));
    // The account service wakes up long after the caller gave up, and after
    // the interaction service's own cap (--account_deadline, 2 s) as well.
    absl::SleepFor(absl::Milliseconds(700));
  }
  absl::SleepFor(absl::Seconds(2));
  EXPECT_EQ(ActivitiesOf(account), 0u) << "a create was written after its caller had gone";
  // The service is whole again: the same create now succeeds.
  EXPECT_OK(Create(Visit(account), Unique("after")).status);
}

TEST(AccountServiceFrozen, CallsBeyondTheBoundFailFastAndOtherCallsKeepTheirLatency) {
  const std::string account = MakeAccount("frozen-bound").name();
  MustCreate(Visit(account));
  const absl::Duration normal = ListP99(account);

  FrozenAccountService frozen;
  // kMaxWaiting creates take the slots and wait; the rest must not.
  std::vector<std::future<Timed>> waiting;
  for (int i = 0; i < kMaxWaiting; ++i) {
    waiting.push_back(
        std::async(std::launch::async, CreateWithDeadline, account, absl::Seconds(3)));
  }
  absl::SleepFor(absl::Milliseconds(300));  // let them take their slots
  std::vector<std::future<Timed>> beyond;
  for (int i = 0; i < 4; ++i) {
    beyond.push_back(std::async(std::launch::async, CreateWithDeadline, account, absl::Seconds(3)));
  }
  for (std::future<Timed>& call : beyond) {
    const Timed refused = call.get();
    EXPECT_EQ(refused.status.error_code(), grpc::StatusCode::UNAVAILABLE)
        << refused.status.error_message();
    EXPECT_TRUE(absl::StrContains(refused.status.error_message(), "account service"))
        << refused.status.error_message();
    EXPECT_LT(refused.took, absl::Milliseconds(500)) << "refused only after waiting";
  }
  // Reads that need no account, while three times as many creates as there
  // are threads still wait on it.
  const absl::Duration during = ListP99(account);
  EXPECT_LE(during, 2 * normal + absl::Milliseconds(10))
      << "ListActivities p99 " << during << " while the account service is frozen, " << normal
      << " before";
  for (std::future<Timed>& call : waiting) {
    const Timed waited = call.get();
    EXPECT_FALSE(waited.status.ok());
    EXPECT_LT(waited.took, absl::Seconds(3) + absl::Milliseconds(500));
  }
  frozen.Thaw();
  absl::SleepFor(absl::Seconds(1));
  EXPECT_EQ(ActivitiesOf(account), 1u) << "a refused or timed-out create was written";
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  kam::testing::LocalSuite::Options options = kam::testing::InteractionSuiteOptions();
  options.args["interaction"] = {
      absl::StrCat("--threads=", kam::testing::kThreads),
      absl::StrCat("--account_max_prefetching=", kam::testing::kMaxWaiting)};
  return kam::testing::RunTestsOnSuite(argc, argv, options);
}
