// The pieces every SVG chart of the scoring reports is drawn with: text made
// safe for XML, and lines and labels placed in tenths of a pixel. Charts
// compute coordinates in integers (tenths of a pixel) so a report's SVG is
// byte-for-byte the same for the same figures, whatever the platform's
// floating-point formatting. Pure: no I/O.
#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace kam::scoring::rules::svg {

// Text safe inside an element or a double-quoted attribute: &, <, >, " and '
// escaped; invalid UTF-8 and characters XML 1.0 cannot hold become U+FFFD.
std::string EscapeXml(absl::string_view text);

// A coordinate given in tenths of a pixel, as SVG reads it: 123 -> "12.3",
// 120 -> "12".
std::string Px(int64_t tenths);

// <line .../> from (x1, y1) to (x2, y2), in tenths; `extra` is appended to
// the attributes as given (e.g. " stroke=\"#999999\"").
std::string Line(int64_t x1, int64_t y1, int64_t x2, int64_t y2, absl::string_view extra = "");

// <text ...>text</text> at (x, y) in tenths, the text escaped.
std::string Text(int64_t x, int64_t y, absl::string_view text, absl::string_view extra = "");

// <rect .../> at (x, y), `width` by `height`, in tenths.
std::string Rect(int64_t x, int64_t y, int64_t width, int64_t height, absl::string_view extra = "");

// The document's opening: the <svg> element (`width` x `height` pixels,
// sans-serif 12), its <title> and a white background. Close with "</svg>\n".
std::string Open(int64_t width, int64_t height, absl::string_view title);

// A y axis of shares in basis points: 0..max_bp in steps of step_bp.
struct ShareAxis {
  int64_t step_bp = 2000;
  int64_t max_bp = 10000;
};

// 0-100% in steps of 20% unless `highest_bp` is above 100%; then the smallest
// step of 20%, 50%, 100%, 200%, 500%, ... that reaches it in at most five
// steps.
ShareAxis ShareAxisFor(int64_t highest_bp);

// Where `share_bp` falls on `axis` drawn `height` pixels tall up from
// `bottom` (pixels), in tenths of a pixel, rounded half up; a share outside
// the axis is drawn at its nearer end.
int64_t ShareYTenths(int64_t share_bp, const ShareAxis& axis, int64_t bottom, int64_t height);

}  // namespace kam::scoring::rules::svg

namespace kam::scoring::rules {

// The frame every report chart is drawn in, in pixels: a 480 x 360 document
// with the plot area 400 wide from (60, 40); each chart sets its own height.
inline constexpr int64_t kChartWidth = 480;
inline constexpr int64_t kChartHeight = 360;
inline constexpr int64_t kPlotLeft = 60;
inline constexpr int64_t kPlotTop = 40;
inline constexpr int64_t kPlotWidth = 400;
inline constexpr int64_t kPlotRight = kPlotLeft + kPlotWidth;

}  // namespace kam::scoring::rules
