#include "common/base/proto_time.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"

namespace kam::common {
namespace {

// Days from 1970-01-01 to the civil date (Howard Hinnant's algorithm), so
// parsing needs no time zone lookup.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// The inverse of DaysFromCivil (same source).
void CivilFromDays(int64_t z, int64_t* year, unsigned* month, unsigned* day) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = static_cast<int64_t>(yoe) + era * 400 + (*month <= 2);
}

int DaysInMonth(int year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

bool ParseDigits(absl::string_view text, size_t pos, size_t count, int* out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  *out = value;
  return true;
}

// Seconds and microseconds since the epoch.
bool ParseSql(absl::string_view text, int64_t* seconds, int32_t* micros) {
  int year, month, day, hour, minute, second;
  if (text.size() < 19 || text[4] != '-' || text[7] != '-' || text[10] != ' ' || text[13] != ':' ||
      text[16] != ':' || !ParseDigits(text, 0, 4, &year) || !ParseDigits(text, 5, 2, &month) ||
      !ParseDigits(text, 8, 2, &day) || !ParseDigits(text, 11, 2, &hour) ||
      !ParseDigits(text, 14, 2, &minute) || !ParseDigits(text, 17, 2, &second)) {
    return false;
  }
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) || hour > 23 ||
      minute > 59 || second > 59) {
    return false;
  }
  int32_t fraction = 0;
  if (text.size() > 19) {
    const size_t digits = text.size() - 20;
    if (text[19] != '.' || digits < 1 || digits > 6) return false;
    int value;
    if (!ParseDigits(text, 20, digits, &value)) return false;
    for (size_t i = digits; i < 6; ++i) value *= 10;
    fraction = value;
  }
  *seconds = DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  *micros = fraction;
  // Four digits cannot pass 9999; year 0 is the one way below the range.
  if (*seconds < kMinTimestampSeconds) {
    *seconds = kMinTimestampSeconds;
    *micros = 0;
  }
  return true;
}

}  // namespace

google::protobuf::Timestamp ToProtoTimestamp(absl::Time time) {
  // ToUnixSeconds rounds towards the past, so the rest is in [0, 1s) for
  // times before 1970 too, and no int64 nanosecond count can overflow.
  const int64_t seconds = absl::ToUnixSeconds(time);
  google::protobuf::Timestamp ts;
  ts.set_seconds(seconds);
  ts.set_nanos(
      static_cast<int32_t>(absl::ToInt64Nanoseconds(time - absl::FromUnixSeconds(seconds))));
  return ts;
}

absl::Time FromProtoTimestamp(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixSeconds(timestamp.seconds()) + absl::Nanoseconds(timestamp.nanos());
}

std::string ToSqlDateTime(absl::Time time) {
  // Hand-rolled: this runs several times per write, and absl::FormatTime
  // costs thousands of instructions a call.
  const int64_t micros = absl::ToUnixMicros(ClampToTimestampRange(time));
  int64_t seconds = micros / 1000000;
  int64_t fraction = micros % 1000000;
  if (fraction < 0) {
    fraction += 1000000;
    --seconds;
  }
  int64_t days = seconds / 86400;
  int64_t second_of_day = seconds % 86400;
  if (second_of_day < 0) {
    second_of_day += 86400;
    --days;
  }
  int64_t year;
  unsigned month, day;
  CivilFromDays(days, &year, &month, &day);
  char buffer[32];
  char* p = buffer;
  auto digits = [&p](int64_t value, int width) {
    for (int i = width - 1; i >= 0; --i) {
      p[i] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
    p += width;
  };
  digits(year, 4);
  *p++ = '-';
  digits(month, 2);
  *p++ = '-';
  digits(day, 2);
  *p++ = ' ';
  digits(second_of_day / 3600, 2);
  *p++ = ':';
  digits(second_of_day / 60 % 60, 2);
  *p++ = ':';
  digits(second_of_day % 60, 2);
  *p++ = '.';
  digits(fraction, 6);
  return std::string(buffer, p);
}

absl::StatusOr<absl::Time> FromSqlDateTime(absl::string_view text) {
  int64_t seconds;
  int32_t micros;
  if (!ParseSql(text, &seconds, &micros)) {
    return absl::InternalError("malformed DATETIME value from the database");
  }
  return absl::FromUnixSeconds(seconds) + absl::Microseconds(micros);
}

bool SqlDateTimeToProto(absl::string_view text, google::protobuf::Timestamp* out) {
  int64_t seconds;
  int32_t micros;
  if (!ParseSql(text, &seconds, &micros)) return false;
  out->set_seconds(seconds);
  out->set_nanos(micros * 1000);
  return true;
}

absl::Time NowMicros() { return absl::FromUnixMicros(absl::ToUnixMicros(absl::Now())); }

}  // namespace kam::common
