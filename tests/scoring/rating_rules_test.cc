// Tiering rules end to end on small books (tiering.h states the rules):
// an empty book, absolute thresholds, per-segment rules, and ties that fall
// on a pyramid boundary. Each test creates its own book and soft-deletes it
// when done, so the next test's runs rate only its own accounts; the empty
// book comes first.
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/scoring/rating_test_helpers.h"

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

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  return kam::testing::RunTestsOnSuite(argc, argv, kam::testing::ScoringSuiteOptions());
}
