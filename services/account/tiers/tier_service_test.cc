// SetAccountTiers against the in-memory database: a batch publishes tiers
// and history once per rating run, a batch naming a missing account writes
// nothing, and a database that is down.
#include "services/account/tiers/tier_service.h"

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

TEST_F(TierServiceTest, ABatchWithAMissingAccountWritesNothing) {
  testing::ExpectRefused(db_, publish_, Publish("run-1", {acme_, "accounts/999"}),
                         absl::StatusCode::kNotFound);
}

TEST_F(TierServiceTest, DatabaseDownAnswersUnavailableAndWritesNothing) {
  testing::ExpectUnavailable(db_, publish_, Publish("run-1", {acme_}));
}

}  // namespace
}  // namespace kam::account::tiers
