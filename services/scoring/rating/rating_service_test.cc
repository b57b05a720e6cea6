// RatingService against the fake stores: idempotent StartRatingRun (the
// retry answers before anything else), cancelling, reading a run's ratings
// only once it has rated, and a database that is down.
#include "services/scoring/rating/rating_service.h"

#include <string>

#include "absl/strings/match.h"
#include "common/testing/fake_team_accounts.h"
#include "common/testing/handler_checks.h"
#include "gtest/gtest.h"
#include "services/scoring/policy/fake_policy_store.h"
#include "services/scoring/rating/fake_rating_store.h"

namespace kam::scoring::rating {
namespace {

using common::testing::Answer;
using common::testing::Bind;
using common::testing::ExpectIdempotentCreate;

class RatingServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    v1::ScoringPolicy settings;
    settings.set_display_name("Yearly");
    ASSERT_EQ(policies_.PutPolicy(settings), 1);
  }

  static v1::StartRatingRunRequest StartRequest(const std::string& request_id,
                                                int64_t as_of_seconds) {
    v1::StartRatingRunRequest request;
    request.set_policy("policies/1");
    request.set_request_id(request_id);
    request.mutable_as_of()->set_seconds(as_of_seconds);
    return request;
  }

  absl::StatusOr<v1::RatingRun> Start(const std::string& request_id, int64_t as_of_seconds) {
    return Answer(service_, &RatingService::StartRatingRun,
                  StartRequest(request_id, as_of_seconds));
  }

  size_t StoredRuns() const { return store_.Snapshot().runs.size(); }

  policy::FakePolicyStore policies_;
  FakeRatingStore store_;
  int wakes_ = 0;
  common::testing::FakeTeamAccounts teams_;
  RatingService service_{&store_, &policies_, [this] { ++wakes_; }, &teams_};
};

constexpr int64_t kNewYear = 1767225600;  // 2026-01-01T00:00:00Z

TEST_F(RatingServiceTest, StartThenRetryThenReuseTheRequestId) {
  // The retry answers the first run and writes nothing; another as_of under
  // the same request id is refused.
  const v1::RatingRun first = ExpectIdempotentCreate(
      Bind(&service_, &RatingService::StartRatingRun), StartRequest("run-1", kNewYear),
      StartRequest("run-1", kNewYear - 86400), [this] { return StoredRuns(); });
  EXPECT_EQ(first.name(), "ratingRuns/1");
  EXPECT_EQ(first.policy(), "policies/1");
  EXPECT_EQ(first.policy_version(), 1);
  EXPECT_EQ(first.state(), v1::RUN_STATE_QUEUED);
  EXPECT_EQ(first.actor(), "tester");
  EXPECT_EQ(first.period_start().seconds(), kNewYear - 365 * 86400);
  // Only the first call wakes the runner.
  EXPECT_EQ(wakes_, 1);
  // The version a queued run is to use is frozen at once.
  EXPECT_TRUE(policies_.Snapshot().policies.at(1).versions.at(0).policy.used());
}

TEST_F(RatingServiceTest, TheRetryAnswersEvenWhenThePolicyIsGone) {
  ASSERT_TRUE(Start("run-1", kNewYear).ok());
  // A retry is answered from the run alone: it does not read the policy.
  policy::FakePolicyStore empty;
  RatingService service(&store_, &empty, nullptr, &teams_);
  v1::StartRatingRunRequest request = StartRequest("run-1", kNewYear);
  absl::StatusOr<v1::RatingRun> retry = Answer(service, &RatingService::StartRatingRun, request);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->name(), "ratingRuns/1");
  request.set_request_id("run-2");
  EXPECT_EQ(Answer(service, &RatingService::StartRatingRun, request).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(RatingServiceTest, ADatabaseThatIsDownIsUnavailableAndWritesNothing) {
  store_.SetDown(true);
  EXPECT_EQ(Start("run-1", kNewYear).status().code(), absl::StatusCode::kUnavailable);
  store_.SetDown(false);
  policies_.SetDown(true);
  EXPECT_EQ(Start("run-1", kNewYear).status().code(), absl::StatusCode::kUnavailable);
  policies_.SetDown(false);
  EXPECT_EQ(StoredRuns(), 0u);
  EXPECT_EQ(wakes_, 0);
}

// as_of in year 1 would start the run's year-long period before year 1: it
// is refused naming as_of before anything is written (not even the policy
// version marked used), as is an as_of outside the Timestamp range.
TEST_F(RatingServiceTest, APeriodStartingBeforeYearOneIsRefused) {
  constexpr int64_t kYear1 = -62135596800;  // 0001-01-01T00:00:00Z
  for (int64_t as_of : {kYear1, kYear1 + 364 * 86400, kYear1 - 1}) {
    const absl::Status status = Start("run-1", as_of).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << as_of;
    EXPECT_TRUE(absl::StartsWith(status.message(), "as_of must be")) << status;
  }
  EXPECT_EQ(StoredRuns(), 0u);
  EXPECT_EQ(wakes_, 0);
  EXPECT_FALSE(policies_.Snapshot().policies.at(1).versions.at(0).policy.used());
  const absl::StatusOr<v1::RatingRun> first = Start("run-1", kYear1 + 365 * 86400);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->period_start().seconds(), kYear1);
}

TEST_F(RatingServiceTest, CancelAQueuedRunAndReadOnlyRatedRuns) {
  ASSERT_TRUE(Start("run-1", kNewYear).ok());
  v1::GetAccountRatingRequest get;
  get.set_name("ratingRuns/1/ratings/7");
  absl::StatusOr<v1::AccountRating> unrated =
      Answer(service_, &RatingService::GetAccountRating, get);
  EXPECT_EQ(unrated.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(unrated.status().message(), "ratingRuns/1 has not finished rating (RUN_STATE_QUEUED)");

  v1::CancelRatingRunRequest cancel;
  cancel.set_name("ratingRuns/1");
  absl::StatusOr<v1::RatingRun> cancelled =
      Answer(service_, &RatingService::CancelRatingRun, cancel);
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(cancelled->state(), v1::RUN_STATE_CANCELLED);
  EXPECT_EQ(store_.Snapshot().runs.at(1).stored.run.state(), v1::RUN_STATE_CANCELLED);

  v1::GetRatingRunRequest bad;
  bad.set_name("ratingRuns/x");
  EXPECT_EQ(Answer(service_, &RatingService::GetRatingRun, bad).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// A manager reads the ratings of their accounts only: another's answers as
// an account the run did not rate.
TEST_F(RatingServiceTest, AManagerReadsOnlyTheirAccountsRatings) {
  StoredRun run;
  run.id = 1;
  run.run.set_name("ratingRuns/1");
  run.run.set_state(v1::RUN_STATE_SUCCEEDED);
  store_.PutRun(run);
  RatingRow seven;
  seven.account_id = 7;
  RatingRow eight;
  eight.account_id = 8;
  ASSERT_TRUE(store_.InsertRatings(1, {seven, eight}).ok());
  teams_.Put("am.liu", {7});
  const common::CallContext liu = common::testing::GrantedCaller(auth::kAccountManager, "am.liu");
  v1::GetAccountRatingRequest get;
  v1::AccountRating out;
  get.set_name("ratingRuns/1/ratings/7");
  EXPECT_TRUE(service_.GetAccountRating(liu, get, &out).ok());
  get.set_name("ratingRuns/1/ratings/8");
  const absl::Status other = service_.GetAccountRating(liu, get, &out);
  EXPECT_EQ(other, RatingNotFound(1, 8));
  EXPECT_EQ(other.code(), absl::StatusCode::kNotFound);
  // Admin is not narrowed and asks nothing.
  const int calls = teams_.calls();
  EXPECT_TRUE(
      service_.GetAccountRating(common::testing::GrantedCaller(auth::kAdmin), get, &out).ok());
  EXPECT_EQ(teams_.calls(), calls);
}

}  // namespace
}  // namespace kam::scoring::rating
