#include "common/api/validation.h"

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/map.h"
#include "gtest/gtest.h"

namespace kam::common {
namespace {

// U+1F600 GRINNING FACE: four bytes, one character.
constexpr char kEmoji[] = "\xf0\x9f\x98\x80";
// U+4E2D (中): three bytes, one character.
constexpr char kHan[] = "\xe4\xb8\xad";

// Expects INVALID_ARGUMENT whose message starts with "<field> " and contains
// `rule`.
void ExpectInvalid(const absl::Status& status, absl::string_view field, absl::string_view rule) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_TRUE(absl::StartsWith(status.message(), absl::StrCat(field, " "))) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), rule)) << status;
}

std::string Repeat(absl::string_view unit, size_t times) {
  std::string out;
  for (size_t i = 0; i < times; ++i) out.append(unit.data(), unit.size());
  return out;
}

// ---------------------------------------------------------------- basics

TEST(InvalidFieldTest, JoinsFieldAndRuleWithOneSpace) {
  const absl::Status status = InvalidField("account.tier", "is required");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "account.tier is required");
}

TEST(Utf8LengthTest, CountsCodePoints) {
  EXPECT_EQ(Utf8Length(""), 0u);
  EXPECT_EQ(Utf8Length("abc"), 3u);
  EXPECT_EQ(Utf8Length("\xc3\xa9"), 1u);  // é
  EXPECT_EQ(Utf8Length(kHan), 1u);
  EXPECT_EQ(Utf8Length(kEmoji), 1u);
  EXPECT_EQ(Utf8Length(absl::StrCat("a", kHan, kEmoji, "b")), 4u);
}

// ---------------------------------------------------------------- CheckText

TEST(CheckTextTest, AcceptsEmptyAsciiAndUnicode) {
  EXPECT_TRUE(CheckText("account.display_name", "", 200).ok());
  EXPECT_TRUE(CheckText("account.display_name", "Acme Inc.", 200).ok());
  EXPECT_TRUE(CheckText("account.display_name", absl::StrCat(kHan, " ", kEmoji), 200).ok());
}

TEST(CheckTextTest, LengthExactlyAtLimitIsAcceptedOneOverIsNot) {
  EXPECT_TRUE(CheckText("f", std::string(200, 'a'), 200).ok());
  const absl::Status status = CheckText("account.display_name", std::string(201, 'a'), 200);
  ExpectInvalid(status, "account.display_name", "must be at most 200 characters (got 201)");
}

TEST(CheckTextTest, HugeValueReportsItsLength) {
  const absl::Status status = CheckText("account.display_name", std::string(1 << 20, 'a'), 200);
  EXPECT_EQ(status.message(),
            "account.display_name must be at most 200 characters (got "
            "1048576)");
}

TEST(CheckTextTest, FourByteCharactersCountAsOne) {
  EXPECT_TRUE(CheckText("f", Repeat(kEmoji, 10), 10).ok());
  ExpectInvalid(CheckText("f", Repeat(kEmoji, 11), 10), "f",
                "must be at most 10 characters (got 11)");
  EXPECT_TRUE(CheckText("f", Repeat(kHan, 200), 200).ok());
}

TEST(CheckTextTest, RejectsInvalidUtf8) {
  const char* const kBad[] = {
      "\xff",                  // never valid
      "abc\xfe",               // never valid
      "\x80",                  // stray continuation byte
      "\xc3",                  // truncated two-byte sequence
      "\xe4\xb8",              // truncated three-byte sequence
      "\xf0\x9f\x98",          // truncated four-byte sequence
      "\xc0\xaf",              // overlong '/'
      "\xc1\xbf",              // overlong
      "\xe0\x80\xaf",          // overlong '/' in three bytes
      "\xf0\x80\x80\xaf",      // overlong '/' in four bytes
      "\xed\xa0\x80",          // U+D800 surrogate
      "\xed\xbf\xbf",          // U+DFFF surrogate
      "\xf4\x90\x80\x80",      // U+110000, above the Unicode range
      "\xf8\x88\x80\x80\x80",  // five-byte form
      "\xc3\x28",              // bad continuation byte
  };
  for (const char* bad : kBad) {
    ExpectInvalid(CheckText("account.display_name", bad, 200), "account.display_name",
                  "must be valid UTF-8");
  }
}

TEST(CheckTextTest, AcceptsBoundaryCodePoints) {
  EXPECT_TRUE(CheckText("f", "\xc2\xa0", 10).ok());          // U+00A0
  EXPECT_TRUE(CheckText("f", "\xed\x9f\xbf", 10).ok());      // U+D7FF
  EXPECT_TRUE(CheckText("f", "\xee\x80\x80", 10).ok());      // U+E000
  EXPECT_TRUE(CheckText("f", "\xf4\x8f\xbf\xbf", 10).ok());  // U+10FFFF
}

TEST(CheckTextTest, RejectsC0DelAndC1ControlCharacters) {
  const std::string kControls[] = {
      std::string("a\0b", 3),
      "a\x01",
      "\x1f",
      "a\x7f",
      "a\rb",
      "\x1b[31m",
      "\xc2\x80",  // U+0080
      "\xc2\x9f",  // U+009F
  };
  for (const std::string& value : kControls) {
    ExpectInvalid(CheckText("account.display_name", value, 200), "account.display_name",
                  "must not contain control characters");
  }
}

TEST(CheckTextTest, ControlCharacterMessageSaysWhichAndWhere) {
  EXPECT_EQ(CheckText("note", "ab\x07", 100).message(),
            "note must not contain control characters (found U+0007 at "
            "character 2)");
}

TEST(CheckTextTest, TabAndNewlineOnlyWhenMultiline) {
  ExpectInvalid(CheckText("f", "a\nb", 10), "f", "control characters");
  ExpectInvalid(CheckText("f", "a\tb", 10), "f", "control characters");
  EXPECT_TRUE(CheckText("f", "a\nb\tc", 10, /*multiline=*/true).ok());
  ExpectInvalid(CheckText("f", "a\rb", 10, /*multiline=*/true), "f",
                "control characters other than tab and newline");
  ExpectInvalid(CheckText("f", "a\x01", 10, /*multiline=*/true), "f", "control characters");
}

TEST(CheckTextTest, InvalidUtf8IsReportedBeforeLength) {
  ExpectInvalid(CheckText("f", std::string(300, 'a') + "\xff", 200), "f", "must be valid UTF-8");
}

// -------------------------------------------------------- CheckRequiredText

TEST(CheckRequiredTextTest, AcceptsNonBlankText) {
  EXPECT_TRUE(CheckRequiredText("account.display_name", " Acme ", 200).ok());
  EXPECT_TRUE(CheckRequiredText("account.display_name", kEmoji, 1).ok());
}

TEST(CheckRequiredTextTest, EmptyIsRequired) {
  EXPECT_EQ(CheckRequiredText("account.display_name", "", 200).message(),
            "account.display_name is required");
  EXPECT_EQ(CheckRequiredText("account.display_name", "", 200).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CheckRequiredTextTest, OnlyWhiteSpaceIsRejected) {
  ExpectInvalid(CheckRequiredText("account.display_name", "   ", 200), "account.display_name",
                "white space");
  // U+3000 IDEOGRAPHIC SPACE and U+00A0 NO-BREAK SPACE are blank too.
  ExpectInvalid(CheckRequiredText("account.display_name", "\xe3\x80\x80\xc2\xa0", 200),
                "account.display_name", "white space");
}

TEST(CheckRequiredTextTest, AppliesTheTextRules) {
  ExpectInvalid(CheckRequiredText("f", std::string(11, 'a'), 10), "f",
                "must be at most 10 characters (got 11)");
  ExpectInvalid(CheckRequiredText("f", "\xff", 10), "f", "must be valid UTF-8");
  ExpectInvalid(CheckRequiredText("f", "a\nb", 10), "f", "control characters");
}

// --------------------------------------------------------- CheckIdentifier

TEST(CheckIdentifierTest, AcceptsIdentifiers) {
  EXPECT_TRUE(CheckIdentifier("member.user_id", "user-123", 64, true).ok());
  EXPECT_TRUE(CheckIdentifier("member.user_id", "a", 1, true).ok());
  EXPECT_TRUE(CheckIdentifier("member.user_id", absl::StrCat(kHan, kEmoji), 2, true).ok());
}

TEST(CheckIdentifierTest, EmptyDependsOnRequired) {
  EXPECT_TRUE(CheckIdentifier("member.user_id", "", 64, false).ok());
  EXPECT_EQ(CheckIdentifier("member.user_id", "", 64, true).message(),
            "member.user_id is required");
}

TEST(CheckIdentifierTest, LengthLimit) {
  EXPECT_TRUE(CheckIdentifier("f", std::string(64, 'x'), 64, true).ok());
  ExpectInvalid(CheckIdentifier("f", std::string(65, 'x'), 64, true), "f",
                "must be at most 64 characters (got 65)");
}

TEST(CheckIdentifierTest, RejectsWhiteSpace) {
  for (const char* value : {"a b", " a", "a ", "a\tb", "a\nb",
                            "a\xe3\x80\x80"
                            "b"}) {
    ExpectInvalid(CheckIdentifier("member.user_id", value, 64, true), "member.user_id",
                  "must not contain white space");
  }
}

TEST(CheckIdentifierTest, RejectsControlCharactersAndInvalidUtf8) {
  ExpectInvalid(CheckIdentifier("f", "a\x01", 64, true), "f", "control characters");
  ExpectInvalid(CheckIdentifier("f", "a\x7f", 64, true), "f", "control characters");
  ExpectInvalid(CheckIdentifier("f", std::string("a\0", 2), 64, false), "f", "control characters");
  ExpectInvalid(CheckIdentifier("f", "a\xc0\xaf", 64, true), "f", "must be valid UTF-8");
}

// ---------------------------------------------------------- CheckRequestId

TEST(CheckRequestIdTest, AcceptsEmptyAndPrintableAscii) {
  EXPECT_TRUE(CheckRequestId("request_id", "").ok());
  EXPECT_TRUE(CheckRequestId("request_id", "6f1c1b0e-3a7d-4c5e-9f0a-1b2c3d4e5f60").ok());
  EXPECT_TRUE(CheckRequestId("request_id", "!~").ok());
  EXPECT_TRUE(CheckRequestId("request_id", std::string(128, 'r')).ok());
}

TEST(CheckRequestIdTest, RejectsMoreThan128Characters) {
  ExpectInvalid(CheckRequestId("request_id", std::string(129, 'r')), "request_id",
                "must be at most 128 characters (got 129)");
}

TEST(CheckRequestIdTest, RejectsSpaceControlAndNonAscii) {
  for (const std::string& value :
       {std::string("a b"), std::string("a\x7f"), std::string("a\tb"), std::string("\x00", 1),
        std::string(kHan), std::string("\xff")}) {
    ExpectInvalid(CheckRequestId("request_id", value), "request_id", "printable ASCII");
  }
}

// -------------------------------------------------------------- CheckEmail

TEST(CheckEmailTest, AcceptsAddresses) {
  for (const std::string& email : {std::string(""), std::string("name@example.com"),
                                   std::string("first.last+tag@mail.example.co.uk"),
                                   std::string("a!#$%&'*+/=?^_`{|}~-z@example.org"),
                                   std::string("x@a-b.io"), std::string("user@123.example.com"),
                                   absl::StrCat("\xe5\xbc\xa0", "@", kHan, ".cn"),  // non-ASCII
                                   absl::StrCat(std::string(64, 'l'), "@example.com")}) {
    EXPECT_TRUE(CheckEmail("contact.email", email).ok()) << email;
  }
}

TEST(CheckEmailTest, RejectsMalformedAddresses) {
  for (const std::string& email : {std::string("plainaddress"),
                                   std::string("@example.com"),
                                   std::string("name@"),
                                   std::string("name@@example.com"),
                                   std::string("a@b@example.com"),
                                   std::string(".name@example.com"),
                                   std::string("name.@example.com"),
                                   std::string("na..me@example.com"),
                                   std::string("name@example"),
                                   std::string("name@example.c"),
                                   std::string("name@example.123"),
                                   std::string("name@-example.com"),
                                   std::string("name@example-.com"),
                                   std::string("name@example..com"),
                                   std::string("name@.example.com"),
                                   std::string("name@example.com."),
                                   std::string("na me@example.com"),
                                   std::string("name@exa mple.com"),
                                   std::string("name@exa_mple.com"),
                                   std::string("\"name\"@example.com"),
                                   std::string("name@[127.0.0.1]"),
                                   std::string("name@1.2.3.4"),
                                   std::string("na\x01me@example.com"),
                                   std::string("name@example\xc2\x85.com"),  // U+0085 (C1)
                                   absl::StrCat(std::string(65, 'l'), "@example.com")}) {
    const absl::Status status = CheckEmail("contact.email", email);
    EXPECT_EQ(status.message(), "contact.email must be an email address like name@example.com")
        << email;
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << email;
  }
}

TEST(CheckEmailTest, LengthLimitIs254Bytes) {
  // 64 + 1 + 189 = 254 bytes.
  const std::string domain = absl::StrCat(std::string(63, 'd'), ".", std::string(63, 'd'), ".",
                                          std::string(57, 'd'), ".com");
  const std::string at_limit = absl::StrCat(std::string(64, 'l'), "@", domain);
  ASSERT_EQ(at_limit.size(), 254u);
  EXPECT_TRUE(CheckEmail("contact.email", at_limit).ok());
  ExpectInvalid(CheckEmail("contact.email", "d" + at_limit), "contact.email",
                "must be at most 254 bytes (got 255)");
}

TEST(CheckEmailTest, RejectsInvalidUtf8) {
  ExpectInvalid(CheckEmail("contact.email", "n\xff@example.com"), "contact.email",
                "must be valid UTF-8");
  ExpectInvalid(CheckEmail("contact.email", "name@exa\xc0\xafmple.com"), "contact.email",
                "must be valid UTF-8");
}

// ---------------------------------------------------------- CheckPhoneE164

TEST(CheckPhoneE164Test, AcceptsE164Numbers) {
  EXPECT_TRUE(CheckPhoneE164("contact.phone", "").ok());
  EXPECT_TRUE(CheckPhoneE164("contact.phone", "+8613800138000").ok());
  EXPECT_TRUE(CheckPhoneE164("contact.phone", "+14155550100").ok());
  EXPECT_TRUE(CheckPhoneE164("contact.phone", "+12345678").ok());         // 8 digits
  EXPECT_TRUE(CheckPhoneE164("contact.phone", "+123456789012345").ok());  // 15 digits
}

TEST(CheckPhoneE164Test, RejectsOtherForms) {
  for (const char* phone :
       {"8613800138000", "+0613800138000", "+1234567", "+1234567890123456", "+86 138 0013 8000",
        "+86-13800138000", "(415) 555-0100", "+", "++8613800138000", "+86138001380a0",
        "+\xef\xbc\x91\x32\x33\x34\x35"
        "6789"}) {
    const absl::Status status = CheckPhoneE164("contact.phone", phone);
    EXPECT_EQ(status.message(), "contact.phone must be in E.164 form like +8613800138000") << phone;
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  }
}

// ----------------------------------------------------------- CheckTimeZone

TEST(CheckTimeZoneTest, AcceptsKnownZones) {
  for (const char* zone :
       {"", "UTC", "Asia/Shanghai", "America/New_York", "Europe/London",
        "America/Argentina/Buenos_Aires", "Etc/GMT+8", "America/Port-au-Prince"}) {
    EXPECT_TRUE(CheckTimeZone("account.time_zone", zone).ok()) << zone;
  }
}

TEST(CheckTimeZoneTest, RejectsUnknownAndUnsafeNames) {
  for (const std::string& zone :
       {std::string("Mars/Olympus_Mons"), std::string("asia/shanghai "), std::string("/etc/passwd"),
        std::string("/usr/share/zoneinfo/UTC"), std::string("../../../etc/passwd"),
        std::string("Asia/../UTC"), std::string("Asia/Shanghai\n"), std::string("file:UTC"),
        std::string("Fixed/UTC+08:00"), std::string("localtime"), std::string("Asia"),
        std::string("Asia/"), std::string("UTC\0x", 5), std::string(kHan), std::string(65, 'A')}) {
    ExpectInvalid(CheckTimeZone("account.time_zone", zone), "account.time_zone",
                  "must be an IANA time zone name");
  }
}

// ------------------------------------------------------- CheckCurrencyCode

TEST(CheckCurrencyCodeTest, AcceptsThreeUpperCaseLetters) {
  EXPECT_TRUE(CheckCurrencyCode("invoice.currency_code", "USD").ok());
  EXPECT_TRUE(CheckCurrencyCode("invoice.currency_code", "CNY").ok());
}

TEST(CheckCurrencyCodeTest, RejectsEverythingElseIncludingEmpty) {
  for (const char* code : {"", "usd", "US", "USDT", "U5D", " USD", "Usd"}) {
    ExpectInvalid(CheckCurrencyCode("invoice.currency_code", code), "invoice.currency_code",
                  "must be an ISO 4217 currency code");
  }
}

// -------------------------------------------------------------- CheckRange

TEST(CheckRangeTest, BoundsAreInclusive) {
  EXPECT_TRUE(CheckRange("seats", 1, 1, 100).ok());
  EXPECT_TRUE(CheckRange("seats", 100, 1, 100).ok());
  EXPECT_TRUE(CheckRange("x", INT64_MIN, INT64_MIN, INT64_MAX).ok());
  EXPECT_TRUE(CheckRange("x", INT64_MAX, INT64_MIN, INT64_MAX).ok());
}

TEST(CheckRangeTest, OutsideIsInvalid) {
  EXPECT_EQ(CheckRange("seats", 0, 1, 100).message(), "seats must be between 1 and 100 (got 0)");
  EXPECT_EQ(CheckRange("seats", 101, 1, 100).message(),
            "seats must be between 1 and 100 (got 101)");
  EXPECT_EQ(CheckRange("seats", -5, 1, 100).code(), absl::StatusCode::kInvalidArgument);
}

// ------------------------------------------------------------- CheckLabels

using Labels = google::protobuf::Map<std::string, std::string>;

TEST(CheckLabelsTest, AcceptsValidLabels) {
  Labels labels;
  EXPECT_TRUE(CheckLabels("account.labels", labels).ok());
  labels["env"] = "prod";
  labels["team-a_1"] = "";
  labels["a"] = "x-y_z-0";
  labels[std::string(63, 'k')] = std::string(63, 'v');
  EXPECT_TRUE(CheckLabels("account.labels", labels).ok());
}

TEST(CheckLabelsTest, AtMost64Entries) {
  Labels labels;
  for (int i = 0; i < 64; ++i) labels[absl::StrCat("k", i)] = "v";
  EXPECT_TRUE(CheckLabels("account.labels", labels).ok());
  labels["k64"] = "v";
  ExpectInvalid(CheckLabels("account.labels", labels), "account.labels",
                "must have at most 64 entries (got 65)");
}

TEST(CheckLabelsTest, BadKeyIsNamedInTheMessage) {
  Labels labels;
  labels["Bad Key"] = "v";
  const absl::Status status = CheckLabels("account.labels", labels);
  ExpectInvalid(status, "account.labels[\"Bad Key\"]", "key must start");
  EXPECT_TRUE(absl::StartsWith(status.message(), "account.labels[\"Bad Key\"] key must start"))
      << status;
}

TEST(CheckLabelsTest, RejectsBadKeys) {
  const std::string kBad[] = {"",
                              "1abc",
                              "-abc",
                              "_abc",
                              "Abc",
                              "ab c",
                              "ab.c",
                              "ab/c",
                              "ab\xff",
                              std::string(64, 'k'),
                              absl::StrCat("a", kHan)};
  for (const std::string& key : kBad) {
    Labels labels;
    labels[key] = "v";
    const absl::Status status = CheckLabels("account.labels", labels);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << key;
    EXPECT_TRUE(absl::StartsWith(status.message(), "account.labels[\"")) << status;
    EXPECT_TRUE(absl::StrContains(status.message(), "] key ")) << status;
  }
}

TEST(CheckLabelsTest, LongKeyReportsItsLength) {
  Labels labels;
  labels[std::string(64, 'k')] = "v";
  EXPECT_TRUE(absl::StrContains(CheckLabels("l", labels).message(),
                                "key must be at most 63 characters (got 64)"));
}

TEST(CheckLabelsTest, RejectsBadValues) {
  const std::string kBad[] = {"Prod", "a b", "a.b", "\xff", std::string(64, 'v'), kEmoji};
  for (const std::string& value : kBad) {
    Labels labels;
    labels["env"] = value;
    const absl::Status status = CheckLabels("account.labels", labels);
    ExpectInvalid(status, "account.labels[\"env\"]", "value ");
  }
}

TEST(CheckLabelsTest, LongValueReportsItsLength) {
  Labels labels;
  labels["env"] = std::string(64, 'v');
  EXPECT_EQ(CheckLabels("account.labels", labels).message(),
            "account.labels[\"env\"] value must be at most 63 characters (got "
            "64)");
}

TEST(CheckLabelsTest, ReportsTheFirstBadKeyInSortedOrder) {
  Labels labels;
  for (int i = 0; i < 30; ++i) labels[absl::StrCat("ok", i)] = "v";
  labels["zz"] = "BAD";
  labels["mm"] = "BAD";
  labels["bb"] = "BAD";
  const absl::Status status = CheckLabels("account.labels", labels);
  EXPECT_TRUE(absl::StartsWith(status.message(), "account.labels[\"bb\"]")) << status;
}

TEST(CheckLabelsTest, KeyWithQuotesAndControlsIsEscapedInTheMessage) {
  Labels labels;
  labels["a\"b\n"] = "v";
  const absl::Status status = CheckLabels("account.labels", labels);
  EXPECT_TRUE(absl::StartsWith(status.message(), "account.labels[\"a\\\"b\\n\"]")) << status;
}

TEST(CheckPresentTest, AnAbsentMessageIsRequired) {
  EXPECT_TRUE(CheckPresent("account", true).ok());
  const absl::Status status = CheckPresent("account", false);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "account is required");
}

}  // namespace
}  // namespace kam::common
