#include "services/interaction/billing/receivables_aging.h"

#include "gtest/gtest.h"

namespace kam::interaction::billing {
namespace {

const absl::Time kAsOf = absl::FromUnixSeconds(1772323200);  // 2026-03-01T00:00:00Z
constexpr absl::Duration kDay = absl::Hours(24);
constexpr absl::Duration kTick = absl::Microseconds(1);

int64_t Bucket(AgingBucket b) { return static_cast<int>(b); }

InvoiceHistory Invoice(int64_t id, int64_t account, int64_t amount, absl::Time due,
                       std::vector<PaymentPart> payments = {}, const char* currency = "EUR") {
  InvoiceHistory i;
  i.invoice_id = id;
  i.account_id = account;
  i.currency_code = currency;
  i.amount = amount;
  i.issue_time = due - 30 * kDay;
  i.due_time = due;
  i.payments = std::move(payments);
  return i;
}

TEST(DueTime, AddsWholeDaysOfPaymentTerms) {
  EXPECT_EQ(DueTime(kAsOf, 0), kAsOf);
  EXPECT_EQ(DueTime(kAsOf, 30), kAsOf + 30 * kDay);
  EXPECT_EQ(DueTime(kAsOf, 365), kAsOf + 365 * kDay);
  // Time of day is kept: issued 10:15, due 10:15 N days later.
  const absl::Time morning = kAsOf + absl::Hours(10) + absl::Minutes(15);
  EXPECT_EQ(DueTime(morning, 45), morning + 45 * kDay);
}

TEST(DaysPastDue, RoundsElapsedTimeUp) {
  EXPECT_EQ(DaysPastDue(kAsOf + kDay, kAsOf), 0);          // due tomorrow
  EXPECT_EQ(DaysPastDue(kAsOf + absl::Hours(5), kAsOf), 0);  // due later today
  EXPECT_EQ(DaysPastDue(kAsOf, kAsOf), 0);                 // due this instant
  EXPECT_EQ(DaysPastDue(kAsOf - kTick, kAsOf), 1);         // a moment late
  EXPECT_EQ(DaysPastDue(kAsOf - kDay, kAsOf), 1);
  EXPECT_EQ(DaysPastDue(kAsOf - kDay - kTick, kAsOf), 2);
  EXPECT_EQ(DaysPastDue(kAsOf - 30 * kDay, kAsOf), 30);
  EXPECT_EQ(DaysPastDue(kAsOf - 400 * kDay, kAsOf), 400);
}

TEST(BucketOf, EveryBoundary) {
  EXPECT_EQ(BucketOf(0), AgingBucket::kCurrent);
  EXPECT_EQ(BucketOf(-3), AgingBucket::kCurrent);
  EXPECT_EQ(BucketOf(1), AgingBucket::kDays1To30);
  EXPECT_EQ(BucketOf(30), AgingBucket::kDays1To30);
  EXPECT_EQ(BucketOf(31), AgingBucket::kDays31To60);
  EXPECT_EQ(BucketOf(60), AgingBucket::kDays31To60);
  EXPECT_EQ(BucketOf(61), AgingBucket::kDays61To90);
  EXPECT_EQ(BucketOf(90), AgingBucket::kDays61To90);
  EXPECT_EQ(BucketOf(91), AgingBucket::kDaysOver90);
  EXPECT_EQ(BucketOf(10000), AgingBucket::kDaysOver90);
}

// Due today, 1, 30, 31, 60, 61, 90 and 91 days ago, each with its own
// amount, land in the expected buckets.
TEST(AgeReceivables, BucketsEveryBoundaryInWholeDays) {
  struct Case {
    int64_t days_late;
    AgingBucket bucket;
  };
  const Case cases[] = {{0, AgingBucket::kCurrent},     {1, AgingBucket::kDays1To30},
                        {30, AgingBucket::kDays1To30},  {31, AgingBucket::kDays31To60},
                        {60, AgingBucket::kDays31To60}, {61, AgingBucket::kDays61To90},
                        {90, AgingBucket::kDays61To90}, {91, AgingBucket::kDaysOver90}};
  for (const Case& c : cases) {
    const std::vector<AgingRow> rows =
        AgeReceivables({Invoice(1, 7, 100, kAsOf - c.days_late * kDay)}, kAsOf);
    ASSERT_EQ(rows.size(), 1u) << c.days_late;
    for (int b = 0; b < kAgingBucketCount; ++b) {
      EXPECT_EQ(rows[0].buckets[b], b == Bucket(c.bucket) ? 100 : 0)
          << c.days_late << " days late, bucket " << b;
    }
    EXPECT_EQ(rows[0].max_days_past_due, c.days_late);
  }
}

TEST(AgeReceivables, AMomentPastABoundaryMovesToTheNextBucket) {
  const std::vector<AgingRow> rows =
      AgeReceivables({Invoice(1, 7, 10, kAsOf - 30 * kDay - kTick),
                      Invoice(2, 7, 20, kAsOf - 60 * kDay - kTick),
                      Invoice(3, 7, 40, kAsOf - 90 * kDay - kTick),
                      Invoice(4, 7, 80, kAsOf - kTick)},
                     kAsOf);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].buckets[Bucket(AgingBucket::kCurrent)], 0);
  EXPECT_EQ(rows[0].buckets[Bucket(AgingBucket::kDays1To30)], 80);
  EXPECT_EQ(rows[0].buckets[Bucket(AgingBucket::kDays31To60)], 10);
  EXPECT_EQ(rows[0].buckets[Bucket(AgingBucket::kDays61To90)], 20);
  EXPECT_EQ(rows[0].buckets[Bucket(AgingBucket::kDaysOver90)], 40);
  EXPECT_EQ(rows[0].total, 150);
  EXPECT_EQ(rows[0].overdue, 150);
  EXPECT_EQ(rows[0].open_invoice_count, 4);
  EXPECT_EQ(rows[0].max_days_past_due, 91);
}

TEST(AgeReceivables, BalancesAreThoseAtAsOf) {
  const absl::Time due = kAsOf - 10 * kDay;
  InvoiceHistory partly = Invoice(1, 7, 1000, due,
                                  {{300, kAsOf - 5 * kDay},  // before: counts
                                   {200, kAsOf},             // at as_of: counts
                                   {500, kAsOf + kTick}});   // after: not yet
  InvoiceHistory settled = Invoice(2, 7, 400, due, {{400, kAsOf - kDay}});
  InvoiceHistory later = Invoice(3, 7, 900, kAsOf + 30 * kDay);
  later.issue_time = kAsOf + kTick;  // issued after as_of: not owed yet
  const std::vector<AgingRow> rows = AgeReceivables({partly, settled, later}, kAsOf);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].total, 500);
  EXPECT_EQ(rows[0].buckets[Bucket(AgingBucket::kDays1To30)], 500);
  EXPECT_EQ(rows[0].open_invoice_count, 1);
}

TEST(AgeReceivables, IssuedExactlyAtAsOfCounts) {
  InvoiceHistory fresh = Invoice(1, 7, 50, kAsOf + 30 * kDay);
  fresh.issue_time = kAsOf;
  const std::vector<AgingRow> rows = AgeReceivables({fresh}, kAsOf);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].buckets[Bucket(AgingBucket::kCurrent)], 50);
  EXPECT_EQ(rows[0].overdue, 0);
  EXPECT_EQ(rows[0].max_days_past_due, 0);
}

TEST(AgeReceivables, OneRowPerAccountAndCurrencyInOrder) {
  const std::vector<AgingRow> rows = AgeReceivables(
      {Invoice(1, 9, 10, kAsOf), Invoice(2, 3, 20, kAsOf), Invoice(3, 3, 5, kAsOf, {}, "USD"),
       Invoice(4, 3, 30, kAsOf - kDay)},
      kAsOf);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].account_id, 3);
  EXPECT_EQ(rows[0].currency_code, "EUR");
  EXPECT_EQ(rows[0].total, 50);
  EXPECT_EQ(rows[0].overdue, 30);
  EXPECT_EQ(rows[1].account_id, 3);
  EXPECT_EQ(rows[1].currency_code, "USD");
  EXPECT_EQ(rows[1].total, 5);
  EXPECT_EQ(rows[2].account_id, 9);
  EXPECT_EQ(rows[2].total, 10);
}

TEST(AgeReceivables, NothingOwedGivesNoRows) {
  EXPECT_TRUE(AgeReceivables({}, kAsOf).empty());
  EXPECT_TRUE(AgeReceivables({Invoice(1, 7, 10, kAsOf, {{10, kAsOf - kDay}})}, kAsOf).empty());
}

}  // namespace
}  // namespace kam::interaction::billing
