// The six qualifying judgements of an opportunity and the A/B/C/D class they
// give (docs/domain.md §6: an opportunity is judged on need, schedule, budget,
// competition, decision process and evaluation priorities, and classed
// A/B/C/D like the customer). Pure: no I/O.
//
// The class rule: each judgement scores its assessment's number (not
// assessed 0, WEAK 1, FAIR 2, STRONG 3) and the six scores are summed (0 to
// 18).
//   A: every judgement at least FAIR, and a score of at least 15
//   B: a score of at least 11, with at most one judgement below FAIR
//   C: a score of at least 6
//   D: everything else (a new, unqualified opportunity is D)
// Why: A and B must rest on knowledge of the whole deal, not on a few strong
// points hiding an unknown budget or decision process; C is a deal half
// understood; D has not been qualified.
// A caller may override the class (class_override); the class in effect is
// the override when set, else the derived class.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "kam/interaction/v1/opportunity.pb.h"

namespace kam::interaction::opportunity {

inline constexpr size_t kMaxOpportunityNote = 1000;

// The judgement fields of OpportunityJudgements, in order: "need",
// "schedule", "budget", "competition", "decision_process",
// "evaluation_priorities".
const std::vector<std::string>& JudgementFields();

// The judgement named by one of JudgementFields() (null for another name).
const v1::OpportunityJudgement* JudgementOf(const v1::OpportunityJudgements& judgements,
                                            absl::string_view field);
v1::OpportunityJudgement* MutableJudgementOf(v1::OpportunityJudgements* judgements,
                                             absl::string_view field);

// Each assessment a known value and each note at most 1000 characters.
// INVALID_ARGUMENT naming "<prefix>.<question>.assessment" or ".note".
absl::Status ValidateJudgements(absl::string_view prefix,
                                const v1::OpportunityJudgements& judgements);

// The sum of the six scores, 0 to 18.
int QualificationScore(const v1::OpportunityJudgements& judgements);

// The class the judgements give, by the rule above.
v1::OpportunityClass DeriveOpportunityClass(const v1::OpportunityJudgements& judgements);

// `class_override` when set, else `derived`.
v1::OpportunityClass EffectiveOpportunityClass(v1::OpportunityClass derived,
                                               v1::OpportunityClass class_override);

// "A" for OPPORTUNITY_CLASS_A.
std::string OpportunityClassName(v1::OpportunityClass opportunity_class);

}  // namespace kam::interaction::opportunity
