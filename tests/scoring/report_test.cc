// ReportService over real rating runs (issue 5): accounts with known revenue
// are created through the account and billing APIs, a threshold policy rates
// them, and the pyramid, Pareto curve, customer equity and tier movement are
// checked figure by figure against values worked out by hand.
//
// The accounts (revenue in EUR cents; thresholds A >= 100000, B >= 50000,
// C >= 10000):
//   a1 200000 A   a2 120000 A   a3 80000 B   a4 60000 B   a5 30000 C
//   a6  20000 C   a7  10000 C   a8  5000 D   a9  5000 D   a10 0 D   a11 0 D
// Run 2 raises the thresholds (A >= 150000, B >= 100000, C >= 25000), gives
// a11 100000 of revenue and rates a new account a12 (no revenue).
#include <array>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tests/scoring/report_test_helpers.h"

namespace kam::testing {
namespace {

using Stub = sv1::ReportService::Stub;

struct World {
  std::string policy;
  std::string run1;
  std::string run2;
  std::vector<std::string> accounts;  // a1 .. a12
};

const World& TheWorld() {
  static const World* world = [] {
    auto* w = new World;
    for (int64_t revenue : {200000, 120000, 80000, 60000, 30000, 20000, 10000, 5000, 5000, 0, 0}) {
      w->accounts.push_back(AccountWithRevenue(revenue));
    }
    w->policy = MustCreatePolicy(ThresholdPolicy(100000, 50000, 10000)).name();
    w->run1 = RunToSuccess(w->policy);
    SetThresholds(w->policy, 150000, 100000, 25000);
    MustInvoice(w->accounts[10], 100000);
    w->accounts.push_back(AccountWithRevenue(0));
    w->run2 = RunToSuccess(w->policy);
    return w;
  }();
  return *world;
}

sv1::PyramidReport Pyramid(const std::string& run) {
  sv1::GetPyramidReportRequest request;
  request.set_run(run);
  return OkValue(Call(Reports(), &Stub::GetPyramidReport, request));
}

Reply<sv1::ParetoReport> Pareto(const std::string& run, const std::vector<int32_t>& shares = {}) {
  sv1::GetParetoReportRequest request;
  request.set_run(run);
  for (int32_t s : shares) request.add_top_shares_bp(s);
  return Call(Reports(), &Stub::GetParetoReport, request);
}

using Four = std::array<int64_t, 4>;

// The report's tiers are A, B, C and D, in that order, with these account
// counts, total values, and shares of accounts and of value (basis points).
void ExpectTiers(const sv1::PyramidReport& report, const Four& counts, const Four& values,
                 const Four& account_shares, const Four& value_shares) {
  ASSERT_EQ(report.tiers_size(), 4);
  for (int i = 0; i < 4; ++i) {
    const sv1::PyramidTier& t = report.tiers(i);
    EXPECT_EQ(t.tier(), static_cast<account::v1::Tier>(account::v1::TIER_A + i)) << i;
    EXPECT_EQ(t.account_count(), counts[i]) << i;
    EXPECT_EQ(t.total_value_minor(), values[i]) << i;
    EXPECT_EQ(t.account_share_bp(), account_shares[i]) << i;
    EXPECT_EQ(t.value_share_bp(), value_shares[i]) << i;
  }
}

TEST(Pyramid, CountAndValueSharePerTier) {
  const World& w = TheWorld();
  const sv1::PyramidReport report = Pyramid(w.run1);
  EXPECT_EQ(report.run(), w.run1);
  EXPECT_EQ(report.account_count(), 11);
  EXPECT_EQ(report.total_value_minor(), 530000);
  EXPECT_EQ(report.currency_code(), "EUR");
  // Accounts 2/11, 2/11, 3/11, 4/11 = 18.18, 18.18, 27.27, 36.36%: the one
  // basis point the floors miss goes to D (largest remainder).
  // Value 320000, 140000, 60000, 10000 of 530000 = 60.377, 26.415, 11.321,
  // 1.887%: floors 9998, the two missing to A (.735) and D (.679).
  ExpectTiers(report, {2, 2, 3, 4}, {320000, 140000, 60000, 10000}, {1818, 1818, 2727, 3637},
              {6038, 2641, 1132, 189});
}

TEST(Pyramid, SecondRunWithHigherThresholds) {
  const World& w = TheWorld();
  const sv1::PyramidReport report = Pyramid(w.run2);
  EXPECT_EQ(report.account_count(), 12);
  EXPECT_EQ(report.total_value_minor(), 630000);
  // A: a1; B: a2, a11; C: a3, a4, a5; D: a6..a10, a12.
  ExpectTiers(report, {1, 2, 3, 6}, {200000, 220000, 170000, 40000}, {833, 1667, 2500, 5000},
              {3175, 3492, 2698, 635});
}

TEST(Pareto, DefaultPointsSummaryAndChart) {
  const World& w = TheWorld();
  Reply<sv1::ParetoReport> reply = Pareto(w.run1);
  ASSERT_OK(reply.status);
  const sv1::ParetoReport& r = reply.value;
  EXPECT_EQ(r.run(), w.run1);
  EXPECT_TRUE(r.defined());
  // Top k of 11 = round-half-up(11 x share): 0, 1, 1, 2, 6, 9, 11 accounts.
  const std::vector<std::vector<int64_t>> want = {{100, 0, 0},       {500, 1, 3774},
                                                  {1000, 1, 3774},   {2000, 2, 6038},
                                                  {5000, 6, 9623},   {8000, 9, 10000},
                                                  {10000, 11, 10000}};
  ASSERT_EQ(r.points_size(), static_cast<int>(want.size()));
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(r.points(i).top_share_bp(), want[i][0]) << i;
    EXPECT_EQ(r.points(i).account_count(), want[i][1]) << i;
    EXPECT_EQ(r.points(i).value_share_bp(), want[i][2]) << i;
  }
  EXPECT_EQ(r.summary(), "top 20% hold 60.38%");
  const std::string& svg = r.svg();
  EXPECT_TRUE(absl::StartsWith(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"")) << svg;
  EXPECT_TRUE(absl::EndsWith(svg, "</svg>\n"));
  EXPECT_TRUE(absl::StrContains(svg, "<title>Pareto curve of " + w.run1 + "</title>")) << svg;
  EXPECT_TRUE(absl::StrContains(svg, ">top 20% hold 60.38%</text>")) << svg;
  EXPECT_TRUE(absl::StrContains(svg, "<polyline")) << svg;
  EXPECT_TRUE(absl::StrContains(svg, "<circle")) << svg;
  EXPECT_FALSE(absl::StrContains(svg, "<script")) << svg;
  // Deterministic: the same run gives the same bytes.
  Reply<sv1::ParetoReport> again = Pareto(w.run1);
  ASSERT_OK(again.status);
  EXPECT_EQ(again.value.svg(), svg);
}

TEST(Pareto, AskedPointsInTheOrderAsked) {
  const World& w = TheWorld();
  Reply<sv1::ParetoReport> reply = Pareto(w.run1, {5000, 2000, 9999});
  ASSERT_OK(reply.status);
  ASSERT_EQ(reply.value.points_size(), 3);
  EXPECT_EQ(reply.value.points(0).value_share_bp(), 9623);
  EXPECT_EQ(reply.value.points(1).value_share_bp(), 6038);
  EXPECT_EQ(reply.value.points(2).account_count(), 11);
  EXPECT_EQ(reply.value.summary(), "top 20% hold 60.38%");
}

TEST(Pareto, BadSharesAreRefused) {
  const World& w = TheWorld();
  EXPECT_TRUE(IsInvalidField(Pareto(w.run1, {2000, 0}).status, "top_shares_bp[1]"));
  EXPECT_TRUE(IsInvalidField(Pareto(w.run1, {10001}).status, "top_shares_bp[0]"));
  EXPECT_TRUE(IsInvalidField(Pareto(w.run1, std::vector<int32_t>(101, 100)).status,
                             "top_shares_bp"));
}

TEST(CustomerEquity, SumOfTheRatingsClv) {
  const World& w = TheWorld();
  // The expected figures from the run's own ratings, read page by page.
  std::vector<int64_t> by_tier(4, 0);
  int64_t total = 0;
  int64_t count = 0;
  sv1::ListAccountRatingsRequest list;
  list.set_parent(w.run1);
  list.set_page_size(5);
  for (int page = 0; page < 10; ++page) {
    Reply<sv1::ListAccountRatingsResponse> reply =
        Call(Ratings(), &sv1::RatingService::Stub::ListAccountRatings, list);
    ASSERT_OK(reply.status);
    for (const sv1::AccountRating& rating : reply.value.ratings()) {
      by_tier[rating.tier() - 1] += rating.clv_minor();
      total += rating.clv_minor();
      ++count;
    }
    if (reply.value.next_page_token().empty()) break;
    list.set_page_token(reply.value.next_page_token());
  }
  EXPECT_EQ(count, 11);
  EXPECT_NE(total, 0);
  sv1::GetCustomerEquityRequest request;
  request.set_run(w.run1);
  Reply<sv1::CustomerEquity> reply = Call(Reports(), &Stub::GetCustomerEquity, request);
  ASSERT_OK(reply.status);
  EXPECT_EQ(reply.value.run(), w.run1);
  EXPECT_EQ(reply.value.account_count(), 11);
  EXPECT_EQ(reply.value.currency_code(), "EUR");
  EXPECT_EQ(reply.value.equity_minor(), total);
  EXPECT_EQ(std::vector<int64_t>(reply.value.equity_minor_by_tier().begin(),
                                 reply.value.equity_minor_by_tier().end()),
            by_tier);
}

TEST(Movement, MatrixBetweenTheTwoRuns) {
  const World& w = TheWorld();
  sv1::CompareRatingRunsRequest request;
  request.set_from_run(w.run1);
  request.set_to_run(w.run2);
  Reply<sv1::TierMovementReport> reply = Call(Reports(), &Stub::CompareRatingRuns, request);
  ASSERT_OK(reply.status);
  const sv1::TierMovementReport& r = reply.value;
  EXPECT_EQ(r.from_run(), w.run1);
  EXPECT_EQ(r.to_run(), w.run2);
  std::vector<std::string> cells;
  for (const sv1::TierMove& m : r.moves()) {
    cells.push_back(absl::StrCat(account::v1::Tier_Name(m.from_tier()), ">",
                                 account::v1::Tier_Name(m.to_tier()), "=", m.count()));
  }
  // a12 is new (-> D); a1 stays A, a2 A -> B; a3, a4 B -> C; a5 stays C,
  // a6, a7 C -> D; a11 D -> B; a8, a9, a10 stay D.
  EXPECT_EQ(cells, (std::vector<std::string>{
                       "TIER_UNSPECIFIED>TIER_D=1", "TIER_A>TIER_A=1", "TIER_A>TIER_B=1",
                       "TIER_B>TIER_C=2", "TIER_C>TIER_C=1", "TIER_C>TIER_D=2",
                       "TIER_D>TIER_B=1", "TIER_D>TIER_D=3"}));
  EXPECT_EQ(r.promoted(), 1);
  EXPECT_EQ(r.demoted(), 5);
  EXPECT_EQ(r.unchanged(), 5);
  EXPECT_EQ(r.new_accounts(), 1);
  EXPECT_EQ(r.dropped_accounts(), 0);

  // Backwards, a12 is dropped and the moves mirror.
  request.set_from_run(w.run2);
  request.set_to_run(w.run1);
  Reply<sv1::TierMovementReport> back = Call(Reports(), &Stub::CompareRatingRuns, request);
  ASSERT_OK(back.status);
  EXPECT_EQ(back.value.promoted(), 5);
  EXPECT_EQ(back.value.demoted(), 1);
  EXPECT_EQ(back.value.new_accounts(), 0);
  EXPECT_EQ(back.value.dropped_accounts(), 1);
}

TEST(Errors, UnknownAndMalformedRuns) {
  const World& w = TheWorld();
  sv1::GetPyramidReportRequest request;
  request.set_run("ratingRuns/987654321");
  Reply<sv1::PyramidReport> missing = Call(Reports(), &Stub::GetPyramidReport, request);
  EXPECT_TRUE(HasCode(missing.status, grpc::StatusCode::NOT_FOUND));
  EXPECT_TRUE(absl::StrContains(missing.status.error_message(), "ratingRuns/987654321"))
      << missing.status.error_message();
  request.set_run("runs/1");
  EXPECT_TRUE(IsInvalidField(Call(Reports(), &Stub::GetPyramidReport, request).status, "run"));

  sv1::CompareRatingRunsRequest compare;
  compare.set_from_run(w.run1);
  compare.set_to_run("");
  EXPECT_TRUE(IsInvalidField(Call(Reports(), &Stub::CompareRatingRuns, compare).status, "to_run"));
}

// Every report of a run that has not SUCCEEDED is FAILED_PRECONDITION naming
// the run and its state. With the interaction service down a run stays
// RUNNING (the runner waits for it), and cancelling it ends it CANCELLED.
TEST(Errors, OnlySucceededRunsAreReported) {
  const World& w = TheWorld();
  ASSERT_TRUE(Suite().StopService("interaction").ok());
  const sv1::RatingRun run = StartRun(w.policy).value;
  AwaitRun(run.name(), sv1::RUN_STATE_RUNNING);

  auto expect_refused = [&](const std::string& state) {
    sv1::GetPyramidReportRequest pyramid;
    pyramid.set_run(run.name());
    Reply<sv1::PyramidReport> p = Call(Reports(), &Stub::GetPyramidReport, pyramid);
    EXPECT_TRUE(HasCode(p.status, grpc::StatusCode::FAILED_PRECONDITION));
    EXPECT_EQ(p.status.error_message(),
              absl::StrCat("run: ", run.name(), " is ", state,
                           "; reports need a run that has SUCCEEDED"));
    EXPECT_TRUE(HasCode(Pareto(run.name()).status, grpc::StatusCode::FAILED_PRECONDITION));
    sv1::GetCustomerEquityRequest equity;
    equity.set_run(run.name());
    EXPECT_TRUE(HasCode(Call(Reports(), &Stub::GetCustomerEquity, equity).status,
                        grpc::StatusCode::FAILED_PRECONDITION));
    sv1::CompareRatingRunsRequest compare;
    compare.set_from_run(w.run1);
    compare.set_to_run(run.name());
    Reply<sv1::TierMovementReport> c = Call(Reports(), &Stub::CompareRatingRuns, compare);
    EXPECT_TRUE(HasCode(c.status, grpc::StatusCode::FAILED_PRECONDITION));
    EXPECT_TRUE(absl::StartsWith(c.status.error_message(), "to_run: " + run.name()))
        << c.status.error_message();
  };
  expect_refused("RUN_STATE_RUNNING");

  sv1::CancelRatingRunRequest cancel = ByName<sv1::CancelRatingRunRequest>(run.name());
  EXPECT_OK(Call(Ratings(), &sv1::RatingService::Stub::CancelRatingRun, cancel).status);
  AwaitRun(run.name(), sv1::RUN_STATE_CANCELLED);
  expect_refused("RUN_STATE_CANCELLED");
  ASSERT_TRUE(Suite().StartService("interaction").ok());
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  return kam::testing::RunTestsOnSuite(argc, argv, kam::testing::ScoringSuiteOptions());
}
