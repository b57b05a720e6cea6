#include "common/base/utf8.h"

namespace kam::common {
namespace {

constexpr char32_t kMaxCodePoint = 0x10FFFF;

}  // namespace

bool DecodeUtf8(absl::string_view text, size_t* pos, char32_t* code_point) {
  const size_t start = *pos;
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[start + i]); };
  const unsigned char lead = byte(0);
  size_t length = 0;
  char32_t value = 0;
  char32_t min_value = 0;
  if (lead < 0x80) {
    *code_point = lead;
    *pos = start + 1;
    return true;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2;
    value = lead & 0x1F;
    min_value = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    value = lead & 0x0F;
    min_value = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    value = lead & 0x07;
    min_value = 0x10000;
  } else {
    return false;  // a continuation byte or 0xF8..0xFF
  }
  if (text.size() - start < length) return false;
  for (size_t i = 1; i < length; ++i) {
    const unsigned char c = byte(i);
    if ((c & 0xC0) != 0x80) return false;
    value = (value << 6) | (c & 0x3F);
  }
  if (value < min_value || value > kMaxCodePoint || (value >= 0xD800 && value <= 0xDFFF)) {
    return false;
  }
  *code_point = value;
  *pos = start + length;
  return true;
}

size_t Utf8SequenceLength(absl::string_view text, size_t pos) {
  size_t end = pos;
  char32_t ignored = 0;
  return DecodeUtf8(text, &end, &ignored) ? end - pos : 0;
}

bool IsValidUtf8(absl::string_view text) {
  size_t pos = 0;
  char32_t c = 0;
  while (pos < text.size()) {
    if (!DecodeUtf8(text, &pos, &c)) return false;
  }
  return true;
}

size_t Utf8Length(absl::string_view text) {
  // Every code point has exactly one byte that is not a continuation byte.
  size_t length = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++length;
  }
  return length;
}

bool IsControlCharacter(char32_t c) { return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F); }

bool IsWhiteSpaceCharacter(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

}  // namespace kam::common
