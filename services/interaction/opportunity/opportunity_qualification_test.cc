#include "services/interaction/opportunity/opportunity_qualification.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace kam::interaction::opportunity {
namespace {

constexpr v1::QualificationAssessment kUnknown = v1::QUALIFICATION_ASSESSMENT_UNSPECIFIED;
constexpr v1::QualificationAssessment kWeak = v1::QUALIFICATION_ASSESSMENT_WEAK;
constexpr v1::QualificationAssessment kFair = v1::QUALIFICATION_ASSESSMENT_FAIR;
constexpr v1::QualificationAssessment kStrong = v1::QUALIFICATION_ASSESSMENT_STRONG;

// Judgements in the order need, schedule, budget, competition, decision
// process, evaluation priorities.
v1::OpportunityJudgements Judged(const std::vector<v1::QualificationAssessment>& assessments) {
  v1::OpportunityJudgements j;
  for (size_t i = 0; i < assessments.size(); ++i) {
    MutableJudgementOf(&j, JudgementFields()[i])->set_assessment(assessments[i]);
  }
  return j;
}

TEST(OpportunityQualificationTest, FieldsAreTheSixQuestionsOfDomainSection6) {
  EXPECT_EQ(JudgementFields(),
            (std::vector<std::string>{"need", "schedule", "budget", "competition",
                                      "decision_process", "evaluation_priorities"}));
  v1::OpportunityJudgements j;
  for (const std::string& field : JudgementFields()) {
    MutableJudgementOf(&j, field)->set_note(field);
  }
  // Each name reaches the field of that name.
  EXPECT_EQ(j.ShortDebugString(),
            "need { note: \"need\" } schedule { note: \"schedule\" } "
            "budget { note: \"budget\" } competition { note: \"competition\" } "
            "decision_process { note: \"decision_process\" } "
            "evaluation_priorities { note: \"evaluation_priorities\" }");
  EXPECT_EQ(JudgementOf(j, "price"), nullptr);
  EXPECT_EQ(MutableJudgementOf(&j, "price"), nullptr);
}

TEST(OpportunityQualificationTest, ScoreIsTheSumOfTheAssessments) {
  EXPECT_EQ(QualificationScore(v1::OpportunityJudgements()), 0);
  EXPECT_EQ(QualificationScore(Judged({kWeak, kFair, kStrong, kUnknown, kStrong, kFair})), 11);
  EXPECT_EQ(QualificationScore(Judged({kStrong, kStrong, kStrong, kStrong, kStrong, kStrong})), 18);
}

TEST(OpportunityQualificationTest, ClassRule) {
  struct Case {
    std::vector<v1::QualificationAssessment> judged;
    v1::OpportunityClass want;
  };
  const Case cases[] = {
      // Nothing known: D.
      {{}, v1::OPPORTUNITY_CLASS_D},
      // 15 with every judgement at least FAIR: A.
      {{kStrong, kStrong, kStrong, kFair, kFair, kFair}, v1::OPPORTUNITY_CLASS_A},
      {{kStrong, kStrong, kStrong, kStrong, kStrong, kStrong}, v1::OPPORTUNITY_CLASS_A},
      // 14, all FAIR or better: B.
      {{kStrong, kStrong, kFair, kFair, kFair, kFair}, v1::OPPORTUNITY_CLASS_B},
      // 15 but one unknown: not A; one below FAIR is allowed in B.
      {{kStrong, kStrong, kStrong, kStrong, kStrong, kUnknown}, v1::OPPORTUNITY_CLASS_B},
      // 11 with one WEAK: B (the lowest B).
      {{kStrong, kFair, kFair, kFair, kWeak, kFair}, v1::OPPORTUNITY_CLASS_B},
      // 10, all FAIR but one WEAK... below 11: C.
      {{kFair, kFair, kFair, kFair, kWeak, kWeak}, v1::OPPORTUNITY_CLASS_C},
      // 12 but two below FAIR: C.
      {{kStrong, kStrong, kStrong, kStrong, kUnknown, kUnknown}, v1::OPPORTUNITY_CLASS_C},
      // 6: the lowest C.
      {{kWeak, kWeak, kWeak, kWeak, kWeak, kWeak}, v1::OPPORTUNITY_CLASS_C},
      {{kStrong, kStrong}, v1::OPPORTUNITY_CLASS_C},
      // 5: D.
      {{kStrong, kFair}, v1::OPPORTUNITY_CLASS_D},
      {{kWeak, kWeak, kWeak, kWeak, kWeak}, v1::OPPORTUNITY_CLASS_D},
  };
  for (const Case& c : cases) {
    const v1::OpportunityJudgements j = Judged(c.judged);
    EXPECT_EQ(DeriveOpportunityClass(j), c.want)
        << "score " << QualificationScore(j) << ": " << j.ShortDebugString();
  }
}

TEST(OpportunityQualificationTest, OverrideWins) {
  EXPECT_EQ(EffectiveOpportunityClass(v1::OPPORTUNITY_CLASS_D, v1::OPPORTUNITY_CLASS_UNSPECIFIED),
            v1::OPPORTUNITY_CLASS_D);
  EXPECT_EQ(EffectiveOpportunityClass(v1::OPPORTUNITY_CLASS_D, v1::OPPORTUNITY_CLASS_A),
            v1::OPPORTUNITY_CLASS_A);
  EXPECT_EQ(EffectiveOpportunityClass(v1::OPPORTUNITY_CLASS_A, v1::OPPORTUNITY_CLASS_C),
            v1::OPPORTUNITY_CLASS_C);
  EXPECT_EQ(OpportunityClassName(v1::OPPORTUNITY_CLASS_B), "B");
}

TEST(OpportunityQualificationTest, Validation) {
  v1::OpportunityJudgements j = Judged({kStrong, kFair});
  j.mutable_budget()->set_note("approved in the\nannual plan");
  EXPECT_TRUE(ValidateJudgements("opportunity.judgements", j).ok());
  j.mutable_budget()->set_assessment(static_cast<v1::QualificationAssessment>(4));
  absl::Status s = ValidateJudgements("opportunity.judgements", j);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(s.message(), "opportunity.judgements.budget.assessment ")) << s;
  j.mutable_budget()->set_assessment(kWeak);
  j.mutable_decision_process()->set_note(std::string(1001, 'n'));
  s = ValidateJudgements("opportunity.judgements", j);
  EXPECT_TRUE(absl::StartsWith(s.message(), "opportunity.judgements.decision_process.note must be "
                                            "at most 1000"))
      << s;
}

}  // namespace
}  // namespace kam::interaction::opportunity
