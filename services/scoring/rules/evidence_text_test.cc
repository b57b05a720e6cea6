#include "services/scoring/rules/evidence_text.h"

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace kam::scoring::rules {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

using Cases = std::vector<std::pair<int64_t, std::string>>;

void ExpectText(std::string (*format)(int64_t), const Cases& cases) {
  for (const auto& [value, text] : cases) EXPECT_EQ(format(value), text) << value;
}

// Figures as the evidence texts and the reports write them, the int64
// extremes included.
TEST(EvidenceTextTest, ThousandsInGroupsOfThree) {
  ExpectText(GroupThousands, {{0, "0"},
                              {999, "999"},
                              {1000, "1,000"},
                              {792000, "792,000"},
                              {1200000, "1,200,000"},
                              {-1234, "-1,234"},
                              {-999, "-999"},
                              {kMax, "9,223,372,036,854,775,807"},
                              {kMin, "-9,223,372,036,854,775,808"}});
}

TEST(EvidenceTextTest, PercentagesWithoutTrailingZeros) {
  ExpectText(PercentFromBasisPoints, {{0, "0%"},
                                      {3400, "34%"},
                                      {3450, "34.5%"},
                                      {3456, "34.56%"},
                                      {3580, "35.8%"},
                                      {7800, "78%"},
                                      {5, "0.05%"},
                                      {50, "0.5%"},
                                      {10000, "100%"},
                                      {18182, "181.82%"},
                                      {-250, "-2.5%"},
                                      {-1230, "-12.3%"},
                                      {-7, "-0.07%"},
                                      {kMin, "-92233720368547758.08%"},
                                      {kMax, "92233720368547758.07%"}});
}

TEST(EvidenceTextTest, HundredthsWithTwoDecimals) {
  ExpectText(Hundredths, {{425, "4.25"}, {400, "4.00"}, {5, "0.05"}, {0, "0.00"}, {-40, "-0.40"}});
}

}  // namespace
}  // namespace kam::scoring::rules
