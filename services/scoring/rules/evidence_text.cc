#include "services/scoring/rules/evidence_text.h"

#include <cstdint>
#include <string>

namespace kam::scoring::rules {
namespace {

// The magnitude of `value` without overflowing on INT64_MIN.
uint64_t Magnitude(int64_t value) {
  return value < 0 ? uint64_t{0} - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
}

// Writes the decimal digits of `value` backwards from `end`; returns the
// first character written.
char* WriteDigits(uint64_t value, char* end, int min_digits = 1) {
  int written = 0;
  do {
    *--end = static_cast<char>('0' + value % 10);
    value /= 10;
    ++written;
  } while (value != 0 || written < min_digits);
  return end;
}

}  // namespace

std::string GroupThousands(int64_t value) {
  char buffer[32];
  char* const end = buffer + sizeof(buffer);
  char* p = end;
  uint64_t rest = Magnitude(value);
  int digits = 0;
  do {
    if (digits > 0 && digits % 3 == 0) *--p = ',';
    *--p = static_cast<char>('0' + rest % 10);
    rest /= 10;
    ++digits;
  } while (rest != 0);
  if (value < 0) *--p = '-';
  return std::string(p, end);
}

std::string PercentFromBasisPoints(int64_t basis_points) {
  char buffer[32];
  char* const end = buffer + sizeof(buffer);
  char* p = end;
  *--p = '%';
  const uint64_t magnitude = Magnitude(basis_points);
  uint64_t fraction = magnitude % 100;
  if (fraction != 0) {
    int width = 2;
    if (fraction % 10 == 0) {  // "34.5%", not "34.50%"
      fraction /= 10;
      width = 1;
    }
    p = WriteDigits(fraction, p, width);
    *--p = '.';
  }
  p = WriteDigits(magnitude / 100, p);
  if (basis_points < 0) *--p = '-';
  return std::string(p, end);
}

std::string Hundredths(int64_t hundredths) {
  char buffer[32];
  char* const end = buffer + sizeof(buffer);
  const uint64_t magnitude = Magnitude(hundredths);
  char* p = WriteDigits(magnitude % 100, end, 2);
  *--p = '.';
  p = WriteDigits(magnitude / 100, p);
  if (hundredths < 0) *--p = '-';
  return std::string(p, end);
}

}  // namespace kam::scoring::rules
