#include "services/interaction/billing/collection_stats.h"

#include <limits>

#include "gtest/gtest.h"

namespace kam::interaction::billing {
namespace {

constexpr absl::Duration kDay = absl::Hours(24);

absl::Time Date(int month, int day) {
  return absl::FromCivil(absl::CivilDay(2026, month, day), absl::UTCTimeZone());
}

const absl::Time kMarch = Date(3, 1);
const absl::Time kApril = Date(4, 1);

InvoiceHistory Invoice(int64_t amount, absl::Time issue, absl::Time due,
                       std::vector<PaymentPart> payments = {}, int64_t cost = 0) {
  InvoiceHistory i;
  i.invoice_id = 1;
  i.account_id = 7;
  i.currency_code = "EUR";
  i.amount = amount;
  i.cost = cost;
  i.issue_time = issue;
  i.due_time = due;
  i.payments = std::move(payments);
  return i;
}

TEST(RatioBasisPoints, RoundsHalfUp) {
  EXPECT_EQ(RatioBasisPoints(800, 1100), 7273);  // 7272.72...
  EXPECT_EQ(RatioBasisPoints(1, 3), 3333);       // 3333.33...
  EXPECT_EQ(RatioBasisPoints(2, 3), 6667);       // 6666.66...
  EXPECT_EQ(RatioBasisPoints(1, 20000), 1);      // 0.5 -> 1
  EXPECT_EQ(RatioBasisPoints(1, 20001), 0);      // 0.49998 -> 0
  EXPECT_EQ(RatioBasisPoints(0, 5), 0);
  EXPECT_EQ(RatioBasisPoints(5, 5), 10000);
}

TEST(RatioBasisPoints, UndefinedWithoutADenominator) {
  EXPECT_FALSE(RatioBasisPoints(0, 0).has_value());
  EXPECT_FALSE(RatioBasisPoints(10, 0).has_value());
  EXPECT_FALSE(RatioBasisPoints(10, -1).has_value());
}

TEST(RatioBasisPoints, ExactAtTheEdgesOfInt64) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(RatioBasisPoints(kMax, kMax), 10000);
  EXPECT_EQ(RatioBasisPoints(kMax - 1, kMax), 10000);
  EXPECT_EQ(RatioBasisPoints(kMax / 2, kMax), 5000);
  EXPECT_EQ(RatioBasisPoints(kMax, 1), kMax);  // clamped, not wrapped
}

TEST(DaysSalesOutstanding, StandardFormula) {
  EXPECT_EQ(DaysSalesOutstanding(1500, 3100, 31 * kDay), 15.0);
  EXPECT_EQ(DaysSalesOutstanding(3000, 9000, 90 * kDay), 30.0);
  EXPECT_DOUBLE_EQ(*DaysSalesOutstanding(1, 3, 30 * kDay), 10.0);
  EXPECT_DOUBLE_EQ(*DaysSalesOutstanding(100, 300, kDay), 1.0 / 3.0);
  EXPECT_EQ(DaysSalesOutstanding(0, 3100, 31 * kDay), 0.0);
  EXPECT_EQ(DaysSalesOutstanding(300, 100, absl::Hours(12)), 1.5);  // half-day period
}

TEST(DaysSalesOutstanding, UndefinedWithoutRevenue) {
  EXPECT_FALSE(DaysSalesOutstanding(1500, 0, 31 * kDay).has_value());
  EXPECT_FALSE(DaysSalesOutstanding(0, 0, 31 * kDay).has_value());
  EXPECT_FALSE(DaysSalesOutstanding(10, 10, absl::ZeroDuration()).has_value());
}

// The worked example on CollectionStats in billing.proto.
TEST(ComputeCollectionFigures, WorkedExampleOfTheProto) {
  const std::vector<InvoiceHistory> invoices = {
      Invoice(1000, Date(1, 11), Date(2, 10), {{400, Date(2, 20)}, {600, Date(3, 5)}}),
      Invoice(500, Date(2, 13), Date(3, 15), {{200, Date(3, 20)}, {300, Date(4, 3)}}),
      Invoice(800, Date(3, 11), Date(4, 10), {{300, Date(3, 25)}}),
  };
  const CollectionFigures f = ComputeCollectionFigures(invoices, kMarch, kApril);
  EXPECT_EQ(f.collection_due, 1100);
  EXPECT_EQ(f.collection_collected, 800);
  EXPECT_EQ(f.collection_rate_basis_points, 7273);
  // Only C was issued in March.
  EXPECT_EQ(f.invoiced_revenue, 800);
  EXPECT_EQ(f.invoice_count, 1);
  // Owed at the end of March: B 300 (overdue) + C 500 (not due yet).
  EXPECT_EQ(f.receivables_at_end, 800);
  EXPECT_EQ(f.overdue_at_end, 300);
  EXPECT_EQ(f.period_days, 31.0);
  EXPECT_EQ(f.days_sales_outstanding, 31.0);  // 800 / 800 x 31
}

TEST(ComputeCollectionFigures, DsoWorkedExampleOfTheProto) {
  // Invoiced 3100 in March, 1500 of it still owed at the end.
  const std::vector<InvoiceHistory> invoices = {
      Invoice(2000, Date(3, 2), Date(4, 1), {{1600, Date(3, 30)}}),
      Invoice(1100, Date(3, 20), Date(4, 19)),
  };
  const CollectionFigures f = ComputeCollectionFigures(invoices, kMarch, kApril);
  EXPECT_EQ(f.invoiced_revenue, 3100);
  EXPECT_EQ(f.receivables_at_end, 1500);
  EXPECT_EQ(f.days_sales_outstanding, 15.0);
  // Neither fell due before April 1 (the first is due exactly at the end,
  // which is outside the half-open period).
  EXPECT_EQ(f.collection_due, 0);
  EXPECT_FALSE(f.collection_rate_basis_points.has_value());
}

TEST(ComputeCollectionFigures, NoInvoices) {
  const CollectionFigures f = ComputeCollectionFigures({}, kMarch, kApril);
  EXPECT_EQ(f.invoiced_revenue, 0);
  EXPECT_EQ(f.invoiced_cost, 0);
  EXPECT_EQ(f.gross_profit, 0);
  EXPECT_EQ(f.invoice_count, 0);
  EXPECT_EQ(f.collection_due, 0);
  EXPECT_EQ(f.collection_collected, 0);
  EXPECT_FALSE(f.collection_rate_basis_points.has_value());
  EXPECT_EQ(f.receivables_at_end, 0);
  EXPECT_FALSE(f.days_sales_outstanding.has_value());
  EXPECT_EQ(f.period_days, 31.0);
}

TEST(ComputeCollectionFigures, ZeroRevenueButOldDebts) {
  // Nothing invoiced in March; a February invoice is still owed.
  const CollectionFigures f =
      ComputeCollectionFigures({Invoice(700, Date(1, 5), Date(2, 4))}, kMarch, kApril);
  EXPECT_EQ(f.invoiced_revenue, 0);
  EXPECT_FALSE(f.days_sales_outstanding.has_value());
  EXPECT_EQ(f.receivables_at_end, 700);
  EXPECT_EQ(f.overdue_at_end, 700);
  EXPECT_EQ(f.collection_due, 700);
  EXPECT_EQ(f.collection_collected, 0);
  EXPECT_EQ(f.collection_rate_basis_points, 0);
}

TEST(ComputeCollectionFigures, PartialPayments) {
  // Due in March: 1000, of which 250 then 250 arrive in March.
  const CollectionFigures f = ComputeCollectionFigures(
      {Invoice(1000, Date(3, 1), Date(3, 16), {{250, Date(3, 10)}, {250, Date(3, 31)}})}, kMarch,
      kApril);
  EXPECT_EQ(f.collection_due, 1000);
  EXPECT_EQ(f.collection_collected, 500);
  EXPECT_EQ(f.collection_rate_basis_points, 5000);
  EXPECT_EQ(f.receivables_at_end, 500);
  EXPECT_EQ(f.days_sales_outstanding, 15.5);  // 500 / 1000 x 31
}

TEST(ComputeCollectionFigures, PaymentsAfterThePeriodDoNotCount) {
  const CollectionFigures f = ComputeCollectionFigures(
      {Invoice(1000, Date(2, 1), Date(3, 3), {{1000, kApril}})},  // paid at the very end
      kMarch, kApril);
  EXPECT_EQ(f.collection_due, 1000);
  EXPECT_EQ(f.collection_collected, 0);
  EXPECT_EQ(f.collection_rate_basis_points, 0);
  EXPECT_EQ(f.receivables_at_end, 1000);  // paid at end_time: after the period
}

TEST(ComputeCollectionFigures, PaymentsBeforeThePeriodShrinkWhatIsDue) {
  const CollectionFigures f = ComputeCollectionFigures(
      {Invoice(1000, Date(1, 1), Date(2, 1), {{900, Date(2, 28)}, {100, kMarch}})}, kMarch,
      kApril);
  EXPECT_EQ(f.collection_due, 100);  // 900 was paid before March
  EXPECT_EQ(f.collection_collected, 100);
  EXPECT_EQ(f.collection_rate_basis_points, 10000);
  EXPECT_EQ(f.receivables_at_end, 0);
}

TEST(ComputeCollectionFigures, EarlyPaymentsOfInvoicesNotYetDueAreLeftOut) {
  const CollectionFigures f = ComputeCollectionFigures(
      {Invoice(600, Date(3, 15), Date(4, 14), {{600, Date(3, 20)}}),
       Invoice(400, Date(2, 1), Date(3, 3), {{100, Date(3, 4)}})},
      kMarch, kApril);
  EXPECT_EQ(f.collection_due, 400);
  EXPECT_EQ(f.collection_collected, 100);
  EXPECT_EQ(f.collection_rate_basis_points, 2500);
}

TEST(ComputeCollectionFigures, RevenueCostAndGrossProfit) {
  const CollectionFigures f = ComputeCollectionFigures(
      {Invoice(1000, Date(3, 1), Date(3, 31), {}, 700),       // first instant: in
       Invoice(500, Date(3, 31) + absl::Hours(23), Date(4, 30), {}, 100),
       Invoice(900, kApril, Date(5, 1), {}, 10),                // at end_time: out
       Invoice(300, Date(2, 28), Date(3, 30), {}, 30)},         // before: out
      kMarch, kApril);
  EXPECT_EQ(f.invoiced_revenue, 1500);
  EXPECT_EQ(f.invoiced_cost, 800);
  EXPECT_EQ(f.gross_profit, 700);
  EXPECT_EQ(f.invoice_count, 2);
  // Owed at the end: 1000 + 500 + 300 (the April invoice not yet issued).
  EXPECT_EQ(f.receivables_at_end, 1800);
  EXPECT_EQ(f.overdue_at_end, 1300);
}

TEST(ComputeCollectionFigures, FractionalPeriods) {
  const CollectionFigures f = ComputeCollectionFigures(
      {Invoice(100, kMarch, kMarch + absl::Hours(1))}, kMarch, kMarch + absl::Hours(36));
  EXPECT_EQ(f.period_days, 1.5);
  EXPECT_EQ(f.days_sales_outstanding, 1.5);
  EXPECT_EQ(f.collection_due, 100);
}

}  // namespace
}  // namespace kam::interaction::billing
