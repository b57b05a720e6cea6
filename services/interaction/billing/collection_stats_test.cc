#include "services/interaction/billing/collection_stats.h"

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
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

// Every figure, in one line: what a test expects of the whole result.
std::string Summary(const CollectionFigures& f) {
  auto optional = [](const auto& value) {
    return value.has_value() ? absl::StrCat(*value) : std::string("none");
  };
  return absl::StrCat("revenue ", f.invoiced_revenue, ", cost ", f.invoiced_cost, ", profit ",
                      f.gross_profit, ", invoices ", f.invoice_count, ", due ", f.collection_due,
                      ", collected ", f.collection_collected, ", rate ",
                      optional(f.collection_rate_basis_points), ", owed ", f.receivables_at_end,
                      ", overdue ", f.overdue_at_end, ", days ", f.period_days, ", dso ",
                      optional(f.days_sales_outstanding));
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
  // Due in March: A's 1000 less the 400 paid before, and B's 500; collected
  // 600 + 200. Only C was issued in March. Owed at the end of March: B 300
  // (overdue) + C 500 (not due yet); DSO 800 / 800 x 31.
  EXPECT_EQ(Summary(ComputeCollectionFigures(invoices, kMarch, kApril)),
            "revenue 800, cost 0, profit 800, invoices 1, due 1100, collected 800, rate 7273, "
            "owed 800, overdue 300, days 31, dso 31");
}

TEST(ComputeCollectionFigures, DsoWorkedExampleOfTheProto) {
  // Invoiced 3100 in March, 1500 of it still owed at the end.
  const std::vector<InvoiceHistory> invoices = {
      Invoice(2000, Date(3, 2), Date(4, 1), {{1600, Date(3, 30)}}),
      Invoice(1100, Date(3, 20), Date(4, 19)),
  };
  // Neither fell due before April 1 (the first is due exactly at the end,
  // which is outside the half-open period).
  EXPECT_EQ(Summary(ComputeCollectionFigures(invoices, kMarch, kApril)),
            "revenue 3100, cost 0, profit 3100, invoices 2, due 0, collected 0, rate none, "
            "owed 1500, overdue 0, days 31, dso 15");
}

TEST(ComputeCollectionFigures, NoInvoices) {
  EXPECT_EQ(Summary(ComputeCollectionFigures({}, kMarch, kApril)),
            "revenue 0, cost 0, profit 0, invoices 0, due 0, collected 0, rate none, owed 0, "
            "overdue 0, days 31, dso none");
}

// What fell due in March and what of it was collected, and what was still
// owed at the end of March.
struct CollectionCase {
  const char* what;
  std::vector<InvoiceHistory> invoices;
  int64_t due;
  int64_t collected;
  int64_t rate_basis_points;
  int64_t receivables_at_end;
  int64_t overdue_at_end;
  std::optional<double> days_sales_outstanding;
};

TEST(ComputeCollectionFigures, CollectionOfWhatFellDue) {
  const CollectionCase cases[] = {
      {"nothing invoiced in March; a February invoice is still owed",
       {Invoice(700, Date(1, 5), Date(2, 4))},
       700,
       0,
       0,
       700,
       700,
       std::nullopt},
      {"due in March: 1000, of which 250 then 250 arrive in March (DSO 500 / 1000 x 31)",
       {Invoice(1000, Date(3, 1), Date(3, 16), {{250, Date(3, 10)}, {250, Date(3, 31)}})},
       1000,
       500,
       5000,
       500,
       500,
       15.5},
      {"payments after the period do not count (paid at end_time, after the period)",
       {Invoice(1000, Date(2, 1), Date(3, 3), {{1000, kApril}})},
       1000,
       0,
       0,
       1000,
       1000,
       std::nullopt},
      {"payments before the period shrink what is due (900 was paid before March)",
       {Invoice(1000, Date(1, 1), Date(2, 1), {{900, Date(2, 28)}, {100, kMarch}})},
       100,
       100,
       10000,
       0,
       0,
       std::nullopt},
      {"early payments of invoices not yet due are left out",
       {Invoice(600, Date(3, 15), Date(4, 14), {{600, Date(3, 20)}}),
        Invoice(400, Date(2, 1), Date(3, 3), {{100, Date(3, 4)}})},
       400,
       100,
       2500,
       300,
       300,
       15.5},
  };
  for (const CollectionCase& c : cases) {
    SCOPED_TRACE(c.what);
    const CollectionFigures f = ComputeCollectionFigures(c.invoices, kMarch, kApril);
    EXPECT_EQ(f.collection_due, c.due);
    EXPECT_EQ(f.collection_collected, c.collected);
    EXPECT_EQ(f.collection_rate_basis_points, c.rate_basis_points);
    EXPECT_EQ(f.receivables_at_end, c.receivables_at_end);
    EXPECT_EQ(f.overdue_at_end, c.overdue_at_end);
    EXPECT_EQ(f.days_sales_outstanding, c.days_sales_outstanding);
  }
}

TEST(ComputeCollectionFigures, RevenueCostAndGrossProfit) {
  const CollectionFigures f = ComputeCollectionFigures(
      {Invoice(1000, Date(3, 1), Date(3, 31), {}, 700),  // first instant: in
       Invoice(500, Date(3, 31) + absl::Hours(23), Date(4, 30), {}, 100),
       Invoice(900, kApril, Date(5, 1), {}, 10),         // at end_time: out
       Invoice(300, Date(2, 28), Date(3, 30), {}, 30)},  // before: out
      kMarch, kApril);
  // Owed at the end: 1000 + 500 + 300 (the April invoice not yet issued).
  EXPECT_EQ(Summary(f),
            "revenue 1500, cost 800, profit 700, invoices 2, due 1300, collected 0, rate 0, "
            "owed 1800, overdue 1300, days 31, dso 37.2");
}

TEST(ComputeCollectionFigures, FractionalPeriods) {
  EXPECT_EQ(Summary(ComputeCollectionFigures({Invoice(100, kMarch, kMarch + absl::Hours(1))},
                                             kMarch, kMarch + absl::Hours(36))),
            "revenue 100, cost 0, profit 100, invoices 1, due 100, collected 0, rate 0, owed 100, "
            "overdue 100, days 1.5, dso 1.5");
}

}  // namespace
}  // namespace kam::interaction::billing
