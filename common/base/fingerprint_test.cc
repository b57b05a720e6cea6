#include "common/base/fingerprint.h"

#include <cstdint>
#include <string>

#include "google/protobuf/duration.pb.h"
#include "google/protobuf/struct.pb.h"
#include "gtest/gtest.h"

namespace kam::common {
namespace {

// The length prefix Fingerprint64(parts) folds before each part: 8 bytes,
// little-endian. Spelled out here so the test pins the stored format.
std::string LengthPrefixed(const std::string& part) {
  std::string out;
  uint64_t length = part.size();
  for (int i = 0; i < 8; ++i) {
    out.push_back(static_cast<char>((length >> (8 * i)) & 0xff));
  }
  return out + part;
}

TEST(Fingerprint64Test, MatchesPublishedFnv1aVectors) {
  // Values from the FNV reference test suite; they must never change, since
  // fingerprints are stored and handed to callers.
  EXPECT_EQ(Fingerprint64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(Fingerprint64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(Fingerprint64("foobar"), 0x85944171f73967e8ULL);
}

TEST(Fingerprint64Test, HandlesEmbeddedNulAndHighBytes) {
  const std::string with_nul("a\0b", 3);
  EXPECT_NE(Fingerprint64(with_nul), Fingerprint64("ab"));
  EXPECT_NE(Fingerprint64("\xff"), Fingerprint64("\x7f"));
  EXPECT_EQ(Fingerprint64(with_nul), Fingerprint64(std::string("a\0b", 3)));
}

TEST(Fingerprint64PartsTest, PartsAreLengthDelimited) {
  EXPECT_NE(Fingerprint64({"ab", "c"}), Fingerprint64({"a", "bc"}));
  EXPECT_NE(Fingerprint64({"abc"}), Fingerprint64({"ab", "c"}));
  EXPECT_NE(Fingerprint64({"", "x"}), Fingerprint64({"x", ""}));
}

TEST(Fingerprint64PartsTest, EmptyListDiffersFromOneEmptyPart) {
  EXPECT_NE(Fingerprint64({}), Fingerprint64({""}));
  EXPECT_NE(Fingerprint64({""}), Fingerprint64({"", ""}));
  EXPECT_EQ(Fingerprint64({}), Fingerprint64(""));
}

TEST(Fingerprint64PartsTest, EqualsFnvOfEightByteLittleEndianLengthThenBytes) {
  EXPECT_EQ(Fingerprint64({"accounts/42", "7"}),
            Fingerprint64(LengthPrefixed("accounts/42") + LengthPrefixed("7")));
  EXPECT_EQ(Fingerprint64({""}), Fingerprint64(LengthPrefixed("")));
  const std::string long_part(300, 'z');  // length needs two bytes
  EXPECT_EQ(Fingerprint64({long_part}), Fingerprint64(LengthPrefixed(long_part)));
}

TEST(Fingerprint64PartsTest, IsStableAcrossCalls) {
  EXPECT_EQ(Fingerprint64({"a", "b", "c"}), Fingerprint64({"a", "b", "c"}));
}

TEST(FingerprintHexTest, IsSixteenLowerCaseDigitsWithLeadingZeros) {
  EXPECT_EQ(FingerprintHex(0), "0000000000000000");
  EXPECT_EQ(FingerprintHex(1), "0000000000000001");
  EXPECT_EQ(FingerprintHex(0xcbf29ce484222325ULL), "cbf29ce484222325");
  EXPECT_EQ(FingerprintHex(UINT64_MAX), "ffffffffffffffff");
  EXPECT_EQ(FingerprintHex(0x00000000abcdef00ULL), "00000000abcdef00");
}

TEST(MessageFingerprintTest, EmptyMessageFingerprintsEmptyBytes) {
  google::protobuf::Struct empty;
  EXPECT_EQ(MessageFingerprint(empty), Fingerprint64(""));
}

TEST(MessageFingerprintTest, MatchesSerializationOfMessageWithoutMaps) {
  google::protobuf::Duration duration;
  duration.set_seconds(90);
  duration.set_nanos(5);
  EXPECT_EQ(MessageFingerprint(duration), Fingerprint64(duration.SerializeAsString()));
}

TEST(MessageFingerprintTest, MapInsertionOrderDoesNotMatter) {
  google::protobuf::Struct forward;
  google::protobuf::Struct backward;
  constexpr int kEntries = 200;
  for (int i = 0; i < kEntries; ++i) {
    (*forward.mutable_fields())["key" + std::to_string(i)].set_number_value(i);
  }
  for (int i = kEntries - 1; i >= 0; --i) {
    (*backward.mutable_fields())["key" + std::to_string(i)].set_number_value(i);
  }
  EXPECT_EQ(MessageFingerprint(forward), MessageFingerprint(backward));
}

TEST(MessageFingerprintTest, DifferentContentGivesDifferentFingerprint) {
  google::protobuf::Struct a;
  (*a.mutable_fields())["display_name"].set_string_value("Acme");
  google::protobuf::Struct b = a;
  EXPECT_EQ(MessageFingerprint(a), MessageFingerprint(b));
  (*b.mutable_fields())["display_name"].set_string_value("Acme Inc");
  EXPECT_NE(MessageFingerprint(a), MessageFingerprint(b));
}

}  // namespace
}  // namespace kam::common
