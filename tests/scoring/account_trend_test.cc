// GetAccountTrend over real rating runs: two accounts rated by four runs of
// one threshold policy. One gets a complaint before each later run, so its
// COMPLAINTS risk (10 points full at 3 complaints in the period) climbs
// 0, 3.33, 6.67, 10 and its health falls by 0, 3, 7 and 10 points (health
// loses what risk adds, rounded half away from zero). The other changes
// nothing. Least squares over four runs (c = -3, -1, 1, 3, sum(c^2) = 20):
// 2 * (-1 * -3 + 1 * -7 + 3 * -10) / 20 = -3.4 points per run: DECLINING;
// the steady account's slope is 0: STABLE.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tests/interaction/case_client.h"
#include "tests/scoring/report_test_helpers.h"

namespace kam::testing {
namespace {

using Stub = sv1::ReportService::Stub;

struct World {
  std::string policy;
  std::string declining, steady;  // "accounts/{id}"
  std::vector<std::string> runs;  // oldest first
};

// Built once for the suite: four runs take a few seconds.
World MakeWorld() {
  World w;
  w.declining = AccountWithRevenue(60000);
  w.steady = AccountWithRevenue(60000);
  w.policy = MustCreatePolicy(ThresholdPolicy(100000, 50000, 10000)).name();
  w.runs.push_back(RunToSuccess(w.policy));
  for (int i = 0; i < 3; ++i) {
    NewCase(w.declining, iv1::CASE_TYPE_COMPLAINT);
    w.runs.push_back(RunToSuccess(w.policy));
  }
  return w;
}

const World& TheWorld() {
  static const World world = MakeWorld();
  return world;
}

std::string TrendName(const std::string& policy, const std::string& account) {
  return absl::StrCat(policy, "/accountTrends/", account.substr(account.rfind('/') + 1));
}

Reply<sv1::AccountTrend> Trend(const std::string& name, int run_count = 0,
                               const std::vector<std::string>& runs = {}) {
  sv1::GetAccountTrendRequest request;
  request.set_name(name);
  request.set_run_count(run_count);
  for (const std::string& run : runs) request.add_runs(run);
  return Call(Reports(), &Stub::GetAccountTrend, request);
}

// A sparkline is one SVG document: opened and closed once, one line per
// step between points and the last point marked.
void ExpectSparkline(const std::string& svg, int points) {
  EXPECT_TRUE(absl::StartsWith(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"")) << svg;
  EXPECT_TRUE(absl::EndsWith(svg, "</svg>\n")) << svg;
  int lines = 0;
  for (size_t at = svg.find("<line"); at != std::string::npos; at = svg.find("<line", at + 1)) {
    ++lines;
  }
  EXPECT_EQ(lines, points - 1) << svg;
  EXPECT_EQ(svg.find("<svg", 1), std::string::npos) << svg;
  EXPECT_NE(svg.find("<rect x="), std::string::npos) << svg;
}

// The account's trend over the world's four runs (empty on an error).
sv1::AccountTrend OverTheRuns(const std::string& account) {
  const Reply<sv1::AccountTrend> reply = Trend(TrendName(TheWorld().policy, account));
  EXPECT_OK(reply.status);
  return reply.value;
}

TEST(AccountTrend, ADecliningAccountHasANegativeSlope) {
  const World& w = TheWorld();
  const sv1::AccountTrend t = OverTheRuns(w.declining);
  ASSERT_EQ(t.points_size(), 4);
  const int first = t.points(0).health();
  const int drops[] = {0, 3, 7, 10};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(t.points(i).rating_run(), w.runs[i]) << i;
    EXPECT_EQ(t.points(i).health(), first - drops[i]) << i;
    EXPECT_EQ(t.points(i).churn_risk(), t.points(0).churn_risk() + drops[i]) << i;
    EXPECT_EQ(t.points(i).value().minor_units(), 60000) << i;
    EXPECT_EQ(t.points(i).value().currency_code(), "EUR") << i;
    EXPECT_EQ(t.points(i).tier(), av1::TIER_B) << i;
  }
  EXPECT_EQ(t.health().slope_hundredths(), -340);
  EXPECT_EQ(t.health().tolerance_hundredths(), 100);
  EXPECT_EQ(sv1::TrendDirection_Name(t.health().direction()), "TREND_DIRECTION_DECLINING");
  EXPECT_EQ(t.churn_risk().slope_hundredths(), 340);
  EXPECT_EQ(sv1::TrendDirection_Name(t.churn_risk().direction()), "TREND_DIRECTION_RISING");
  EXPECT_EQ(t.value().slope_hundredths(), 0);
  EXPECT_EQ(sv1::TrendDirection_Name(t.value().direction()), "TREND_DIRECTION_STABLE");
  ExpectSparkline(t.health().svg(), 4);
  ExpectSparkline(t.value().svg(), 4);
  // The same points draw the same bytes.
  EXPECT_EQ(OverTheRuns(w.declining).health().svg(), t.health().svg());
}

TEST(AccountTrend, ASteadyAccountIsStable) {
  const sv1::AccountTrend t = OverTheRuns(TheWorld().steady);
  ASSERT_EQ(t.points_size(), 4);
  EXPECT_EQ(t.health().slope_hundredths(), 0);
  EXPECT_EQ(sv1::TrendDirection_Name(t.health().direction()), "TREND_DIRECTION_STABLE");
  EXPECT_EQ(sv1::TrendDirection_Name(t.churn_risk().direction()), "TREND_DIRECTION_STABLE");
  ExpectSparkline(t.health().svg(), 4);
}

TEST(AccountTrend, TheNewestRunsOrTheRunsNamed) {
  const World& w = TheWorld();
  Reply<sv1::AccountTrend> newest = Trend(TrendName(w.policy, w.declining), 2);
  ASSERT_OK(newest.status);
  ASSERT_EQ(newest.value.points_size(), 2);
  EXPECT_EQ(newest.value.points(0).rating_run(), w.runs[2]);
  EXPECT_EQ(newest.value.health().slope_hundredths(), -300);  // 7 -> 10 down
  Reply<sv1::AccountTrend> named =
      Trend(TrendName("policies/-", w.declining), 0, {w.runs[3], w.runs[0]});
  ASSERT_OK(named.status);
  ASSERT_EQ(named.value.points_size(), 2);
  EXPECT_EQ(named.value.points(0).rating_run(), w.runs[0]);
  EXPECT_EQ(named.value.health().slope_hundredths(), -1000);
}

TEST(AccountTrend, BadInputIsNamedAndUnknownThingsAreNotFound) {
  const World& w = TheWorld();
  Reply<sv1::AccountTrend> r = Trend(TrendName(w.policy, w.declining), 101);
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(r.status.error_message(), "run_count must be between 0 and 100 (got 101)");
  r = Trend(absl::StrCat(w.declining, "/trend"));
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StartsWith(r.status.error_message(), "name must look like")) << r.status.error_message();
  r = Trend(TrendName("policies/999999999", w.declining));
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(r.status.error_message(), "policies/999999999 not found");
  r = Trend(TrendName(w.policy, "accounts/999999999"));
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::NOT_FOUND);
  r = Trend(TrendName("policies/-", w.declining), 0, {"ratingRuns/999999999"});
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  return kam::testing::RunTestsOnSuite(argc, argv, kam::testing::ScoringSuiteOptions());
}
