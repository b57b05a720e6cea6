// An in-memory SatisfactionStore for unit tests of the satisfaction
// handlers: unique create request ids, NOT_FOUND as the real store says it,
// and a switch that makes every call UNAVAILABLE like a database that is
// down. ListSurveys (filters) is not in the fake.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/testing/fake_database.h"
#include "services/interaction/satisfaction/satisfaction_store.h"
#include "services/interaction/shared/fake_rows.h"

namespace kam::interaction::satisfaction {

class FakeSatisfactionStore final : public SatisfactionStore {
 public:
  // While down, every call is UNAVAILABLE.
  void SetDown(bool down) { db_.SetDown(down); }
  // How many responses are stored.
  int survey_count() const { return static_cast<int>(db_.Snapshot().surveys.rows.size()); }

  absl::StatusOr<int64_t> NewSurveyId() override {
    return db_.NewId("allocating a survey response id");
  }
  absl::StatusOr<std::optional<common::CreatedByRequest<StoredSurvey>>> FindSurveyByRequest(
      const std::string& request_id) override {
    return ReadRowByRequest(db_, &Data::surveys, request_id);
  }
  absl::StatusOr<common::InsertOutcome> InsertSurvey(const StoredSurvey& row,
                                                     const common::RequestKey& key) override;
  absl::StatusOr<StoredSurvey> GetSurvey(int64_t id) override {
    return ReadRow(db_, &Data::surveys, id);
  }
  absl::StatusOr<std::vector<ScoreCount>> CountScores(const SurveyScope& scope) override;
  absl::StatusOr<common::Page<StoredSurvey>> ListSurveys(const common::FilterNode&,
                                                         const std::optional<common::PageCursor>&,
                                                         int) override {
    return absl::UnimplementedError("not in the fake");
  }

 private:
  struct Data {
    common::testing::FakeTable<StoredSurvey> surveys{"survey response surveys/"};
  };
  common::testing::FakeDatabase<Data> db_;
};

}  // namespace kam::interaction::satisfaction
