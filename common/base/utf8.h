// Strict UTF-8, the one decoder every part of the suite uses (validation,
// filters, log lines, SVG reports).
//
// Strict means the shortest encoding of a Unicode scalar value only: stray
// continuation bytes, truncated sequences, overlong forms such as "\xc0\xaf"
// (an alternative spelling of '/', a classic way past filters), UTF-16
// surrogates and values above U+10FFFF are all invalid. MySQL's utf8mb4
// columns refuse such bytes too, so letting them through would only move the
// error to the database.
#pragma once

#include <cstddef>

#include "absl/strings/string_view.h"

namespace kam::common {

// Decodes the code point at `text[*pos]` (with *pos < text.size()) and
// advances `*pos` past it. Returns false, leaving `*pos` alone, when the
// bytes there are not valid UTF-8.
bool DecodeUtf8(absl::string_view text, size_t* pos, char32_t* code_point);

// The length in bytes of the valid sequence at `text[pos]`, or 0.
size_t Utf8SequenceLength(absl::string_view text, size_t pos);

bool IsValidUtf8(absl::string_view text);

// The number of code points in valid UTF-8 `text`.
size_t Utf8Length(absl::string_view text);

// C0, DEL and C1 controls: never part of text a person typed, and C1 in
// particular can make terminals and log viewers misbehave.
bool IsControlCharacter(char32_t c);

// Unicode White_Space, so that a name of ideographic (U+3000) or no-break
// spaces counts as blank just like one of ASCII spaces.
bool IsWhiteSpaceCharacter(char32_t c);

// The U+FFFD replacement character, for a byte that is not UTF-8.
inline constexpr absl::string_view kUtf8Replacement = "\xEF\xBF\xBD";

}  // namespace kam::common
