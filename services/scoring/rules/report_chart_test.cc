// reports.h: the Pareto chart as SVG (well-formed, escaped, its marker and
// axis), drawn from curves of known values.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "services/scoring/rules/reports.h"
#include "services/scoring/rules/rules_testing.h"

namespace kam::scoring::rules {
namespace {

// --- SVG ------------------------------------------------------------------------

// A small well-formedness check: every tag is closed in order, attribute
// values are quoted, and text holds no raw '<' or bare '&'.
::testing::AssertionResult WellFormed(absl::string_view svg) {
  std::vector<std::string> open;
  size_t pos = 0;
  while (pos < svg.size()) {
    if (svg[pos] == '&') {
      const size_t semi = svg.find(';', pos);
      const absl::string_view entity =
          svg.substr(pos, semi == absl::string_view::npos ? 8 : semi - pos + 1);
      if (entity != "&amp;" && entity != "&lt;" && entity != "&gt;" && entity != "&quot;" &&
          entity != "&#39;") {
        return ::testing::AssertionFailure() << "bare & at " << pos;
      }
      pos += entity.size();
      continue;
    }
    if (svg[pos] != '<') {
      ++pos;
      continue;
    }
    const size_t end = svg.find('>', pos);
    if (end == absl::string_view::npos) return ::testing::AssertionFailure() << "unclosed <";
    const absl::string_view tag = svg.substr(pos + 1, end - pos - 1);
    if (absl::StrContains(tag, "<")) return ::testing::AssertionFailure() << "< inside a tag";
    if (std::count(tag.begin(), tag.end(), '"') % 2 != 0) {
      return ::testing::AssertionFailure() << "unbalanced quotes in <" << tag << ">";
    }
    if (absl::StartsWith(tag, "/")) {
      const std::string name(tag.substr(1));
      if (open.empty() || open.back() != name) {
        return ::testing::AssertionFailure()
               << "</" << name << "> closes <" << (open.empty() ? "nothing" : open.back()) << ">";
      }
      open.pop_back();
    } else if (!absl::EndsWith(tag, "/")) {
      open.emplace_back(tag.substr(0, tag.find(' ')));
    }
    pos = end + 1;
  }
  if (!open.empty()) return ::testing::AssertionFailure() << "<" << open.back() << "> not closed";
  return ::testing::AssertionSuccess();
}

int CountOf(absl::string_view text, absl::string_view what) {
  int count = 0;
  for (size_t pos = text.find(what); pos != absl::string_view::npos;
       pos = text.find(what, pos + 1)) {
    ++count;
  }
  return count;
}

TEST(ParetoSvgTest, OneToHundredChart) {
  const std::string svg = ParetoChartSvg(Curve(OneTo(100)));
  EXPECT_TRUE(absl::StartsWith(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"")) << svg;
  EXPECT_TRUE(absl::EndsWith(svg, "</svg>\n"));
  EXPECT_TRUE(WellFormed(svg)) << svg;
  // x = 60 + 4 px per 1%, y = 300 - 2.6 px per 1%, from the origin.
  EXPECT_TRUE(absl::StrContains(
      svg,
      "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" points=\"60,300 "
      "64,294.9 80,274.8 100,250.8 140,206.8 260,105.6 380,50.8 460,40\"/>"))
      << svg;
  EXPECT_TRUE(absl::StrContains(svg, "<circle cx=\"140\" cy=\"206.8\" r=\"4\" fill=\"#d62728\"/>"))
      << svg;
  EXPECT_TRUE(absl::StrContains(
      svg, "<text x=\"148\" y=\"222.8\" text-anchor=\"start\">top 20% hold 35.84%</text>"))
      << svg;
  EXPECT_EQ(CountOf(svg, "<polyline"), 1);
  EXPECT_EQ(CountOf(svg, "<circle"), 1);
  for (absl::string_view label : {">0%<", ">20%<", ">40%<", ">60%<", ">80%<", ">100%<"}) {
    EXPECT_EQ(CountOf(svg, label), 2) << label;  // once on each axis
  }
  EXPECT_TRUE(absl::StrContains(svg, ">share of accounts, best first</text>"));
  EXPECT_TRUE(absl::StrContains(svg, ">share of value</text>"));
  EXPECT_TRUE(absl::StrContains(svg, "<title>Pareto curve</title>"));
  EXPECT_EQ(svg, ParetoChartSvg(Curve(OneTo(100, 99))));  // deterministic
}

TEST(ParetoSvgTest, TitleIsEscaped) {
  ParetoChartOptions options;
  options.title = "Q1 <retail> & \"energy\" 'top'\x01\xff 大客户";
  const std::string svg = ParetoChartSvg(Curve(OneTo(10)), options);
  EXPECT_TRUE(WellFormed(svg)) << svg;
  const std::string escaped =
      "Q1 &lt;retail&gt; &amp; &quot;energy&quot; &#39;top&#39;\xEF\xBF\xBD\xEF\xBF\xBD 大客户";
  EXPECT_TRUE(absl::StrContains(svg, absl::StrCat("<title>", escaped, "</title>"))) << svg;
  EXPECT_EQ(CountOf(svg, escaped), 2);
  EXPECT_FALSE(absl::StrContains(svg, "<retail>"));
}

TEST(ParetoSvgTest, MarkerOnlyWhenThePointIsThere) {
  const int32_t shares[] = {1000, 5000, 10000};
  const std::string svg = ParetoChartSvg(Curve(OneTo(100), shares));
  EXPECT_TRUE(WellFormed(svg));
  EXPECT_EQ(CountOf(svg, "<circle"), 0);
  ParetoChartOptions options;
  options.marker_top_share_bp = 10000;  // right half: the label goes left
  const std::string right = ParetoChartSvg(Curve(OneTo(100), shares), options);
  EXPECT_TRUE(absl::StrContains(
      right, "<text x=\"452\" y=\"56\" text-anchor=\"end\">top 100% hold 100%</text>"))
      << right;
}

TEST(ParetoSvgTest, AboveHundredPercentWidensTheYAxis) {
  std::vector<int64_t> values(10, 100);
  values.resize(100, -5);  // the best 10% hold 181.82%
  const std::string svg = ParetoChartSvg(Curve(values));
  EXPECT_TRUE(WellFormed(svg)) << svg;
  for (absl::string_view label : {">50%<", ">150%<", ">200%<"}) {
    EXPECT_TRUE(absl::StrContains(svg, label)) << label;
  }
  // 181.82% of a 200% axis: 300 - 260 * 0.9091 = 63.6.
  EXPECT_TRUE(absl::StrContains(svg, " 100,63.6 ")) << svg;
}

TEST(ParetoSvgTest, UndefinedCurveShowsANoteNotACurve) {
  for (const ParetoCurve& curve : {Curve({}), Curve({5, -5})}) {
    const std::string svg = ParetoChartSvg(curve);
    EXPECT_TRUE(WellFormed(svg)) << svg;
    EXPECT_EQ(CountOf(svg, "<polyline"), 0);
    EXPECT_TRUE(absl::StrContains(svg, "no positive total value: shares undefined"));
  }
}

}  // namespace
}  // namespace kam::scoring::rules
