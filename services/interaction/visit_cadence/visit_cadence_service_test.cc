// VisitCadenceService against FakeVisitCadenceStore and FakeAccountClient:
// the policy's etag, and the overdue report while a dependency is down.
#include "services/interaction/visit_cadence/visit_cadence_service.h"

#include "absl/strings/str_cat.h"
#include "common/api/page_token.h"
#include "common/base/fingerprint.h"
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

// The token carries the first page's as_of, which the answer echoes: one
// outside year 1..9999 (made by hand, with a valid checksum) is refused as
// a token this method did not issue rather than answered out of range.
TEST_F(VisitCadenceServiceTest, ATokenWithAnAsOfOutOfRangeIsRefused) {
  accounts_.PutAccount(7);
  const uint64_t query = common::Fingerprint64({"ListOverdueFollowUps", "", ""});
  for (int64_t micros : {int64_t{253402300800} * 1000000, int64_t{-62135596801} * 1000000}) {
    v1::ListOverdueFollowUpsRequest request;
    request.set_page_token(common::EncodePageToken(query, {{"", absl::StrCat(micros)}, 0}));
    v1::ListOverdueFollowUpsResponse response;
    const absl::Status status = service_.ListOverdueFollowUps(ctx_, request, &response);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << micros;
    EXPECT_EQ(status.message(), "page_token is not a token this method issued");
  }
}

}  // namespace
}  // namespace kam::interaction::visit_cadence
