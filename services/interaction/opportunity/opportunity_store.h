// What the opportunity handlers need from storage (tables opportunities,
// opportunity_stage_moves and opportunity_stage_probabilities of
// migrations/0004_opportunities.sql), as two interfaces: OpportunityStore
// (reads on their own, ids, Transact) and OpportunityTx (the steps of one
// write transaction, composed by the handlers with the pure rules:
// opportunity_stages, opportunity_qualification). NewMySqlOpportunityStore
// (below) makes the real one; FakeOpportunityStore (fake_opportunity_store.h)
// stands in for it in handler unit tests. No SQL here.
//
// Every method returns a status: UNAVAILABLE when the database cannot be
// reached, NOT_FOUND "opportunity opportunities/7 not found" where the
// opportunity is missing.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/api/filter.h"
#include "common/api/idempotency.h"
#include "common/api/list_request.h"
#include "common/api/page_token.h"
#include "kam/interaction/v1/opportunity.pb.h"
#include "services/interaction/opportunity/opportunity_pipeline.h"
#include "services/interaction/shared/connection_pool_fwd.h"

namespace kam::interaction::opportunity {

// The stage probability table with its version (for the etag).
struct StoredStageProbabilities {
  StageProbabilityPercents percents{};
  int64_t version = 0;
  std::string update_actor;
  std::optional<absl::Time> update_time;
};

// Which open opportunities GetWeightedPipeline sums.
struct PipelineScope {
  int64_t account_id = 0;  // 0: every account
  // Set: only these accounts (a manager's, shared/narrowing.h); empty: none.
  std::optional<std::vector<int64_t>> account_ids;
  std::string owner;       // empty: every owner
  v1::OpportunityClass opportunity_class = v1::OPPORTUNITY_CLASS_UNSPECIFIED;  // all
};

// The probability table and the (stage, currency) sums of the OPEN, live
// opportunities in a scope, read in one snapshot.
struct PipelineSums {
  StoredStageProbabilities table;
  std::vector<PipelineGroup> groups;
};

// An opportunity row. `opportunity` has every field filled (name, etag,
// derived and effective class, all six judgements and milestones).
struct StoredOpportunity {
  int64_t id = 0;
  int64_t account_id = 0;
  int64_t version = 0;
  v1::Opportunity opportunity;
};

// A row of an opportunity's stage history (its name filled).
struct StoredStageMove {
  int64_t id = 0;
  v1::OpportunityStageMove move;
};

class OpportunityTx {
 public:
  virtual ~OpportunityTx() = default;

  // The opportunity, locked until the transaction ends. NOT_FOUND.
  virtual absl::StatusOr<StoredOpportunity> Lock(int64_t id) = 0;
  // Inserts a new opportunity; kDuplicateRequest (nothing written) when
  // key.id was used before.
  virtual absl::StatusOr<common::InsertOutcome> Insert(const StoredOpportunity& row,
                                                       const common::RequestKey& key) = 0;
  // Writes every mutable field of `row` (its version as given: the caller
  // increments it).
  virtual absl::Status Write(const StoredOpportunity& row) = 0;
  // Inserts a history row of the opportunity and fills its name.
  virtual absl::Status InsertMove(int64_t opportunity_id, v1::OpportunityStageMove* move) = 0;

  // The probability table, locked (the defaults at version 0 when it has no
  // row).
  virtual absl::StatusOr<StoredStageProbabilities> LockProbabilities() = 0;
  virtual absl::Status WriteProbabilities(const StoredStageProbabilities& table) = 0;
};

class OpportunityStore {
 public:
  virtual ~OpportunityStore() = default;

  // Runs `fn` in one transaction: all of its writes or none (the error of
  // `fn` or of the commit is returned). `fn` may run more than once (a
  // deadlock runs it again whole), so it must not keep state between runs.
  // `context` says what is done ("creating opportunity").
  virtual absl::Status Transact(absl::string_view context,
                                absl::FunctionRef<absl::Status(OpportunityTx&)> fn) = 0;

  // A fresh opportunity id.
  virtual absl::StatusOr<int64_t> NewOpportunityId() = 0;

  // NOT_FOUND when missing.
  virtual absl::StatusOr<StoredOpportunity> Get(int64_t id) = 0;
  // The opportunity `request_id` created, or nullopt.
  virtual absl::StatusOr<std::optional<common::CreatedByRequest<StoredOpportunity>>> FindByRequest(
      const std::string& request_id) = 0;
  // True if the opportunity exists (deleted or not).
  virtual absl::StatusOr<bool> Exists(int64_t id) = 0;

  // Opportunities matching `filter` (and not deleted unless `show_deleted`)
  // after `cursor` in id order, at most `limit`. INVALID_ARGUMENT for filter
  // fields, operators or values it cannot map.
  virtual absl::StatusOr<common::Page<StoredOpportunity>> List(
      const common::FilterNode& filter, bool show_deleted,
      const std::optional<common::PageCursor>& cursor, int limit) = 0;
  // History rows of an opportunity after `cursor`, oldest first.
  virtual absl::StatusOr<common::Page<StoredStageMove>> ListMoves(
      int64_t opportunity_id, const std::optional<common::PageCursor>& cursor, int limit) = 0;

  // The account id of agreement `agreement_id` (agreements/ area's table;
  // an opportunity may renew one of its account's agreements). NOT_FOUND
  // "<field> agreements/9 not found" when there is none.
  virtual absl::StatusOr<int64_t> AgreementAccount(absl::string_view field,
                                                   int64_t agreement_id) = 0;

  virtual absl::StatusOr<StoredStageProbabilities> GetProbabilities() = 0;
  // OUT_OF_RANGE when a sum does not fit in int64.
  virtual absl::StatusOr<PipelineSums> ReadPipeline(const PipelineScope& scope) = 0;
};

// The real store, over MySQL (mysql_opportunity_store.cc). `pool`
// outlives it.
std::unique_ptr<OpportunityStore> NewMySqlOpportunityStore(common::ConnectionPool* pool);

}  // namespace kam::interaction::opportunity
