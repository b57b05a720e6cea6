// Request validation helpers shared by every service. Each check returns OK
// or INVALID_ARGUMENT whose message starts with the field path it was given
// and states the rule, e.g. "account.display_name must be at most 200
// characters (got 1048576)". Lengths count Unicode code points.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/base/utf8.h"
#include "google/protobuf/map.h"

namespace kam::common {

// "<field> <rule>" as INVALID_ARGUMENT: the one way services report a bad
// field, so every message has the same shape.
absl::Status InvalidField(absl::string_view field, absl::string_view rule);

// Free text: valid UTF-8, no control characters (tab and newline allowed only
// when `multiline`), at most `max_chars` code points. Empty is fine.
absl::Status CheckText(absl::string_view field, absl::string_view value, size_t max_chars,
                       bool multiline = false);

// As CheckText, and not empty (after trimming white space).
absl::Status CheckRequiredText(absl::string_view field, absl::string_view value, size_t max_chars);

// An identifier such as a user id: 1..max_chars code points of valid UTF-8
// with no white space and no control characters. Empty is fine unless
// `required`.
absl::Status CheckIdentifier(absl::string_view field, absl::string_view value, size_t max_chars,
                             bool required);

// A user id (a token's subject as the services store it: an account's owner,
// a team member, a case's assignee): at most this many characters, in every
// service.
inline constexpr size_t kMaxUserId = 128;

// CheckIdentifier for a user id (kMaxUserId).
inline absl::Status CheckUserId(absl::string_view field, absl::string_view value, bool required) {
  return CheckIdentifier(field, value, kMaxUserId, required);
}

// A client-chosen request id: empty, or 1..128 printable ASCII characters
// (0x21..0x7E).
absl::Status CheckRequestId(absl::string_view field, absl::string_view value);

// An email address (empty is fine): at most 254 bytes, one '@', a local part
// of 1..64 characters (letters, digits, !#$%&'*+/=?^_`{|}~- and non-ASCII,
// dots not first, last or doubled) and a domain of dot-separated labels
// (letters, digits, hyphens not at either end, non-ASCII allowed), at least
// two labels, the last at least two characters and not all digits.
absl::Status CheckEmail(absl::string_view field, absl::string_view value);

// A phone number in E.164 form (empty is fine): '+', a non-zero digit, then
// 7 to 14 more digits ("+8613800138000").
absl::Status CheckPhoneE164(absl::string_view field, absl::string_view value);

// An IANA time zone name that the tz database knows ("Asia/Shanghai", "UTC");
// empty is fine.
absl::Status CheckTimeZone(absl::string_view field, absl::string_view value);

// An ISO 4217 code: exactly three upper-case ASCII letters.
absl::Status CheckCurrencyCode(absl::string_view field, absl::string_view value);

// lo <= value <= hi.
absl::Status CheckRange(absl::string_view field, int64_t value, int64_t lo, int64_t hi);

// Labels: at most 64 entries; a key is 1..63 characters, starts with a
// lower-case ASCII letter and continues with [a-z0-9_-]; a value is 0..63
// characters of [a-z0-9_-]. The message names the offending key
// ("account.labels[\"Bad Key\"] ...").
absl::Status CheckLabels(absl::string_view field,
                         const google::protobuf::Map<std::string, std::string>& labels);

// A message field the request must carry (`present`: request.has_<field>()):
// INVALID_ARGUMENT "<field> is required" when it does not.
absl::Status CheckPresent(absl::string_view field, bool present);

}  // namespace kam::common
