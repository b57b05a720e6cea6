// Two replicas of each service on one MariaDB (issue 12; docs/scaling.md):
// the suite's processes ("replica 1") and a second process of each service
// on its own port ("replica 2", pointed at the other replicas 2), sharing
// the database, users and flags. Checked through the public APIs:
//   - creates with request ids sent to both replicas at once, and retried on
//     the other one, make one resource per request id;
//   - updates racing with the same etag on both replicas: exactly one wins;
//   - both interaction replicas sweep SLA breaches: each breach escalates once;
//   - two rounds of two rating runs at once, one on each scoring replica:
//     every account ends up with the tiers of the later run, whichever
//     finished last, and alert watchers on both replicas get every alert of
//     the four runs exactly once;
//   - the scoring replica running a run is SIGKILLed while publishing and
//     restarted: it takes its own run back at once (the lease is 10 minutes
//     and replica 2 only looks for work when asked to start a run) and the
//     accounts carry that run's tiers, each change recorded once.
#include <future>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "tests/interaction/case_client.h"
#include "tests/scoring/report_test_helpers.h"

namespace kam::testing {
namespace {

using AccountStub = v1::AccountService::Stub;
using AlertStub = sv1::AlertService::Stub;

// Accounts whose tier drops between the runs (they raise the alerts), and
// the rest of the book (tier D throughout; they make publishing last).
constexpr int kDropping = 40;
constexpr int kBook = 300;

// The second replica of every service, started once for the binary.
struct Replicas {
  std::map<std::string, std::unique_ptr<ServiceProcess>> processes;
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels;
};

Replicas* replicas = nullptr;

class MultiReplica : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    replicas = new Replicas;
    std::map<std::string, std::string> address;
    for (const std::string& service : AllServices()) {
      const int port = PickFreePort();
      address[service] = absl::StrCat("127.0.0.1:", port);
      std::vector<std::string> args;
      if (service != "account") args.push_back("--account_service=" + address["account"]);
      if (service == "scoring") {
        args.push_back("--interaction_service=" + address["interaction"]);
        // Looks for runs only when StartRatingRun reaches it, so which
        // replica runs what is up to the test.
        args.push_back("--run_poll_interval=1h");
      }
      absl::StatusOr<std::unique_ptr<ServiceProcess>> started =
          Suite().StartReplica(service, port, args);
      ASSERT_TRUE(started.ok()) << started.status();
      replicas->processes[service] = *std::move(started);
      replicas->channels[service] =
          grpc::CreateChannel(address[service], grpc::InsecureChannelCredentials());
    }
  }

  static void TearDownTestSuite() {
    for (const char* service : {"scoring", "interaction", "account"}) {
      replicas->processes.erase(service);
    }
    delete replicas;
    replicas = nullptr;
  }

  // A stub of `GrpcService` on replica `r` (1: the suite's, 2: the other).
  template <typename GrpcService>
  static std::unique_ptr<typename GrpcService::Stub> On(int r, const std::string& service) {
    return GrpcService::NewStub(r == 1 ? Suite().Channel(service) : replicas->channels[service]);
  }
};

// --- creates and etag updates ------------------------------------------------------------------

TEST_F(MultiReplica, ARequestIdMakesOneResourceWhicheverReplicasItReaches) {
  std::unique_ptr<AccountStub> accounts[] = {On<v1::AccountService>(1, "account"),
                                             On<v1::AccountService>(2, "account")};
  constexpr int kCreates = 20;
  std::vector<v1::CreateAccountRequest> requests(kCreates);
  for (v1::CreateAccountRequest& request : requests) {
    request.mutable_account()->set_display_name(Unique("replicated"));
    request.set_request_id(Unique("req"));
  }
  // Each request id sent to both replicas at the same moment.
  const std::vector<Reply<v1::Account>> replies = CallTogether(2 * kCreates, [&](int i) {
    return Call(*accounts[i % 2], &AccountStub::CreateAccount, requests[i / 2]);
  });
  for (int k = 0; k < kCreates; ++k) {
    const std::set<std::string> names =
        CreatedNames(std::vector<Reply<v1::Account>>{replies[2 * k], replies[2 * k + 1]},
                     grpc::StatusCode::ABORTED);
    ASSERT_EQ(names.size(), 1u) << requests[k].request_id();
    // A retry on either replica answers the same account.
    for (auto& stub : accounts) {
      const Reply<v1::Account> retry = Call(*stub, &AccountStub::CreateAccount, requests[k]);
      ASSERT_OK(retry.status);
      EXPECT_EQ(retry.value.name(), *names.begin());
    }
  }

  // The same with an interaction create (a service case).
  std::unique_ptr<CaseStub> cases[] = {On<iv1::ServiceCaseService>(1, "interaction"),
                                       On<iv1::ServiceCaseService>(2, "interaction")};
  const iv1::CreateCaseRequest create =
      CaseRequest(NewAccount("cases").name(), iv1::CASE_TYPE_COMPLAINT);
  const std::vector<Reply<iv1::Case>> created =
      CallTogether(8, [&](int i) { return Call(*cases[i % 2], &CaseStub::CreateCase, create); });
  EXPECT_EQ(CreatedNames(created, grpc::StatusCode::ABORTED).size(), 1u);
}

TEST_F(MultiReplica, OfTwoUpdatesWithTheSameEtagOnTwoReplicasExactlyOneWins) {
  std::unique_ptr<AccountStub> accounts[] = {On<v1::AccountService>(1, "account"),
                                             On<v1::AccountService>(2, "account")};
  v1::Account current = CreateAccount(Accounts(), Unique("raced"));
  for (int round = 0; round < 10; ++round) {
    const std::vector<Reply<v1::Account>> replies = CallTogether(2, [&](int i) {
      v1::Account patch = Patch<v1::Account>(current.name(), current.etag());
      patch.set_display_name(absl::StrCat("round ", round, " replica ", i + 1));
      return Call(*accounts[i], &AccountStub::UpdateAccount,
                  UpdateRequest<v1::UpdateAccountRequest>(patch, {"display_name"}));
    });
    const int winner = replies[0].status.ok() ? 0 : 1;
    ASSERT_OK(replies[winner].status) << "round " << round;
    EXPECT_EQ(replies[1 - winner].status.error_code(), grpc::StatusCode::ABORTED)
        << "round " << round << ": " << replies[1 - winner].status.error_message();
    current = GetAccount(current.name());
    EXPECT_EQ(current.display_name(), replies[winner].value.display_name());
    EXPECT_EQ(current.etag(), replies[winner].value.etag());
  }
}

// --- the SLA sweeper -----------------------------------------------------------------------------

TEST_F(MultiReplica, BothSweepersEscalateEachBreachOnce) {
  std::unique_ptr<CaseStub> cases[] = {On<iv1::ServiceCaseService>(1, "interaction"),
                                       On<iv1::ServiceCaseService>(2, "interaction")};
  SetPolicy("slaPolicies/low-d", 0, 600);  // a first response is due at once
  const av1::Account account = NewAccount("swept", av1::TIER_D);
  std::vector<std::string> names;
  for (int i = 0; i < 10; ++i) {
    const Reply<iv1::Case> created =
        Call(*cases[i % 2], &CaseStub::CreateCase,
             CaseRequest(account.name(), iv1::CASE_TYPE_COMPLAINT, iv1::CASE_PRIORITY_LOW));
    ASSERT_OK(created.status);
    names.push_back(created.value.name());
  }
  // Operators asking both replicas for sweeps, on top of their background
  // sweepers.
  RunTogether(8, [&](int i) {
    for (int n = 0; n < 5; ++n) {
      iv1::RunSlaSweepResponse ignored;
      grpc::Status status =
          cases[i % 2]->RunSlaSweep(Context("operator").get(), iv1::RunSlaSweepRequest(), &ignored);
      EXPECT_TRUE(status.ok()) << status.error_message();
    }
  });
  for (const std::string& name : names) {
    // A background sweep may still be committing.
    ASSERT_TRUE(PollUntil([&] { return GetCase(name).first_response_breach_escalated(); },
                          absl::Seconds(10)))
        << name;
    int by_sweeper = 0;
    for (const iv1::CaseEvent& event : Events(name)) by_sweeper += event.actor() == "sla-sweeper";
    EXPECT_EQ(by_sweeper, 1) << absl::StrJoin(EventLines(name), "\n");
  }
}

// --- rating runs and alerts ----------------------------------------------------------------------

struct World {
  std::string policy;
  std::vector<std::string> book;
};

// The book and a policy whose first run put the dropping accounts in tiers A
// (revenue 100000 and more) and B, the rest in D.
const World& TheWorld() {
  static const World* world = [] {
    auto* w = new World;
    for (int i = 0; i < kDropping; ++i) w->book.push_back(AccountWithRevenue(50000 + i * 2000));
    std::vector<int64_t> values(kBook - kDropping);
    for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<int64_t>(i + 1) * 10;
    for (std::string& name : CreateBook(values)) w->book.push_back(std::move(name));
    w->policy = MustCreatePolicy(ThresholdPolicy(100000, 50000, 10000)).name();
    RunToSuccess(w->policy);
    return w;
  }();
  return *world;
}

// Every account of the book carries the tier `run` rated it, stamped with
// `run`.
void ExpectTiersOf(const std::string& run) {
  const std::map<std::string, sv1::AccountRating> ratings = AllRatings(run);
  for (const std::string& name : TheWorld().book) {
    const v1::Account account = GetAccount(name);
    ASSERT_EQ(account.tier_rating_run(), run) << name;
    ASSERT_EQ(account.tier(), ratings.at(name).tier()) << name;
  }
}

// A WatchAlerts stream read on its own thread until Close().
class Watch {
 public:
  explicit Watch(AlertStub& stub) {
    context_.AddMetadata("x-kam-actor", "watcher");
    reader_ = stub.WatchAlerts(&context_, sv1::WatchAlertsRequest());
    reader_->WaitForInitialMetadata();  // the watch is set up: it sees what comes next
    done_ = std::async(std::launch::async, [this] {
      sv1::Alert alert;
      while (reader_->Read(&alert)) {
        absl::MutexLock lock(&mu_);
        names_.push_back(alert.name());
      }
      return reader_->Finish();
    });
  }

  size_t count() {
    absl::MutexLock lock(&mu_);
    return names_.size();
  }

  // Hangs up; the alert names received, in order.
  std::vector<std::string> Close() {
    context_.TryCancel();
    done_.get();
    absl::MutexLock lock(&mu_);
    return names_;
  }

 private:
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<sv1::Alert>> reader_;
  absl::Mutex mu_;
  std::vector<std::string> names_ ABSL_GUARDED_BY(mu_);
  std::future<grpc::Status> done_;
};

int64_t RunNumber(const std::string& run) {
  int64_t id = 0;
  EXPECT_TRUE(absl::SimpleAtoi(run.substr(run.rfind('/') + 1), &id)) << run;
  return id;
}

TEST_F(MultiReplica, RunsOnBothReplicasLeaveTheLaterRunsTiersAndEveryAlertOnceToEachWatcher) {
  const World& world = TheWorld();
  std::unique_ptr<AlertStub> alerts[] = {On<sv1::AlertService>(1, "scoring"),
                                         On<sv1::AlertService>(2, "scoring")};
  std::unique_ptr<RatingStub> ratings[] = {On<sv1::RatingService>(1, "scoring"),
                                           On<sv1::RatingService>(2, "scoring")};
  Watch watch1(*alerts[0]);
  Watch watch2(*alerts[1]);

  // Two rounds of two runs at once, one started on each replica (each wakes
  // the replica it reaches, which takes the oldest run no other replica
  // holds), first replica 1's then replica 2's and then the other way round:
  // each replica numbers alert ids from its own block, so in one of the
  // rounds a replica whose ids are lower stores its alerts last.
  struct Round {
    int64_t a_min, b_min, c_min;
  };
  // Round 1: every dropping account loses a tier (A -> B or B -> C); round
  // 2: those in B fall off the key tiers.
  const Round rounds[] = {{1'000'000'000, 100000, 50000}, {1'000'000'000, 1'000'000'000, 100000}};
  std::vector<std::string> all_runs;
  for (int round = 0; round < 2; ++round) {
    SetThresholds(world.policy, rounds[round].a_min, rounds[round].b_min, rounds[round].c_min);
    std::vector<std::string> runs;
    for (int i = 0; i < 2; ++i) {
      sv1::StartRatingRunRequest request;
      request.set_policy(world.policy);
      const Reply<sv1::RatingRun> started =
          Call(*ratings[(round + i) % 2], &RatingStub::StartRatingRun, request);
      ASSERT_OK(started.status);
      runs.push_back(started.value.name());
    }
    ASSERT_LT(RunNumber(runs[0]), RunNumber(runs[1])) << "runs are numbered in the order started";
    for (const std::string& run : runs) {
      const sv1::RatingRun done = WaitForRun(run);
      ASSERT_EQ(done.state(), sv1::RUN_STATE_SUCCEEDED) << done.ShortDebugString();
      all_runs.push_back(run);
    }
    // Whichever finished last, the later run's tiers stand.
    ExpectTiersOf(runs[1]);
  }

  std::vector<std::string> filter;
  for (const std::string& run : all_runs) filter.push_back(absl::StrCat("run = \"", run, "\""));
  sv1::ListAlertsRequest list;
  list.set_filter(absl::StrJoin(filter, " OR "));
  list.set_page_size(1000);
  std::set<std::string> raised;
  for (const sv1::Alert& alert : AllPages<sv1::Alert>(Alerts(), &AlertStub::ListAlerts, list)) {
    raised.insert(alert.name());
  }
  // The first run of round 1 compares with the world's first run, where
  // every dropping account stood higher.
  ASSERT_GE(raised.size(), static_cast<size_t>(kDropping));
  for (Watch* watch : {&watch1, &watch2}) {
    EXPECT_TRUE(PollUntil([&] { return watch->count() >= raised.size(); }, absl::Seconds(30)));
  }
  absl::SleepFor(absl::Seconds(1));  // a few more polls, where a repeat would show
  for (Watch* watch : {&watch1, &watch2}) {
    const std::vector<std::string> seen = watch->Close();
    EXPECT_EQ(seen.size(), raised.size());
    EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), raised);
  }
}

TEST_F(MultiReplica, AReplicaKilledWhilePublishingTakesItsRunBackWhenRestarted) {
  const World& world = TheWorld();
  SetThresholds(world.policy, 150000, 80000, 1000);              // most of the book changes tier
  const Reply<sv1::RatingRun> started = StartRun(world.policy);  // on replica 1
  ASSERT_OK(started.status);
  const std::string run = started.value.name();
  const sv1::RatingRun publishing = WaitForPublished(run, 30);
  ASSERT_EQ(publishing.state(), sv1::RUN_STATE_PUBLISHING)
      << "publishing ended before the kill; make the book larger";
  ASSERT_TRUE(Suite().KillService("scoring").ok());
  ASSERT_TRUE(Suite().StartService("scoring").ok());
  // The lease has 10 minutes left and replica 2 is not looking: only the
  // restarted replica recognising its own lease finishes the run.
  const sv1::RatingRun done = WaitForRun(run);
  ASSERT_EQ(done.state(), sv1::RUN_STATE_SUCCEEDED) << done.ShortDebugString();
  EXPECT_EQ(done.resumes(), 1);
  EXPECT_EQ(done.accounts_published(), done.accounts_total());
  ExpectTiersOf(run);
  for (const std::string& name : world.book) {
    int rows = 0;
    for (const v1::TierChange& change : TierHistory(name)) rows += change.rating_run() == run;
    EXPECT_LE(rows, 1) << name;
  }
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  kam::testing::LocalSuite::Options options =
      kam::testing::ScoringSuiteOptions({"--publish_batch=1", "--run_lease=10m"});
  options.args["interaction"] = {"--sweep_interval=50ms"};
  return kam::testing::RunTestsOnSuite(argc, argv, options);
}
