#include "services/interaction/opportunity/opportunity_pipeline.h"

#include <limits>
#include <map>

#include "absl/strings/str_cat.h"
#include "common/api/validation.h"
#include "common/base/status_macros.h"

namespace kam::interaction::opportunity {
namespace {

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

int Index(v1::OpportunityStage stage) { return static_cast<int>(stage) - 1; }

// Running sums of one currency, wide enough never to overflow before the
// final range check.
struct CurrencySums {
  std::array<int64_t, kOpportunityStageCount> count{};
  std::array<__int128, kOpportunityStageCount> amount{};
};

absl::Status TooLarge(const std::string& currency) {
  return absl::OutOfRangeError(absl::StrCat("the pipeline's ", currency,
                                            " amounts add up to more than an int64 holds"));
}

void SetMoney(kam::type::v1::Money* money, const std::string& currency, int64_t minor) {
  money->set_currency_code(currency);
  money->set_minor_units(minor);
}

}  // namespace

StageProbabilityPercents DefaultStageProbabilities() { return {10, 20, 40, 60, 80, 95}; }

void FillStageProbabilities(
    const StageProbabilityPercents& percents,
    google::protobuf::RepeatedPtrField<v1::OpportunityStageProbability>* out) {
  out->Clear();
  for (v1::OpportunityStage stage : OpportunityStagesInOrder()) {
    v1::OpportunityStageProbability* entry = out->Add();
    entry->set_stage(stage);
    entry->set_probability_percent(percents[Index(stage)]);
  }
}

absl::StatusOr<StageProbabilityPercents> ParseStageProbabilities(
    const google::protobuf::RepeatedPtrField<v1::OpportunityStageProbability>& entries) {
  constexpr char kField[] = "stage_probabilities.probabilities";
  if (entries.size() != kOpportunityStageCount) {
    return common::InvalidField(kField, absl::StrCat("must name each of the six stages exactly "
                                                     "once (got ", entries.size(), " entries)"));
  }
  StageProbabilityPercents percents{};
  std::array<bool, kOpportunityStageCount> seen{};
  for (int i = 0; i < entries.size(); ++i) {
    const v1::OpportunityStageProbability& entry = entries.Get(i);
    const std::string path = absl::StrCat(kField, "[", i, "]");
    if (!IsOpportunityStage(entry.stage())) {
      return common::InvalidField(absl::StrCat(path, ".stage"),
                                  absl::StrCat("must be one of the six stages (got ",
                                               OpportunityStageName(entry.stage()), ")"));
    }
    if (seen[Index(entry.stage())]) {
      return common::InvalidField(absl::StrCat(path, ".stage"),
                                  absl::StrCat("repeats ", OpportunityStageName(entry.stage()),
                                               "; each stage must appear once"));
    }
    seen[Index(entry.stage())] = true;
    KAM_RETURN_IF_ERROR(common::CheckRange(absl::StrCat(path, ".probability_percent"),
                                           entry.probability_percent(), 0, 100));
    percents[Index(entry.stage())] = entry.probability_percent();
  }
  for (int i = 1; i < kOpportunityStageCount; ++i) {
    if (percents[i] < percents[i - 1]) {
      const auto stage = static_cast<v1::OpportunityStage>(i + 1);
      const auto before = static_cast<v1::OpportunityStage>(i);
      int position = 0;
      for (int j = 0; j < entries.size(); ++j) {
        if (entries.Get(j).stage() == stage) position = j;
      }
      return common::InvalidField(
          absl::StrCat(kField, "[", position, "].probability_percent"),
          absl::StrCat("must not be below the stage before it: ", OpportunityStageName(stage),
                       " has ", percents[i], "% but ", OpportunityStageName(before), " has ",
                       percents[i - 1], "%"));
    }
  }
  return percents;
}

absl::Status CheckStageProbabilities(const StageProbabilityPercents& percents) {
  google::protobuf::RepeatedPtrField<v1::OpportunityStageProbability> entries;
  FillStageProbabilities(percents, &entries);
  return ParseStageProbabilities(entries).status();
}

int64_t WeightedMinorUnits(int64_t amount_minor, int percent) {
  const __int128 product = static_cast<__int128>(amount_minor) * percent;
  return static_cast<int64_t>((product + 50) / 100);
}

absl::StatusOr<v1::WeightedPipeline> ComputeWeightedPipeline(
    const std::vector<PipelineGroup>& groups, const StageProbabilityPercents& percents) {
  std::map<std::string, CurrencySums> by_currency;  // ordered by code
  std::array<int64_t, kOpportunityStageCount> open{};
  std::array<int64_t, kOpportunityStageCount> unpriced{};
  for (const PipelineGroup& group : groups) {
    if (!IsOpportunityStage(group.stage)) {
      return absl::InternalError(absl::StrCat("pipeline group with unknown stage ",
                                              static_cast<int>(group.stage)));
    }
    const int i = Index(group.stage);
    open[i] += group.count;
    if (group.currency_code.empty()) {
      unpriced[i] += group.count;
      continue;
    }
    CurrencySums& sums = by_currency[group.currency_code];
    sums.count[i] += group.count;
    sums.amount[i] += group.amount_minor;
  }

  v1::WeightedPipeline pipeline;
  for (const auto& [currency, sums] : by_currency) {
    v1::WeightedPipelineCurrency* block = pipeline.add_currencies();
    block->set_currency_code(currency);
    int64_t count = 0;
    __int128 amount = 0;
    __int128 weighted = 0;
    for (v1::OpportunityStage stage : OpportunityStagesInOrder()) {
      const int i = Index(stage);
      if (sums.amount[i] > kInt64Max) return TooLarge(currency);
      const int64_t stage_amount = static_cast<int64_t>(sums.amount[i]);
      const int64_t stage_weighted = WeightedMinorUnits(stage_amount, percents[i]);
      v1::WeightedPipelineStage* row = block->add_stages();
      row->set_stage(stage);
      row->set_probability_percent(percents[i]);
      row->set_count(static_cast<int32_t>(sums.count[i]));
      SetMoney(row->mutable_amount(), currency, stage_amount);
      SetMoney(row->mutable_weighted_amount(), currency, stage_weighted);
      count += sums.count[i];
      amount += stage_amount;
      weighted += stage_weighted;
    }
    if (amount > kInt64Max || weighted > kInt64Max) return TooLarge(currency);
    block->set_count(static_cast<int32_t>(count));
    SetMoney(block->mutable_amount(), currency, static_cast<int64_t>(amount));
    SetMoney(block->mutable_weighted_amount(), currency, static_cast<int64_t>(weighted));
  }
  int64_t open_total = 0;
  int64_t unpriced_total = 0;
  for (v1::OpportunityStage stage : OpportunityStagesInOrder()) {
    const int i = Index(stage);
    v1::WeightedPipelineStageCount* row = pipeline.add_stage_counts();
    row->set_stage(stage);
    row->set_count(static_cast<int32_t>(open[i]));
    row->set_unpriced_count(static_cast<int32_t>(unpriced[i]));
    open_total += open[i];
    unpriced_total += unpriced[i];
  }
  pipeline.set_open_count(static_cast<int32_t>(open_total));
  pipeline.set_unpriced_count(static_cast<int32_t>(unpriced_total));
  return pipeline;
}

}  // namespace kam::interaction::opportunity
