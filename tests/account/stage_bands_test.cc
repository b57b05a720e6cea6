// Stage bands version 2 and measured stage moves (docs/domain.md §4) against
// the real service and database: the settings singleton (defaults, etag,
// actor and time, bad requests), how the chosen version changes what a move
// accepts, and moves supported by a share-of-wallet measurement (skipping
// stages either way, recorded in the history with the measurement), while
// INTERRUPTED and churned accounts keep their rules.
//
// The band version is one setting of the whole book, so these tests have a
// suite (and database) of their own; they run in order and each leaves the
// version it needs set.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "tests/account/account_client.h"

namespace kam::testing {
namespace {

using google::protobuf::util::TimeUtil;
using Stage = v1::RelationshipStage;
constexpr Stage kDev = v1::RELATIONSHIP_STAGE_DEVELOPMENT;
constexpr Stage kInitial = v1::RELATIONSHIP_STAGE_INITIAL;
constexpr Stage kStable = v1::RELATIONSHIP_STAGE_STABLE;
constexpr Stage kStrategic = v1::RELATIONSHIP_STAGE_STRATEGIC;

v1::StageSettings Settings() {
  return OkValue(Call(&AccountApi::GetStageSettings, v1::GetStageSettingsRequest()));
}

Reply<v1::StageSettings> ChooseBands(v1::StageBandVersion version, const std::string& etag = "") {
  v1::UpdateStageSettingsRequest request;
  request.mutable_settings()->set_band_version(version);
  request.mutable_settings()->set_etag(etag);
  return Call(&AccountApi::UpdateStageSettings, request, "admin.wang");
}

v1::Account MakeAccount(Stage stage = v1::RELATIONSHIP_STAGE_UNSPECIFIED, int share = 0) {
  v1::CreateAccountRequest request;
  request.mutable_account()->set_display_name(Unique("Bands"));
  request.mutable_account()->set_stage(stage);
  request.mutable_account()->set_share_of_wallet_percent(share);
  return OkValue(Call(&AccountApi::CreateAccount, request));
}

// A move to `to` (unset when UNSPECIFIED) with `share` (unset when < 0).
v1::TransitionStageRequest MoveTo(const std::string& account, Stage to, int share = -1) {
  v1::TransitionStageRequest request = ByName<v1::TransitionStageRequest>(account);
  request.set_to_stage(to);
  if (share >= 0) request.set_share_of_wallet_percent(share);
  return request;
}

// A move supported by a measurement of `share`, taken a day ago.
v1::TransitionStageRequest Measured(const std::string& account, Stage to, int share) {
  v1::TransitionStageRequest request = MoveTo(account, to);
  v1::ShareOfWalletMeasurement* m = request.mutable_measurement();
  m->set_share_percent(share);
  m->set_source("customer procurement report");
  *m->mutable_measure_time() = TimeUtil::SecondsToTimestamp(
      TimeUtil::TimestampToSeconds(TimeUtil::GetCurrentTime()) - 86400);
  return request;
}

Reply<v1::TransitionStageResponse> Transition(const v1::TransitionStageRequest& request) {
  return Call(&AccountApi::TransitionStage, request);
}

std::vector<v1::StageChange> StageHistory(const std::string& name) {
  v1::ListStageHistoryRequest request;
  request.set_parent(name);
  return AllPages<v1::StageChange>(Accounts(), &AccountApi::ListStageHistory, request);
}

TEST(StageBands, SettingsStartAtVersionOneAndChangeWithTheirEtag) {
  const v1::StageSettings defaults = Settings();
  EXPECT_EQ(defaults.name(), "stageSettings");
  EXPECT_EQ(defaults.band_version(), v1::STAGE_BAND_VERSION_V1);
  EXPECT_TRUE(defaults.update_actor().empty());
  EXPECT_FALSE(defaults.has_update_time());
  EXPECT_FALSE(defaults.etag().empty());
  v1::GetStageSettingsRequest by_name;
  by_name.set_name("stageSettings");
  EXPECT_EQ(OkValue(Call(&AccountApi::GetStageSettings, by_name)).etag(), defaults.etag());
  by_name.set_name("stageSettings/2");
  EXPECT_TRUE(IsInvalidField(Call(&AccountApi::GetStageSettings, by_name).status, "name"));

  const v1::StageSettings v2 = OkValue(ChooseBands(v1::STAGE_BAND_VERSION_V2, defaults.etag()));
  EXPECT_EQ(v2.band_version(), v1::STAGE_BAND_VERSION_V2);
  EXPECT_EQ(v2.update_actor(), "admin.wang");
  EXPECT_TRUE(v2.has_update_time());
  EXPECT_NE(v2.etag(), defaults.etag());
  EXPECT_EQ(Settings().etag(), v2.etag());

  // A stale etag, a version that is none, an output-only path: refused, and
  // nothing changes.
  EXPECT_CODE(ChooseBands(v1::STAGE_BAND_VERSION_V1, defaults.etag()).status, ABORTED);
  EXPECT_TRUE(
      IsInvalidField(ChooseBands(v1::STAGE_BAND_VERSION_UNSPECIFIED).status, "update_mask"));
  v1::UpdateStageSettingsRequest unset;
  unset.mutable_settings();
  unset.mutable_update_mask()->add_paths("band_version");
  EXPECT_TRUE(IsInvalidField(Call(&AccountApi::UpdateStageSettings, unset).status,
                             "settings.band_version"));
  EXPECT_TRUE(IsInvalidField(ChooseBands(static_cast<v1::StageBandVersion>(7)).status,
                             "settings.band_version"));
  v1::UpdateStageSettingsRequest masked;
  masked.mutable_settings()->set_band_version(v1::STAGE_BAND_VERSION_V1);
  masked.mutable_update_mask()->add_paths("update_actor");
  EXPECT_TRUE(IsInvalidField(Call(&AccountApi::UpdateStageSettings, masked).status, "update_mask"));
  EXPECT_TRUE(IsInvalidField(
      Call(&AccountApi::UpdateStageSettings, v1::UpdateStageSettingsRequest()).status, "settings"));
  EXPECT_EQ(Settings().etag(), v2.etag());
  ASSERT_OK(ChooseBands(v1::STAGE_BAND_VERSION_V1).status);
}

// One-step moves keep their rules; the bands follow the version in force.
TEST(StageBands, TheVersionInForceDecidesTheBands) {
  ASSERT_OK(ChooseBands(v1::STAGE_BAND_VERSION_V1).status);
  const v1::Account a = MakeAccount();
  EXPECT_OK(Transition(MoveTo(a.name(), kInitial, 20)).status);  // V1: INITIAL is 0-49

  ASSERT_OK(ChooseBands(v1::STAGE_BAND_VERSION_V2).status);
  const v1::Account b = MakeAccount();
  const Reply<v1::TransitionStageResponse> twenty = Transition(MoveTo(b.name(), kInitial, 20));
  EXPECT_TRUE(IsInvalidField(twenty.status, "share_of_wallet_percent"));
  EXPECT_TRUE(absl::StrContains(twenty.status.error_message(),
                                "must be from 30 to 50 for stage INITIAL under band version 2"))
      << twenty.status.error_message();
  EXPECT_OK(Transition(MoveTo(b.name(), kInitial, 50)).status);  // V2: INITIAL is 30-50
  EXPECT_TRUE(
      IsInvalidField(Transition(MoveTo(b.name(), kStable, 50)).status, "share_of_wallet_percent"));
  // Incubation holds a little share under V2 (a move back needs a reason).
  v1::TransitionStageRequest back = MoveTo(b.name(), kDev, 10);
  back.set_reason("lost the main contract");
  const v1::TransitionStageResponse incubating = OkValue(Transition(back));
  EXPECT_EQ(incubating.account().share_of_wallet_percent(), 10);
  EXPECT_FALSE(StageHistory(b.name()).back().has_measurement());  // not a measured move
  // Still one step at a time without a measurement.
  const Reply<v1::TransitionStageResponse> skip = Transition(MoveTo(b.name(), kStable, 60));
  EXPECT_CODE(skip.status, FAILED_PRECONDITION);
  ASSERT_OK(ChooseBands(v1::STAGE_BAND_VERSION_V1).status);
}

TEST(StageBands, AMeasuredMoveGoesStraightToTheStageItsShareIsIn) {
  ASSERT_OK(ChooseBands(v1::STAGE_BAND_VERSION_V1).status);
  const v1::Account a = MakeAccount();
  // DEVELOPMENT -> STRATEGIC in one move, to_stage given.
  const v1::TransitionStageResponse up = OkValue(Transition(Measured(a.name(), kStrategic, 85)));
  EXPECT_EQ(up.account().stage(), kStrategic);
  EXPECT_EQ(up.account().share_of_wallet_percent(), 85);
  // STRATEGIC -> INITIAL, to_stage left to the share; no reason needed.
  const v1::TransitionStageResponse down =
      OkValue(Transition(Measured(a.name(), v1::RELATIONSHIP_STAGE_UNSPECIFIED, 30)));
  EXPECT_EQ(down.account().stage(), kInitial);
  EXPECT_EQ(down.account().share_of_wallet_percent(), 30);
  const std::vector<v1::StageChange> history = StageHistory(a.name());
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[1].from_stage(), kStrategic);
  EXPECT_EQ(history[1].to_stage(), kInitial);
  EXPECT_EQ(history[1].measurement().share_percent(), 30);
  EXPECT_EQ(history[1].measurement().source(), "customer procurement report");
  EXPECT_TRUE(history[1].measurement().has_measure_time());
  EXPECT_TRUE(absl::StartsWith(history[1].reason(),
                               "share of wallet measured at 30% (customer "
                               "procurement report, "))
      << history[1].reason();
  EXPECT_EQ(history[0].measurement().share_percent(), 85);  // as stored, read back

  // The measured share must fit the stage asked for, and agree with a share
  // sent alongside it.
  EXPECT_TRUE(IsInvalidField(Transition(Measured(a.name(), kStrategic, 60)).status,
                             "measurement.share_percent"));
  v1::TransitionStageRequest disagreeing = Measured(a.name(), kStable, 60);
  disagreeing.set_share_of_wallet_percent(70);
  EXPECT_TRUE(IsInvalidField(Transition(disagreeing).status, "share_of_wallet_percent"));
  v1::TransitionStageRequest future = Measured(a.name(), kStable, 60);
  future.mutable_measurement()->mutable_measure_time()->set_seconds(
      TimeUtil::TimestampToSeconds(TimeUtil::GetCurrentTime()) + 86400);
  EXPECT_TRUE(IsInvalidField(Transition(future).status, "measurement.measure_time"));
  EXPECT_EQ(StageHistory(a.name()).size(), 2u);

  // Under V2 the same share can mean another stage: 50 is INITIAL there.
  ASSERT_OK(ChooseBands(v1::STAGE_BAND_VERSION_V2).status);
  const v1::Account b = MakeAccount();
  EXPECT_EQ(OkValue(Transition(Measured(b.name(), v1::RELATIONSHIP_STAGE_UNSPECIFIED, 50)))
                .account()
                .stage(),
            kInitial);
  ASSERT_OK(ChooseBands(v1::STAGE_BAND_VERSION_V1).status);
}

TEST(StageBands, InterruptedAndChurnedAccountsKeepTheirRules) {
  ASSERT_OK(ChooseBands(v1::STAGE_BAND_VERSION_V1).status);
  const v1::Account a = MakeAccount(kStable, 60);
  v1::TransitionStageRequest interrupt = MoveTo(a.name(), v1::RELATIONSHIP_STAGE_INTERRUPTED);
  interrupt.set_interruption_cause(v1::INTERRUPTION_CAUSE_LACK_OF_TRUST);
  v1::TransitionStageRequest measured_interrupt = interrupt;
  *measured_interrupt.mutable_measurement() = Measured(a.name(), kStable, 0).measurement();
  EXPECT_TRUE(IsInvalidField(Transition(measured_interrupt).status, "measurement"));
  ASSERT_OK(Transition(interrupt).status);
  // An interrupted relationship restarts at DEVELOPMENT, measured or not.
  EXPECT_CODE(Transition(Measured(a.name(), kStable, 60)).status, FAILED_PRECONDITION);
  EXPECT_OK(Transition(Measured(a.name(), kDev, 0)).status);

  const v1::Account b = MakeAccount(kInitial, 20);
  v1::MarkChurnedRequest churn;
  churn.set_name(b.name());
  churn.set_kind(v1::CHURN_EVENT_KIND_CUSTOMER_CHURN);
  churn.set_reason(v1::CHURN_REASON_PRICE);
  ASSERT_OK(Call(&AccountApi::MarkChurned, churn).status);
  EXPECT_CODE(Transition(Measured(b.name(), kStrategic, 90)).status, FAILED_PRECONDITION);
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) { return kam::testing::RunTestsOnSuite(argc, argv); }
