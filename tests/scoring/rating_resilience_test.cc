// Rating runs survive failures (rating.proto: resumed or failed explicitly,
// never left running; a started publication is completed; publishing twice
// changes nothing):
//   - the scoring process SIGKILLed while publishing, then restarted: the
//     run resumes where publishing stopped and every tier change is
//     recorded once;
//   - killed while rating: the run rates again from the start and succeeds;
//   - the account service stopped while publishing: the run waits and
//     retries with backoff, and succeeds once it is back;
//   - a run killed more often than --max_resumes: FAILED with the reason,
//     nothing published.
// The runner is tuned to make this quick and deterministic: a 2s lease
// (a killed replica's run is free 2s later), one account per publishing
// call (publishing lasts long enough to be interrupted), backoff of at most
// 500ms, and runs are held in RUNNING by stopping the interaction service.
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tests/scoring/rating_test_helpers.h"

namespace kam::testing {
namespace {

constexpr int kBook = 300;
constexpr int kMaxResumes = 2;

const std::vector<std::string>& TheBook() {
  static const std::vector<std::string>* book = [] {
    std::vector<int64_t> values(kBook);
    for (int i = 0; i < kBook; ++i) values[i] = (i + 1) * 10;
    return new std::vector<std::string>(CreateBook(values));
  }();
  return *book;
}

const std::string& DefaultPolicy() {
  static const std::string* policy = new std::string(MustCreatePolicy(RevenuePolicy()).name());
  return *policy;
}

void Restart(const std::string& service) {
  absl::Status started = Suite().StartService(service);
  ASSERT_TRUE(started.ok()) << started;
}

void Crash(const std::string& service) {
  absl::Status killed = Suite().KillService(service);
  ASSERT_TRUE(killed.ok()) << killed;
}

// Tier-history rows `run` wrote for `account`.
int ChangesBy(const std::string& account, const std::string& run) {
  int n = 0;
  for (const v1::TierChange& change : TierHistory(account)) n += change.rating_run() == run;
  return n;
}

// Every account of the book carries the tier its rating in `run` gives,
// stamped with the run, and `run` recorded each change once.
void ExpectPublishedOnce(const std::string& run) {
  const std::map<std::string, sv1::AccountRating> ratings = AllRatings(run);
  ASSERT_EQ(ratings.size(), static_cast<size_t>(kBook));
  int changed = 0;
  for (const std::string& name : TheBook()) {
    const sv1::AccountRating& rating = ratings.at(name);
    const v1::Account account = GetAccount(name);
    ASSERT_EQ(account.tier(), rating.tier()) << name;
    ASSERT_EQ(account.tier_rating_run(), run) << name;
    const int rows = ChangesBy(name, run);
    ASSERT_EQ(rows, rating.movement() == sv1::MOVEMENT_UNCHANGED ? 0 : 1)
        << name << " " << rating.ShortDebugString();
    changed += rows;
  }
  std::printf("%s changed %d tiers\n", run.c_str(), changed);
}

TEST(RatingResilience, KilledWhilePublishingResumesWhereItStopped) {
  TheBook();
  Reply<sv1::RatingRun> started = StartRun(DefaultPolicy());
  ASSERT_OK(started.status);
  const std::string run = started.value.name();
  const sv1::RatingRun publishing = WaitForPublished(run, 30);
  ASSERT_EQ(publishing.state(), sv1::RUN_STATE_PUBLISHING)
      << "publishing ended before the kill; make --publish_batch smaller";
  // Mid-publication, GetRatingRun shows rating complete and publication in
  // progress.
  EXPECT_EQ(publishing.accounts_total(), kBook);
  EXPECT_EQ(publishing.accounts_processed(), kBook);
  EXPECT_EQ(TierCountsText(publishing.tier_counts()), "3/12/45/240");
  EXPECT_LT(publishing.accounts_published(), kBook);
  Crash("scoring");
  Restart("scoring");

  // Published progress never goes backwards, and the run never shows
  // anything but PUBLISHING until it succeeds.
  int64_t last_published = publishing.accounts_published();
  const sv1::RatingRun done = WaitForRun(run, Ended, absl::Seconds(60), [&](const sv1::RatingRun& r) {
    if (Ended(r)) return;
    EXPECT_EQ(r.state(), sv1::RUN_STATE_PUBLISHING);
    EXPECT_GE(r.accounts_published(), last_published);
    last_published = r.accounts_published();
  });
  ASSERT_EQ(done.state(), sv1::RUN_STATE_SUCCEEDED) << done.ShortDebugString();
  EXPECT_EQ(done.resumes(), 1);
  EXPECT_EQ(done.accounts_published(), kBook);
  EXPECT_EQ(TierCountsText(done.tier_counts()), "3/12/45/240");
  ExpectPublishedOnce(run);

  // Publishing the same run again changes nothing.
  v1::SetAccountTiersRequest again;
  again.set_rating_run(run);
  again.set_policy_version(absl::StrCat(DefaultPolicy(), "/versions/1"));
  for (int i = 0; i < 5; ++i) {
    v1::TierAssignment* a = again.add_assignments();
    a->set_account(TheBook()[i]);
    a->set_tier(account::v1::TIER_A);
    a->set_reason("again");
  }
  Reply<v1::SetAccountTiersResponse> reply =
      Call(Accounts(), &v1::AccountService::Stub::SetAccountTiers, again);
  ASSERT_OK(reply.status);
  EXPECT_EQ(reply.value.changed_count(), 0);
  EXPECT_EQ(reply.value.already_applied_count(), 5);
  EXPECT_EQ(GetAccount(TheBook()[0]).tier(), account::v1::TIER_D);
}

TEST(RatingResilience, KilledWhileRatingRatesAgainAndSucceeds) {
  TheBook();
  ASSERT_TRUE(Suite().StopService("interaction").ok());
  Reply<sv1::RatingRun> started = StartRun(DefaultPolicy());
  ASSERT_OK(started.status);
  const std::string run = started.value.name();
  const sv1::RatingRun running = WaitForRun(
      run, [](const sv1::RatingRun& r) { return r.state() != sv1::RUN_STATE_QUEUED; });
  EXPECT_EQ(running.state(), sv1::RUN_STATE_RUNNING);
  Crash("scoring");
  Restart("interaction");
  Restart("scoring");
  const sv1::RatingRun done = WaitForRun(run);
  ASSERT_EQ(done.state(), sv1::RUN_STATE_SUCCEEDED) << done.ShortDebugString();
  EXPECT_EQ(done.resumes(), 1);
  EXPECT_EQ(done.accounts_processed(), kBook);
  EXPECT_EQ(done.accounts_published(), kBook);
  EXPECT_EQ(TierCountsText(done.tier_counts()), "3/12/45/240");
  // The same tiers as before: nothing changed, everything stamped.
  EXPECT_EQ(AllRatings(run, "movement = UNCHANGED").size(), static_cast<size_t>(kBook));
  ExpectPublishedOnce(run);
}

TEST(RatingResilience, AccountServiceDownWhilePublishingIsWaitedFor) {
  TheBook();
  // Everyone is A under these thresholds: every account but the top three
  // changes tier, so every publishing call records changes.
  const sv1::TierRule all_a = ThresholdRule(0, 0, 0);
  const std::string policy = MustCreatePolicy(RevenuePolicy(&all_a)).name();
  Reply<sv1::RatingRun> started = StartRun(policy);
  ASSERT_OK(started.status);
  const std::string run = started.value.name();
  const sv1::RatingRun publishing = WaitForPublished(run, 30);
  ASSERT_EQ(publishing.state(), sv1::RUN_STATE_PUBLISHING);
  ASSERT_TRUE(Suite().StopService("account").ok());

  // While it is down the run waits: still PUBLISHING, no progress, no failure.
  absl::SleepFor(absl::Milliseconds(300));
  const sv1::RatingRun waiting = GetRun(run).value;
  absl::SleepFor(absl::Seconds(2));
  const sv1::RatingRun still = GetRun(run).value;
  EXPECT_EQ(still.state(), sv1::RUN_STATE_PUBLISHING) << still.ShortDebugString();
  EXPECT_EQ(still.accounts_published(), waiting.accounts_published());
  EXPECT_LT(still.accounts_published(), kBook);
  EXPECT_TRUE(absl::StrContains(Suite().LogTail("scoring", 50),
                                "publishing waits for the account service"));

  Restart("account");
  const sv1::RatingRun done = WaitForRun(run);
  ASSERT_EQ(done.state(), sv1::RUN_STATE_SUCCEEDED) << done.ShortDebugString();
  EXPECT_EQ(done.resumes(), 0);
  EXPECT_EQ(done.accounts_published(), kBook);
  EXPECT_EQ(TierCountsText(done.tier_counts()), "300/0/0/0");
  ExpectPublishedOnce(run);
  EXPECT_EQ(AllRatings(run, "movement = PROMOTED").size(), static_cast<size_t>(kBook - 3));
}

TEST(RatingResilience, KilledMoreThanMaxResumesFailsAndPublishesNothing) {
  TheBook();
  const v1::Account before = GetAccount(TheBook()[0]);
  ASSERT_TRUE(Suite().StopService("interaction").ok());
  Reply<sv1::RatingRun> started = StartRun(DefaultPolicy());
  ASSERT_OK(started.status);
  const std::string run = started.value.name();
  for (int resumes = 0; resumes <= kMaxResumes; ++resumes) {
    // Claimed (again) and rating: kill it.
    const sv1::RatingRun claimed = WaitForRun(run, [resumes](const sv1::RatingRun& r) {
      return Ended(r) || (r.state() == sv1::RUN_STATE_RUNNING && r.resumes() == resumes);
    });
    ASSERT_EQ(claimed.state(), sv1::RUN_STATE_RUNNING) << claimed.ShortDebugString();
    Crash("scoring");
    Restart("scoring");
  }
  const sv1::RatingRun failed = WaitForRun(run);
  Restart("interaction");
  ASSERT_EQ(failed.state(), sv1::RUN_STATE_FAILED) << failed.ShortDebugString();
  EXPECT_EQ(failed.resumes(), kMaxResumes);
  EXPECT_EQ(failed.error(), absl::StrCat("abandoned after ", kMaxResumes,
                                         " restarts of the service"));
  EXPECT_EQ(failed.accounts_published(), 0);
  EXPECT_TRUE(failed.has_end_time());
  const v1::Account after = GetAccount(TheBook()[0]);
  EXPECT_EQ(after.tier_rating_run(), before.tier_rating_run());
  EXPECT_EQ(after.etag(), before.etag());
  // A failed run has no ratings to show.
  sv1::ListAccountRatingsRequest list;
  list.set_parent(run);
  EXPECT_TRUE(HasCode(Call(Ratings(), &RatingStub::ListAccountRatings, list).status,
                      grpc::StatusCode::FAILED_PRECONDITION));
  // The next run is not held up by it.
  EXPECT_EQ(RunToEnd(DefaultPolicy()).state(), sv1::RUN_STATE_SUCCEEDED);
}

// Publishing is never given up (a failed run must have published nothing):
// killed while publishing more often than --max_resumes, the run still
// completes its publication.
TEST(RatingResilience, APublicationIsFinishedHoweverOftenItIsResumed) {
  TheBook();
  const sv1::TierRule all_b = ThresholdRule(1'000'000, 0, 0);
  const std::string policy = MustCreatePolicy(RevenuePolicy(&all_b)).name();
  Reply<sv1::RatingRun> started = StartRun(policy);
  ASSERT_OK(started.status);
  const std::string run = started.value.name();
  int64_t published = 0;
  for (int resumes = 0; resumes <= kMaxResumes; ++resumes) {
    const sv1::RatingRun claimed = WaitForRun(run, [&](const sv1::RatingRun& r) {
      return Ended(r) || (r.state() == sv1::RUN_STATE_PUBLISHING && r.resumes() == resumes &&
                          r.accounts_published() >= published + 10);
    });
    ASSERT_EQ(claimed.state(), sv1::RUN_STATE_PUBLISHING)
        << "publishing ended before kill " << resumes + 1 << ": " << claimed.ShortDebugString();
    published = claimed.accounts_published();
    Crash("scoring");
    Restart("scoring");
  }
  const sv1::RatingRun done = WaitForRun(run);
  ASSERT_EQ(done.state(), sv1::RUN_STATE_SUCCEEDED) << done.ShortDebugString();
  EXPECT_EQ(done.resumes(), kMaxResumes + 1);
  EXPECT_EQ(done.accounts_published(), kBook);
  EXPECT_EQ(TierCountsText(done.tier_counts()), "0/300/0/0");
  ExpectPublishedOnce(run);
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  return kam::testing::RunTestsOnSuite(
      argc, argv,
      kam::testing::ScoringSuiteOptions(
          {"--run_lease=2s", "--publish_batch=1", "--publish_max_backoff=500ms",
           absl::StrCat("--max_resumes=", kam::testing::kMaxResumes)}));
}
