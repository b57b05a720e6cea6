// SetAccountTiers against the in-memory database: a batch publishes tiers
// and history once per rating run, a batch naming a missing account writes
// nothing, and a database that is down.
#include "services/account/tiers/tier_service.h"

#include <vector>

#include "gtest/gtest.h"
#include "services/account/fake_account_database.h"
#include "services/account/handler_test_checks.h"

namespace kam::account::tiers {
namespace {

using testing::Bind;

class TierServiceTest : public ::testing::Test {
 protected:
  v1::SetAccountTiersRequest Publish(const std::string& run,
                                     std::initializer_list<std::string> accounts) {
    v1::SetAccountTiersRequest request;
    request.set_rating_run(run);
    request.set_policy_version("policy-1");
    for (const std::string& account : accounts) {
      v1::TierAssignment* assignment = request.add_assignments();
      assignment->set_account(account);
      assignment->set_tier(v1::TIER_A);
    }
    return request;
  }

  FakeAccountDatabase db_;
  const std::string acme_ = db_.PutAccount("Acme").account.name();
  const std::string globex_ = db_.PutAccount("Globex").account.name();
  TierService service_{&db_.tiers(), &db_};
  testing::Call<v1::SetAccountTiersRequest, v1::SetAccountTiersResponse> publish_ =
      Bind(&service_, &TierService::SetAccountTiers);
};

TEST_F(TierServiceTest, ARunPublishesEachTierOnce) {
  const v1::SetAccountTiersResponse first =
      testing::Answer(publish_, Publish("run-1", {acme_, globex_}));
  EXPECT_EQ(first.changed_count(), 2);
  EXPECT_EQ(db_.rows().tier_changes.size(), 2u);
  const v1::SetAccountTiersResponse again =
      testing::Answer(publish_, Publish("run-1", {acme_, globex_}));
  EXPECT_EQ(again.already_applied_count(), 2);
  EXPECT_EQ(db_.rows().tier_changes.size(), 2u);
  const v1::SetAccountTiersResponse next = testing::Answer(publish_, Publish("run-2", {acme_}));
  EXPECT_EQ(next.unchanged_count(), 1);
  EXPECT_EQ(db_.rows().tier_changes.size(), 2u);
}

TEST_F(TierServiceTest, AnOlderRunNeverOverwritesANewerOne) {
  EXPECT_EQ(testing::Answer(publish_, Publish("ratingRuns/10", {acme_})).changed_count(), 1);
  v1::SetAccountTiersRequest older = Publish("ratingRuns/9", {acme_, globex_});
  older.mutable_assignments(0)->set_tier(v1::TIER_D);
  const v1::SetAccountTiersResponse late = testing::Answer(publish_, older);
  // Acme keeps run 10's tier; Globex, which run 10 has not reached, takes
  // run 9's until run 10 gets there.
  EXPECT_EQ(late.already_applied_count(), 1);
  EXPECT_EQ(late.changed_count(), 1);
  EXPECT_EQ(db_.rows().tier_changes.size(), 2u);
  EXPECT_EQ(testing::Answer(publish_, Publish("ratingRuns/10", {globex_})).unchanged_count(), 1);
}

TEST(IsLaterRun, OrdersRunsByTheirTrailingNumber) {
  struct Case {
    const char* stamped;
    const char* run;
    bool later;
  };
  for (const Case& c : std::vector<Case>{{"ratingRuns/10", "ratingRuns/9", true},
                                         {"ratingRuns/9", "ratingRuns/10", false},
                                         {"ratingRuns/7", "ratingRuns/7", false},
                                         {"ratingRuns/007", "ratingRuns/6", true},
                                         {"ratingRuns/123456789012345678901", "ratingRuns/2", true},
                                         {"", "ratingRuns/1", false},
                                         {"other/5", "ratingRuns/1", false},
                                         {"manual", "ratingRuns/1", false}}) {
    EXPECT_EQ(IsLaterRun(c.stamped, c.run), c.later) << c.stamped << " vs " << c.run;
  }
}

TEST_F(TierServiceTest, ABatchWithAMissingAccountWritesNothing) {
  testing::ExpectRefused(db_, publish_, Publish("run-1", {acme_, "accounts/999"}),
                         absl::StatusCode::kNotFound);
}

TEST_F(TierServiceTest, DatabaseDownAnswersUnavailableAndWritesNothing) {
  testing::ExpectUnavailable(db_, publish_, Publish("run-1", {acme_}));
}

}  // namespace
}  // namespace kam::account::tiers
