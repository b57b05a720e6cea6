// All SQL of satisfaction surveys (table survey_responses, migration
// 0002_cases.sql). Prepared statements only; every value is bound.
#ifndef KAM_SERVICES_INTERACTION_SATISFACTION_SURVEY_STORE_H_
#define KAM_SERVICES_INTERACTION_SATISFACTION_SURVEY_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/api/filter.h"
#include "common/api/page_token.h"
#include "common/db/id_allocator.h"
#include "common/db/mysql_pool.h"
#include "kam/interaction/v1/satisfaction.pb.h"
#include "services/interaction/cases/case_store.h"
#include "services/interaction/satisfaction/satisfaction.h"

namespace kam::interaction::cases {

struct StoredSurvey {
  int64_t id = 0;
  int64_t account_id = 0;
  int64_t case_id = 0;     // 0: none
  int64_t contact_id = 0;  // 0: none
  v1::SurveyKind kind = v1::SURVEY_KIND_UNSPECIFIED;
  int score = 0;
  std::string comment;
  absl::Time response_time;
  absl::Time create_time;
};

// "surveys/{id}".
std::string SurveyName(int64_t id);

// Whose responses a summary covers: one account or one case, in
// [start, end) of response_time (either end open when unset).
struct SurveyScope {
  int64_t account_id = 0;
  int64_t case_id = 0;
  std::optional<absl::Time> start;
  std::optional<absl::Time> end;
};

class SurveyStore {
 public:
  explicit SurveyStore(common::ConnectionPool* pool);

  absl::StatusOr<int64_t> NewSurveyId() { return survey_ids_.Next(); }

  // One INSERT (atomic on its own). kDuplicateRequest when the request id
  // was used before.
  absl::StatusOr<InsertOutcome> InsertSurvey(const StoredSurvey& row, const std::string& request_id,
                                             const std::string& request_hash);
  absl::StatusOr<StoredSurvey> GetSurvey(int64_t id);
  // NOT_FOUND when no response was created with `request_id`.
  absl::StatusOr<CreatedByRequest<StoredSurvey>> FindSurveyByRequest(const std::string& request_id);

  // Responses matching `filter` after `cursor` in id order, at most `limit`.
  // INVALID_ARGUMENT for filter fields, operators or values it cannot map.
  absl::StatusOr<Page<StoredSurvey>> ListSurveys(const common::FilterNode& filter,
                                                 const std::optional<common::PageCursor>& cursor,
                                                 int limit);

  // How many responses of each kind gave each score, within `scope`.
  absl::StatusOr<std::vector<ScoreCount>> CountScores(const SurveyScope& scope);

 private:
  common::ConnectionPool* pool_;
  common::IdAllocator survey_ids_;
};

}  // namespace kam::interaction::cases

#endif  // KAM_SERVICES_INTERACTION_SATISFACTION_SURVEY_STORE_H_
