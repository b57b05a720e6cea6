// The lifecycle handlers against the in-memory database: a stage move and
// its history row written with the account, a stale etag, churn and
// win-back, a database that is down, the stage settings (band version 2
// changes what a move accepts; a stale etag) and a measured move.
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

v1::UpdateStageSettingsRequest ChooseBands(v1::StageBandVersion version, const std::string& etag) {
  v1::UpdateStageSettingsRequest request;
  request.mutable_settings()->set_band_version(version);
  request.mutable_settings()->set_etag(etag);
  return request;
}

TEST_F(LifecycleServiceTest, BandVersionTwoChangesWhatAMoveAccepts) {
  const auto get = Bind(&service_, &LifecycleService::GetStageSettings);
  const auto update = Bind(&service_, &LifecycleService::UpdateStageSettings);
  const v1::StageSettings defaults = testing::Answer(get, v1::GetStageSettingsRequest());
  EXPECT_EQ(defaults.name(), "stageSettings");
  EXPECT_EQ(defaults.band_version(), v1::STAGE_BAND_VERSION_V1);
  EXPECT_TRUE(defaults.update_actor().empty());

  const v1::StageSettings v2 =
      testing::Answer(update, ChooseBands(v1::STAGE_BAND_VERSION_V2, defaults.etag()));
  EXPECT_EQ(v2.band_version(), v1::STAGE_BAND_VERSION_V2);
  EXPECT_EQ(v2.update_actor(), "tester");
  EXPECT_TRUE(v2.has_update_time());
  EXPECT_NE(v2.etag(), defaults.etag());
  // A stale etag, or a version that is none, changes nothing.
  testing::ExpectRefused(db_, update, ChooseBands(v1::STAGE_BAND_VERSION_V1, defaults.etag()),
                         absl::StatusCode::kAborted);
  testing::ExpectRefused(db_, update, ChooseBands(v1::STAGE_BAND_VERSION_UNSPECIFIED, ""),
                         absl::StatusCode::kInvalidArgument);

  // 20% was INITIAL under V1; under V2 INITIAL starts at 30%.
  testing::ExpectRefused(db_, move_, Move(account_.account.etag()),
                         absl::StatusCode::kInvalidArgument);
  v1::TransitionStageRequest thirty = Move(account_.account.etag());
  thirty.set_share_of_wallet_percent(30);
  EXPECT_EQ(testing::Answer(move_, thirty).account().share_of_wallet_percent(), 30);
}

TEST_F(LifecycleServiceTest, AMeasuredMoveSkipsStagesWithTheMeasurementAsReason) {
  v1::TransitionStageRequest request;
  request.set_name(account_.account.name());
  v1::ShareOfWalletMeasurement* m = request.mutable_measurement();
  m->set_share_percent(85);
  m->set_source("customer's 2026 procurement report");
  m->mutable_measure_time()->set_seconds(1'780'000'000);  // 2026-05-28
  const v1::TransitionStageResponse moved = testing::Answer(move_, request);
  EXPECT_EQ(moved.account().stage(), v1::RELATIONSHIP_STAGE_STRATEGIC);
  EXPECT_EQ(moved.account().share_of_wallet_percent(), 85);
  EXPECT_EQ(moved.change().from_stage(), v1::RELATIONSHIP_STAGE_DEVELOPMENT);
  EXPECT_EQ(moved.change().measurement().source(), m->source());
  EXPECT_EQ(moved.change().reason(),
            "share of wallet measured at 85% (customer's 2026 procurement report, 2026-05-28)");
  // A measurement without its source is refused before anything is read.
  m->clear_source();
  testing::ExpectRefused(db_, move_, request, absl::StatusCode::kInvalidArgument);
}

TEST_F(LifecycleServiceTest, StageSettingsWithTheDatabaseDownWriteNothing) {
  testing::ExpectUnavailable(db_, Bind(&service_, &LifecycleService::UpdateStageSettings),
                             ChooseBands(v1::STAGE_BAND_VERSION_V2, ""));
}

}  // namespace
}  // namespace kam::account::lifecycle
