#include "services/interaction/opportunity/opportunity_qualification.h"

#include "absl/strings/str_cat.h"
#include "common/api/validation.h"
#include "common/base/status_macros.h"

namespace kam::interaction::opportunity {

const std::vector<std::string>& JudgementFields() {
  static const std::vector<std::string>* fields = new std::vector<std::string>{
      "need", "schedule", "budget", "competition", "decision_process", "evaluation_priorities"};
  return *fields;
}

const v1::OpportunityJudgement* JudgementOf(const v1::OpportunityJudgements& j,
                                            absl::string_view field) {
  if (field == "need") return &j.need();
  if (field == "schedule") return &j.schedule();
  if (field == "budget") return &j.budget();
  if (field == "competition") return &j.competition();
  if (field == "decision_process") return &j.decision_process();
  if (field == "evaluation_priorities") return &j.evaluation_priorities();
  return nullptr;
}

v1::OpportunityJudgement* MutableJudgementOf(v1::OpportunityJudgements* j,
                                             absl::string_view field) {
  if (field == "need") return j->mutable_need();
  if (field == "schedule") return j->mutable_schedule();
  if (field == "budget") return j->mutable_budget();
  if (field == "competition") return j->mutable_competition();
  if (field == "decision_process") return j->mutable_decision_process();
  if (field == "evaluation_priorities") return j->mutable_evaluation_priorities();
  return nullptr;
}

absl::Status ValidateJudgements(absl::string_view prefix,
                                const v1::OpportunityJudgements& judgements) {
  for (const std::string& field : JudgementFields()) {
    const v1::OpportunityJudgement& judgement = *JudgementOf(judgements, field);
    const std::string path = absl::StrCat(prefix, ".", field);
    if (!v1::QualificationAssessment_IsValid(judgement.assessment())) {
      return common::InvalidField(
          absl::StrCat(path, ".assessment"),
          absl::StrCat("must be UNSPECIFIED (not assessed), WEAK, FAIR or STRONG (got ",
                       static_cast<int>(judgement.assessment()), ")"));
    }
    KAM_RETURN_IF_ERROR(common::CheckText(absl::StrCat(path, ".note"), judgement.note(),
                                          kMaxOpportunityNote, /*multiline=*/true));
  }
  return absl::OkStatus();
}

int QualificationScore(const v1::OpportunityJudgements& judgements) {
  int score = 0;
  for (const std::string& field : JudgementFields()) {
    const int assessment = JudgementOf(judgements, field)->assessment();
    if (assessment > 0 && assessment <= v1::QUALIFICATION_ASSESSMENT_STRONG) score += assessment;
  }
  return score;
}

v1::OpportunityClass DeriveOpportunityClass(const v1::OpportunityJudgements& judgements) {
  int below_fair = 0;
  for (const std::string& field : JudgementFields()) {
    if (JudgementOf(judgements, field)->assessment() < v1::QUALIFICATION_ASSESSMENT_FAIR) {
      ++below_fair;
    }
  }
  const int score = QualificationScore(judgements);
  if (below_fair == 0 && score >= 15) return v1::OPPORTUNITY_CLASS_A;
  if (below_fair <= 1 && score >= 11) return v1::OPPORTUNITY_CLASS_B;
  if (score >= 6) return v1::OPPORTUNITY_CLASS_C;
  return v1::OPPORTUNITY_CLASS_D;
}

v1::OpportunityClass EffectiveOpportunityClass(v1::OpportunityClass derived,
                                               v1::OpportunityClass class_override) {
  return class_override == v1::OPPORTUNITY_CLASS_UNSPECIFIED ? derived : class_override;
}

std::string OpportunityClassName(v1::OpportunityClass opportunity_class) {
  switch (opportunity_class) {
    case v1::OPPORTUNITY_CLASS_A: return "A";
    case v1::OPPORTUNITY_CLASS_B: return "B";
    case v1::OPPORTUNITY_CLASS_C: return "C";
    case v1::OPPORTUNITY_CLASS_D: return "D";
    case v1::OPPORTUNITY_CLASS_UNSPECIFIED: return "UNSPECIFIED";
    default: return absl::StrCat("class ", static_cast<int>(opportunity_class));
  }
}

}  // namespace kam::interaction::opportunity
