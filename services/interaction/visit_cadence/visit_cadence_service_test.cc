// VisitCadenceService against FakeVisitCadenceStore and FakeAccountClient:
// the policy's etag, and the overdue report while a dependency is down.
#include "services/interaction/visit_cadence/visit_cadence_service.h"

#include "common/base/proto_time.h"
#include "gtest/gtest.h"
#include "services/interaction/shared/fake_account_client.h"
#include "services/interaction/visit_cadence/fake_visit_cadence_store.h"

namespace kam::interaction::visit_cadence {
namespace {

class VisitCadenceServiceTest : public ::testing::Test {
 protected:
  absl::StatusOr<v1::VisitCadencePolicy> SetTierA(int visit_days, const std::string& etag) {
    v1::UpdateVisitCadencePolicyRequest request;
    v1::TierVisitCadence* tier = request.mutable_policy()->add_tiers();
    tier->set_tier(account::v1::TIER_A);
    tier->set_visit_interval_days(visit_days);
    tier->set_executive_visit_interval_days(90);
    request.mutable_policy()->set_etag(etag);
    v1::VisitCadencePolicy response;
    absl::Status status = service_.UpdateVisitCadencePolicy(ctx_, request, &response);
    if (!status.ok()) return status;
    return response;
  }

  absl::StatusOr<v1::ListOverdueFollowUpsResponse> ListOverdue() {
    v1::ListOverdueFollowUpsRequest request;
    v1::ListOverdueFollowUpsResponse response;
    absl::Status status = service_.ListOverdueFollowUps(ctx_, request, &response);
    if (!status.ok()) return status;
    return response;
  }

  common::CallContext ctx_{nullptr, "alice", ""};
  FakeVisitCadenceStore store_;
  FakeAccountClient accounts_;
  VisitCadenceService service_{&store_, &accounts_};
};

TEST_F(VisitCadenceServiceTest, UpdateWithAStaleEtagIsAbortedAndChangesNothing) {
  v1::VisitCadencePolicy policy;
  ASSERT_TRUE(service_.GetVisitCadencePolicy(ctx_, {}, &policy).ok());
  absl::StatusOr<v1::VisitCadencePolicy> updated = SetTierA(20, policy.etag());
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->updated_by(), "alice");
  EXPECT_NE(updated->etag(), policy.etag());

  EXPECT_EQ(SetTierA(10, policy.etag()).status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(store_.cadence().cadence.For(1).visit_interval_days, 20);
  EXPECT_EQ(store_.cadence().version, 2);
}

TEST_F(VisitCadenceServiceTest, UpdateWhileTheDatabaseIsDownIsUnavailable) {
  store_.SetDown(true);
  EXPECT_EQ(SetTierA(20, "").status().code(), absl::StatusCode::kUnavailable);
  store_.SetDown(false);
  EXPECT_EQ(store_.cadence().version, 1);
}

TEST_F(VisitCadenceServiceTest, ReportsAnAccountNeverVisited) {
  account::v1::Account account = accounts_.PutAccount(7);
  account.set_tier(account::v1::TIER_A);
  *account.mutable_create_time() = common::ToProtoTimestamp(absl::Now() - absl::Hours(24 * 40));
  accounts_.Put(account);
  absl::StatusOr<v1::ListOverdueFollowUpsResponse> report = ListOverdue();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->accounts_checked(), 1);
  ASSERT_GE(report->items_size(), 1);
  EXPECT_EQ(report->items(0).account(), "accounts/7");
  EXPECT_EQ(report->items(0).reason(), v1::OVERDUE_REASON_VISIT_OVERDUE);
}

TEST_F(VisitCadenceServiceTest, TheReportNeedsTheAccountService) {
  accounts_.PutAccount(7);
  accounts_.SetDown(true);
  EXPECT_EQ(ListOverdue().status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace kam::interaction::visit_cadence
