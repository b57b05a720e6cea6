#include "common/base/utf8.h"

#include <string>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace kam::common {
namespace {

TEST(DecodeUtf8Test, DecodesEachLengthAndAdvances) {
  const std::string text = "a\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80";  // a é 中 😀
  size_t pos = 0;
  char32_t c = 0;
  ASSERT_TRUE(DecodeUtf8(text, &pos, &c));
  EXPECT_EQ(c, U'a');
  EXPECT_EQ(pos, 1u);
  ASSERT_TRUE(DecodeUtf8(text, &pos, &c));
  EXPECT_EQ(c, U'\u00e9');
  EXPECT_EQ(pos, 3u);
  ASSERT_TRUE(DecodeUtf8(text, &pos, &c));
  EXPECT_EQ(c, U'\u4e2d');
  EXPECT_EQ(pos, 6u);
  ASSERT_TRUE(DecodeUtf8(text, &pos, &c));
  EXPECT_EQ(c, U'\U0001F600');
  EXPECT_EQ(pos, text.size());
}

TEST(DecodeUtf8Test, RefusesWhatIsNotTheShortestFormOfAScalarValue) {
  const char* const invalid[] = {
      "\x80",              // a stray continuation byte
      "\xc3",              // truncated
      "\xe4\xb8",          // truncated
      "\xc0\xaf",          // overlong '/'
      "\xe0\x80\xaf",      // overlong '/'
      "\xed\xa0\x80",      // the surrogate U+D800
      "\xf4\x90\x80\x80",  // above U+10FFFF
      "\xf8\x88\x80\x80",  // a five-byte lead
      "\xc3\x28",          // a lead byte followed by ASCII
  };
  for (const char* bytes : invalid) {
    size_t pos = 0;
    char32_t c = 0;
    EXPECT_FALSE(DecodeUtf8(bytes, &pos, &c)) << absl::CEscape(bytes);
    EXPECT_EQ(pos, 0u);
    EXPECT_EQ(Utf8SequenceLength(bytes, 0), 0u);
    EXPECT_FALSE(IsValidUtf8(bytes));
  }
}

TEST(Utf8Test, SequenceLengthAndValidity) {
  EXPECT_EQ(Utf8SequenceLength("x\xe4\xb8\xad", 1), 3u);
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ASCII"));
  EXPECT_TRUE(IsValidUtf8("\xe5\x8d\x8e\xe4\xbf\xa1"));  // 华信
  EXPECT_FALSE(IsValidUtf8("ok then \xff"));
}

TEST(Utf8LengthTest, CountsCodePoints) {
  EXPECT_EQ(Utf8Length(""), 0u);
  EXPECT_EQ(Utf8Length("abc"), 3u);
  EXPECT_EQ(Utf8Length("\xc3\xa9"), 1u);
  EXPECT_EQ(Utf8Length("a\xe4\xb8\xad\xf0\x9f\x98\x80"
                       "b"),
            4u);
}

TEST(CharacterClassTest, ControlsAndWhiteSpace) {
  EXPECT_TRUE(IsControlCharacter(0x00));
  EXPECT_TRUE(IsControlCharacter(0x1B));
  EXPECT_TRUE(IsControlCharacter(0x7F));
  EXPECT_TRUE(IsControlCharacter(0x85));
  EXPECT_FALSE(IsControlCharacter(U'a'));
  EXPECT_FALSE(IsControlCharacter(0xA0));
  EXPECT_TRUE(IsWhiteSpaceCharacter(U' '));
  EXPECT_TRUE(IsWhiteSpaceCharacter(0x3000));  // ideographic space
  EXPECT_TRUE(IsWhiteSpaceCharacter(0xA0));    // no-break space
  EXPECT_FALSE(IsWhiteSpaceCharacter(U'x'));
}

}  // namespace
}  // namespace kam::common
