#include "services/interaction/satisfaction/satisfaction_scores.h"

#include <vector>

#include "gtest/gtest.h"

namespace kam::interaction::satisfaction {
namespace {

namespace sv1 = ::kam::interaction::v1;

ScoreCount Csat(int score, int64_t count) { return {sv1::SURVEY_KIND_CSAT, score, count}; }
ScoreCount Nps(int score, int64_t count) { return {sv1::SURVEY_KIND_NPS, score, count}; }

TEST(SurveyScoreTest, CsatIsOneToFive) {
  EXPECT_TRUE(CheckSurveyScore(sv1::SURVEY_KIND_CSAT, 1).ok());
  EXPECT_TRUE(CheckSurveyScore(sv1::SURVEY_KIND_CSAT, 5).ok());
  for (int bad : {0, 6, -1, 10}) {
    const absl::Status s = CheckSurveyScore(sv1::SURVEY_KIND_CSAT, bad);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(s.message().substr(0, 21), "survey_response.score") << s;
  }
  EXPECT_EQ(CheckSurveyScore(sv1::SURVEY_KIND_CSAT, 0).message(),
            "survey_response.score must be 1 to 5 for CSAT (got 0)");
}

TEST(SurveyScoreTest, NpsIsZeroToTen) {
  EXPECT_TRUE(CheckSurveyScore(sv1::SURVEY_KIND_NPS, 0).ok());
  EXPECT_TRUE(CheckSurveyScore(sv1::SURVEY_KIND_NPS, 10).ok());
  EXPECT_EQ(CheckSurveyScore(sv1::SURVEY_KIND_NPS, 11).message(),
            "survey_response.score must be 0 to 10 for NPS (got 11)");
  EXPECT_EQ(CheckSurveyScore(sv1::SURVEY_KIND_NPS, -1).code(), absl::StatusCode::kInvalidArgument);
}

TEST(SurveyScoreTest, KindIsRequired) {
  const absl::Status s = CheckSurveyScore(sv1::SURVEY_KIND_UNSPECIFIED, 3);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "survey_response.kind is required (CSAT or NPS)");
  EXPECT_EQ(CheckSurveyScore(static_cast<sv1::SurveyKind>(9), 3).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(DivideRoundedTest, RoundsHalfAwayFromZero) {
  EXPECT_EQ(DivideRounded(433, 1), 433);
  EXPECT_EQ(DivideRounded(1300, 3), 433);      // 433.33
  EXPECT_EQ(DivideRounded(1400, 3), 467);      // 466.67
  EXPECT_EQ(DivideRounded(5, 2), 3);           // 2.5
  EXPECT_EQ(DivideRounded(-5, 2), -3);         // -2.5
  EXPECT_EQ(DivideRounded(-20000, 7), -2857);  // -2857.14
  EXPECT_EQ(DivideRounded(0, 7), 0);
}

TEST(SummariseTest, NothingGivesZeroCountsAndNoAverages) {
  const sv1::SatisfactionSummary s = Summarise({});
  EXPECT_EQ(s.csat_count(), 0);
  EXPECT_FALSE(s.has_csat_average_hundredths());
  EXPECT_EQ(s.nps_count(), 0);
  EXPECT_FALSE(s.has_nps_hundredths());
  ASSERT_EQ(s.csat_score_counts_size(), 5);
  for (int n : s.csat_score_counts()) EXPECT_EQ(n, 0);
}

TEST(SummariseTest, CsatAverageInHundredths) {
  // 5, 4, 4: 13 / 3 = 4.333...
  const sv1::SatisfactionSummary s = Summarise({Csat(5, 1), Csat(4, 2)});
  EXPECT_EQ(s.csat_count(), 3);
  EXPECT_EQ(s.csat_score_sum(), 13);
  EXPECT_EQ(s.csat_average_hundredths(), 433);
  EXPECT_EQ(s.csat_score_counts(3), 2);
  EXPECT_EQ(s.csat_score_counts(4), 1);
  EXPECT_EQ(s.csat_score_counts(0), 0);
  EXPECT_EQ(s.nps_count(), 0);
  EXPECT_FALSE(s.has_nps_hundredths());
}

TEST(SummariseTest, CsatRoundsHalfUp) {
  EXPECT_EQ(Summarise({Csat(1, 1), Csat(2, 1)}).csat_average_hundredths(), 150);  // 1.5
  EXPECT_EQ(Summarise({Csat(4, 1), Csat(5, 3)}).csat_average_hundredths(), 475);  // 4.75
  EXPECT_EQ(Summarise({Csat(2, 2), Csat(3, 1)}).csat_average_hundredths(), 233);  // 2.333
  EXPECT_EQ(Summarise({Csat(1, 8), Csat(2, 1)}).csat_average_hundredths(), 111);  // 1.111
  // 13 / 8 = 1.625: 162.5 hundredths, rounded up.
  EXPECT_EQ(Summarise({Csat(1, 3), Csat(2, 5)}).csat_average_hundredths(), 163);
}

TEST(SummariseTest, NpsBuckets) {
  std::vector<ScoreCount> counts;
  for (int score = 0; score <= 10; ++score) counts.push_back(Nps(score, 1));
  const sv1::SatisfactionSummary s = Summarise(counts);
  EXPECT_EQ(s.nps_count(), 11);
  EXPECT_EQ(s.promoters(), 2);   // 9, 10
  EXPECT_EQ(s.passives(), 2);    // 7, 8
  EXPECT_EQ(s.detractors(), 7);  // 0..6
  // (2 - 7) / 11 = -45.4545% -> -4545
  EXPECT_EQ(s.nps_hundredths(), -4545);
}

TEST(SummariseTest, NpsExamples) {
  // 3 promoters, 3 passives, 1 detractor: (3 - 1) / 7 = 28.571% -> 2857.
  EXPECT_EQ(Summarise({Nps(10, 2), Nps(9, 1), Nps(8, 3), Nps(6, 1)}).nps_hundredths(), 2857);
  // All promoters: 100%.
  EXPECT_EQ(Summarise({Nps(9, 4)}).nps_hundredths(), 10000);
  // All detractors: -100%.
  EXPECT_EQ(Summarise({Nps(0, 1), Nps(6, 2)}).nps_hundredths(), -10000);
  // Only passives: 0.
  const sv1::SatisfactionSummary passives = Summarise({Nps(7, 1), Nps(8, 1)});
  EXPECT_TRUE(passives.has_nps_hundredths());
  EXPECT_EQ(passives.nps_hundredths(), 0);
  // 1 promoter, 7 detractors: -6/8 = -75%.
  EXPECT_EQ(Summarise({Nps(10, 1), Nps(3, 7)}).nps_hundredths(), -7500);
  // -1/6 = -16.666% -> -1667 (away from zero).
  EXPECT_EQ(Summarise({Nps(0, 1), Nps(8, 5)}).nps_hundredths(), -1667);
}

TEST(SummariseTest, KindsAreKeptApartAndBadScoresIgnored) {
  const sv1::SatisfactionSummary s = Summarise({Csat(5, 2),
                                                Nps(10, 1),
                                                Nps(0, 1),
                                                Csat(9, 4),
                                                Nps(11, 3),
                                                Csat(3, 0),
                                                {sv1::SURVEY_KIND_UNSPECIFIED, 3, 5}});
  EXPECT_EQ(s.csat_count(), 2);
  EXPECT_EQ(s.csat_average_hundredths(), 500);
  EXPECT_EQ(s.nps_count(), 2);
  EXPECT_EQ(s.nps_hundredths(), 0);
}

}  // namespace
}  // namespace kam::interaction::satisfaction
