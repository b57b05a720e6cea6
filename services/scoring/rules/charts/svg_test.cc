#include "services/scoring/rules/charts/svg.h"

#include "gtest/gtest.h"

namespace kam::scoring::rules::svg {
namespace {

TEST(SvgTest, CoordinatesAreTenthsWrittenWithoutFloatingPoint) {
  EXPECT_EQ(Px(120), "12");
  EXPECT_EQ(Px(123), "12.3");
  EXPECT_EQ(Px(0), "0");
  EXPECT_EQ(Px(-15), "-1.5");
}

TEST(SvgTest, TextIsEscapedForXml) {
  EXPECT_EQ(EscapeXml("A&B <\"x\"> 'y'"), "A&amp;B &lt;&quot;x&quot;&gt; &#39;y&#39;");
  EXPECT_EQ(EscapeXml("bad \xff byte"), "bad \xEF\xBF\xBD byte");
  EXPECT_EQ(Text(10, 20, "<b>"), "<text x=\"1\" y=\"2\">&lt;b&gt;</text>\n");
}

TEST(SvgTest, ShareAxisGrowsPastAHundredPercentInRoundSteps) {
  EXPECT_EQ(ShareAxisFor(8000).max_bp, 10000);
  EXPECT_EQ(ShareAxisFor(8000).step_bp, 2000);
  const ShareAxis axis = ShareAxisFor(12000);  // 120%: steps of 50% to 150%
  EXPECT_EQ(axis.step_bp, 5000);
  EXPECT_EQ(axis.max_bp, 15000);
}

}  // namespace
}  // namespace kam::scoring::rules::svg
