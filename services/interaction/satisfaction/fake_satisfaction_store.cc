#include "services/interaction/satisfaction/fake_satisfaction_store.h"

#include "common/base/status_macros.h"

namespace kam::interaction::satisfaction {

int FakeSatisfactionStore::survey_count() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(surveys_.rows.size());
}

absl::StatusOr<int64_t> FakeSatisfactionStore::NewSurveyId() {
  absl::MutexLock lock(&mu_);
  KAM_RETURN_IF_ERROR(Reachable("database"));
  return next_id_++;
}

absl::StatusOr<common::InsertOutcome> FakeSatisfactionStore::InsertSurvey(
    const StoredSurvey& row, const common::RequestKey& key) {
  absl::MutexLock lock(&mu_);
  KAM_RETURN_IF_ERROR(Reachable("database"));
  return surveys_.Insert(row, key);
}

absl::StatusOr<StoredSurvey> FakeSatisfactionStore::GetSurvey(int64_t id) {
  absl::MutexLock lock(&mu_);
  KAM_RETURN_IF_ERROR(Reachable("database"));
  return surveys_.Get(id);
}

absl::StatusOr<std::optional<common::CreatedByRequest<StoredSurvey>>>
FakeSatisfactionStore::FindSurveyByRequest(const std::string& request_id) {
  absl::MutexLock lock(&mu_);
  KAM_RETURN_IF_ERROR(Reachable("database"));
  return surveys_.FindByRequest(request_id);
}

absl::StatusOr<std::vector<ScoreCount>> FakeSatisfactionStore::CountScores(
    const SurveyScope& scope) {
  absl::MutexLock lock(&mu_);
  KAM_RETURN_IF_ERROR(Reachable("database"));
  std::vector<ScoreCount> counts;
  for (const auto& [id, row] : surveys_.rows) {
    const bool in_scope =
        scope.case_id != 0 ? row.case_id == scope.case_id : row.account_id == scope.account_id;
    if (!in_scope || (scope.start && row.response_time < *scope.start) ||
        (scope.end && row.response_time >= *scope.end)) {
      continue;
    }
    counts.push_back({row.kind, row.score, 1});
  }
  return counts;
}

}  // namespace kam::interaction::satisfaction
