#include "services/scoring/rules/charts/svg.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/base/utf8.h"

namespace kam::scoring::rules::svg {
namespace {

// Code points an XML 1.0 document may hold.
bool XmlAllows(uint32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
         (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

}  // namespace

std::string EscapeXml(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) {
    const size_t start = pos;
    char32_t c = 0;
    if (!common::DecodeUtf8(text, &pos, &c)) {
      ++pos;  // the byte is replaced, the rest of the text is kept
      c = 0xFFFD;
    }
    if (!XmlAllows(c)) c = 0xFFFD;
    if (c == 0xFFFD) {
      out.append(common::kUtf8Replacement.data(), common::kUtf8Replacement.size());
      continue;
    }
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.append(text.data() + start, pos - start);
    }
  }
  return out;
}

std::string Px(int64_t tenths) {
  const std::string sign = tenths < 0 ? "-" : "";
  const int64_t magnitude = tenths < 0 ? -tenths : tenths;
  if (magnitude % 10 == 0) return absl::StrCat(sign, magnitude / 10);
  return absl::StrCat(sign, magnitude / 10, ".", magnitude % 10);
}

std::string Line(int64_t x1, int64_t y1, int64_t x2, int64_t y2, absl::string_view extra) {
  return absl::StrCat("<line x1=\"", Px(x1), "\" y1=\"", Px(y1), "\" x2=\"", Px(x2), "\" y2=\"",
                      Px(y2), "\"", extra, "/>\n");
}

std::string Text(int64_t x, int64_t y, absl::string_view text, absl::string_view extra) {
  return absl::StrCat("<text x=\"", Px(x), "\" y=\"", Px(y), "\"", extra, ">", EscapeXml(text),
                      "</text>\n");
}

std::string Rect(int64_t x, int64_t y, int64_t width, int64_t height, absl::string_view extra) {
  return absl::StrCat("<rect x=\"", Px(x), "\" y=\"", Px(y), "\" width=\"", Px(width),
                      "\" height=\"", Px(height), "\"", extra, "/>\n");
}

std::string Open(int64_t width, int64_t height, absl::string_view title) {
  return absl::StrCat("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"", width,
                      "\" height=\"", height, "\" viewBox=\"0 0 ", width, " ", height,
                      "\" font-family=\"sans-serif\" font-size=\"12\">\n<title>", EscapeXml(title),
                      "</title>\n", "<rect width=\"", width, "\" height=\"", height,
                      "\" fill=\"#ffffff\"/>\n");
}

ShareAxis ShareAxisFor(int64_t highest_bp) {
  // In 128 bits: a step near the int64 limit times 5 would overflow.
  __extension__ typedef __int128 Int128;
  ShareAxis axis;
  if (highest_bp <= axis.max_bp) return axis;
  Int128 step = 0;
  for (Int128 decade = 1000; step == 0; decade *= 10) {
    for (const int mantissa : {2, 5, 10}) {
      if (mantissa * decade * 5 >= highest_bp) {
        step = mantissa * decade;
        break;
      }
    }
  }
  const Int128 steps = (Int128{highest_bp} + step - 1) / step;
  const Int128 top = steps * step;
  constexpr Int128 kMax = std::numeric_limits<int64_t>::max();
  axis.step_bp = static_cast<int64_t>(step > kMax ? kMax : step);
  axis.max_bp = static_cast<int64_t>(top > kMax ? kMax : top);
  return axis;
}

int64_t ShareYTenths(int64_t share_bp, const ShareAxis& axis, int64_t bottom, int64_t height) {
  __extension__ typedef __int128 Int128;
  const Int128 clamped = std::clamp<int64_t>(share_bp, 0, axis.max_bp);
  return bottom * 10 - static_cast<int64_t>((2 * clamped * height * 10 + axis.max_bp) /
                                            (2 * Int128{axis.max_bp}));
}

}  // namespace kam::scoring::rules::svg
