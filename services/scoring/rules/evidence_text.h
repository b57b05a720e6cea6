// Number formatting for the evidence texts of scores and alerts: plain ASCII,
// locale-independent, so a text reads the same on every machine and in every
// test. Short results stay within std::string's small-string buffer.
#pragma once

#include <cstdint>
#include <string>

namespace kam::scoring::rules {

// Digits in groups of three: 1200000 -> "1,200,000", -1234 -> "-1,234".
std::string GroupThousands(int64_t value);

// Basis points as a percent without trailing zeros: 3400 -> "34%",
// 3450 -> "34.5%", 3456 -> "34.56%", -250 -> "-2.5%".
std::string PercentFromBasisPoints(int64_t basis_points);

// Hundredths with two decimals: 425 -> "4.25", 400 -> "4.00", -40 -> "-0.40".
std::string Hundredths(int64_t hundredths);

}  // namespace kam::scoring::rules
