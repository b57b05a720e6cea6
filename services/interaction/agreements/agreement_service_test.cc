// Handler unit tests of AgreementService over FakeAgreementStore and
// FakeAccountClient: create (the account's owner by default, the computed
// fields), idempotent retries even while the account service is down,
// dependencies down writing nothing, stale etags, termination, and an
// account manager's call narrowed to their accounts. No database, no
// network.
#include "services/interaction/agreements/agreement_service.h"

#include <string>

#include "absl/time/clock.h"
#include "common/base/proto_time.h"
#include "common/testing/fake_team_accounts.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "services/interaction/agreements/fake_agreement_store.h"
#include "services/interaction/shared/fake_account_client.h"

namespace kam::interaction::agreements {
namespace {

using google::protobuf::util::MessageDifferencer;

constexpr absl::Duration kDay = absl::Hours(24);

class AgreementServiceTest : public ::testing::Test {
 protected:
  AgreementServiceTest() {
    account::v1::Account account = accounts_.PutAccount(7);
    account.set_owner("am.liu");
    accounts_.Put(account);
    accounts_.PutAccount(8);
  }

  absl::StatusOr<v1::Agreement> Create(const std::string& request_id,
                                       const common::CallContext& ctx,
                                       const std::string& account = "accounts/7") {
    v1::CreateAgreementRequest request;
    request.set_request_id(request_id);
    v1::Agreement* a = request.mutable_agreement();
    a->set_account(account);
    a->set_title("Framework agreement");
    *a->mutable_start_time() = common::ToProtoTimestamp(now_ - 30 * kDay);
    *a->mutable_end_time() = common::ToProtoTimestamp(now_ + 365 * kDay);
    a->set_cooperation_model(v1::COOPERATION_MODEL_FRAMEWORK);
    a->set_owner(account == "accounts/7" ? "" : "u8");
    a->set_notice_period_days(90);
    v1::Agreement created;
    if (absl::Status s = service_.CreateAgreement(ctx, request, &created); !s.ok()) return s;
    return created;
  }
  absl::StatusOr<v1::Agreement> Create(const std::string& request_id) {
    return Create(request_id, ctx_);
  }

  absl::Status Retitle(const v1::Agreement& a, const std::string& etag) {
    v1::UpdateAgreementRequest request;
    request.mutable_agreement()->set_name(a.name());
    request.mutable_agreement()->set_etag(etag);
    request.mutable_agreement()->set_title("Renamed");
    request.mutable_update_mask()->add_paths("title");
    v1::Agreement out;
    return service_.UpdateAgreement(ctx_, request, &out);
  }

  // One time for every create of a test, so a retry sends the same request.
  const absl::Time now_ = absl::Now();
  FakeAgreementStore store_;
  FakeAccountClient accounts_;
  AgreementService service_{&store_, &accounts_};
  const common::CallContext ctx_{nullptr, "tester", ""};
};

TEST_F(AgreementServiceTest, CreateTakesTheAccountsOwnerAndComputesTheRest) {
  absl::StatusOr<v1::Agreement> a = Create("create-1");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->owner(), "am.liu");
  EXPECT_EQ(a->state(), v1::AGREEMENT_STATE_ACTIVE);
  EXPECT_EQ(common::FromProtoTimestamp(a->notice_deadline()),
            common::FromProtoTimestamp(a->end_time()) - 90 * kDay);
  ASSERT_EQ(store_.Agreements().size(), 1u);
  v1::Agreement got;
  ASSERT_TRUE(service_.GetAgreement(ctx_, [&] {
    v1::GetAgreementRequest r;
    r.set_name(a->name());
    return r;
  }(), &got).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(got, *a));
}

TEST_F(AgreementServiceTest, RetryIsAnsweredEvenWhileTheAccountServiceIsDown) {
  absl::StatusOr<v1::Agreement> first = Create("retry-1");
  ASSERT_TRUE(first.ok()) << first.status();
  accounts_.SetDown(true);
  absl::StatusOr<v1::Agreement> retry = Create("retry-1");
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->name(), first->name());
  EXPECT_EQ(store_.Agreements().size(), 1u);
  // A new create needs the account service.
  EXPECT_EQ(Create("new-1").status().code(), absl::StatusCode::kUnavailable);
  accounts_.SetDown(false);
  store_.SetDown(true);
  EXPECT_EQ(Create("new-2").status().code(), absl::StatusCode::kUnavailable);
  store_.SetDown(false);
  EXPECT_EQ(store_.Agreements().size(), 1u);
}

TEST_F(AgreementServiceTest, StaleEtagIsAbortedAndTerminatedCannotChange) {
  absl::StatusOr<v1::Agreement> a = Create("etag-1");
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(Retitle(*a, a->etag()).ok());
  EXPECT_EQ(Retitle(*a, a->etag()).code(), absl::StatusCode::kAborted);
  v1::TerminateAgreementRequest terminate;
  terminate.set_name(a->name());
  terminate.set_reason("merged");
  v1::Agreement ended;
  ASSERT_TRUE(service_.TerminateAgreement(ctx_, terminate, &ended).ok());
  EXPECT_EQ(ended.state(), v1::AGREEMENT_STATE_TERMINATED);
  EXPECT_EQ(ended.terminated_by(), "tester");
  EXPECT_EQ(Retitle(*a, "").code(), absl::StatusCode::kFailedPrecondition);
  // After the end time is refused.
  absl::StatusOr<v1::Agreement> other = Create("etag-2");
  ASSERT_TRUE(other.ok());
  terminate.set_name(other->name());
  *terminate.mutable_terminate_time() = common::ToProtoTimestamp(absl::Now() + 400 * kDay);
  EXPECT_EQ(service_.TerminateAgreement(ctx_, terminate, &ended).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(AgreementServiceTest, AManagerSeesTheirAccountsAgreementsOnly) {
  absl::StatusOr<v1::Agreement> theirs = Create("narrow-1");
  absl::StatusOr<v1::Agreement> other = Create("narrow-2", ctx_, "accounts/8");
  ASSERT_TRUE(theirs.ok() && other.ok());
  accounts_.PutTeam("am.liu", {7});
  const common::CallContext manager =
      common::testing::GrantedCaller(auth::kAccountManager, "am.liu");
  v1::GetAgreementRequest get;
  v1::Agreement got;
  get.set_name(theirs->name());
  EXPECT_TRUE(service_.GetAgreement(manager, get, &got).ok());
  get.set_name(other->name());
  EXPECT_EQ(service_.GetAgreement(manager, get, &got).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Create("narrow-3", manager, "accounts/8").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace kam::interaction::agreements
