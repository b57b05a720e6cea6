// Payment discipline, three strikes, through the public API
// (docs/domain.md §8): two invoices unpaid more than 30 days past due leave
// orders on credit alone, the third puts the account on credit hold (an
// order on credit is refused naming the hold, a prepaid order passes), a
// lift needs a reason and lets orders through, and a new strike after the
// lift holds the account again. (PERMISSION_DENIED for a role that may not
// lift is access_table_test's: this harness runs without tokens.)
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tests/interaction/billing_client.h"

namespace kam::testing {
namespace {

using HoldStub = bv1::CreditHoldService::Stub;

HoldStub& Holds() { return InteractionApi<bv1::CreditHoldService>(); }

std::string HoldName(const std::string& account) { return absl::StrCat(account, "/creditHold"); }

bv1::CreditHold Hold(const std::string& account) {
  return OkValue(
      Call(Holds(), &HoldStub::GetCreditHold, ByName<bv1::GetCreditHoldRequest>(HoldName(account))));
}

Reply<bv1::CreditHold> Lift(const std::string& account, const std::string& reason,
                            const std::string& request_id = "") {
  bv1::LiftCreditHoldRequest request;
  request.set_name(HoldName(account));
  request.set_reason(reason);
  request.set_request_id(request_id);
  return Call(Holds(), &HoldStub::LiftCreditHold, request);
}

Reply<bv1::Order> PlacePrepaid(const std::string& account, int64_t amount) {
  bv1::CreateOrderRequest request = OrderRequest(account, amount);
  request.mutable_order()->set_prepaid(true);
  return Call(Billing(), &BillingStub::CreateOrder, request);
}

// An invoice of 100 issued 100 days ago on 30-day terms: 70 days past due
// (71 days as days past due are rounded up, a moment later),
// a strike from the moment it is recorded.
bv1::Invoice Strike(const std::string& account) {
  return MustInvoice(account, 100, absl::Now() - absl::Hours(24 * 100));
}

TEST(CreditHold, ThirdStrikeHoldsCreditUntilLiftedAndANewStrikeHoldsAgain) {
  const std::string account = CreditAccount(1000000, 30);
  // Invoices paid on time or not yet due are no strikes.
  MustInvoice(account, 100);
  const bv1::Invoice first = Strike(account);
  Strike(account);
  bv1::CreditHold hold = Hold(account);
  EXPECT_EQ(hold.name(), HoldName(account));
  EXPECT_FALSE(hold.on_hold());
  EXPECT_EQ(hold.strike_count(), 2);
  EXPECT_EQ(hold.strike_days(), 30);
  EXPECT_EQ(hold.strike_threshold(), 3);
  EXPECT_FALSE(hold.has_last_lift());
  ASSERT_OK(PlaceOrder(account, 10).status);  // two strikes: credit as usual

  // Paid now, 70 days late: still a strike; the third puts the account on hold.
  ASSERT_OK(Pay(account, 100, {{first.name(), 100}}).status);
  Strike(account);
  hold = Hold(account);
  EXPECT_TRUE(hold.on_hold());
  EXPECT_EQ(hold.strike_count(), 3);
  EXPECT_EQ(hold.strikes_after_last_lift(), 3);
  ASSERT_EQ(hold.strikes_size(), 3);
  int paid = 0;
  for (const bv1::CreditStrike& s : hold.strikes()) {
    EXPECT_EQ(s.days_past_due(), 71) << s.invoice();  // 70 days and a moment, rounded up
    paid += s.paid() ? 1 : 0;
  }
  EXPECT_EQ(paid, 1);

  Reply<bv1::Order> refused = PlaceOrder(account, 10);
  ASSERT_TRUE(HasCode(refused.status, grpc::StatusCode::FAILED_PRECONDITION));
  const std::string& m = refused.status.error_message();
  EXPECT_TRUE(absl::StrContains(m, absl::StrCat("account ", account, " is on credit hold"))) << m;
  EXPECT_TRUE(absl::StrContains(m, "3 invoices unpaid more than 30 days past due")) << m;
  Reply<bv1::Order> prepaid = PlacePrepaid(account, 10);
  ASSERT_OK(prepaid.status);
  EXPECT_TRUE(prepaid.value.prepaid());
  EXPECT_TRUE(GetOrder(prepaid.value.name()).prepaid());

  // A lift needs a reason.
  EXPECT_TRUE(HasCodeMentioning(Lift(account, "").status, grpc::StatusCode::INVALID_ARGUMENT,
                                "reason"));
  EXPECT_TRUE(HasCodeMentioning(Lift(account, "   ").status, grpc::StatusCode::INVALID_ARGUMENT,
                                "reason"));
  EXPECT_TRUE(Hold(account).on_hold());

  const std::string request_id = Unique("lift");
  Reply<bv1::CreditHold> lifted = Lift(account, "payment plan agreed with finance", request_id);
  ASSERT_OK(lifted.status);
  EXPECT_FALSE(lifted.value.on_hold());
  EXPECT_EQ(lifted.value.strike_count(), 3);
  EXPECT_EQ(lifted.value.strikes_after_last_lift(), 0);
  EXPECT_EQ(lifted.value.last_lift().strike_count(), 3);
  EXPECT_EQ(lifted.value.last_lift().reason(), "payment plan agreed with finance");
  EXPECT_EQ(lifted.value.last_lift().actor(), "test");
  // A retry answers the same; the id with another reason is refused; a
  // second lift finds nothing to lift.
  Reply<bv1::CreditHold> retried = Lift(account, "payment plan agreed with finance", request_id);
  ASSERT_OK(retried.status);
  EXPECT_EQ(retried.value.last_lift().lift_time().seconds(),
            lifted.value.last_lift().lift_time().seconds());
  EXPECT_TRUE(HasCode(Lift(account, "other", request_id).status, grpc::StatusCode::ALREADY_EXISTS));
  EXPECT_TRUE(HasCodeMentioning(Lift(account, "again").status,
                                grpc::StatusCode::FAILED_PRECONDITION, "not on credit hold"));

  ASSERT_OK(PlaceOrder(account, 10).status);  // the lift lets orders through

  // A new strike after the lift holds the account again.
  Strike(account);
  hold = Hold(account);
  EXPECT_TRUE(hold.on_hold());
  EXPECT_EQ(hold.strike_count(), 4);
  EXPECT_EQ(hold.strikes_after_last_lift(), 1);
  refused = PlaceOrder(account, 10);
  ASSERT_TRUE(HasCodeMentioning(refused.status, grpc::StatusCode::FAILED_PRECONDITION,
                                "4 invoices unpaid more than 30 days past due"));
  ASSERT_OK(PlacePrepaid(account, 10).status);
}

// While on hold, raising an order on credit is an order on credit too; a
// lower amount, or a prepaid order's, passes.
TEST(CreditHold, RaisingAnOrderOnCreditIsRefusedWhileOnHold) {
  const std::string account = CreditAccount(1000000, 30);
  const bv1::Order on_credit = OkValue(PlaceOrder(account, 500));
  const bv1::Order prepaid = OkValue(PlacePrepaid(account, 500));
  for (int i = 0; i < 3; ++i) Strike(account);
  ASSERT_TRUE(Hold(account).on_hold());

  auto set_amount = [](const bv1::Order& order, int64_t amount) {
    bv1::UpdateOrderRequest update;
    update.mutable_order()->set_name(order.name());
    *update.mutable_order()->mutable_amount() = Money(amount);
    update.mutable_update_mask()->add_paths("amount");
    return Call(Billing(), &BillingStub::UpdateOrder, update);
  };
  EXPECT_TRUE(HasCodeMentioning(set_amount(on_credit, 600).status,
                                grpc::StatusCode::FAILED_PRECONDITION,
                                absl::StrCat("account ", account, " is on credit hold")));
  EXPECT_EQ(GetOrder(on_credit.name()).amount().minor_units(), 500);
  ASSERT_OK(set_amount(on_credit, 400).status);
  ASSERT_OK(set_amount(prepaid, 900).status);
  EXPECT_EQ(GetOrder(prepaid.name()).amount().minor_units(), 900);
}

bv1::CreditHoldPolicy Policy() {
  return OkValue(Call(Holds(), &HoldStub::GetCreditHoldPolicy, bv1::GetCreditHoldPolicyRequest()));
}

Reply<bv1::CreditHoldPolicy> UpdatePolicy(std::optional<int> days, std::optional<int> threshold,
                                          const std::string& etag = "") {
  bv1::UpdateCreditHoldPolicyRequest request;
  if (days.has_value()) request.mutable_policy()->set_strike_days(*days);
  if (threshold.has_value()) request.mutable_policy()->set_strike_threshold(*threshold);
  request.mutable_policy()->set_etag(etag);
  return Call(Holds(), &HoldStub::UpdateCreditHoldPolicy, request);
}

TEST(CreditHold, ThePolicySetsTheThreshold) {
  const bv1::CreditHoldPolicy defaults = Policy();
  EXPECT_EQ(defaults.name(), "creditHoldPolicy");
  EXPECT_EQ(defaults.strike_days(), 30);
  EXPECT_EQ(defaults.strike_threshold(), 3);
  EXPECT_TRUE(HasCodeMentioning(UpdatePolicy(-1, std::nullopt).status,
                                grpc::StatusCode::INVALID_ARGUMENT, "policy.strike_days"));
  EXPECT_TRUE(HasCodeMentioning(UpdatePolicy(std::nullopt, 0).status,
                                grpc::StatusCode::INVALID_ARGUMENT, "policy.strike_threshold"));
  EXPECT_TRUE(HasCode(UpdatePolicy(std::nullopt, 2, "stale").status, grpc::StatusCode::ABORTED));

  const std::string account = CreditAccount(1000000, 30);
  Strike(account);
  Strike(account);
  ASSERT_OK(PlaceOrder(account, 10).status);
  Reply<bv1::CreditHoldPolicy> two = UpdatePolicy(std::nullopt, 2, defaults.etag());
  ASSERT_OK(two.status);
  EXPECT_EQ(two.value.strike_days(), 30);  // unset: unchanged
  EXPECT_EQ(two.value.strike_threshold(), 2);
  EXPECT_EQ(two.value.updated_by(), "test");
  EXPECT_TRUE(HasCodeMentioning(PlaceOrder(account, 10).status,
                                grpc::StatusCode::FAILED_PRECONDITION, "(hold from 2)"));
  EXPECT_EQ(Hold(account).strike_threshold(), 2);
  ASSERT_OK(UpdatePolicy(std::nullopt, 3, two.value.etag()).status);
  ASSERT_OK(PlaceOrder(account, 10).status);
}

TEST(CreditHold, NamesAreChecked) {
  EXPECT_TRUE(HasCodeMentioning(
      Call(Holds(), &HoldStub::GetCreditHold, ByName<bv1::GetCreditHoldRequest>("accounts/x")).status,
      grpc::StatusCode::INVALID_ARGUMENT, "accounts/{account}/creditHold"));
  EXPECT_TRUE(HasCode(Call(Holds(), &HoldStub::GetCreditHold,
                           ByName<bv1::GetCreditHoldRequest>("accounts/999999999/creditHold"))
                          .status,
                      grpc::StatusCode::NOT_FOUND));
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  return kam::testing::RunTestsOnSuite(argc, argv, kam::testing::InteractionSuiteOptions());
}
