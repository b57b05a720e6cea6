// RatingRunner against the fakes: a run rated and published end to end,
// publishing while the account service is down (it waits with backoff and
// finishes once it is back, publishing each tier change once), and a run
// whose policy cannot rate failing without publishing, and the alerts
// handed to the alert store in batches.
#include "services/scoring/rating/rating_runner.h"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/base/proto_time.h"
#include "gtest/gtest.h"
#include "services/scoring/policy/fake_policy_store.h"
#include "services/scoring/rating/fake_rating_client.h"
#include "services/scoring/rating/fake_rating_store.h"
#include "services/scoring/rules/account_rating.h"

namespace kam::scoring::rating {
namespace {

constexpr int kAccounts = 25;

class RatingRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    v1::ScoringPolicy settings;
    settings.set_display_name("Yearly");
    ASSERT_EQ(policies_.PutPolicy(settings), 1);
    for (int id = 1; id <= kAccounts; ++id) {
      interaction::v1::AccountFacts facts;
      facts.set_revenue_minor(id * 1000);
      facts.set_gross_profit_minor(id * 400);
      PutAccount(id, facts);
    }
  }

  // Account `id` (in EUR) with `facts` in the account export.
  void PutAccount(int id, interaction::v1::AccountFacts facts) {
    account::v1::AccountSnapshot account;
    account.set_name(absl::StrCat("accounts/", id));
    account.set_currency_code("EUR");
    facts.set_account(account.name());
    client_.Put(account, facts);
  }

  void TearDown() override { runner_.Stop(); }

  // Queues run 1 of policy 1 as StartRatingRun does.
  void Queue() {
    StoredRun run;
    run.id = 1;
    run.policy_id = 1;
    run.run.set_name("ratingRuns/1");
    run.run.set_policy("policies/1");
    run.run.set_policy_version(1);
    const absl::Time as_of = common::NowMicros();
    *run.run.mutable_as_of() = common::ToProtoTimestamp(as_of);
    *run.run.mutable_period_start() = common::ToProtoTimestamp(as_of - absl::Hours(24 * 365));
    run.run.set_state(v1::RUN_STATE_QUEUED);
    store_.PutRun(run);
  }

  v1::RunState State() const { return store_.Snapshot().runs.at(1).stored.run.state(); }

  // Waits up to 20 s for `done`.
  template <typename Done>
  bool WaitFor(Done done) {
    const absl::Time until = absl::Now() + absl::Seconds(20);
    while (!done()) {
      if (absl::Now() > until) return false;
      absl::SleepFor(absl::Milliseconds(5));
    }
    return true;
  }

  // How often each account's tier was published.
  std::map<std::string, int> PublishedAccounts() const {
    std::map<std::string, int> seen;
    for (const account::v1::SetAccountTiersRequest& request : client_.published()) {
      EXPECT_EQ(request.rating_run(), "ratingRuns/1");
      EXPECT_EQ(request.policy_version(), "policies/1/versions/1");
      for (const account::v1::TierAssignment& a : request.assignments()) ++seen[a.account()];
    }
    return seen;
  }

  static RatingRunner::Options Options() {
    RatingRunner::Options options;
    options.owner = "test";
    options.poll_interval = absl::Milliseconds(10);
    options.publish_batch = 10;
    options.max_backoff = absl::Milliseconds(20);
    return options;
  }

  policy::FakePolicyStore policies_;
  FakeRatingStore store_;
  FakeRatingClient client_;
  RatingRunner runner_{&store_, &policies_, &client_, nullptr, Options()};
};

TEST_F(RatingRunnerTest, RatesEveryAccountAndPublishesItsTier) {
  Queue();
  runner_.Start();
  ASSERT_TRUE(WaitFor([&] { return State() == v1::RUN_STATE_SUCCEEDED; })) << State();
  const FakeRatingStore::Data data = store_.Snapshot();
  const v1::RatingRun& run = data.runs.at(1).stored.run;
  EXPECT_EQ(run.accounts_total(), kAccounts);
  EXPECT_EQ(run.accounts_processed(), kAccounts);
  EXPECT_EQ(run.accounts_published(), kAccounts);
  const v1::TierCounts& t = run.tier_counts();
  EXPECT_EQ(t.a() + t.b() + t.c() + t.d(), kAccounts);
  ASSERT_EQ(data.ratings.at(1).size(), static_cast<size_t>(kAccounts));
  // The best account (the most profit) ranks first, in the best tier given.
  const RatingRow& best = data.ratings.at(1).at(kAccounts);
  EXPECT_EQ(best.rank, 1);
  for (const auto& [id, row] : data.ratings.at(1)) EXPECT_GE(row.tier, best.tier) << id;
  EXPECT_EQ(best.value_minor, kAccounts * 400);
  EXPECT_EQ(best.movement, v1::MOVEMENT_NEW);
  // The version the run used is frozen.
  EXPECT_TRUE(policies_.Snapshot().policies.at(1).versions.at(0).policy.used());
  const std::map<std::string, int> published = PublishedAccounts();
  EXPECT_EQ(published.size(), static_cast<size_t>(kAccounts));
}

TEST_F(RatingRunnerTest, AChurnedAccountIsRatedOutsideTheTiersAndItsTierCleared) {
  // The most profitable account of all has churned: the other 25 make the
  // pyramid (round-half-up(25 x 20%) = 5 in C or better), as if it were not
  // there, and its tier A is cleared.
  account::v1::AccountSnapshot churned;
  churned.set_name("accounts/26");
  churned.set_currency_code("EUR");
  churned.set_tier(account::v1::TIER_A);
  churned.set_state(account::v1::LIFECYCLE_STATE_CHURNED);
  interaction::v1::AccountFacts facts;
  facts.set_account(churned.name());
  facts.set_gross_profit_minor(1'000'000);
  client_.Put(churned, facts);
  Queue();
  runner_.Start();
  ASSERT_TRUE(WaitFor([&] { return State() == v1::RUN_STATE_SUCCEEDED; })) << State();
  const FakeRatingStore::Data data = store_.Snapshot();
  const v1::RatingRun& run = data.runs.at(1).stored.run;
  EXPECT_EQ(run.accounts_total(), kAccounts + 1);  // rated, one of them not tiered
  const v1::TierCounts& t = run.tier_counts();
  EXPECT_EQ(t.a() + t.b() + t.c() + t.d(), kAccounts);
  EXPECT_EQ(t.a() + t.b() + t.c(), 5);
  EXPECT_EQ(data.ratings.at(1).at(kAccounts).rank, 1);  // the best live account
  const RatingRow& row = data.ratings.at(1).at(kAccounts + 1);
  EXPECT_EQ(row.tier, account::v1::TIER_UNSPECIFIED);
  EXPECT_EQ(row.movement, v1::MOVEMENT_NOT_TIERED);
  EXPECT_EQ(row.rank, 0);
  EXPECT_EQ(ToAccountRating(1, row).not_tiered_reason(), v1::NOT_TIERED_REASON_CHURNED);
  int cleared = 0;
  for (const account::v1::SetAccountTiersRequest& request : client_.published()) {
    for (const account::v1::TierAssignment& a : request.assignments()) {
      EXPECT_EQ(a.clear_tier(), a.account() == churned.name()) << a.account();
      if (!a.clear_tier()) continue;
      ++cleared;
      EXPECT_EQ(a.tier(), account::v1::TIER_UNSPECIFIED);
      EXPECT_NE(a.reason().find("churned"), std::string::npos) << a.reason();
    }
  }
  EXPECT_EQ(cleared, 1);
}

TEST_F(RatingRunnerTest, ARestartedReplicaResumesItsOwnRunWithoutWaitingTheLeaseOut) {
  Queue();
  // The replica's previous process claimed the run for an hour and died.
  ASSERT_TRUE(store_.ClaimRun("test", common::NowMicros(), absl::Hours(1), 3).ok());
  // Another replica leaves it alone while the lease lasts...
  absl::StatusOr<std::optional<StoredRun>> other =
      store_.ClaimRun("other", common::NowMicros(), absl::Seconds(30), 3);
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->has_value());
  // ...but the same replica, started again, takes it back at once.
  runner_.Start();
  ASSERT_TRUE(WaitFor([&] { return State() == v1::RUN_STATE_SUCCEEDED; })) << State();
  EXPECT_EQ(store_.Snapshot().runs.at(1).stored.run.resumes(), 1);
  EXPECT_EQ(PublishedAccounts().size(), static_cast<size_t>(kAccounts));
}

TEST_F(RatingRunnerTest, PublishingWaitsForTheAccountServiceAndPublishesEachTierOnce) {
  client_.SetAccountServiceDown(true);
  Queue();
  runner_.Start();
  // Rated, then refused: the run holds its lease and keeps trying.
  ASSERT_TRUE(WaitFor([&] { return client_.publish_attempts() >= 3; }));
  EXPECT_EQ(State(), v1::RUN_STATE_PUBLISHING);
  EXPECT_TRUE(client_.published().empty());
  EXPECT_EQ(store_.Snapshot().runs.at(1).stored.run.accounts_published(), 0);

  client_.SetAccountServiceDown(false);
  ASSERT_TRUE(WaitFor([&] { return State() == v1::RUN_STATE_SUCCEEDED; })) << State();
  const std::map<std::string, int> published = PublishedAccounts();
  EXPECT_EQ(published.size(), static_cast<size_t>(kAccounts));
  for (const auto& [account, times] : published) EXPECT_EQ(times, 1) << account;
  EXPECT_EQ(client_.published().size(), 3u);  // batches of 10
  EXPECT_EQ(store_.Snapshot().runs.at(1).stored.run.accounts_published(), kAccounts);
}

// Reads every batch of `alerts` from the first, as the alert store does.
std::vector<std::vector<rules::Alert>> ReadBatches(alerts::AlertBatches& alerts) {
  std::vector<std::vector<rules::Alert>> batches;
  EXPECT_TRUE(alerts.Rewind().ok());
  for (;;) {
    std::vector<rules::Alert> batch;
    absl::StatusOr<bool> more = alerts.Next(&batch);
    EXPECT_TRUE(more.ok()) << more.status();
    if (!more.ok() || !*more) return batches;
    batches.push_back(std::move(batch));
  }
}

TEST_F(RatingRunnerTest, AlertsAreDetectedFromTheStoredResultsAndHandedOverInBatches) {
  // Enough accounts for several pages of results and batches of alerts.
  for (int id = kAccounts + 1; id <= 7000; ++id) {
    interaction::v1::AccountFacts facts;
    facts.set_gross_profit_minor(id * 10);
    facts.set_overdue_minor(id % 3 == 0 ? 50000 : 0);
    facts.set_receivables_minor(100000);
    PutAccount(id, facts);
  }
  // Every tier a key tier: each account a third of whose receivables are
  // overdue raises an alert.
  v1::ScoringPolicy every_tier_key;
  every_tier_key.set_display_name("Yearly");
  for (account::v1::Tier tier :
       {account::v1::TIER_A, account::v1::TIER_B, account::v1::TIER_C, account::v1::TIER_D}) {
    every_tier_key.add_key_tiers(tier);
  }
  ASSERT_TRUE(policies_
                  .Transact("every tier key",
                            [&](policy::PolicyTx& tx) {
                              return tx.RewriteVersion(1, 1, every_tier_key, absl::UnixEpoch());
                            })
                  .ok());
  std::vector<std::vector<rules::Alert>> batches;
  std::vector<std::vector<rules::Alert>> again;
  RatingRunner runner(
      &store_, &policies_, &client_,
      [&](int64_t, alerts::AlertBatches& alerts) {
        batches = ReadBatches(alerts);
        again = ReadBatches(alerts);  // a retried transaction
        return absl::OkStatus();
      },
      Options());
  Queue();
  runner.Start();
  ASSERT_TRUE(WaitFor([&] { return State() == v1::RUN_STATE_SUCCEEDED; })) << State();
  runner.Stop();

  // The alerts of the whole run at once, from its results.
  absl::StatusOr<policy::StoredPolicy> policy = policies_.GetPolicy(1, 1);
  ASSERT_TRUE(policy.ok());
  absl::StatusOr<rules::AccountRater> rater = rules::AccountRater::Create(policy->policy);
  ASSERT_TRUE(rater.ok());
  std::vector<rules::AccountRunResult> results;
  const FakeRatingStore::Data data = store_.Snapshot();
  for (const auto& [id, row] : data.ratings.at(1)) results.push_back(rules::RunResultOf(row));
  absl::StatusOr<std::vector<rules::Alert>> want = rater->alerts().DetectRun({}, results);
  ASSERT_TRUE(want.ok());
  ASSERT_GT(want->size(), 2000u);

  std::vector<rules::Alert> got;
  for (size_t i = 0; i < batches.size(); ++i) {
    // Full batches (the store writes 100 per statement), the rest last.
    if (i + 1 < batches.size()) {
      EXPECT_EQ(batches[i].size(), 1000u) << i;
    }
    got.insert(got.end(), batches[i].begin(), batches[i].end());
  }
  ASSERT_EQ(got.size(), want->size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].account_id, (*want)[i].account_id) << i;
    EXPECT_EQ(got[i].kind, (*want)[i].kind) << i;
    EXPECT_EQ(got[i].message, (*want)[i].message) << i;
    EXPECT_EQ(got[i].evidence, (*want)[i].evidence) << i;
  }
  ASSERT_EQ(again.size(), batches.size());
  EXPECT_EQ(again.back().back().message, batches.back().back().message);
}

TEST_F(RatingRunnerTest, APolicyThatCannotRateFailsTheRunWithoutPublishing) {
  v1::ScoringPolicy broken;
  v1::CriterionWeight* c = broken.add_criteria();
  c->set_criterion(v1::CRITERION_REVENUE);
  c->set_weight(10);  // weights must add up to 100
  c->set_full_marks_at(1000);
  ASSERT_TRUE(policies_
                  .Transact("breaking policy",
                            [&](policy::PolicyTx& tx) {
                              return tx.RewriteVersion(1, 1, broken, absl::UnixEpoch());
                            })
                  .ok());
  Queue();
  runner_.Start();
  ASSERT_TRUE(WaitFor([&] { return State() == v1::RUN_STATE_FAILED; })) << State();
  EXPECT_FALSE(store_.Snapshot().runs.at(1).stored.run.error().empty());
  EXPECT_EQ(client_.publish_attempts(), 0);
}

}  // namespace
}  // namespace kam::scoring::rating
