#include "services/interaction/shared/money_math.h"

#include <limits>

#include "gtest/gtest.h"

namespace kam::interaction {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

TEST(CheckedAdd, AddsWhatFits) {
  int64_t out = 0;
  ASSERT_TRUE(CheckedAdd(2, 3, &out));
  EXPECT_EQ(out, 5);
  ASSERT_TRUE(CheckedAdd(kMax - 1, 1, &out));
  EXPECT_EQ(out, kMax);
  ASSERT_TRUE(CheckedAdd(kMin, kMax, &out));
  EXPECT_EQ(out, -1);
}

TEST(CheckedAdd, RefusesOverflowAndLeavesOutAlone) {
  int64_t out = 42;
  EXPECT_FALSE(CheckedAdd(kMax, 1, &out));
  EXPECT_FALSE(CheckedAdd(kMin, -1, &out));
  EXPECT_FALSE(CheckedAdd(kMax, kMax, &out));
  EXPECT_EQ(out, 42);
}

TEST(Saturating, ClampsAtBothEnds) {
  EXPECT_EQ(SaturatingAdd(kMax, 1), kMax);
  EXPECT_EQ(SaturatingAdd(kMax, kMax), kMax);
  EXPECT_EQ(SaturatingAdd(kMin, -1), kMin);
  EXPECT_EQ(SaturatingAdd(10, -3), 7);
  EXPECT_EQ(SaturatingSub(kMin, 1), kMin);
  EXPECT_EQ(SaturatingSub(0, kMin), kMax);
  EXPECT_EQ(SaturatingSub(10, 3), 7);
}

TEST(SaturatingParse, ReadsDecimalSums) {
  EXPECT_EQ(SaturatingParse(""), 0);
  EXPECT_EQ(SaturatingParse("0"), 0);
  EXPECT_EQ(SaturatingParse("12345"), 12345);
  EXPECT_EQ(SaturatingParse("-17"), -17);
  EXPECT_EQ(SaturatingParse("250.000"), 250);
  EXPECT_EQ(SaturatingParse("9223372036854775807"), kMax);
  EXPECT_EQ(SaturatingParse("9223372036854775808"), kMax);
  EXPECT_EQ(SaturatingParse("18446744073709551614"), kMax);
  EXPECT_EQ(SaturatingParse("123456789012345678901234567890"), kMax);
  EXPECT_EQ(SaturatingParse("-9223372036854775808"), kMin);
  EXPECT_EQ(SaturatingParse("-99999999999999999999999"), kMin);
}

}  // namespace
}  // namespace kam::interaction
