// The satisfaction store on MySQL (table survey_responses of schema
// kam_interaction): the only SQL of survey responses. Prepared statements
// only; every value is bound.
#ifndef KAM_SERVICES_INTERACTION_SATISFACTION_MYSQL_SATISFACTION_STORE_H_
#define KAM_SERVICES_INTERACTION_SATISFACTION_MYSQL_SATISFACTION_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "common/db/id_allocator.h"
#include "common/db/mysql_pool.h"
#include "services/interaction/satisfaction/satisfaction_store.h"

namespace kam::interaction::satisfaction {

class MySqlSatisfactionStore final : public SatisfactionStore {
 public:
  explicit MySqlSatisfactionStore(common::ConnectionPool* pool);

  absl::StatusOr<int64_t> NewSurveyId() override { return survey_ids_.Next(); }
  absl::StatusOr<common::InsertOutcome> InsertSurvey(const StoredSurvey& row,
                                                     const common::RequestKey& key) override;
  absl::StatusOr<StoredSurvey> GetSurvey(int64_t id) override;
  absl::StatusOr<std::optional<common::CreatedByRequest<StoredSurvey>>> FindSurveyByRequest(
      const std::string& request_id) override;
  absl::StatusOr<common::Page<StoredSurvey>> ListSurveys(
      const common::FilterNode& filter, const std::optional<common::PageCursor>& cursor,
      int limit) override;
  absl::StatusOr<std::vector<ScoreCount>> CountScores(const SurveyScope& scope) override;

 private:
  common::ConnectionPool* pool_;
  common::IdAllocator survey_ids_;
};

}  // namespace kam::interaction::satisfaction

#endif  // KAM_SERVICES_INTERACTION_SATISFACTION_MYSQL_SATISFACTION_STORE_H_
