#include "common/api/page_token.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "common/base/fingerprint.h"
#include "gtest/gtest.h"

namespace kam::common {
namespace {

constexpr uint64_t kQuery = 0x0123456789abcdefULL;

// Asserts that decoding `token` for kQuery fails as "not valid".
void ExpectNotValid(absl::string_view token) {
  const absl::StatusOr<PageCursor> cursor = DecodePageToken(token, kQuery);
  ASSERT_FALSE(cursor.ok()) << "token: " << token;
  EXPECT_EQ(cursor.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(cursor.status().message(), "page_token is not valid"))
      << cursor.status();
}

// Replaces the checksum (last 4 bytes, low 32 bits of Fingerprint64 of the
// rest, little-endian) so that tests can reach the checks behind it with
// deliberately malformed bodies.
std::string Reseal(std::string body) {
  const uint64_t checksum = Fingerprint64(body) & 0xffffffffu;
  for (int i = 0; i < 4; ++i) {
    body.push_back(static_cast<char>((checksum >> (8 * i)) & 0xff));
  }
  return absl::WebSafeBase64Escape(body);
}

// The decoded bytes of `token` without the checksum.
std::string Body(absl::string_view token) {
  std::string bytes;
  EXPECT_TRUE(absl::WebSafeBase64Unescape(token, &bytes));
  return bytes.substr(0, bytes.size() - 4);
}

bool IsBase64UrlUnpadded(absl::string_view token) {
  for (char c : token) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

TEST(PageTokenTest, RoundTripsIdOnlyCursor) {
  PageCursor cursor;
  cursor.last_id = 42;
  const std::string token = EncodePageToken(kQuery, cursor);
  EXPECT_TRUE(IsBase64UrlUnpadded(token)) << token;
  absl::StatusOr<PageCursor> decoded = DecodePageToken(token, kQuery);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_TRUE(decoded->key_values.empty());
  EXPECT_EQ(decoded->last_id, 42);
}

TEST(PageTokenTest, RoundTripsKeyValuesIncludingEmptyBinaryAndUtf8) {
  PageCursor cursor;
  cursor.key_values = {"", "Acme \xe5\x85\xac\xe5\x8f\xb8 \xf0\x9f\x98\x80",
                       std::string("a\0b\xff", 4), "2024-01-01T00:00:00Z"};
  cursor.last_id = 7;
  const std::string token = EncodePageToken(kQuery, cursor);
  EXPECT_TRUE(IsBase64UrlUnpadded(token)) << token;
  absl::StatusOr<PageCursor> decoded = DecodePageToken(token, kQuery);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->key_values, cursor.key_values);
  EXPECT_EQ(decoded->last_id, 7);
}

TEST(PageTokenTest, RoundTripsExtremeIds) {
  for (int64_t id : {int64_t{0}, int64_t{1}, int64_t{-1}, INT64_MAX, INT64_MIN}) {
    PageCursor cursor;
    cursor.last_id = id;
    absl::StatusOr<PageCursor> decoded = DecodePageToken(EncodePageToken(kQuery, cursor), kQuery);
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(decoded->last_id, id);
  }
}

TEST(PageTokenTest, EncodingIsDeterministic) {
  PageCursor cursor;
  cursor.key_values = {"x"};
  cursor.last_id = 9;
  EXPECT_EQ(EncodePageToken(kQuery, cursor), EncodePageToken(kQuery, cursor));
}

TEST(PageTokenTest, DifferentQueryIsRefusedWithItsOwnMessage) {
  PageCursor cursor;
  cursor.last_id = 42;
  const std::string token = EncodePageToken(kQuery, cursor);
  const absl::StatusOr<PageCursor> decoded = DecodePageToken(token, kQuery + 1);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(
      absl::StartsWith(decoded.status().message(),
                       "page_token was issued for a different query (filter, order_by, parent "
                       "or show_deleted changed)"))
      << decoded.status();
}

TEST(PageTokenTest, EmptyTokenIsNotValid) { ExpectNotValid(""); }

TEST(PageTokenTest, GarbageIsNotValid) {
  ExpectNotValid("!!!!");
  ExpectNotValid("hello world");
  ExpectNotValid("abc");
  ExpectNotValid("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  ExpectNotValid("\xff\xfe");
}

TEST(PageTokenTest, PaddedOrStandardAlphabetSpellingIsNotValid) {
  PageCursor cursor;
  cursor.key_values = {"\xfb\xff\xfe"};  // encodes to '-' and '_' characters
  cursor.last_id = 1;
  const std::string token = EncodePageToken(kQuery, cursor);
  ASSERT_TRUE(DecodePageToken(token, kQuery).ok());
  ExpectNotValid(token + "=");
  ExpectNotValid(token + "==");
  std::string standard = token;
  bool changed = false;
  for (char& c : standard) {
    if (c == '-') {
      c = '+';
      changed = true;
    } else if (c == '_') {
      c = '/';
      changed = true;
    }
  }
  if (changed) ExpectNotValid(standard);
}

TEST(PageTokenTest, TruncatedTokenIsNotValid) {
  PageCursor cursor;
  cursor.key_values = {"Acme", "2024"};
  cursor.last_id = 123456;
  const std::string token = EncodePageToken(kQuery, cursor);
  for (size_t length = 0; length < token.size(); ++length) {
    ExpectNotValid(token.substr(0, length));
  }
}

TEST(PageTokenTest, ExtraCharactersAreNotValid) {
  PageCursor cursor;
  cursor.last_id = 5;
  const std::string token = EncodePageToken(kQuery, cursor);
  ExpectNotValid(token + "A");
  ExpectNotValid(token + "AAAA");
  ExpectNotValid("A" + token);
  ExpectNotValid(token + " ");
}

TEST(PageTokenTest, EveryChangedCharacterIsDetected) {
  PageCursor cursor;
  cursor.key_values = {"Acme"};
  cursor.last_id = 77;
  const std::string token = EncodePageToken(kQuery, cursor);
  for (size_t i = 0; i < token.size(); ++i) {
    std::string changed = token;
    changed[i] = token[i] == 'A' ? 'B' : 'A';
    ExpectNotValid(changed);
  }
}

TEST(PageTokenTest, EveryFlippedBitIsDetected) {
  PageCursor cursor;
  cursor.key_values = {"Acme", ""};
  cursor.last_id = 77;
  std::string bytes;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(EncodePageToken(kQuery, cursor), &bytes));
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string flipped = bytes;
      flipped[i] = static_cast<char>(flipped[i] ^ (1 << bit));
      ExpectNotValid(absl::WebSafeBase64Escape(flipped));
    }
  }
}

TEST(PageTokenTest, UnknownFormatVersionIsNotValid) {
  PageCursor cursor;
  cursor.last_id = 1;
  std::string body = Body(EncodePageToken(kQuery, cursor));
  body[0] = static_cast<char>(body[0] + 1);
  ExpectNotValid(Reseal(body));
}

TEST(PageTokenTest, KeyCountLargerThanTheDataIsNotValid) {
  PageCursor cursor;
  cursor.last_id = 1;
  std::string body = Body(EncodePageToken(kQuery, cursor));
  // Bytes 9..12 hold the key count; claim 2^32 - 1 keys.
  for (int i = 9; i < 13; ++i) body[i] = '\xff';
  ExpectNotValid(Reseal(body));
}

TEST(PageTokenTest, KeyLengthPastTheEndIsNotValid) {
  PageCursor cursor;
  cursor.key_values = {"abc"};
  cursor.last_id = 1;
  std::string body = Body(EncodePageToken(kQuery, cursor));
  // Bytes 13..16 hold the first value's length; claim 200 bytes.
  body[13] = static_cast<char>(200);
  ExpectNotValid(Reseal(body));
}

TEST(PageTokenTest, TrailingBytesBeforeChecksumAreNotValid) {
  PageCursor cursor;
  cursor.last_id = 1;
  ExpectNotValid(Reseal(Body(EncodePageToken(kQuery, cursor)) + "x"));
}

TEST(PageTokenTest, ResealedBodyIsStillAccepted) {
  // Guards the tests above: a body resealed unchanged must decode, so their
  // failures come from the edits and not from Reseal itself.
  PageCursor cursor;
  cursor.key_values = {"abc"};
  cursor.last_id = 3;
  absl::StatusOr<PageCursor> decoded =
      DecodePageToken(Reseal(Body(EncodePageToken(kQuery, cursor))), kQuery);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->key_values, cursor.key_values);
}

TEST(PageTokenTest, TokenOfExactly4096CharactersIsAcceptedAndLongerIsNot) {
  // Find the key size whose token is exactly 4096 characters.
  PageCursor cursor;
  cursor.last_id = 1;
  std::string token;
  for (size_t size = 2900; size < 3200; ++size) {
    cursor.key_values = {std::string(size, 'k')};
    token = EncodePageToken(kQuery, cursor);
    if (token.size() >= 4096) break;
  }
  ASSERT_EQ(token.size(), 4096u);
  absl::StatusOr<PageCursor> decoded = DecodePageToken(token, kQuery);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->key_values, cursor.key_values);

  cursor.key_values[0].push_back('k');
  const std::string longer = EncodePageToken(kQuery, cursor);
  ASSERT_GT(longer.size(), 4096u);
  ExpectNotValid(longer);
}

TEST(PageTokenTest, HugeTextIsRefusedByLength) {
  ExpectNotValid(std::string(4097, 'A'));
  ExpectNotValid(std::string(1 << 20, 'A'));
}

TEST(ResolvePageSizeTest, ZeroMeansDefault) {
  EXPECT_EQ(ResolvePageSize(0).value(), 50);
  EXPECT_EQ(ResolvePageSize(0, 20, 100).value(), 20);
}

TEST(ResolvePageSizeTest, InRangeIsKept) {
  EXPECT_EQ(ResolvePageSize(1).value(), 1);
  EXPECT_EQ(ResolvePageSize(50).value(), 50);
  EXPECT_EQ(ResolvePageSize(1000).value(), 1000);
}

TEST(ResolvePageSizeTest, AboveMaximumIsLowered) {
  EXPECT_EQ(ResolvePageSize(1001).value(), 1000);
  EXPECT_EQ(ResolvePageSize(5000).value(), 1000);
  EXPECT_EQ(ResolvePageSize(INT32_MAX).value(), 1000);
  EXPECT_EQ(ResolvePageSize(101, 20, 100).value(), 100);
}

TEST(ResolvePageSizeTest, NegativeIsInvalidArgumentNamingPageSize) {
  absl::StatusOr<int> size = ResolvePageSize(-1);
  ASSERT_FALSE(size.ok());
  EXPECT_EQ(size.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(size.status().message(), "page_size must not be negative (got -1)");

  size = ResolvePageSize(INT32_MIN);
  ASSERT_FALSE(size.ok());
  EXPECT_EQ(size.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(size.status().message(), "page_size "));
}

}  // namespace
}  // namespace kam::common
