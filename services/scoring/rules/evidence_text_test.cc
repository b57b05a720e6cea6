#include "services/scoring/rules/evidence_text.h"

#include <cstdint>
#include <limits>
#include <string>

#include "gtest/gtest.h"

namespace kam::scoring::rules {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

struct TextCase {
  std::string (*format)(int64_t);
  int64_t value;
  const char* text;
};

// Figures as the evidence texts and the reports write them: thousands in
// groups of three, percentages without trailing zeros, hundredths with two
// decimals; the int64 extremes included.
TEST(EvidenceTextTest, FiguresAsText) {
  const TextCase cases[] = {
      {GroupThousands, 0, "0"},
      {GroupThousands, 999, "999"},
      {GroupThousands, 1000, "1,000"},
      {GroupThousands, 792000, "792,000"},
      {GroupThousands, 1200000, "1,200,000"},
      {GroupThousands, -1234, "-1,234"},
      {GroupThousands, -999, "-999"},
      {GroupThousands, kMax, "9,223,372,036,854,775,807"},
      {GroupThousands, kMin, "-9,223,372,036,854,775,808"},
      {PercentFromBasisPoints, 0, "0%"},
      {PercentFromBasisPoints, 3400, "34%"},
      {PercentFromBasisPoints, 3450, "34.5%"},
      {PercentFromBasisPoints, 3456, "34.56%"},
      {PercentFromBasisPoints, 3580, "35.8%"},
      {PercentFromBasisPoints, 7800, "78%"},
      {PercentFromBasisPoints, 5, "0.05%"},
      {PercentFromBasisPoints, 50, "0.5%"},
      {PercentFromBasisPoints, 10000, "100%"},
      {PercentFromBasisPoints, 18182, "181.82%"},
      {PercentFromBasisPoints, -250, "-2.5%"},
      {PercentFromBasisPoints, -1230, "-12.3%"},
      {PercentFromBasisPoints, -7, "-0.07%"},
      {PercentFromBasisPoints, kMin, "-92233720368547758.08%"},
      {PercentFromBasisPoints, kMax, "92233720368547758.07%"},
      {Hundredths, 425, "4.25"},
      {Hundredths, 400, "4.00"},
      {Hundredths, 5, "0.05"},
      {Hundredths, 0, "0.00"},
      {Hundredths, -40, "-0.40"},
  };
  for (const TextCase& c : cases) EXPECT_EQ(c.format(c.value), c.text) << c.value;
}

}  // namespace
}  // namespace kam::scoring::rules
