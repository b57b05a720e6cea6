#include "common/auth/jwt_codec.h"

#include <string>

#include "gtest/gtest.h"

namespace kam::auth {
namespace {

TEST(Base64UrlTest, RoundTripsWithoutPadding) {
  for (const std::string bytes : {"", "f", "fo", "foo", "foob", "\xff\xfe\xfd?>", "{\"a\":1}"}) {
    const std::string text = Base64UrlEncode(bytes);
    EXPECT_EQ(text.find_first_of("=+/"), std::string::npos) << text;
    EXPECT_EQ(*Base64UrlDecode(text), bytes);
  }
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
}

TEST(Base64UrlTest, RefusesEverySpellingButTheOne) {
  for (const char* text : {"Zg==", "Zm9v\n", "Zm 9v", "Zm9v+", "Zm9v/", "Z", "Zh", "Zm9=", "!!"}) {
    EXPECT_FALSE(Base64UrlDecode(text).ok()) << text;
  }
}

TEST(EcdsaSignatureTest, ConvertsRawToDerAndBack) {
  std::string raw(64, '\0');
  for (int i = 0; i < 64; ++i) raw[i] = static_cast<char>(i == 0 || i == 32 ? 0 : 0x80 + i);
  absl::StatusOr<std::string> der = EcdsaRawToDer(raw);
  ASSERT_TRUE(der.ok()) << der.status();
  EXPECT_EQ((*der)[0], 0x30);  // SEQUENCE
  EXPECT_EQ(*EcdsaDerToRaw(*der), raw);
}

TEST(EcdsaSignatureTest, RefusesWrongSizes) {
  EXPECT_FALSE(EcdsaRawToDer(std::string(63, 'a')).ok());
  EXPECT_FALSE(EcdsaRawToDer(std::string(65, 'a')).ok());
  EXPECT_FALSE(EcdsaDerToRaw("not der").ok());
}

TEST(Sha256Test, MatchesTheStandardVector) {
  const std::string digest = Sha256("abc");
  ASSERT_EQ(digest.size(), 32u);
  EXPECT_EQ(Base64UrlEncode(digest), "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
}

}  // namespace
}  // namespace kam::auth
