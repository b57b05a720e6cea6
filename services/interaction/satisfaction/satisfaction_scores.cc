#include "services/interaction/satisfaction/satisfaction_scores.h"

#include "absl/strings/str_cat.h"
#include "common/api/validation.h"

namespace kam::interaction::satisfaction {

namespace sv1 = ::kam::interaction::v1;

absl::Status CheckSurveyScore(sv1::SurveyKind kind, int score) {
  switch (kind) {
    case sv1::SURVEY_KIND_CSAT:
      if (score < 1 || score > 5) {
        return common::InvalidField("survey_response.score",
                                    absl::StrCat("must be 1 to 5 for CSAT (got ", score, ")"));
      }
      return absl::OkStatus();
    case sv1::SURVEY_KIND_NPS:
      if (score < 0 || score > 10) {
        return common::InvalidField("survey_response.score",
                                    absl::StrCat("must be 0 to 10 for NPS (got ", score, ")"));
      }
      return absl::OkStatus();
    case sv1::SURVEY_KIND_UNSPECIFIED:
      return common::InvalidField("survey_response.kind", "is required (CSAT or NPS)");
    default: return common::InvalidField("survey_response.kind", "must be CSAT or NPS");
  }
}

int64_t DivideRounded(int64_t numerator, int64_t denominator) {
  const bool negative = numerator < 0;
  const int64_t magnitude = negative ? -numerator : numerator;
  const int64_t rounded = (2 * magnitude + denominator) / (2 * denominator);
  return negative ? -rounded : rounded;
}

sv1::SatisfactionSummary Summarise(const std::vector<ScoreCount>& counts) {
  sv1::SatisfactionSummary summary;
  int64_t csat_by_score[5] = {0, 0, 0, 0, 0};
  int64_t csat_count = 0;
  int64_t csat_sum = 0;
  int64_t promoters = 0;
  int64_t passives = 0;
  int64_t detractors = 0;
  for (const ScoreCount& c : counts) {
    if (c.count <= 0) continue;
    if (c.kind == sv1::SURVEY_KIND_CSAT && c.score >= 1 && c.score <= 5) {
      csat_by_score[c.score - 1] += c.count;
      csat_count += c.count;
      csat_sum += c.count * c.score;
    } else if (c.kind == sv1::SURVEY_KIND_NPS && c.score >= 0 && c.score <= 10) {
      if (c.score >= 9) {
        promoters += c.count;
      } else if (c.score >= 7) {
        passives += c.count;
      } else {
        detractors += c.count;
      }
    }
  }
  summary.set_csat_count(static_cast<int32_t>(csat_count));
  summary.set_csat_score_sum(csat_sum);
  for (int64_t n : csat_by_score) summary.add_csat_score_counts(static_cast<int32_t>(n));
  if (csat_count > 0) {
    summary.set_csat_average_hundredths(
        static_cast<int32_t>(DivideRounded(100 * csat_sum, csat_count)));
  }
  const int64_t nps_count = promoters + passives + detractors;
  summary.set_nps_count(static_cast<int32_t>(nps_count));
  summary.set_promoters(static_cast<int32_t>(promoters));
  summary.set_passives(static_cast<int32_t>(passives));
  summary.set_detractors(static_cast<int32_t>(detractors));
  if (nps_count > 0) {
    // % promoters - % detractors, in hundredths: 10000 * (P - D) / N.
    summary.set_nps_hundredths(
        static_cast<int32_t>(DivideRounded(10000 * (promoters - detractors), nps_count)));
  }
  return summary;
}

}  // namespace kam::interaction::satisfaction
