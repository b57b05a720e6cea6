// Survey scores and their aggregation (docs/domain.md §7: satisfaction is
// measured by regular surveys). Pure.
//
// - CSAT scores 1..5; the average is reported in hundredths (4.33 -> 433).
// - NPS scores 0..10: promoters 9-10, passives 7-8, detractors 0-6;
//   NPS = % promoters - % detractors, reported in hundredths of a point
//   (-10000..10000).
// - Integer hundredths, rounded half away from zero, so every client gets
//   the same figure; unset when there is no response of the kind.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "kam/interaction/v1/satisfaction.pb.h"

namespace kam::interaction::satisfaction {

// OK when `score` fits `kind`; INVALID_ARGUMENT naming
// "survey_response.score" (or ".kind" when the kind is missing) otherwise.
absl::Status CheckSurveyScore(interaction::v1::SurveyKind kind, int score);

// `count` responses of one kind with one score.
struct ScoreCount {
  interaction::v1::SurveyKind kind = interaction::v1::SURVEY_KIND_UNSPECIFIED;
  int score = 0;
  int64_t count = 0;
};

// The figures of a summary (scope and period are the caller's) from score
// counts in any order; scores outside their kind's range are ignored.
interaction::v1::SatisfactionSummary Summarise(const std::vector<ScoreCount>& counts);

// numerator / denominator rounded half away from zero; denominator > 0.
int64_t DivideRounded(int64_t numerator, int64_t denominator);

}  // namespace kam::interaction::satisfaction
