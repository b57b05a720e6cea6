// The lifecycle handlers against the in-memory database: a stage move and
// its history row written with the account, a stale etag, churn and
// win-back, and a database that is down.
#include "services/account/lifecycle/lifecycle_service.h"

#include "gtest/gtest.h"
#include "services/account/fake_account_database.h"
#include "services/account/handler_test_checks.h"

namespace kam::account::lifecycle {
namespace {

using testing::Bind;

class LifecycleServiceTest : public ::testing::Test {
 protected:
  v1::TransitionStageRequest Move(const std::string& etag) {
    v1::TransitionStageRequest request;
    request.set_name(account_.account.name());
    request.set_etag(etag);
    request.set_to_stage(v1::RELATIONSHIP_STAGE_INITIAL);
    request.set_share_of_wallet_percent(20);
    return request;
  }

  FakeAccountDatabase db_;
  const accounts::StoredAccount account_ = db_.PutAccount("Acme");
  LifecycleService service_{&db_.lifecycle(), &db_};
  testing::Call<v1::TransitionStageRequest, v1::TransitionStageResponse> move_ =
      Bind(&service_, &LifecycleService::TransitionStage);
};

TEST_F(LifecycleServiceTest, AMoveWritesTheAccountAndOneHistoryRow) {
  const v1::TransitionStageResponse moved = testing::Answer(move_, Move(account_.account.etag()));
  EXPECT_EQ(moved.account().stage(), v1::RELATIONSHIP_STAGE_INITIAL);
  EXPECT_EQ(moved.change().actor(), "tester");
  EXPECT_FALSE(moved.playbook().actions().empty());
  v1::ListStageHistoryRequest list;
  list.set_parent(account_.account.name());
  const v1::ListStageHistoryResponse history =
      testing::Answer(Bind(&service_, &LifecycleService::ListStageHistory), list);
  ASSERT_EQ(history.changes_size(), 1);
  EXPECT_EQ(history.changes(0).name(), moved.change().name());
}

TEST_F(LifecycleServiceTest, AMoveWithAStaleEtagChangesNothing) {
  testing::Answer(move_, Move(account_.account.etag()));
  testing::ExpectRefused(db_, move_, Move(account_.account.etag()), absl::StatusCode::kAborted);
}

TEST_F(LifecycleServiceTest, ChurnThenWinBackReentersAtDevelopment) {
  v1::MarkChurnedRequest churn;
  churn.set_name(account_.account.name());
  churn.set_kind(v1::CHURN_EVENT_KIND_CUSTOMER_CHURN);
  churn.set_reason(v1::CHURN_REASON_CUSTOMER_SERVICE);
  const auto mark = Bind(&service_, &LifecycleService::MarkChurned);
  EXPECT_EQ(testing::Answer(mark, churn).account().state(), v1::LIFECYCLE_STATE_CHURNED);
  testing::ExpectRefused(db_, mark, churn, absl::StatusCode::kFailedPrecondition);

  v1::RecordWinBackRequest win_back;
  win_back.set_name(account_.account.name());
  const v1::RecordWinBackResponse back =
      testing::Answer(Bind(&service_, &LifecycleService::RecordWinBack), win_back);
  EXPECT_EQ(back.account().state(), v1::LIFECYCLE_STATE_ACTIVE);
  EXPECT_EQ(back.account().stage(), v1::RELATIONSHIP_STAGE_DEVELOPMENT);
  EXPECT_EQ(db_.rows().churn_events.size(), 2u);
  EXPECT_EQ(db_.rows().stage_changes.size(), 1u);
}

TEST_F(LifecycleServiceTest, DatabaseDownAnswersUnavailableAndWritesNothing) {
  testing::ExpectUnavailable(db_, move_, Move(account_.account.etag()));
}

}  // namespace
}  // namespace kam::account::lifecycle
