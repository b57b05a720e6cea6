// All SQL of the opportunity pipeline (tables opportunities,
// opportunity_stage_moves and opportunity_stage_probabilities in
// kam_interaction). Prepared statements only; every value is bound, never
// spliced into the text.
//
// Reads run on their own (autocommit). Writes run in Transact(), whose
// OpportunityTx offers the row-level steps; the service composes them with
// the pure rules (opportunity_stages, opportunity_qualification). OpportunityTx
// methods throw sql::SQLException on database errors; Transact turns those
// into statuses (common/db/transaction.h) and rolls back.
#ifndef KAM_SERVICES_INTERACTION_OPPORTUNITY_OPPORTUNITY_STORE_H_
#define KAM_SERVICES_INTERACTION_OPPORTUNITY_OPPORTUNITY_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/api/filter.h"
#include "common/api/page_token.h"
#include "common/db/id_allocator.h"
#include "common/db/mysql_pool.h"
#include "kam/interaction/v1/opportunity.pb.h"
#include "services/interaction/opportunity/opportunity_pipeline.h"

namespace kam::interaction {

// An opportunity row. `opportunity` has every field filled (name, etag,
// derived and effective class, all six judgements and milestones).
struct StoredOpportunity {
  int64_t id = 0;
  int64_t account_id = 0;
  int64_t version = 0;
  v1::Opportunity opportunity;
};

// A row found by its create request id, with the fingerprint of the request
// that created it.
struct OpportunityByRequest {
  StoredOpportunity row;
  std::string request_hash;
};

// The stage probability table with its version (for the etag).
struct StoredStageProbabilities {
  StageProbabilityPercents percents{};
  int64_t version = 0;
  std::string update_actor;
  std::optional<absl::Time> update_time;
};

// One page of a listing: at most `limit` rows, and whether more follow.
template <typename Row>
struct OpportunityPage {
  std::vector<Row> rows;
  bool more = false;
};

// Which open opportunities GetWeightedPipeline sums.
struct PipelineScope {
  int64_t account_id = 0;  // 0: every account
  std::string owner;       // empty: every owner
  v1::OpportunityClass opportunity_class = v1::OPPORTUNITY_CLASS_UNSPECIFIED;  // all
};

class OpportunityStore;

class OpportunityTx {
 public:
  OpportunityTx(common::SqlConnection& connection, OpportunityStore& store)
      : connection_(connection), store_(store) {}

  // The opportunity, locked until the transaction ends. NOT_FOUND.
  absl::StatusOr<StoredOpportunity> Lock(int64_t id);
  // Inserts a new opportunity. True when inserted; false when `request_id`
  // was used before (nothing inserted).
  absl::StatusOr<bool> Insert(const StoredOpportunity& row, const std::string& request_id,
                              const std::string& request_hash);
  // Writes every mutable column of `row` (its version as given: the caller
  // increments it).
  void Write(const StoredOpportunity& row);
  // Inserts a history row and fills its name.
  absl::Status InsertMove(int64_t opportunity_id, v1::OpportunityStageMove* move);

  // The probability table, locked.
  StoredStageProbabilities LockProbabilities();
  void WriteProbabilities(const StoredStageProbabilities& table);

 private:
  common::SqlConnection& connection_;
  OpportunityStore& store_;
};

class OpportunityStore {
 public:
  explicit OpportunityStore(common::ConnectionPool* pool);

  // Runs `fn` in one transaction (see common::RunInTransaction: retried
  // whole on deadlock).
  absl::Status Transact(absl::string_view context,
                        const std::function<absl::Status(OpportunityTx&)>& fn);

  // A fresh opportunity id (common/db/id_allocator.h).
  absl::StatusOr<int64_t> NewOpportunityId() { return opportunity_ids_.Next(); }

  // NOT_FOUND "opportunity opportunities/7 not found".
  absl::StatusOr<StoredOpportunity> Get(int64_t id);
  // NOT_FOUND when no opportunity was created with `request_id`.
  absl::StatusOr<OpportunityByRequest> FindByRequest(const std::string& request_id);

  // Opportunities matching `filter` after `cursor` in id order, at most
  // `limit`. INVALID_ARGUMENT for filter fields, operators or values it
  // cannot map.
  absl::StatusOr<OpportunityPage<StoredOpportunity>> List(
      const common::FilterNode& filter, bool show_deleted,
      const std::optional<common::PageCursor>& cursor, int limit);

  // History rows of an opportunity after `cursor`, oldest first.
  absl::StatusOr<OpportunityPage<v1::OpportunityStageMove>> ListMoves(
      int64_t opportunity_id, const std::optional<common::PageCursor>& cursor, int limit);
  // The id in a history row's name.
  static int64_t MoveId(const v1::OpportunityStageMove& move);

  // True if the opportunity exists (deleted or not).
  absl::StatusOr<bool> Exists(int64_t id);

  absl::StatusOr<StoredStageProbabilities> GetProbabilities();
  // The probability table and the (stage, currency) sums of the OPEN, live
  // opportunities in `scope`, read in one snapshot.
  absl::Status ReadPipeline(const PipelineScope& scope, StoredStageProbabilities* table,
                            std::vector<PipelineGroup>* groups);

 private:
  friend class OpportunityTx;
  common::ConnectionPool* pool_;
  common::IdAllocator opportunity_ids_;
  common::IdAllocator move_ids_;
};

}  // namespace kam::interaction

#endif  // KAM_SERVICES_INTERACTION_OPPORTUNITY_OPPORTUNITY_STORE_H_
