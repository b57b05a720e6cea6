// AGREEMENT_ENDING over real rating runs: the interaction service's facts
// carry each account's agreement ending soonest, and a run raises the alert
// for an account whose agreement's notice deadline is within the policy's
// window (60 days by default), once per agreement end: a second run with
// nothing changed raises none, and an agreement whose end is moved into the
// window raises one in the next run.
//
// Accounts: `due` has an agreement ending in 40 days with 30 days' notice
// (deadline in 10 days: within the window); `later` one ending in 400 days
// (deadline in 370 days: not within it), moved after run 2 to end in 50
// days (deadline in 20 days).
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "kam/interaction/v1/agreement.grpc.pb.h"
#include "tests/scoring/report_test_helpers.h"

namespace kam::testing {
namespace {

namespace iv1 = ::kam::interaction::v1;
using AgreementStub = iv1::AgreementService::Stub;

constexpr absl::Duration kDay = absl::Hours(24);

google::protobuf::Timestamp At(absl::Time time) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(time));
  return ts;
}

// An agreement of `account` that started 300 days ago and ends in `ends_in`,
// with `notice_days` of notice.
iv1::Agreement MustCreateAgreement(const std::string& account, absl::Duration ends_in,
                                   int notice_days) {
  iv1::CreateAgreementRequest request;
  iv1::Agreement* a = request.mutable_agreement();
  a->set_account(account);
  a->set_title(Unique("Supply agreement"));
  *a->mutable_start_time() = At(absl::Now() - 300 * kDay);
  *a->mutable_end_time() = At(absl::Now() + ends_in);
  a->set_cooperation_model(iv1::COOPERATION_MODEL_EXCLUSIVE_SUPPLY);
  a->set_owner("u-scoring");
  a->set_notice_period_days(notice_days);
  return OkValue(
      Call(InteractionApi<iv1::AgreementService>(), &AgreementStub::CreateAgreement, request));
}

std::vector<sv1::Alert> AgreementAlerts(const std::string& run) {
  sv1::ListAlertsRequest request;
  request.set_filter(absl::StrCat("kind = AGREEMENT_ENDING AND run = \"", run, "\""));
  request.set_page_size(1000);
  const sv1::ListAlertsResponse response =
      OkValue(Call(Alerts(), &sv1::AlertService::Stub::ListAlerts, request));
  return {response.alerts().begin(), response.alerts().end()};
}

TEST(AgreementEnding, RaisedOncePerAgreementEnd) {
  const std::string due = AccountWithRevenue(120000);
  const std::string later = AccountWithRevenue(60000);
  const iv1::Agreement due_agreement = MustCreateAgreement(due, 40 * kDay, 30);
  const iv1::Agreement later_agreement = MustCreateAgreement(later, 400 * kDay, 30);
  const std::string policy = MustCreatePolicy(ThresholdPolicy(100000, 50000, 10000)).name();

  const std::string run1 = RunToSuccess(policy);
  std::vector<sv1::Alert> first = AgreementAlerts(run1);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].account(), due);
  EXPECT_EQ(first[0].severity(), sv1::ALERT_SEVERITY_CRITICAL);  // a key account (tier A)
  EXPECT_NE(first[0].message().find(due_agreement.name()), std::string::npos)
      << first[0].message();
  // The deadline is 10 days after the agreement was made, a little less
  // after the run: 9 whole days left.
  EXPECT_NE(first[0].message().find("notice deadline"), std::string::npos) << first[0].message();
  EXPECT_NE(first[0].evidence().find(", 9 days after this run; window 60 days"), std::string::npos)
      << first[0].evidence();

  // Nothing changed: the same agreement end raises nothing again.
  const std::string run2 = RunToSuccess(policy);
  EXPECT_TRUE(AgreementAlerts(run2).empty());

  // `later` is renegotiated to end in 50 days: its new end is raised once.
  iv1::UpdateAgreementRequest update;
  update.mutable_agreement()->set_name(later_agreement.name());
  *update.mutable_agreement()->mutable_end_time() = At(absl::Now() + 50 * kDay);
  update.mutable_update_mask()->add_paths("end_time");
  ASSERT_OK(Call(InteractionApi<iv1::AgreementService>(), &AgreementStub::UpdateAgreement, update)
                .status);
  const std::string run3 = RunToSuccess(policy);
  std::vector<sv1::Alert> third = AgreementAlerts(run3);
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(third[0].account(), later);
  EXPECT_EQ(third[0].severity(), sv1::ALERT_SEVERITY_CRITICAL);  // tier B is a key tier
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  return kam::testing::RunTestsOnSuite(argc, argv, kam::testing::ScoringSuiteOptions());
}
