#include "services/scoring/rules/evidence_text.h"

#include <cstdint>
#include <limits>

#include "gtest/gtest.h"

namespace kam::scoring::rules {
namespace {

TEST(GroupThousandsTest, GroupsOfThree) {
  EXPECT_EQ(GroupThousands(0), "0");
  EXPECT_EQ(GroupThousands(999), "999");
  EXPECT_EQ(GroupThousands(1000), "1,000");
  EXPECT_EQ(GroupThousands(792000), "792,000");
  EXPECT_EQ(GroupThousands(1200000), "1,200,000");
  EXPECT_EQ(GroupThousands(-1234), "-1,234");
  EXPECT_EQ(GroupThousands(-999), "-999");
  EXPECT_EQ(GroupThousands(std::numeric_limits<int64_t>::max()), "9,223,372,036,854,775,807");
  EXPECT_EQ(GroupThousands(std::numeric_limits<int64_t>::min()), "-9,223,372,036,854,775,808");
}

TEST(PercentFromBasisPointsTest, NoTrailingZeros) {
  EXPECT_EQ(PercentFromBasisPoints(0), "0%");
  EXPECT_EQ(PercentFromBasisPoints(3400), "34%");
  EXPECT_EQ(PercentFromBasisPoints(3450), "34.5%");
  EXPECT_EQ(PercentFromBasisPoints(3456), "34.56%");
  EXPECT_EQ(PercentFromBasisPoints(5), "0.05%");
  EXPECT_EQ(PercentFromBasisPoints(50), "0.5%");
  EXPECT_EQ(PercentFromBasisPoints(10000), "100%");
  EXPECT_EQ(PercentFromBasisPoints(-250), "-2.5%");
  EXPECT_EQ(PercentFromBasisPoints(-7), "-0.07%");
  EXPECT_EQ(PercentFromBasisPoints(std::numeric_limits<int64_t>::min()), "-92233720368547758.08%");
}

TEST(HundredthsTest, TwoDecimals) {
  EXPECT_EQ(Hundredths(425), "4.25");
  EXPECT_EQ(Hundredths(400), "4.00");
  EXPECT_EQ(Hundredths(5), "0.05");
  EXPECT_EQ(Hundredths(0), "0.00");
  EXPECT_EQ(Hundredths(-40), "-0.40");
}

}  // namespace
}  // namespace kam::scoring::rules
