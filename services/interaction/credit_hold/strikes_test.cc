// The three-strikes rules with exact numbers (docs/domain.md §8).
#include "services/interaction/credit_hold/strikes.h"

#include "gtest/gtest.h"

namespace kam::interaction::credit_hold {
namespace {

absl::Time Day(int month, int day) {
  return absl::FromCivil(absl::CivilDay(2026, month, day), absl::UTCTimeZone());
}

// Due on `due`, created 30 days before, settled on `settle` if given.
InvoiceDates Invoice(int64_t id, absl::Time due, std::optional<absl::Time> settle = {}) {
  return InvoiceDates{id, due, due - absl::Hours(24 * 30), settle};
}

const StrikeSettings kDefaults;  // 30 days, 3 strikes

TEST(Strikes, ThirtyDaysExactlyIsNotAStrikeAMomentMoreIs) {
  const InvoiceDates open = Invoice(1, Day(1, 1));
  EXPECT_FALSE(IsStrikeAt(open, kDefaults, Day(1, 31)));  // exactly 30 days
  EXPECT_TRUE(IsStrikeAt(open, kDefaults, Day(1, 31) + absl::Microseconds(1)));
  EXPECT_EQ(StrikeTime(Day(1, 1), kDefaults), Day(1, 31));
}

TEST(Strikes, PaidInTimeOrLateButWithinTheDaysIsNoStrike) {
  // Paid 30 days late: late, but not a strike.
  EXPECT_FALSE(IsStrikeAt(Invoice(1, Day(1, 1), Day(1, 31)), kDefaults, Day(6, 1)));
  // Paid 31 days late: a strike for good.
  EXPECT_TRUE(IsStrikeAt(Invoice(2, Day(1, 1), Day(2, 1)), kDefaults, Day(6, 1)));
  // Not known yet at t (created later, backdated): no strike at t.
  InvoiceDates backdated = Invoice(3, Day(1, 1));
  backdated.create_time = Day(5, 1);
  EXPECT_FALSE(IsStrikeAt(backdated, kDefaults, Day(4, 1)));
  EXPECT_TRUE(IsStrikeAt(backdated, kDefaults, Day(5, 1)));
}

TEST(Strikes, TheWorkedExampleOfDomainMd) {
  // Invoices due 01-10 (paid 02-20: 41 days late), 02-01 (paid 02-25: 24
  // days late), 03-01 (open) and 04-01 (open); now 05-05.
  const std::vector<InvoiceDates> invoices = {
      Invoice(1, Day(1, 10), Day(2, 20)), Invoice(2, Day(2, 1), Day(2, 25)),
      Invoice(3, Day(3, 1)), Invoice(4, Day(4, 1))};
  HoldDecision d = DecideHold(invoices, kDefaults, std::nullopt, Day(5, 5));
  ASSERT_EQ(d.strike_count, 3);
  EXPECT_TRUE(d.on_hold);
  // Most recent due first: 04-01 (34 days), 03-01 (65 days), 01-10 (41 days, paid).
  EXPECT_EQ(d.strikes[0].invoice_id, 4);
  EXPECT_EQ(d.strikes[0].days_past_due, 34);
  EXPECT_EQ(d.strikes[1].invoice_id, 3);
  EXPECT_EQ(d.strikes[1].days_past_due, 65);
  EXPECT_EQ(d.strikes[2].invoice_id, 1);
  EXPECT_EQ(d.strikes[2].days_past_due, 41);
  EXPECT_TRUE(d.strikes[2].paid);
  EXPECT_EQ(RefuseOnHold("accounts/7", d, kDefaults).message(),
            "account accounts/7 is on credit hold: 3 invoices unpaid more than 30 days past due "
            "(hold from 3); an order on credit needs the hold lifted (LiftCreditHold) or a "
            "prepaid order");
  EXPECT_EQ(RefuseOnHold("accounts/7", d, kDefaults).code(),
            absl::StatusCode::kFailedPrecondition);

  // On 05-01 invoice 4 was 30 days past due: two strikes, no hold.
  d = DecideHold(invoices, kDefaults, std::nullopt, Day(5, 1));
  EXPECT_EQ(d.strike_count, 2);
  EXPECT_FALSE(d.on_hold);
  EXPECT_TRUE(RefuseOnHold("accounts/7", d, kDefaults).ok());

  // A lift on 05-06 covers the three; invoice 5, due 04-20, becomes the
  // fourth strike after 05-20 and puts the account back on hold.
  const Lift lift{Day(5, 6), 3, "finance", "paid plan agreed"};
  std::vector<InvoiceDates> more = invoices;
  more.push_back(Invoice(5, Day(4, 20)));
  d = DecideHold(more, kDefaults, lift, Day(5, 20));
  EXPECT_EQ(d.strike_count, 3);
  EXPECT_EQ(d.strikes_after_last_lift, 0);
  EXPECT_FALSE(d.on_hold);
  d = DecideHold(more, kDefaults, lift, Day(5, 21));
  EXPECT_EQ(d.strike_count, 4);
  EXPECT_EQ(d.strikes_after_last_lift, 1);
  EXPECT_TRUE(d.strikes[0].after_last_lift);
  EXPECT_FALSE(d.strikes[1].after_last_lift);
  EXPECT_TRUE(d.on_hold);
}

TEST(Strikes, SettingsChangeTheCount) {
  const std::vector<InvoiceDates> invoices = {Invoice(1, Day(3, 1)), Invoice(2, Day(4, 1))};
  StrikeSettings strict{10, 2};
  EXPECT_TRUE(DecideHold(invoices, strict, std::nullopt, Day(4, 12)).on_hold);
  EXPECT_FALSE(DecideHold(invoices, strict, std::nullopt, Day(4, 11)).on_hold);
  EXPECT_FALSE(DecideHold(invoices, kDefaults, std::nullopt, Day(4, 12)).on_hold);
}

TEST(Strikes, SettingsOutOfRangeNameTheField) {
  EXPECT_EQ(CheckSettings({-1, 3}).message(), "policy.strike_days must be from 0 to 3650 (got -1)");
  EXPECT_EQ(CheckSettings({30, 0}).message(), "policy.strike_threshold must be from 1 to 100 (got 0)");
  EXPECT_TRUE(CheckSettings(kDefaults).ok());
}

}  // namespace
}  // namespace kam::interaction::credit_hold
