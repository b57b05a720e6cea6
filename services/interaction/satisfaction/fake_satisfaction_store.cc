#include "services/interaction/satisfaction/fake_satisfaction_store.h"

namespace kam::interaction::satisfaction {

absl::StatusOr<common::InsertOutcome> FakeSatisfactionStore::InsertSurvey(
    const StoredSurvey& row, const common::RequestKey& key) {
  return db_.Change<common::InsertOutcome>(
      "inserting a survey response", [&](Data& data) -> absl::StatusOr<common::InsertOutcome> {
        return data.surveys.Insert(row, key);
      });
}

absl::StatusOr<std::vector<ScoreCount>> FakeSatisfactionStore::CountScores(
    const SurveyScope& scope) {
  return db_.Read<std::vector<ScoreCount>>("counting survey scores", [&](const Data& data) {
    std::vector<ScoreCount> counts;
    for (const auto& [id, row] : data.surveys.rows) {
      const bool in_scope =
          scope.case_id != 0 ? row.case_id == scope.case_id : row.account_id == scope.account_id;
      if (!in_scope || (scope.start && row.response_time < *scope.start) ||
          (scope.end && row.response_time >= *scope.end)) {
        continue;
      }
      counts.push_back({row.kind, row.score, 1});
    }
    return counts;
  });
}

}  // namespace kam::interaction::satisfaction
