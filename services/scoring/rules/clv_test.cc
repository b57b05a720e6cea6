#include "services/scoring/rules/clv.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace kam::scoring::rules {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

ClvInput Input(int64_t profit, int32_t churn_bp, int64_t acquisition, int64_t retention = 0,
               int32_t discount_bp = 0) {
  return {profit, churn_bp, acquisition, retention, discount_bp};
}

int64_t Clv(const ClvInput& input) {
  absl::StatusOr<int64_t> clv = ComputeClv(input);
  EXPECT_TRUE(clv.ok()) << clv.status();
  return clv.ok() ? *clv : 0;
}

void ExpectInvalid(const ClvInput& input, absl::string_view field, absl::string_view got) {
  const absl::StatusOr<int64_t> clv = ComputeClv(input);
  ASSERT_FALSE(clv.ok()) << field << ": unexpectedly " << *clv;
  EXPECT_EQ(clv.status().code(), absl::StatusCode::kInvalidArgument) << clv.status();
  EXPECT_TRUE(absl::StartsWith(clv.status().message(), absl::StrCat(field, " "))) << clv.status();
  EXPECT_TRUE(absl::StrContains(clv.status().message(), absl::StrCat("(got ", got, ")")))
      << clv.status();
  EXPECT_EQ(ValidateClvInput(input), clv.status());
}

// ------------------------------------------------------------ docs/domain.md §3

TEST(ClvTest, WorkedExampleWithoutRetentionProgramme) {
  // 10% churn -> 10 years; 100 a year; 75 to acquire: 10 x 100 - 75.
  EXPECT_EQ(Clv(Input(100, 1000, 75)), 925);
}

TEST(ClvTest, WorkedExampleWithRetentionProgramme) {
  // 20 a year halves churn to 5%: 20 x (100 - 20) - 75.
  EXPECT_EQ(Clv(Input(100, 500, 75, 20)), 1525);
}

TEST(ClvTest, RetentionProgrammeAddsSixHundred) {
  EXPECT_EQ(Clv(Input(100, 500, 75, 20)) - Clv(Input(100, 1000, 75)), 600);
}

TEST(ClvTest, WorkedExampleInCents) {
  // The same example in minor units of $0.01.
  EXPECT_EQ(Clv(Input(10000, 1000, 7500)), 92500);
  EXPECT_EQ(Clv(Input(10000, 500, 7500, 2000)), 152500);
}

// ------------------------------------------------------------ plain cases

TEST(ClvTest, FullChurnMeansOneYear) {
  EXPECT_EQ(Clv(Input(100, 10000, 75)), 25);
  EXPECT_EQ(Clv(Input(100, 10000, 75, 30)), -5);
}

TEST(ClvTest, NegativeProfitGivesNegativeClv) {
  EXPECT_EQ(Clv(Input(-100, 1000, 75)), -1075);
  // Retention costing more than the profit: margin -20 over 20 years.
  EXPECT_EQ(Clv(Input(100, 500, 0, 120)), -400);
}

TEST(ClvTest, ZeroEverythingButChurn) { EXPECT_EQ(Clv(Input(0, 1, 0)), 0); }

TEST(ClvTest, RoundsOnceHalfAwayFromZero) {
  EXPECT_EQ(Clv(Input(1, 3, 0)), 3333);    // 3333.33
  EXPECT_EQ(Clv(Input(2, 3, 0)), 6667);    // 6666.67
  EXPECT_EQ(Clv(Input(1, 4000, 0)), 3);    // 2.5
  EXPECT_EQ(Clv(Input(-1, 4000, 0)), -3);  // -2.5
  // 2.5 - 3 = -0.5 -> -1: the whole value is rounded once, not 2.5 first.
  EXPECT_EQ(Clv(Input(1, 4000, 3)), -1);
  EXPECT_EQ(Clv(Input(1, 4000, 2)), 1);  // 0.5
}

// ------------------------------------------------------------ discounting

TEST(ClvTest, DiscountRateZeroIsTheUndiscountedFormula) {
  for (int64_t profit : {-5000, 0, 1, 100, 12345, 1000000}) {
    for (int32_t churn : {1, 7, 500, 1000, 3333, 10000}) {
      for (int64_t retention : {0, 20, 999}) {
        const ClvInput input = Input(profit, churn, 75, retention, 0);
        // years x margin - acquisition, with years = 10000 / churn_bp.
        const long double exact =
            static_cast<long double>(profit - retention) * 10000.0L / churn - 75;
        EXPECT_EQ(Clv(input), std::llround(exact)) << profit << " " << churn << " " << retention;
      }
    }
  }
}

// The year-by-year sum the closed form replaces: a margin at the start of
// each year, received while the customer is still there (probability
// (1 - c)^t), discounted by (1 + d)^t.
long double YearByYear(const ClvInput& input) {
  const long double margin = static_cast<long double>(input.yearly_profit_minor) -
                             static_cast<long double>(input.yearly_retention_cost_minor);
  const long double retention = 1.0L - input.yearly_churn_rate_bp / 10000.0L;
  const long double discount = 1.0L + input.yearly_discount_rate_bp / 10000.0L;
  long double sum = 0;
  long double factor = 1;  // (retention / discount)^t
  for (int year = 0; year < 200000 && factor > 1e-22L; ++year) {
    sum += margin * factor;
    factor *= retention / discount;
  }
  return sum - static_cast<long double>(input.acquisition_cost_minor);
}

TEST(ClvTest, DiscountedClosedFormMatchesYearByYearSum) {
  const ClvInput cases[] = {
      Input(100, 1000, 75, 0, 1000),     // 100 x 1.1 / 0.2 - 75 = 475
      Input(100, 500, 75, 20, 800),      // the retention programme at 8%
      Input(10000, 1000, 7500, 0, 500),  // cents
      Input(123456789, 250, 1000000, 5000, 1200),
      Input(-40000, 2000, 0, 0, 300),
      Input(1000000, 10000, 0, 0, 10000),  // one year, 100% discount
      Input(5000, 1, 0, 0, 50),            // long-lived customer
  };
  for (const ClvInput& input : cases) {
    const long double expected = YearByYear(input);
    const int64_t clv = Clv(input);
    EXPECT_LE(std::fabs(static_cast<long double>(clv) - expected),
              0.5L + 1e-6L * std::fabs(expected))
        << input.yearly_profit_minor << " churn " << input.yearly_churn_rate_bp << " discount "
        << input.yearly_discount_rate_bp << ": closed form " << clv << ", sum " << expected;
  }
  EXPECT_EQ(Clv(Input(100, 1000, 75, 0, 1000)), 475);
}

TEST(ClvTest, DiscountingLowersAPositiveClv) {
  int64_t previous = Clv(Input(100, 1000, 75));
  for (int32_t discount : {100, 500, 1000, 5000, 10000}) {
    const int64_t clv = Clv(Input(100, 1000, 75, 0, discount));
    EXPECT_LT(clv, previous) << discount;
    previous = clv;
  }
}

// ------------------------------------------------------------ validation

TEST(ClvValidationTest, ChurnRateMustBeFromOneBasisPointToAHundredPercent) {
  ExpectInvalid(Input(100, 0, 75), "yearly_churn_rate_bp", "0");
  ExpectInvalid(Input(100, -1, 75), "yearly_churn_rate_bp", "-1");
  ExpectInvalid(Input(100, 10001, 75), "yearly_churn_rate_bp", "10001");
  EXPECT_TRUE(ValidateClvInput(Input(100, 1, 75)).ok());
  EXPECT_TRUE(ValidateClvInput(Input(100, 10000, 75)).ok());
}

TEST(ClvValidationTest, CostsMustNotBeNegative) {
  ExpectInvalid(Input(100, 1000, -1), "acquisition_cost_minor", "-1");
  ExpectInvalid(Input(100, 1000, 75, -20), "yearly_retention_cost_minor", "-20");
  EXPECT_TRUE(ValidateClvInput(Input(100, 1000, 0, 0)).ok());
}

TEST(ClvValidationTest, DiscountRateRange) {
  ExpectInvalid(Input(100, 1000, 75, 0, -1), "yearly_discount_rate_bp", "-1");
  ExpectInvalid(Input(100, 1000, 75, 0, 10001), "yearly_discount_rate_bp", "10001");
  EXPECT_TRUE(ValidateClvInput(Input(100, 1000, 75, 0, 10000)).ok());
}

// ------------------------------------------------------------ overflow

TEST(ClvOverflowTest, HugeProfitIsOutOfRangeNotWrapped) {
  const absl::StatusOr<int64_t> clv = ComputeClv(Input(kMax, 1, 0));
  ASSERT_FALSE(clv.ok());
  EXPECT_EQ(clv.status().code(), absl::StatusCode::kOutOfRange) << clv.status();
  EXPECT_TRUE(absl::StrContains(clv.status().message(), "CLV")) << clv.status();

  const absl::StatusOr<int64_t> negative = ComputeClv(Input(kMin, 1000, kMax, kMax, 10000));
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.status().code(), absl::StatusCode::kOutOfRange) << negative.status();
}

TEST(ClvOverflowTest, LargestValuesThatFit) {
  // 922337203685477 x 10000 is just below 2^63.
  EXPECT_EQ(Clv(Input(922337203685477, 1, 0)), 9223372036854770000);
  EXPECT_FALSE(ComputeClv(Input(922337203685478, 1, 0)).ok());
  // One year: the margin itself, to the last unit, both ends.
  EXPECT_EQ(Clv(Input(kMax, 10000, 0)), kMax);
  EXPECT_EQ(Clv(Input(kMin, 10000, 0)), kMin);
  EXPECT_EQ(ComputeClv(Input(kMin, 10000, 1)).status().code(), absl::StatusCode::kOutOfRange);
  // Intermediates beyond int64 are fine when the result is not.
  EXPECT_EQ(Clv(Input(kMax, 10000, kMax, 0, 10000)), 0);
}

// ------------------------------------------------------------ customer equity

TEST(CustomerEquityTest, SumsTheClvs) {
  const std::vector<int64_t> clvs = {925, 1525, -1075};
  EXPECT_EQ(*SumCustomerEquity(clvs), 1375);
  EXPECT_EQ(*SumCustomerEquity({}), 0);
  CustomerEquity equity;
  equity.Add(Clv(Input(100, 1000, 75)));
  equity.Add(Clv(Input(100, 500, 75, 20)));
  EXPECT_EQ(equity.count(), 2);
  EXPECT_EQ(*equity.Total(), 2450);
}

TEST(CustomerEquityTest, OverflowOnlyWhenTheTotalDoesNotFit) {
  EXPECT_EQ(SumCustomerEquity({kMax, 1}).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(SumCustomerEquity({kMin, -1}).status().code(), absl::StatusCode::kOutOfRange);
  // The running sum leaves int64 and comes back: still exact.
  EXPECT_EQ(*SumCustomerEquity({kMax, kMax, kMin, kMin, 5}), 3);
}

}  // namespace
}  // namespace kam::scoring::rules
