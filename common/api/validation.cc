#include "common/api/validation.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kam::common {
namespace {

// What a scan of a string found; filled in one pass so that a 1 MiB value is
// read once whatever the outcome.
struct TextScan {
  bool valid_utf8 = true;
  size_t length = 0;         // code points
  bool has_control = false;  // first control character found
  char32_t first_control = 0;
  size_t first_control_index = 0;  // in code points
  bool has_space = false;
  bool all_space = true;
};

// `allowed_controls` lists control characters not to report (tab and
// newline for multi-line text).
TextScan ScanText(absl::string_view text, absl::string_view allowed_controls) {
  TextScan scan;
  size_t pos = 0;
  while (pos < text.size()) {
    char32_t c = 0;
    if (!DecodeUtf8(text, &pos, &c)) {
      scan.valid_utf8 = false;
      return scan;
    }
    if (IsControlCharacter(c) && !scan.has_control &&
        !(c < 0x80 && absl::StrContains(allowed_controls, static_cast<char>(c)))) {
      scan.has_control = true;
      scan.first_control = c;
      scan.first_control_index = scan.length;
    }
    if (IsWhiteSpaceCharacter(c)) {
      scan.has_space = true;
    } else {
      scan.all_space = false;
    }
    ++scan.length;
  }
  return scan;
}

absl::Status TooLong(absl::string_view field, size_t max_chars, size_t length) {
  return InvalidField(
      field, absl::StrCat("must be at most ", max_chars, " characters (got ", length, ")"));
}

absl::Status ControlCharacter(absl::string_view field, const TextScan& scan,
                              absl::string_view what_else) {
  return InvalidField(field, absl::StrFormat("must not contain control characters%s (found "
                                             "U+%04X at character %d)",
                                             what_else, static_cast<uint32_t>(scan.first_control),
                                             scan.first_control_index));
}

bool IsAsciiLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

bool IsLabelChar(char c) { return IsAsciiLower(c) || IsAsciiDigit(c) || c == '_' || c == '-'; }

// Characters RFC 5322 allows unquoted in a local part besides letters and
// digits (dot is handled separately).
bool IsEmailLocalSymbol(char c) { return absl::StrContains("!#$%&'*+/=?^_`{|}~-", c); }

// `part` of an email address is valid UTF-8 (checked by the caller); true
// when every character is accepted by `ascii_ok` or is printable non-ASCII.
template <typename AsciiPredicate>
bool EmailChars(absl::string_view part, AsciiPredicate ascii_ok) {
  size_t pos = 0;
  while (pos < part.size()) {
    char32_t c = 0;
    if (!DecodeUtf8(part, &pos, &c)) return false;
    if (c < 0x80) {
      if (!ascii_ok(static_cast<char>(c))) return false;
    } else if (IsControlCharacter(c) || IsWhiteSpaceCharacter(c)) {
      return false;
    }
  }
  return true;
}

bool IsValidEmailLocalPart(absl::string_view local) {
  if (local.empty() || Utf8Length(local) > 64) return false;
  if (local.front() == '.' || local.back() == '.' || absl::StrContains(local, "..")) {
    return false;
  }
  return EmailChars(local, [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || IsEmailLocalSymbol(c);
  });
}

bool IsValidEmailDomain(absl::string_view domain) {
  const std::vector<absl::string_view> labels = absl::StrSplit(domain, '.');
  if (labels.size() < 2) return false;
  for (absl::string_view label : labels) {
    if (label.empty() || label.front() == '-' || label.back() == '-') {
      return false;
    }
    const bool chars_ok = EmailChars(label, [](char c) {
      return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-';
    });
    if (!chars_ok) return false;
  }
  // A numeric last label would make "user@1.2.3.4" pass as a domain; address
  // literals are not accepted, and no top-level domain is numeric.
  const absl::string_view tld = labels.back();
  if (Utf8Length(tld) < 2) return false;
  return !std::all_of(tld.begin(), tld.end(), IsAsciiDigit);
}

// Quotes a map key for an error message: escaped so that quotes, control
// characters and invalid UTF-8 in the key cannot garble the message, and
// cut so that a huge key cannot make it huge.
std::string QuoteKey(absl::string_view key) {
  constexpr size_t kMaxShown = 64;
  if (key.size() > kMaxShown) {
    return absl::StrCat("\"", absl::CHexEscape(key.substr(0, kMaxShown)), "...\"");
  }
  return absl::StrCat("\"", absl::CHexEscape(key), "\"");
}

}  // namespace

absl::Status InvalidField(absl::string_view field, absl::string_view rule) {
  return absl::InvalidArgumentError(absl::StrCat(field, " ", rule));
}

absl::Status CheckText(absl::string_view field, absl::string_view value, size_t max_chars,
                       bool multiline) {
  const TextScan scan = ScanText(value, multiline ? "\t\n" : "");
  if (!scan.valid_utf8) return InvalidField(field, "must be valid UTF-8");
  if (scan.length > max_chars) return TooLong(field, max_chars, scan.length);
  if (scan.has_control) {
    return ControlCharacter(field, scan, multiline ? " other than tab and newline" : "");
  }
  return absl::OkStatus();
}

absl::Status CheckRequiredText(absl::string_view field, absl::string_view value, size_t max_chars) {
  if (value.empty()) return InvalidField(field, "is required");
  absl::Status status = CheckText(field, value, max_chars);
  if (!status.ok()) return status;
  if (ScanText(value, "").all_space) {
    return InvalidField(field, "must not be only white space");
  }
  return absl::OkStatus();
}

absl::Status CheckIdentifier(absl::string_view field, absl::string_view value, size_t max_chars,
                             bool required) {
  if (value.empty()) {
    return required ? InvalidField(field, "is required") : absl::OkStatus();
  }
  const TextScan scan = ScanText(value, "");
  if (!scan.valid_utf8) return InvalidField(field, "must be valid UTF-8");
  if (scan.length > max_chars) return TooLong(field, max_chars, scan.length);
  // White space first: tab and newline are both, and "must not contain
  // white space" is the more useful thing to hear about them.
  if (scan.has_space) {
    return InvalidField(field, "must not contain white space");
  }
  if (scan.has_control) return ControlCharacter(field, scan, "");
  return absl::OkStatus();
}

absl::Status CheckRequestId(absl::string_view field, absl::string_view value) {
  constexpr size_t kMaxRequestIdChars = 128;
  if (value.empty()) return absl::OkStatus();
  for (char c : value) {
    if (c < 0x21 || c > 0x7E) {
      return InvalidField(field,
                          "must contain only printable ASCII characters "
                          "(0x21 to 0x7E), such as a UUID");
    }
  }
  if (value.size() > kMaxRequestIdChars) {
    return TooLong(field, kMaxRequestIdChars, value.size());
  }
  return absl::OkStatus();
}

absl::Status CheckEmail(absl::string_view field, absl::string_view value) {
  constexpr size_t kMaxEmailBytes = 254;
  if (value.empty()) return absl::OkStatus();
  if (value.size() > kMaxEmailBytes) {
    return InvalidField(
        field, absl::StrCat("must be at most ", kMaxEmailBytes, " bytes (got ", value.size(), ")"));
  }
  if (!ScanText(value, "").valid_utf8) {
    return InvalidField(field, "must be valid UTF-8");
  }
  const size_t at = value.find('@');
  if (at == absl::string_view::npos || value.find('@', at + 1) != absl::string_view::npos ||
      !IsValidEmailLocalPart(value.substr(0, at)) || !IsValidEmailDomain(value.substr(at + 1))) {
    return InvalidField(field, "must be an email address like name@example.com");
  }
  return absl::OkStatus();
}

absl::Status CheckPhoneE164(absl::string_view field, absl::string_view value) {
  if (value.empty()) return absl::OkStatus();
  // '+', country code starting with a non-zero digit, 8..15 digits in all.
  const bool ok = value.size() >= 9 && value.size() <= 16 && value[0] == '+' && value[1] >= '1' &&
                  value[1] <= '9' && std::all_of(value.begin() + 1, value.end(), IsAsciiDigit);
  if (!ok) {
    return InvalidField(field, "must be in E.164 form like +8613800138000");
  }
  return absl::OkStatus();
}

absl::Status CheckTimeZone(absl::string_view field, absl::string_view value) {
  constexpr size_t kMaxTimeZoneBytes = 64;
  if (value.empty()) return absl::OkStatus();
  const absl::Status invalid =
      InvalidField(field, "must be an IANA time zone name like Asia/Shanghai or UTC");
  // The name becomes a path under the tz database directory, so anything
  // that could leave that directory or name a special file is refused before
  // the library sees it. Real names use only these characters (e.g.
  // "America/Port-au-Prince", "Etc/GMT+8"); ':' also keeps out the library's
  // "file:" and "Fixed/UTC+hh:mm" spellings, and "localtime" would silently
  // mean the server's own zone.
  if (value.size() > kMaxTimeZoneBytes || value.front() == '/' || absl::StrContains(value, "..") ||
      value == "localtime") {
    return invalid;
  }
  for (char c : value) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '/' && c != '_' && c != '-' &&
        c != '+') {
      return invalid;
    }
  }
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(std::string(value), &zone)) return invalid;
  return absl::OkStatus();
}

absl::Status CheckCurrencyCode(absl::string_view field, absl::string_view value) {
  const bool ok = value.size() == 3 && std::all_of(value.begin(), value.end(),
                                                   [](char c) { return c >= 'A' && c <= 'Z'; });
  if (!ok) {
    return InvalidField(field,
                        "must be an ISO 4217 currency code of three upper-case letters "
                        "like USD or CNY");
  }
  return absl::OkStatus();
}

absl::Status CheckRange(absl::string_view field, int64_t value, int64_t lo, int64_t hi) {
  if (value < lo || value > hi) {
    return InvalidField(field,
                        absl::StrCat("must be between ", lo, " and ", hi, " (got ", value, ")"));
  }
  return absl::OkStatus();
}

absl::Status CheckLabels(absl::string_view field,
                         const google::protobuf::Map<std::string, std::string>& labels) {
  constexpr size_t kMaxLabels = 64;
  constexpr size_t kMaxLabelChars = 63;
  if (labels.size() > kMaxLabels) {
    return InvalidField(field, absl::StrCat("must have at most ", kMaxLabels, " entries (got ",
                                            labels.size(), ")"));
  }
  // Map iteration order is unspecified; sorting makes the same request
  // always report the same offending key.
  std::vector<const std::string*> keys;
  keys.reserve(labels.size());
  for (const auto& entry : labels) keys.push_back(&entry.first);
  std::sort(keys.begin(), keys.end(),
            [](const std::string* a, const std::string* b) { return *a < *b; });

  for (const std::string* key : keys) {
    const std::string entry_field = absl::StrCat(field, "[", QuoteKey(*key), "]");
    if (key->empty()) return InvalidField(entry_field, "key must not be empty");
    if (Utf8Length(*key) > kMaxLabelChars) {
      return InvalidField(entry_field, absl::StrCat("key must be at most ", kMaxLabelChars,
                                                    " characters (got ", Utf8Length(*key), ")"));
    }
    if (!IsAsciiLower(key->front())) {
      return InvalidField(entry_field, "key must start with a lower-case letter (a-z)");
    }
    if (!std::all_of(key->begin(), key->end(), IsLabelChar)) {
      return InvalidField(entry_field,
                          "key must contain only lower-case letters, digits, "
                          "'_' and '-'");
    }
    const std::string& value = labels.at(*key);
    if (Utf8Length(value) > kMaxLabelChars) {
      return InvalidField(entry_field, absl::StrCat("value must be at most ", kMaxLabelChars,
                                                    " characters (got ", Utf8Length(value), ")"));
    }
    if (!std::all_of(value.begin(), value.end(), IsLabelChar)) {
      return InvalidField(entry_field,
                          "value must contain only lower-case letters, "
                          "digits, '_' and '-'");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckPresent(absl::string_view field, bool present) {
  return present ? absl::OkStatus() : InvalidField(field, "is required");
}

}  // namespace kam::common
