#include "services/interaction/satisfaction/fake_satisfaction_store.h"

#include "absl/strings/str_cat.h"

namespace kam::interaction::satisfaction {

void FakeSatisfactionStore::SetDown(bool down) {
  absl::MutexLock lock(&mu_);
  down_ = down;
}

int FakeSatisfactionStore::survey_count() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(surveys_.size());
}

absl::Status FakeSatisfactionStore::Answer() const {
  if (down_) return absl::UnavailableError("database unavailable (fake is down)");
  return absl::OkStatus();
}

absl::StatusOr<int64_t> FakeSatisfactionStore::NewSurveyId() {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = Answer(); !s.ok()) return s;
  return next_id_++;
}

absl::StatusOr<common::InsertOutcome> FakeSatisfactionStore::InsertSurvey(
    const StoredSurvey& row, const common::RequestKey& key) {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = Answer(); !s.ok()) return s;
  if (!key.id.empty()) {
    if (requests_.count(key.id) > 0) return common::InsertOutcome::kDuplicateRequest;
    requests_[key.id] = {row.id, key.hash};
  }
  surveys_[row.id] = row;
  return common::InsertOutcome::kInserted;
}

absl::StatusOr<StoredSurvey> FakeSatisfactionStore::GetSurvey(int64_t id) {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = Answer(); !s.ok()) return s;
  auto it = surveys_.find(id);
  if (it == surveys_.end()) {
    return absl::NotFoundError(absl::StrCat("survey response ", SurveyName(id), " not found"));
  }
  return it->second;
}

absl::StatusOr<std::optional<common::CreatedByRequest<StoredSurvey>>>
FakeSatisfactionStore::FindSurveyByRequest(const std::string& request_id) {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = Answer(); !s.ok()) return s;
  auto it = requests_.find(request_id);
  if (it == requests_.end()) return std::nullopt;
  return common::CreatedByRequest<StoredSurvey>{surveys_.at(it->second.first), it->second.second};
}

absl::StatusOr<std::vector<ScoreCount>> FakeSatisfactionStore::CountScores(
    const SurveyScope& scope) {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = Answer(); !s.ok()) return s;
  std::vector<ScoreCount> counts;
  for (const auto& [id, row] : surveys_) {
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
