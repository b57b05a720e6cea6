#include "services/interaction/opportunity/opportunity_pipeline.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "services/interaction/opportunity/opportunity_test_stages.h"

namespace kam::interaction::opportunity {
namespace {

google::protobuf::RepeatedPtrField<v1::OpportunityStageProbability> Table(
    const std::vector<std::pair<OpportunityStage, int>>& entries) {
  google::protobuf::RepeatedPtrField<v1::OpportunityStageProbability> table;
  for (const auto& [stage, percent] : entries) {
    v1::OpportunityStageProbability* e = table.Add();
    e->set_stage(stage);
    e->set_probability_percent(percent);
  }
  return table;
}

std::string Message(const absl::Status& s) { return std::string(s.message()); }

TEST(OpportunityPipelineTest, Defaults) {
  EXPECT_EQ(DefaultStageProbabilities(), (StageProbabilityPercents{10, 20, 40, 60, 80, 95}));
  EXPECT_TRUE(CheckStageProbabilities(DefaultStageProbabilities()).ok());
  google::protobuf::RepeatedPtrField<v1::OpportunityStageProbability> out;
  FillStageProbabilities(DefaultStageProbabilities(), &out);
  ASSERT_EQ(out.size(), 6);
  EXPECT_EQ(out.Get(0).stage(), kDev);
  EXPECT_EQ(out.Get(0).probability_percent(), 10);
  EXPECT_EQ(out.Get(5).stage(), kImpl);
  EXPECT_EQ(out.Get(5).probability_percent(), 95);
}

TEST(OpportunityPipelineTest, ParseAcceptsAnyOrder) {
  absl::StatusOr<StageProbabilityPercents> parsed = ParseStageProbabilities(
      Table({{kImpl, 100}, {kDev, 0}, {kBid, 50}, {kInit, 5}, {kNego, 90}, {kProposal, 50}}));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, (StageProbabilityPercents{0, 5, 50, 50, 90, 100}));
}

TEST(OpportunityPipelineTest, ParseRefusals) {
  const std::vector<std::pair<OpportunityStage, int>> kUnspecified = {
      {kDev, 10}, {kInit, 20}, {v1::OPPORTUNITY_STAGE_UNSPECIFIED, 40},
      {kBid, 60}, {kNego, 80}, {kImpl, 95}};
  const struct {
    std::vector<std::pair<OpportunityStage, int>> table;
    std::string message;  // its start
  } cases[] = {
      {{{kDev, 10}, {kInit, 20}},
       "stage_probabilities.probabilities must name each of the six stages exactly once (got 2"},
      {{{kDev, 10}, {kInit, 20}, {kInit, 40}, {kBid, 60}, {kNego, 80}, {kImpl, 95}},
       "stage_probabilities.probabilities[2].stage repeats PROJECT_INITIATION"},
      {kUnspecified, "stage_probabilities.probabilities[2].stage must be one of the six stages"},
      {{{kDev, 10}, {kInit, 20}, {kProposal, 40}, {kBid, 60}, {kNego, 80}, {kImpl, 101}},
       "stage_probabilities.probabilities[5].probability_percent must be between 0 and 100 (got "
       "101)"},
      {{{kDev, -1}, {kInit, 20}, {kProposal, 40}, {kBid, 60}, {kNego, 80}, {kImpl, 95}},
       "stage_probabilities.probabilities[0].probability_percent"},
      // BIDDING below PROPOSAL; the entry named is BIDDING's, wherever it is.
      {{{kBid, 30}, {kDev, 10}, {kInit, 20}, {kProposal, 40}, {kNego, 80}, {kImpl, 95}},
       "stage_probabilities.probabilities[0].probability_percent must not be below the stage "
       "before it: BIDDING has 30% but PROPOSAL has 40%"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.message);
    absl::StatusOr<StageProbabilityPercents> r = ParseStageProbabilities(Table(c.table));
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StartsWith(Message(r.status()), c.message)) << r.status();
  }
}

TEST(OpportunityPipelineTest, WeightingRoundsHalfUp) {
  EXPECT_EQ(WeightedMinorUnits(0, 40), 0);
  EXPECT_EQ(WeightedMinorUnits(100, 40), 40);
  EXPECT_EQ(WeightedMinorUnits(5, 10), 1);     // 0.5 -> 1
  EXPECT_EQ(WeightedMinorUnits(4, 10), 0);     // 0.4 -> 0
  EXPECT_EQ(WeightedMinorUnits(15, 10), 2);    // 1.5 -> 2
  EXPECT_EQ(WeightedMinorUnits(12345, 95), 11728);  // 11727.75
  EXPECT_EQ(WeightedMinorUnits(10, 95), 10);   // 9.5 -> 10
  EXPECT_EQ(WeightedMinorUnits(123, 0), 0);
  EXPECT_EQ(WeightedMinorUnits(123, 100), 123);
  const int64_t max = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(WeightedMinorUnits(max, 100), max);  // no overflow on the way
  EXPECT_EQ(WeightedMinorUnits(max, 50), max / 2 + 1);  // ...807 / 2 = ...403.5 -> ...404
}

TEST(OpportunityPipelineTest, ComputesPerCurrencyAndStage) {
  const std::vector<PipelineGroup> groups = {
      {kDev, "", 2, 0},              // two unpriced
      {kDev, "CNY", 1, 1'000'000},   // 10,000.00 at 10%
      {kProposal, "CNY", 2, 300'005},  // at 40%: 120,002
      {kImpl, "CNY", 1, 999},        // at 95%: 949.05 -> 949
      {kBid, "EUR", 3, 50'001},      // at 60%: 30,000.6 -> 30,001
      {kInit, "", 1, 0},
  };
  absl::StatusOr<v1::WeightedPipeline> p =
      ComputeWeightedPipeline(groups, DefaultStageProbabilities());
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->currencies_size(), 2);
  const v1::WeightedPipelineCurrency& cny = p->currencies(0);
  EXPECT_EQ(cny.currency_code(), "CNY");
  ASSERT_EQ(cny.stages_size(), 6);
  EXPECT_EQ(cny.stages(0).stage(), kDev);
  EXPECT_EQ(cny.stages(0).probability_percent(), 10);
  EXPECT_EQ(cny.stages(0).count(), 1);
  EXPECT_EQ(cny.stages(0).amount().minor_units(), 1'000'000);
  EXPECT_EQ(cny.stages(0).amount().currency_code(), "CNY");
  EXPECT_EQ(cny.stages(0).weighted_amount().minor_units(), 100'000);
  EXPECT_EQ(cny.stages(1).count(), 0);
  EXPECT_EQ(cny.stages(1).amount().minor_units(), 0);
  EXPECT_EQ(cny.stages(1).amount().currency_code(), "CNY");
  EXPECT_EQ(cny.stages(2).weighted_amount().minor_units(), 120'002);
  EXPECT_EQ(cny.stages(5).probability_percent(), 95);
  EXPECT_EQ(cny.stages(5).weighted_amount().minor_units(), 949);
  EXPECT_EQ(cny.count(), 4);
  EXPECT_EQ(cny.amount().minor_units(), 1'000'000 + 300'005 + 999);
  EXPECT_EQ(cny.weighted_amount().minor_units(), 100'000 + 120'002 + 949);
  const v1::WeightedPipelineCurrency& eur = p->currencies(1);
  EXPECT_EQ(eur.currency_code(), "EUR");
  EXPECT_EQ(eur.count(), 3);
  EXPECT_EQ(eur.stages(3).weighted_amount().minor_units(), 30'001);
  EXPECT_EQ(eur.weighted_amount().minor_units(), 30'001);
  EXPECT_EQ(eur.amount().currency_code(), "EUR");

  ASSERT_EQ(p->stage_counts_size(), 6);
  EXPECT_EQ(p->stage_counts(0).count(), 3);
  EXPECT_EQ(p->stage_counts(0).unpriced_count(), 2);
  EXPECT_EQ(p->stage_counts(1).count(), 1);
  EXPECT_EQ(p->stage_counts(1).unpriced_count(), 1);
  EXPECT_EQ(p->stage_counts(3).count(), 3);
  EXPECT_EQ(p->stage_counts(4).count(), 0);
  EXPECT_EQ(p->open_count(), 10);
  EXPECT_EQ(p->unpriced_count(), 3);
}

TEST(OpportunityPipelineTest, RoundingIsPerStageSumNotPerOpportunity) {
  // Two opportunities of 5 minor units at 10% are one group of 10: weighted
  // 1 (per opportunity it would be 1 + 1 = 2).
  absl::StatusOr<v1::WeightedPipeline> p =
      ComputeWeightedPipeline({{kDev, "USD", 2, 10}}, DefaultStageProbabilities());
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->currencies(0).stages(0).weighted_amount().minor_units(), 1);
}

TEST(OpportunityPipelineTest, EmptyPipeline) {
  absl::StatusOr<v1::WeightedPipeline> p = ComputeWeightedPipeline({}, DefaultStageProbabilities());
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->currencies_size(), 0);
  EXPECT_EQ(p->stage_counts_size(), 6);
  EXPECT_EQ(p->open_count(), 0);
}

TEST(OpportunityPipelineTest, OverflowIsOutOfRange) {
  const int64_t max = std::numeric_limits<int64_t>::max();
  absl::StatusOr<v1::WeightedPipeline> p = ComputeWeightedPipeline(
      {{kDev, "USD", 1, max}, {kInit, "USD", 1, 1}}, DefaultStageProbabilities());
  EXPECT_EQ(p.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_TRUE(absl::StrContains(p.status().message(), "USD"));
  p = ComputeWeightedPipeline({{static_cast<OpportunityStage>(0), "USD", 1, 1}},
                              DefaultStageProbabilities());
  EXPECT_EQ(p.status().code(), absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace kam::interaction::opportunity
