// An in-memory SatisfactionStore for unit tests of the satisfaction
// handlers: unique create request ids, NOT_FOUND as the real store says it,
// and a switch that makes every call UNAVAILABLE like a database that is
// down. ListSurveys (filters) is not in the fake.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "services/interaction/satisfaction/satisfaction_store.h"
#include "services/interaction/shared/fake_outage.h"
#include "services/interaction/shared/fake_table.h"

namespace kam::interaction::satisfaction {

class FakeSatisfactionStore final : public SatisfactionStore, public FakeOutage {
 public:
  // How many responses are stored.
  int survey_count() const;

  absl::StatusOr<int64_t> NewSurveyId() override;
  absl::StatusOr<std::optional<common::CreatedByRequest<StoredSurvey>>> FindSurveyByRequest(
      const std::string& request_id) override;
  absl::StatusOr<common::InsertOutcome> InsertSurvey(const StoredSurvey& row,
                                                     const common::RequestKey& key) override;
  absl::StatusOr<StoredSurvey> GetSurvey(int64_t id) override;
  absl::StatusOr<std::vector<ScoreCount>> CountScores(const SurveyScope& scope) override;
  absl::StatusOr<common::Page<StoredSurvey>> ListSurveys(const common::FilterNode&,
                                                         const std::optional<common::PageCursor>&,
                                                         int) override {
    return absl::UnimplementedError("not in the fake");
  }

 private:
  mutable absl::Mutex mu_;
  FakeTable<StoredSurvey> surveys_ ABSL_GUARDED_BY(mu_){"survey response surveys/"};
  int64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
};

}  // namespace kam::interaction::satisfaction
