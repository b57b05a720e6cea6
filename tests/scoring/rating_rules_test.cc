// Tiering rules end to end on small books (tiering.h states the rules):
// an empty book, absolute thresholds, per-segment rules, ties that fall
// on a pyramid boundary, and a churned account left out of the pyramid. Each test creates its own
// book and soft-deletes it when done, so the next test's runs rate only its own accounts; the empty
// book comes first.
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/scoring/rating_test_helpers.h"
#include "tests/scoring/report_test_helpers.h"

namespace kam::testing {
namespace {

namespace av1 = ::kam::account::v1;

sv1::RatingRun MustSucceed(const sv1::ScoringPolicy& policy) {
  const sv1::RatingRun run = RunToEnd(MustCreatePolicy(policy).name());
  EXPECT_EQ(run.state(), sv1::RUN_STATE_SUCCEEDED) << run.ShortDebugString();
  return run;
}

TEST(RatingRules, AnEmptyBook) {
  const sv1::RatingRun run = MustSucceed(RevenuePolicy());
  EXPECT_EQ(run.accounts_total(), 0);
  EXPECT_EQ(run.accounts_processed(), 0);
  EXPECT_EQ(run.accounts_published(), 0);
  EXPECT_EQ(TierCountsText(run.tier_counts()), "0/0/0/0");
  EXPECT_TRUE(AllRatings(run.name()).empty());
  sv1::ListKeyAccountChangesRequest request;
  request.set_run(run.name());
  Reply<sv1::ListKeyAccountChangesResponse> changes =
      Call(Ratings(), &RatingStub::ListKeyAccountChanges, request);
  ASSERT_OK(changes.status);
  EXPECT_EQ(changes.value.came_on_size() + changes.value.dropped_off_size(), 0);
}

TEST(RatingRules, Thresholds) {
  // A >= 300, B >= 200, C >= 100; equal to a minimum is in.
  const std::vector<int64_t> values = {300, 299, 200, 150, 100, 99, 0, 1000};
  const std::vector<av1::Tier> want = {av1::TIER_A, av1::TIER_B, av1::TIER_B, av1::TIER_C,
                                       av1::TIER_C, av1::TIER_D, av1::TIER_D, av1::TIER_A};
  const std::vector<std::string> book = CreateBook(values);
  const sv1::TierRule rule = ThresholdRule(300, 200, 100);
  const sv1::RatingRun run = MustSucceed(RevenuePolicy(&rule));
  EXPECT_EQ(run.accounts_total(), 8);
  EXPECT_EQ(TierCountsText(run.tier_counts()), "2/2/2/2");
  const std::map<std::string, sv1::AccountRating> ratings = AllRatings(run.name());
  ASSERT_EQ(ratings.size(), book.size());
  for (size_t i = 0; i < book.size(); ++i) {
    EXPECT_EQ(ratings.at(book[i]).tier(), want[i]) << "value " << values[i];
    EXPECT_EQ(ratings.at(book[i]).value_minor(), values[i]);
    EXPECT_EQ(GetAccount(book[i]).tier(), want[i]) << "value " << values[i];
  }
  EXPECT_EQ(ratings.at(book[7]).rank(), 1);
  EXPECT_EQ(ratings.at(book[6]).rank(), 8);
  DeleteBook(book);
}

// By industry: "energy" has a pyramid of its own (10% / 30% / 60%),
// "retail" thresholds, and "mining" (no rule) the default pyramid.
TEST(RatingRules, PerSegment) {
  std::vector<int64_t> energy_values;
  for (int i = 1; i <= 10; ++i) energy_values.push_back(i * 1000);
  const std::vector<std::string> energy = CreateBook(energy_values, "energy");
  const std::vector<std::string> retail = CreateBook({50, 500, 5000}, "retail");
  const std::vector<std::string> mining = CreateBook({7, 8, 9}, "mining");

  sv1::ScoringPolicy policy = RevenuePolicy();
  policy.mutable_tiering()->set_segment_by(sv1::SEGMENT_BY_INDUSTRY);
  (*policy.mutable_tiering()->mutable_segment_rules())["energy"] = PyramidRule(1000, 3000, 6000);
  (*policy.mutable_tiering()->mutable_segment_rules())["retail"] = ThresholdRule(5000, 500, 100);
  const sv1::RatingRun run = MustSucceed(policy);
  EXPECT_EQ(run.accounts_total(), 16);
  // energy 1/2/3/4, retail 1/1/0/1, mining 0/0/1/2 (3 accounts: 20% is 0.6 -> 1 C).
  EXPECT_EQ(TierCountsText(run.tier_counts()), "2/3/4/7");

  const std::map<std::string, sv1::AccountRating> ratings = AllRatings(run.name());
  const std::vector<av1::Tier> energy_want = {av1::TIER_D, av1::TIER_D, av1::TIER_D, av1::TIER_D,
                                              av1::TIER_C, av1::TIER_C, av1::TIER_C, av1::TIER_B,
                                              av1::TIER_B, av1::TIER_A};
  for (int i = 0; i < 10; ++i) {
    const sv1::AccountRating& r = ratings.at(energy[i]);
    EXPECT_EQ(r.segment(), "energy");
    EXPECT_EQ(r.rank(), 10 - i);  // rank within the segment
    EXPECT_EQ(r.tier(), energy_want[i]) << "energy value " << energy_values[i];
  }
  EXPECT_EQ(ratings.at(retail[0]).tier(), av1::TIER_D);
  EXPECT_EQ(ratings.at(retail[1]).tier(), av1::TIER_B);
  EXPECT_EQ(ratings.at(retail[2]).tier(), av1::TIER_A);
  EXPECT_EQ(ratings.at(retail[2]).rank(), 1);
  EXPECT_EQ(ratings.at(retail[2]).segment(), "retail");
  EXPECT_EQ(ratings.at(mining[2]).tier(), av1::TIER_C);
  EXPECT_EQ(ratings.at(mining[2]).rank(), 1);
  EXPECT_EQ(ratings.at(mining[1]).tier(), av1::TIER_D);
  EXPECT_EQ(ratings.at(mining[0]).tier(), av1::TIER_D);
  EXPECT_EQ(AllRatings(run.name(), "segment = \"retail\"").size(), 3u);
  DeleteBook(energy);
  DeleteBook(retail);
  DeleteBook(mining);
}

// Ten accounts under the default pyramid target 0 A / 1 B / 1 C. The C
// boundary falls inside a group of three equal values: the whole group
// takes the worse tier, D (tiering.h, "Ties"). Equal values still get
// distinct ranks (by account id) but never straddle a boundary.
TEST(RatingRules, TiesNeverStraddleABoundary) {
  const std::vector<int64_t> values = {1000, 500, 500, 500, 100, 90, 80, 70, 60, 0};
  const std::vector<std::string> book = CreateBook(values);
  const sv1::RatingRun run = MustSucceed(RevenuePolicy());
  EXPECT_EQ(TierCountsText(run.tier_counts()), "0/1/0/9");
  const std::map<std::string, sv1::AccountRating> ratings = AllRatings(run.name());
  EXPECT_EQ(ratings.at(book[0]).tier(), av1::TIER_B);
  EXPECT_EQ(ratings.at(book[0]).rank(), 1);
  std::vector<int64_t> tied_ranks;
  for (int i = 1; i <= 3; ++i) {
    EXPECT_EQ(ratings.at(book[i]).tier(), av1::TIER_D);
    tied_ranks.push_back(ratings.at(book[i]).rank());
  }
  std::sort(tied_ranks.begin(), tied_ranks.end());
  EXPECT_EQ(tied_ranks, (std::vector<int64_t>{2, 3, 4}));

  // A pyramid that would put two of four in A: the account worth 0 stays
  // D (a customer who brings nothing is not a key account), and the three
  // tied accounts below the top all take the worse tier.
  DeleteBook(book);
  const std::vector<std::string> small = CreateBook({400, 200, 200, 0});
  const sv1::TierRule half = PyramidRule(5000, 5000, 10000);
  const sv1::RatingRun second = MustSucceed(RevenuePolicy(&half));
  // A: 2 targeted, but ranks 2-3 tie: only rank 1. C: all 4 targeted; the
  // zero value stays D.
  EXPECT_EQ(TierCountsText(second.tier_counts()), "1/0/2/1");
  const std::map<std::string, sv1::AccountRating> r2 = AllRatings(second.name());
  EXPECT_EQ(r2.at(small[0]).tier(), av1::TIER_A);
  EXPECT_EQ(r2.at(small[1]).tier(), av1::TIER_C);
  EXPECT_EQ(r2.at(small[2]).tier(), av1::TIER_C);
  EXPECT_EQ(r2.at(small[3]).tier(), av1::TIER_D);
  DeleteBook(small);
}

// docs/domain.md §2: the pyramid ranks the live customers. Ten accounts
// give 0 A / 1 B / 1 C; once the best (the B) has churned the other nine
// make the pyramid on their own (5% of 9 rounds to no B: 0 / 0 / 2), the
// churned account's rating
// says it is not tiered and why, its tier B is cleared in the account
// service, and the reports count nine. Won back, it is rated again.
TEST(RatingRules, AChurnedAccountIsNotRatedIntoATier) {
  const std::vector<int64_t> values = {1000, 900, 800, 700, 600, 500, 400, 300, 200, 100};
  const std::vector<std::string> book = CreateBook(values);
  const std::string& lost = book[0];
  const std::string policy = MustCreatePolicy(RevenuePolicy()).name();
  const sv1::RatingRun first = RunToEnd(policy);
  ASSERT_EQ(first.state(), sv1::RUN_STATE_SUCCEEDED) << first.error();
  EXPECT_EQ(TierCountsText(first.tier_counts()), "0/1/1/8");
  EXPECT_EQ(GetAccount(lost).tier(), av1::TIER_B);

  av1::MarkChurnedRequest churn;
  churn.set_name(lost);
  churn.set_kind(av1::CHURN_EVENT_KIND_CUSTOMER_CHURN);
  churn.set_reason(av1::CHURN_REASON_PRICE);
  ASSERT_OK(Call(Accounts(), &av1::AccountService::Stub::MarkChurned, churn).status);
  const sv1::RatingRun second = RunToEnd(policy);
  ASSERT_EQ(second.state(), sv1::RUN_STATE_SUCCEEDED) << second.error();
  EXPECT_EQ(second.accounts_total(), 10);  // rated, one of them not tiered
  EXPECT_EQ(second.accounts_published(), 10);
  EXPECT_EQ(TierCountsText(second.tier_counts()), "0/0/2/7");
  const std::map<std::string, sv1::AccountRating> ratings = AllRatings(second.name());
  const sv1::AccountRating& churned = ratings.at(lost);
  EXPECT_EQ(churned.tier(), av1::TIER_UNSPECIFIED);
  EXPECT_EQ(churned.not_tiered_reason(), sv1::NOT_TIERED_REASON_CHURNED);
  EXPECT_EQ(churned.movement(), sv1::MOVEMENT_NOT_TIERED);
  EXPECT_EQ(churned.previous_tier(), av1::TIER_B);
  EXPECT_EQ(churned.rank(), 0);
  EXPECT_FALSE(churned.key_account());
  EXPECT_EQ(churned.value_minor(), 1000);  // still measured
  EXPECT_EQ(ratings.at(book[1]).rank(), 1);
  EXPECT_EQ(ratings.at(book[1]).tier(), av1::TIER_C);
  EXPECT_EQ(AllRatings(second.name(), "movement = NOT_TIERED").size(), 1u);

  // Publishing cleared its tier, with the reason in the tier history.
  const av1::Account account = GetAccount(lost);
  EXPECT_EQ(account.tier(), av1::TIER_UNSPECIFIED);
  EXPECT_EQ(account.tier_rating_run(), second.name());
  const std::vector<av1::TierChange> history = TierHistory(lost);
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(history.back().from_tier(), av1::TIER_B);
  EXPECT_EQ(history.back().to_tier(), av1::TIER_UNSPECIFIED);
  EXPECT_TRUE(absl::StrContains(history.back().reason(), "churned")) << history.back().reason();

  // It dropped off the key-account list; the reports count the nine.
  sv1::ListKeyAccountChangesRequest changes;
  changes.set_run(second.name());
  Reply<sv1::ListKeyAccountChangesResponse> changed =
      Call(Ratings(), &RatingStub::ListKeyAccountChanges, changes);
  ASSERT_OK(changed.status);
  ASSERT_EQ(changed.value.dropped_off_size(), 1);
  EXPECT_EQ(changed.value.dropped_off(0).account(), lost);
  EXPECT_EQ(changed.value.dropped_off(0).to_tier(), av1::TIER_UNSPECIFIED);
  EXPECT_TRUE(absl::StrContains(changed.value.dropped_off(0).reason(), "churned"));
  const sv1::PyramidReport pyramid =
      ReportOf(&sv1::ReportService::Stub::GetPyramidReport, second.name());
  EXPECT_EQ(pyramid.account_count(), 9);
  EXPECT_EQ(pyramid.total_value_minor(), 4500);
  EXPECT_EQ(ReportOf(&sv1::ReportService::Stub::GetCustomerEquity, second.name()).account_count(),
            9);
  sv1::GetParetoReportRequest everyone;
  everyone.add_top_shares_bp(10000);
  const sv1::ParetoReport curve =
      ReportOf(&sv1::ReportService::Stub::GetParetoReport, second.name(), everyone);
  ASSERT_EQ(curve.points_size(), 1);
  EXPECT_EQ(curve.points(0).account_count(), 9);
  sv1::CompareRatingRunsRequest compare;
  compare.set_from_run(first.name());
  compare.set_to_run(second.name());
  Reply<sv1::TierMovementReport> moves =
      Call(Reports(), &sv1::ReportService::Stub::CompareRatingRuns, compare);
  ASSERT_OK(moves.status);
  EXPECT_EQ(moves.value.dropped_accounts(), 1);

  // Won back, it is rated into a tier again at the next run.
  av1::RecordWinBackRequest win_back;
  win_back.set_name(lost);
  ASSERT_OK(Call(Accounts(), &av1::AccountService::Stub::RecordWinBack, win_back).status);
  const sv1::RatingRun third = RunToEnd(policy);
  ASSERT_EQ(third.state(), sv1::RUN_STATE_SUCCEEDED) << third.error();
  EXPECT_EQ(TierCountsText(third.tier_counts()), "0/1/1/8");
  const sv1::AccountRating back = AllRatings(third.name()).at(lost);
  EXPECT_EQ(back.tier(), av1::TIER_B);
  EXPECT_EQ(back.movement(), sv1::MOVEMENT_NEW);
  EXPECT_EQ(back.not_tiered_reason(), sv1::NOT_TIERED_REASON_UNSPECIFIED);
  EXPECT_EQ(GetAccount(lost).tier(), av1::TIER_B);
  DeleteBook(book);
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  return kam::testing::RunTestsOnSuite(argc, argv, kam::testing::ScoringSuiteOptions());
}
