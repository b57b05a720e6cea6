// What the satisfaction area stores: survey responses (table
// survey_responses, migration 0002_cases.sql). The row and the interface
// SatisfactionStore; NewMySqlSatisfactionStore (below) makes the real one,
// FakeSatisfactionStore (fake_satisfaction_store.h) stands in for it in unit
// tests. Every method returns a status: UNAVAILABLE when the database cannot
// be reached, NOT_FOUND as each says.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/api/filter.h"
#include "common/api/idempotency.h"
#include "common/api/list_request.h"
#include "common/api/page_token.h"
#include "kam/interaction/v1/satisfaction.pb.h"
#include "services/interaction/satisfaction/satisfaction_scores.h"
#include "services/interaction/shared/connection_pool_fwd.h"

namespace kam::interaction::satisfaction {

// A survey response row: the answer, then whose it is.
struct StoredSurvey {
  int64_t id = 0;
  v1::SurveyKind kind = v1::SURVEY_KIND_UNSPECIFIED;
  int score = 0;
  std::string comment;
  int64_t account_id = 0;
  int64_t case_id = 0;     // 0: none
  int64_t contact_id = 0;  // 0: none
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

class SatisfactionStore {
 public:
  virtual ~SatisfactionStore() = default;

  virtual absl::StatusOr<int64_t> NewSurveyId() = 0;

  // One INSERT (atomic on its own). kDuplicateRequest (and nothing written)
  // when key.id was used before.
  virtual absl::StatusOr<common::InsertOutcome> InsertSurvey(const StoredSurvey& row,
                                                             const common::RequestKey& key) = 0;
  // NOT_FOUND "survey response surveys/{id} not found".
  virtual absl::StatusOr<StoredSurvey> GetSurvey(int64_t id) = 0;
  // The response created with `request_id` and that request's hash; nullopt
  // when there is none.
  virtual absl::StatusOr<std::optional<common::CreatedByRequest<StoredSurvey>>> FindSurveyByRequest(
      const std::string& request_id) = 0;

  // Responses matching `filter` after `cursor` in id order, at most `limit`
  // (and whether more follow). INVALID_ARGUMENT for filter fields, operators
  // or values it cannot map.
  virtual absl::StatusOr<common::Page<StoredSurvey>> ListSurveys(
      const common::FilterNode& filter, const std::optional<common::PageCursor>& cursor,
      int limit) = 0;

  // How many responses of each kind gave each score, within `scope`.
  virtual absl::StatusOr<std::vector<ScoreCount>> CountScores(const SurveyScope& scope) = 0;
};

// The real store, over MySQL (mysql_satisfaction_store.cc). `pool`
// outlives it.
std::unique_ptr<SatisfactionStore> NewMySqlSatisfactionStore(common::ConnectionPool* pool);

}  // namespace kam::interaction::satisfaction
